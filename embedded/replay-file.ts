/**
 * The replay's input file: JSON lines, each { "household": <registry entry> } or { "claim": <claim submission> }
 * (a line may carry both). Each household is listed once, anywhere in the file; its claims find it by
 * householdId. Everything is validated as the API validates it; the first bad line is named.
 */
import { createWriteStream, readFileSync } from 'node:fs';
import { ClaimSubmission, HouseholdInput, type Household, type ReplayItem } from '../core/index.js';

/** The claims in the order they were decided (incident date, then file order), each with its household. */
export function loadReplayFile(file: string): ReplayItem[] {
  const households = new Map<string, { household: Household; line: number }>();
  const claims: ClaimSubmission[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  const fail = (i: number, what: string, issue: { path: PropertyKey[]; message: string } | undefined): never => {
    throw new Error(`${file}:${i + 1}: ${what}${issue?.path.length ? `.${issue.path.join('.')}` : ''}: ${issue?.message ?? 'invalid'}`);
  };
  lines.forEach((line, i) => {
    if (line.length === 0 || !line.trim()) return;
    let row: { claim?: unknown; household?: unknown };
    try {
      row = JSON.parse(line) as typeof row;
    } catch {
      throw new Error(`${file}:${i + 1}: not a JSON object`);
    }
    if (row.household != null) {
      const h = HouseholdInput.safeParse(row.household);
      if (!h.success) fail(i, 'household', h.error.issues[0]);
      const household = h.data as Household;
      const known = households.get(household.householdId);
      // Listed again (a file with the household on every claim's line): it must say the same.
      if (known && JSON.stringify(known.household) !== JSON.stringify(household)) {
        throw new Error(`${file}:${i + 1}: household ${household.householdId} differs from its entry on line ${known.line}`);
      }
      if (!known) households.set(household.householdId, { household, line: i + 1 });
    }
    if (row.claim !== undefined) {
      const parsed = ClaimSubmission.safeParse(row.claim);
      if (!parsed.success) fail(i, 'claim', parsed.error.issues[0]);
      claims.push(parsed.data as ClaimSubmission);
    }
  });
  // Decided in incident order (stable for the same day: file order), sorted on the day as a number (YYYYMMDD).
  const day = Int32Array.from(
    claims,
    (c) => Number(c.incidentDate.slice(0, 4)) * 10_000 + Number(c.incidentDate.slice(5, 7)) * 100 + Number(c.incidentDate.slice(8, 10)),
  );
  const order = Array.from(claims.keys()).sort((a, b) => day[a]! - day[b]! || a - b);
  // A claim whose household is not in the file is decided as one from an unknown household (rejected).
  return order.map((i) => ({ claim: claims[i]!, household: households.get(claims[i]!.householdId)?.household }));
}

/**
 * A synthetic Xiaogan year of n claims over n/4 households in five counties (70% MEDICAL, 20% EDUCATION, 10%
 * DISASTER), deterministic, for trying the replay and for the benchmark.
 */
export async function writeSyntheticYear(n: number, out: string): Promise<void> {
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
    // Each household is written once, on the line before its first claim.
    const line = i === h ? `${JSON.stringify({ household })}\n${JSON.stringify({ claim })}\n` : `${JSON.stringify({ claim })}\n`;
    if (!stream.write(line)) await new Promise<void>((r) => stream.once('drain', () => r()));
  }
  await new Promise<void>((r) => stream.end(() => r()));
}
