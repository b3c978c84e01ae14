/**
 * `npm run replay -- --scheme FILE --claims FILE`: re-decides a year's claims under a changed scheme file and
 * prints the difference in totals by product and county against the scheme in the catalogue.
 * `npm run replay -- --generate N --out FILE`: writes a synthetic year of N Xiaogan claims to try it on.
 * `npm run replay -- export --out FILE [--scheme-id ID] [--year YYYY]`: writes that file from a running server
 *   (FANGPIN_URL, FANGPIN_TOKEN: an auditor or admin token).
 * The claims file is JSON lines, each { "household": <registry entry> } or { "claim": <claim submission> } (a line
 * may carry both). Each household is listed once, anywhere in the file; its claims find it by householdId.
 */
import { readFileSync } from 'node:fs';
import { parseScheme, prepareReplay, replay, type ReplayTotals } from '../core/index.js';
import { loadReplayFile, writeSyntheticYear } from './replay-file.js';
import { schemes } from '../functions/shared/catalogue.js';
import { exportClaims } from './claims-export.js';

const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};

function usage(): never {
  console.error(
    'usage: npm run replay -- --scheme FILE --claims FILE\n       npm run replay -- export --out FILE [--scheme-id ID] [--year YYYY]\n       npm run replay -- --generate N --out FILE',
  );
  process.exit(2);
}

function diff(title: string, base: Record<string, { claims: number; payout: number }>, next: Record<string, { claims: number; payout: number }>) {
  console.log(
    `\n${title.padEnd(16)} ${'claims'.padStart(9)} ${'baseline fen'.padStart(16)} ${'what-if fen'.padStart(16)} ${'difference'.padStart(16)}`,
  );
  for (const key of [...new Set([...Object.keys(base), ...Object.keys(next)])].sort()) {
    const b = base[key]?.payout ?? 0;
    const n = next[key]?.payout ?? 0;
    console.log(
      `${key.padEnd(16)} ${String(next[key]?.claims ?? base[key]?.claims ?? 0).padStart(9)} ${b.toLocaleString('en-US').padStart(16)} ${n.toLocaleString('en-US').padStart(16)} ${(n - b >= 0 ? '+' : '') + (n - b).toLocaleString('en-US')}`.padEnd(
        0,
      ),
    );
  }
}

if (args[0] === 'export') {
  const out = opt('out');
  const year = opt('year') === undefined ? undefined : Number(opt('year'));
  if (!out || (year !== undefined && !Number.isInteger(year))) usage();
  try {
    const n = await exportClaims(out, { schemeId: opt('scheme-id'), year }, (line) => process.stderr.write(`\r${line}`));
    process.stderr.write('\n');
    console.log(`wrote ${n} claims to ${out}`);
  } catch (err) {
    console.error(`\nfangpin replay export: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
} else if (opt('generate')) {
  const n = Number(opt('generate'));
  const out = opt('out');
  if (!Number.isInteger(n) || n < 1 || !out) usage();
  await writeSyntheticYear(n, out);
  console.log(`wrote ${n} claims to ${out}`);
} else {
  const schemeFile = opt('scheme');
  const claimsFile = opt('claims');
  if (!schemeFile || !claimsFile) usage();
  const whatIf = parseScheme(JSON.parse(readFileSync(schemeFile, 'utf8')), `scheme file ${schemeFile}`);
  const baseline = schemes().get(whatIf.schemeId);
  if (!baseline) throw new Error(`no scheme ${whatIf.schemeId} in the catalogue to compare with`);
  const t0 = performance.now();
  const prepared = prepareReplay(loadReplayFile(claimsFile));
  const t1 = performance.now();
  const before: ReplayTotals = replay(prepared, baseline);
  const t2 = performance.now();
  const after: ReplayTotals = replay(prepared, whatIf);
  const t3 = performance.now();
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const n = prepared.items.length;
  console.log(
    `${n.toLocaleString('en-US')} claims: read and validated in ${s(t1 - t0)}; replayed under the catalogue's scheme in ${s(t2 - t1)} and under ${schemeFile} in ${s(t3 - t2)} (${Math.round(n / ((t3 - t2) / 1000)).toLocaleString('en-US')} claims/s); ${s(t3 - t0)} in all`,
  );
  console.log(
    `total paid: baseline ${before.paid.toLocaleString('en-US')} fen, what-if ${after.paid.toLocaleString('en-US')} fen, difference ${(after.paid - before.paid).toLocaleString('en-US')} fen`,
  );
  diff('product', before.byProduct, after.byProduct);
  diff('county', before.byCounty, after.byCounty);
}
