/**
 * `npm run replay -- --scheme FILE --claims FILE`: re-decides a year's claims under a changed scheme file and
 * prints the difference in totals by product and county against the scheme in the catalogue.
 * `npm run replay -- --generate N --out FILE`: writes a synthetic year of N Xiaogan claims to try it on.
 * The claims file is JSON lines: { "claim": <claim submission>, "household": <registry entry> }.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { ClaimSubmission, parseScheme, replay, type Household, type ReplayItem, type ReplayTotals } from '../core/index.js';
import { schemes } from '../core/catalogue.js';

const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};

function usage(): never {
  console.error('usage: npm run replay -- --scheme FILE --claims FILE\n       npm run replay -- --generate N --out FILE');
  process.exit(2);
}

async function generate(n: number, out: string): Promise<void> {
  const counties = ['420922', '420921', '420902', '420981', '420982'];
  const stream = createWriteStream(out);
  let x = 42;
  const rnd = (m: number) => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return (x >>> 8) % m; // the low bits of this generator cycle quickly
  };
  for (let i = 0; i < n; i++) {
    const h = i % Math.max(1, Math.floor(n / 4));
    const household = {
      householdId: `H-${h}`,
      schemeId: 'xiaogan-2024',
      county: counties[h % counties.length],
      category: 'LIFTED_OUT',
      verifiedYear: 2024,
      exitedOn: null,
      members: [{ personId: `P-${h}` }],
      enrollment: { products: ['MEDICAL', 'EDUCATION', 'DISASTER'], start: '2024-01-01', end: '2024-12-31', insured: {} },
    };
    const month = String(1 + (i % 12)).padStart(2, '0');
    const base = { schemeId: 'xiaogan-2024', householdId: household.householdId, personId: `P-${h}`, incidentDate: `2024-${month}-15` };
    const kind = rnd(10);
    const claim =
      kind < 7
        ? { ...base, product: 'MEDICAL', details: { hospitalCode: 'HOSP', invoiceNo: `I-${i}`, totalCost: 100_000 + rnd(3_000_000) } }
        : kind < 9
          ? { ...base, product: 'EDUCATION', details: { stage: 'PRIMARY', expense: rnd(500_000) } }
          : { ...base, product: 'DISASTER', details: { cause: 'FLOOD', damage: 'PARTIAL', assessedLoss: rnd(3_000_000) } };
    if (!stream.write(`${JSON.stringify({ claim, household })}\n`)) await new Promise<void>((r) => stream.once('drain', () => r()));
  }
  await new Promise<void>((r) => stream.end(() => r()));
  console.log(`wrote ${n} claims to ${out}`);
}

function load(file: string): ReplayItem[] {
  const items: ReplayItem[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const row = JSON.parse(line) as { claim: unknown; household?: Household };
    const parsed = ClaimSubmission.safeParse(row.claim);
    if (!parsed.success) throw new Error(`${file}:${i + 1}: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
    items.push({ claim: parsed.data, household: row.household });
  });
  // Decided in incident order (stable for the same day: file order).
  return items.sort((a, b) => (a.claim.incidentDate < b.claim.incidentDate ? -1 : a.claim.incidentDate > b.claim.incidentDate ? 1 : 0));
}

function diff(title: string, base: Record<string, { claims: number; payout: number }>, next: Record<string, { claims: number; payout: number }>) {
  console.log(`\n${title.padEnd(16)} ${'claims'.padStart(9)} ${'baseline fen'.padStart(16)} ${'what-if fen'.padStart(16)} ${'difference'.padStart(16)}`);
  for (const key of [...new Set([...Object.keys(base), ...Object.keys(next)])].sort()) {
    const b = base[key]?.payout ?? 0;
    const n = next[key]?.payout ?? 0;
    console.log(`${key.padEnd(16)} ${String(next[key]?.claims ?? base[key]?.claims ?? 0).padStart(9)} ${b.toLocaleString('en-US').padStart(16)} ${n.toLocaleString('en-US').padStart(16)} ${(n - b >= 0 ? '+' : '') + (n - b).toLocaleString('en-US')}`.padEnd(0));
  }
}

if (opt('generate')) {
  const n = Number(opt('generate'));
  const out = opt('out');
  if (!Number.isInteger(n) || n < 1 || !out) usage();
  await generate(n, out);
} else {
  const schemeFile = opt('scheme');
  const claimsFile = opt('claims');
  if (!schemeFile || !claimsFile) usage();
  const whatIf = parseScheme(JSON.parse(readFileSync(schemeFile, 'utf8')), `scheme file ${schemeFile}`);
  const baseline = schemes().get(whatIf.schemeId);
  if (!baseline) throw new Error(`no scheme ${whatIf.schemeId} in the catalogue to compare with`);
  const t0 = performance.now();
  const items = load(claimsFile);
  const t1 = performance.now();
  const before: ReplayTotals = replay(items, baseline);
  const t2 = performance.now();
  const after: ReplayTotals = replay(items, whatIf);
  const t3 = performance.now();
  console.log(`${items.length.toLocaleString('en-US')} claims; read and parsed in ${((t1 - t0) / 1000).toFixed(2)} s; replayed twice in ${((t3 - t1) / 1000).toFixed(2)} s (${Math.round(items.length / ((t3 - t2) / 1000)).toLocaleString('en-US')} claims/s)`);
  console.log(`total paid: baseline ${before.paid.toLocaleString('en-US')} fen, what-if ${after.paid.toLocaleString('en-US')} fen, difference ${(after.paid - before.paid).toLocaleString('en-US')} fen`);
  diff('product', before.byProduct, after.byProduct);
  diff('county', before.byCounty, after.byCounty);
}
