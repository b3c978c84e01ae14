/**
 * `npm run reports -- rebuild | check`: the report totals recomputed from the records (every claim, every
 * household), page by page, and compared with what the store holds, shard by shard. An offline tool: it scans
 * (no person waits on it). `rebuild` then sets each differing counter to its recomputed value, conditional on the
 * value it read, so a move that commits while it runs is never overwritten (that counter is left for the next
 * run); run it while nothing moves and `check` afterwards says whether the totals agree. The rebuild also writes the list index key `schemeCounty`
 * on claims stored before it existed (claims-repo.ts schemeCountyOf).
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { addInto, claimContribution, householdContribution, type Counters } from '#core/report-aggregates.js';
import { schemes } from './catalogue.js';
import { documentClient, tableName } from './aws.js';
import { scanPages } from './query-all.js';
import { claimFacts, REPORT_KEY_PREFIX, reportItemKey, shardOf, storedShardCounters } from './report-aggregates.js';
import { parseStoredClaim } from './claims-repo.js';
import { schemeCountyOf } from './claim-keys-repo.js';
import { storedHousehold } from './household-record.js';

export interface ReportDifference {
  readonly key: string;
  readonly counter: string;
  readonly stored: number;
  readonly recomputed: number;
}
export interface RecomputeResult {
  readonly claims: number;
  readonly households: number;
  readonly differences: readonly ReportDifference[];
  /** Shard items written (rebuild only). */
  readonly written: number;
  /** Claims given their missing schemeCounty (rebuild only). */
  readonly backfilled: number;
}

/** Recomputes every shard from the records; with `write`, brings the stored shards to those figures. */
export async function recomputeReportTotals(opts: {
  write: boolean;
  progress?: (line: string) => void;
  pageSize?: number;
}): Promise<RecomputeResult> {
  const progress = opts.progress ?? (() => {});
  const Limit = opts.pageSize ?? 1000;
  const recomputed = new Map<string, Counters>();
  const into = (pk: string, c: Counters) => {
    let counters = recomputed.get(pk);
    if (!counters) recomputed.set(pk, (counters = {}));
    addInto(counters, c);
  };
  let claims = 0;
  let backfilled = 0;
  await scanPages({ TableName: tableName('claims'), Limit }, async (items) => {
    for (const item of items) {
      const c = parseStoredClaim(item);
      const facts = claimFacts(c);
      into(
        reportItemKey(c.schemeId, facts.incidentDate.slice(0, 4), shardOf(c.claimId)),
        claimContribution(facts, schemes().get(c.schemeId)?.holidays ?? []),
      );
      const schemeCounty = schemeCountyOf(c.schemeId, c.county);
      if (opts.write && schemeCounty && c.schemeCounty !== schemeCounty && (await backfillSchemeCounty(c.claimId, c.county as string, schemeCounty)))
        backfilled++;
    }
    claims += items.length;
    progress(`claims read: ${claims}`);
  });
  let households = 0;
  await scanPages({ TableName: tableName('registry'), Limit }, (items) => {
    for (const item of items) {
      const h = storedHousehold(item, String(item.householdId));
      const scheme = schemes().get(h.schemeId);
      if (!scheme) continue;
      for (const { year, counters } of householdContribution(h, scheme)) into(reportItemKey(h.schemeId, year, shardOf(h.householdId)), counters);
    }
    households += items.length;
    progress(`households read: ${households}`);
  });
  const stored = new Map<string, Counters>();
  await scanPages(
    { TableName: tableName('reports'), Limit, FilterExpression: 'begins_with(pk, :p)', ExpressionAttributeValues: { ':p': REPORT_KEY_PREFIX } },
    (items) => {
      for (const item of items) stored.set(String(item.pk), storedShardCounters(item));
    },
  );
  const differences: ReportDifference[] = [];
  let written = 0;
  for (const key of [...new Set([...recomputed.keys(), ...stored.keys()])].sort()) {
    const want = recomputed.get(key) ?? {};
    const have = stored.get(key) ?? {};
    const delta: Counters = {};
    for (const counter of [...new Set([...Object.keys(want), ...Object.keys(have)])].sort()) {
      const d = (want[counter] ?? 0) - (have[counter] ?? 0);
      if (d === 0) continue;
      delta[counter] = d;
      differences.push({ key, counter, stored: have[counter] ?? 0, recomputed: want[counter] ?? 0 });
    }
    if (opts.write && Object.keys(delta).length > 0) {
      await setShard(key, delta, have);
      written++;
    }
  }
  progress(`compared ${recomputed.size} recomputed and ${stored.size} stored report items: ${differences.length} differences`);
  return { claims, households, differences, written, backfilled };
}

/** Sums a shard-level difference list per scheme and year (what the check prints). */
export function differencesBySchemeYear(
  differences: readonly ReportDifference[],
): Array<{ schemeYear: string; counter: string; stored: number; recomputed: number }> {
  const sums = new Map<string, { schemeYear: string; counter: string; stored: number; recomputed: number }>();
  for (const d of differences) {
    const schemeYear = d.key.slice(REPORT_KEY_PREFIX.length).replace(/#\d+$/, '');
    const k = `${schemeYear} ${d.counter}`;
    const s = sums.get(k) ?? { schemeYear, counter: d.counter, stored: 0, recomputed: 0 };
    s.stored += d.stored;
    s.recomputed += d.recomputed;
    sums.set(k, s);
  }
  return [...sums.values()].filter((s) => s.stored !== s.recomputed);
}

/**
 * Sets the differing counters of one shard to their recomputed values, each write conditional on the values it
 * read (20 counters a write, to keep expressions short). A SET, not an ADD: a write the SDK sends again after a
 * lost answer finds its condition false and changes nothing, and a claim move that committed since the read makes
 * the condition false too (that shard is left as it is; the next check says whether it differs).
 */
async function setShard(pk: string, delta: Counters, stored: Counters): Promise<void> {
  const counters = Object.keys(delta);
  for (let i = 0; i < counters.length; i += 20) {
    const names: Record<string, string> = {};
    const values: Record<string, number> = {};
    const sets: string[] = [];
    const conditions: string[] = [];
    counters.slice(i, i + 20).forEach((k, j) => {
      const was = stored[k] ?? 0;
      names[`#c${j}`] = k;
      values[`:n${j}`] = was + (delta[k] ?? 0);
      values[`:o${j}`] = was;
      sets.push(`#c${j} = :n${j}`);
      conditions.push(was === 0 ? `(attribute_not_exists(#c${j}) OR #c${j} = :o${j})` : `#c${j} = :o${j}`);
    });
    try {
      await documentClient().send(
        new UpdateCommand({
          TableName: tableName('reports'),
          Key: { pk },
          UpdateExpression: `SET ${sets.join(', ')}`,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
      );
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
    }
  }
}

/** Writes the index key of a claim stored before bySchemeCounty existed, if its county is still the one read. */
async function backfillSchemeCounty(claimId: string, county: string, schemeCounty: string): Promise<boolean> {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: tableName('claims'),
        Key: { claimId },
        UpdateExpression: 'SET schemeCounty = :k',
        ConditionExpression: 'county = :c',
        ExpressionAttributeValues: { ':k': schemeCounty, ':c': county },
      }),
    );
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false;
    throw err;
  }
}
