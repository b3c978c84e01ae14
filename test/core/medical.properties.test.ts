/**
 * MEDICAL year totals (spec 3.1 "consequence that tests must check"): bills processed in sequence, feeding back
 * ytd += accrual, give the same year total in any order and when merged into one bill; the total never exceeds
 * the uplifted cap or the total self-pay; with huge bills it stays a safe integer equal to a BigInt reference
 * written from the spec formula: total = min(benefit(ΣselfPay), cap_u), since each payout is
 * min(benefit_k − benefit_{k−1}, cap_u − paid_{k−1}) and benefit is non-decreasing.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decideClaim, parseScheme, type Scheme } from '../../core/index.js';
import { DAWU, LIANDU, LISHUI, XIAOCHANG, XIAOGAN, XIAONAN, household, scheme, schemeJson, selfPayClaim } from './fixtures.js';

interface Config {
  name: string;
  scheme: Scheme;
  county: string;
  /** Hand-written terms for the reference (from the spec and the scheme files, not read from the code). */
  deductible: bigint;
  bands: [bigint, bigint | null, bigint][];
  cap: bigint;
  uplift: bigint;
}

const XG_BANDS: Config['bands'] = [
  [0n, 2000000n, 8000n],
  [2000000n, 5000000n, 7000n],
  [5000000n, null, 6000n],
];
const LS_BANDS: Config['bands'] = [
  [0n, 1000000n, 9000n],
  [1000000n, 3000000n, 8000n],
  [3000000n, 6000000n, 7000n],
  [6000000n, null, 6000n],
];

const customJson = schemeJson('xiaogan-2024.json');
customJson.products.MEDICAL.upliftCounties = { [DAWU]: 20000 };
customJson.products.MEDICAL.bands[0].bp = 9000;

const CONFIGS: Config[] = [
  {
    name: 'Xiaogan, Dawu (uplift 12000)',
    scheme: scheme(XIAOGAN),
    county: DAWU,
    deductible: 500000n,
    bands: XG_BANDS,
    cap: 8000000n,
    uplift: 12000n,
  },
  {
    name: 'Xiaogan, Xiaochang (uplift 12000)',
    scheme: scheme(XIAOGAN),
    county: XIAOCHANG,
    deductible: 500000n,
    bands: XG_BANDS,
    cap: 8000000n,
    uplift: 12000n,
  },
  {
    name: 'Xiaogan, Xiaonan (no uplift)',
    scheme: scheme(XIAOGAN),
    county: XIAONAN,
    deductible: 500000n,
    bands: XG_BANDS,
    cap: 8000000n,
    uplift: 10000n,
  },
  { name: 'Lishui', scheme: scheme(LISHUI), county: LIANDU, deductible: 0n, bands: LS_BANDS, cap: 10000000n, uplift: 10000n },
  {
    name: 'custom Xiaogan (uplift 20000, first band 9000: min(S, …) binds)',
    scheme: parseScheme(customJson, 'custom'),
    county: DAWU,
    deductible: 500000n,
    bands: [[0n, 2000000n, 9000n], XG_BANDS[1]!, XG_BANDS[2]!],
    cap: 8000000n,
    uplift: 20000n,
  },
];

function benefitRef(c: Config, s: bigint): bigint {
  const x = s > c.deductible ? s - c.deductible : 0n;
  let sum = 0n;
  for (const [lo, hi, bp] of c.bands) {
    const top = hi === null || x < hi ? x : hi;
    if (top > lo) sum += (top - lo) * bp;
  }
  const b = (sum * c.uplift) / 100000000n;
  return b < s ? b : s;
}

function yearTotalRef(c: Config, bills: number[]): bigint {
  const s = bills.reduce((a, b) => a + BigInt(b), 0n);
  const capU = (c.cap * c.uplift) / 10000n;
  const b = benefitRef(c, s);
  return b < capU ? b : capU;
}

/** Process bills one after another, feeding back the accruals; returns the total paid. */
function yearTotal(c: Config, bills: number[]): number {
  const h = household({ schemeId: c.scheme.schemeId, county: c.county });
  let selfPay = 0;
  let paid = 0;
  for (const bill of bills) {
    const d = decideClaim({ claim: selfPayClaim(bill, { schemeId: c.scheme.schemeId }), scheme: c.scheme, household: h, ytd: { selfPay, paid } });
    if (d.status === 'REJECTED') throw new Error(`unexpected rejection ${d.reasonCode}`);
    expect(Number.isSafeInteger(d.assessment.payout) && d.assessment.payout >= 0).toBe(true);
    selfPay += d.assessment.accrual.selfPay ?? 0;
    paid += d.assessment.accrual.paid ?? 0;
    expect(d.assessment.accrual.selfPay).toBe(bill);
  }
  expect(selfPay).toBe(bills.reduce((a, b) => a + b, 0));
  return paid;
}

const billsAndPermutation = (maxBill: number) =>
  fc
    .array(fc.integer({ min: 0, max: maxBill }), { minLength: 1, maxLength: 12 })
    .chain((bills) => fc.tuple(fc.constant(bills), fc.shuffledSubarray(bills, { minLength: bills.length, maxLength: bills.length })));

describe.each(CONFIGS)('MEDICAL year totals: $name', (c) => {
  it('any order and one merged bill give the same total; never above the cap or the self-pay', () => {
    const capU = Number((c.cap * c.uplift) / 10000n);
    fc.assert(
      fc.property(billsAndPermutation(5000000), ([bills, permuted]) => {
        const total = yearTotal(c, bills);
        const sumSelfPay = bills.reduce((a, b) => a + b, 0);
        expect(yearTotal(c, permuted)).toBe(total);
        expect(yearTotal(c, [sumSelfPay])).toBe(total);
        expect(total).toBeLessThanOrEqual(capU);
        expect(total).toBeLessThanOrEqual(sumSelfPay);
        expect(BigInt(total)).toBe(yearTotalRef(c, bills));
      }),
      { numRuns: 300 },
    );
  });

  it('bills up to 10^12 fen: totals stay safe integers equal to the BigInt reference', () => {
    fc.assert(
      fc.property(fc.array(fc.bigInt({ min: 0n, max: 10n ** 12n }).map(Number), { minLength: 1, maxLength: 12 }), (bills) => {
        const total = yearTotal(c, bills);
        expect(Number.isSafeInteger(total)).toBe(true);
        expect(BigInt(total)).toBe(yearTotalRef(c, bills));
        expect(yearTotal(c, [...bills].reverse())).toBe(total);
      }),
      { numRuns: 100 },
    );
  });
});

describe('MEDICAL single-bill benefit against the reference (no cap interplay)', () => {
  it.each(CONFIGS)('$name: payout of one bill from zero = min(benefit(S), cap_u)', (c) => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer({ min: 0, max: 20000000 }), fc.bigInt({ min: 0n, max: BigInt(Number.MAX_SAFE_INTEGER) }).map(Number)),
        (bill) => {
          expect(BigInt(yearTotal(c, [bill]))).toBe(yearTotalRef(c, [bill]));
        },
      ),
      { numRuns: 300 },
    );
  });
});
