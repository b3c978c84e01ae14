/**
 * `npm run reports -- rebuild`: recomputes the report totals from every claim and household (paged, a progress
 * line per page) and brings the stored totals to them; also writes the list index keys of items stored before
 * their indexes existed (claims' schemeCounty; functions/shared/list-keys-backfill.ts for feeds, samples,
 * settlements and households), so every list shows them.
 * `npm run reports -- check`: recomputes and prints every difference with the stored totals, and every item
 * without its list index key (exit 1 if any).
 * The store: AWS_ENDPOINT_URL_DYNAMODB (the embedded server prints its DynamoDB endpoint; unset on AWS) and the
 * table names from CLAIMS_TABLE, REGISTRY_TABLE, ACCUMULATORS_TABLE (default: the embedded server's tables).
 */
import { tableNamesEnv } from './create-tables.js';
import { optionalWiring } from '../functions/shared/config.js';
import { differencesBySchemeYear, recomputeReportTotals } from '../functions/shared/report-rebuild.js';
import { backfillListKeys } from '../functions/shared/list-keys-backfill.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const command = process.argv[2];
if (command !== 'rebuild' && command !== 'check') {
  console.error('usage: npm run reports -- rebuild | check');
  process.exit(2);
}
for (const [k, v] of Object.entries(tableNamesEnv('fangpin-'))) process.env[k] ??= v;
if (optionalWiring('AWS_ENDPOINT_URL_DYNAMODB')) {
  process.env.AWS_REGION ??= 'us-east-1';
  process.env.AWS_ACCESS_KEY_ID ??= 'local';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'local';
}
const result = await recomputeReportTotals({ write: command === 'rebuild', progress: (l) => console.error(`reports: ${l}`) });
const diffs = differencesBySchemeYear(result.differences);
for (const d of diffs)
  console.log(`${command === 'rebuild' ? 'corrected' : 'differs'}: ${d.schemeYear} ${d.counter} stored ${d.stored} recomputed ${d.recomputed}`);
console.log(
  `reports: ${result.claims} claims, ${result.households} households, ${diffs.length} differing figures${command === 'rebuild' ? `, ${result.written} items written, ${result.backfilled} claims given schemeCounty` : ''}`,
);
const listKeys = await backfillListKeys({ write: command === 'rebuild', progress: (l) => console.error(`reports: ${l}`) });
const unlisted = listKeys.reduce((n, b) => n + b.missing - b.written, 0);
console.log(
  `reports: list index keys: ${listKeys.map((b) => `${b.what} ${command === 'rebuild' ? `${b.written}/${b.missing} given ${b.key}` : `${b.missing} without ${b.key}`}`).join(', ')}`,
);
process.exit(command === 'check' && (diffs.length > 0 || unlisted > 0) ? 1 : 0);
