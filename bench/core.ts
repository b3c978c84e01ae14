/**
 * Pure-core throughput: MEDICAL decisions per second on one core (eligibility → tiers → routing → split),
 * median of several runs over a fixed pseudo-random set of bills. No I/O.
 */
import { ClaimSubmission, decideClaim, type Household } from '../core/index.js';
import { schemes } from '../functions/shared/catalogue.js';

/** A small deterministic generator (xorshift32) so every run decides the same claims. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x;
  };
}

export function medicalWorkload(count: number) {
  const scheme = schemes().get('xiaogan-2024');
  if (!scheme) throw new Error('xiaogan-2024 scheme missing');
  const next = rng(42);
  const households: Household[] = ['420922', '420981', '420921', '420902'].map((county, i) => ({
    householdId: `H-${i}`,
    schemeId: scheme.schemeId,
    county,
    category: 'LIFTED_OUT',
    verifiedYear: 2024,
    exitedOn: null,
    members: [{ personId: 'P-1' }],
    enrollment: { products: ['MEDICAL'], start: '2024-01-01', end: '2024-12-31', insured: {} },
  }));
  const claims = Array.from({ length: count }, (_, i) => {
    const total = 100_000 + (next() % 20_000_000);
    const basic = next() % Math.floor(total / 2);
    return {
      claim: ClaimSubmission.parse({
        schemeId: scheme.schemeId,
        product: 'MEDICAL',
        householdId: `H-${i % 4}`,
        personId: 'P-1',
        incidentDate: '2024-05-03',
        details: { hospitalCode: 'HOSP-01', invoiceNo: `INV-${i}`, totalCost: total, basicInsurancePaid: basic },
      }),
      household: households[i % 4],
      ytd: { selfPay: next() % 3_000_000, paid: next() % 2_000_000 },
    };
  });
  return { scheme, claims };
}

export function benchCore(opts: { claims?: number; runs?: number } = {}): { decisionsPerSec: number; runs: number[] } {
  const { scheme, claims } = medicalWorkload(opts.claims ?? 200_000);
  let sink = 0;
  const once = () => {
    const t0 = process.hrtime.bigint();
    for (const c of claims) {
      const d = decideClaim({ claim: c.claim, scheme, household: c.household, ytd: c.ytd });
      if (d.status !== 'REJECTED') sink += d.assessment.payout;
    }
    return Number(process.hrtime.bigint() - t0) / 1e9;
  };
  once(); // warm-up: let the JIT settle
  const rates = Array.from({ length: opts.runs ?? 7 }, () => claims.length / once()).sort((a, b) => a - b);
  if (sink < 0) console.log(sink); // keeps the work observable
  return { decisionsPerSec: Math.round(rates[Math.floor(rates.length / 2)] ?? 0), runs: rates.map(Math.round) };
}
