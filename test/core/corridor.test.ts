/**
 * The MEDICAL risk adjustment balance mechanism (风险调节平衡机制, spec 8, core/corridor.ts): the corridor reading
 * by hand at every edge, against a BigInt reference written from the formulas, the premium apportioned to
 * MEDICAL, and the scheme field (Lishui has one, Xiaogan none; malformed corridors fail with the field path).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { corridorReading, equalShare, medicalCorridor, parseScheme, premiumSplit, productPremium, type CorridorBounds } from '../../core/index.js';
import { LISHUI, XIAOGAN, household, scheme, schemeJson } from './fixtures.js';
import { say } from '../../core/i18n/index.js';

const MAX = Number.MAX_SAFE_INTEGER;
const LS: CorridorBounds = { lowerLossRatioBp: 8500, upperLossRatioBp: 10500 };

/** The reference, from the brief: floor(P × L / 10000) − I below, I − floor(P × U / 10000) above, exact compare. */
function reference(premium: number, incurred: number, lower: number, upper: number) {
  const P = BigInt(premium);
  const I = BigInt(incurred);
  const below = I * 10000n < P * BigInt(lower);
  const above = I * 10000n > P * BigInt(upper);
  return {
    premium,
    incurred,
    // No exact number for a ratio beyond 2^53 − 1 bp: reported as null (the amounts stay exact).
    lossRatioBp: premium === 0 || (I * 10000n) / P > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number((I * 10000n) / P),
    lowerLossRatioBp: lower,
    upperLossRatioBp: upper,
    returnToFund: below ? Number((P * BigInt(lower)) / 10000n - I) : 0,
    topUp: above ? Number(I - (P * BigInt(upper)) / 10000n) : 0,
  };
}

describe('corridorReading by hand (Lishui 8500/10500 bp)', () => {
  it.each<[string, number, number, number | null, number, number]>([
    // name, premium, incurred, lossRatioBp, returnToFund, topUp
    ['well below: 50%', 1_000_000, 500_000, 5000, 350_000, 0],
    ['nothing incurred', 1_000_000, 0, 0, 850_000, 0],
    ['one fen below the lower bound', 1_000_000, 849_999, 8499, 1, 0],
    ['exactly on the lower bound', 1_000_000, 850_000, 8500, 0, 0],
    ['inside: 100%', 1_000_000, 1_000_000, 10000, 0, 0],
    ['exactly on the upper bound', 1_000_000, 1_050_000, 10500, 0, 0],
    ['one fen above the upper bound', 1_000_000, 1_050_001, 10500, 0, 1],
    ['well above: 200%', 1_000_000, 2_000_000, 20000, 0, 950_000],
    // premium × bound / 10000 not whole: floor(333 × 0.85) = 283 (283.05), floor(333 × 1.05) = 349 (349.65)
    ['fractional lower bound amount, below', 333, 282, 8468, 1, 0],
    ['fractional lower bound amount, at its floor (ratio 8498.4 bp, still nothing to return)', 333, 283, 8498, 0, 0],
    ['fractional lower bound amount, above it', 333, 284, 8528, 0, 0],
    ['fractional upper bound amount, at its floor (ratio 10480.4 bp)', 333, 349, 10480, 0, 0],
    // 350 × 10000 / 333 = 10510.5 bp > 10500: tops up 350 − 349
    ['fractional upper bound amount, above', 333, 350, 10510, 0, 1],
    // 21001 / 20000 = 10500.5 bp: floored lossRatioBp is the bound, but the exact ratio is above it
    ['above by half a bp: compared exactly, not through the floored ratio', 20_000, 21_001, 10500, 0, 1],
    ['premium 0, nothing incurred', 0, 0, null, 0, 0],
    ['premium 0, claims incurred: all of it above the corridor', 0, 12_345, null, 0, 12_345],
  ])('%s', (_name, premium, incurred, lossRatioBp, returnToFund, topUp) => {
    const r = corridorReading(premium, incurred, LS);
    expect(r).toEqual({ premium, incurred, lossRatioBp, lowerLossRatioBp: 8500, upperLossRatioBp: 10500, returnToFund, topUp });
    expect(r).toEqual(reference(premium, incurred, 8500, 10500));
  });

  it('a degenerate corridor (lower = upper) moves money on both sides and nothing exactly on it', () => {
    const b = { lowerLossRatioBp: 10000, upperLossRatioBp: 10000 };
    expect(corridorReading(100, 99, b)).toMatchObject({ returnToFund: 1, topUp: 0 });
    expect(corridorReading(100, 100, b)).toMatchObject({ returnToFund: 0, topUp: 0 });
    expect(corridorReading(100, 101, b)).toMatchObject({ returnToFund: 0, topUp: 1 });
  });

  it('the widest corridor (0 to 100000 bp) and the narrowest at 0', () => {
    expect(corridorReading(100, 999, { lowerLossRatioBp: 0, upperLossRatioBp: 100_000 })).toMatchObject({
      lossRatioBp: 99_900,
      returnToFund: 0,
      topUp: 0,
    });
    expect(corridorReading(100, 1001, { lowerLossRatioBp: 0, upperLossRatioBp: 100_000 })).toMatchObject({ returnToFund: 0, topUp: 1 });
    expect(corridorReading(100, 0, { lowerLossRatioBp: 0, upperLossRatioBp: 0 })).toMatchObject({ lossRatioBp: 0, returnToFund: 0, topUp: 0 });
    expect(corridorReading(100, 1, { lowerLossRatioBp: 0, upperLossRatioBp: 0 })).toMatchObject({ returnToFund: 0, topUp: 1 });
  });
});

describe('huge values (near 2^53): exact, never rounded', () => {
  it('premium and incurred at 2^53 − 1 (loss ratio 100%)', () => {
    expect(corridorReading(MAX, MAX, LS)).toEqual({
      premium: MAX,
      incurred: MAX,
      lossRatioBp: 10000,
      lowerLossRatioBp: 8500,
      upperLossRatioBp: 10500,
      returnToFund: 0,
      topUp: 0,
    });
  });

  it('premium 2^53 − 1, nothing incurred: returns floor((2^53 − 1) × 0.85) exactly', () => {
    const r = corridorReading(MAX, 0, LS);
    expect(r.returnToFund).toBe(Number((BigInt(MAX) * 8500n) / 10000n));
    expect(r.returnToFund).toBe(7_656_119_366_529_842); // 9007199254740991 × 0.85 = 7656119366529842.35
    expect(Number.isSafeInteger(r.returnToFund)).toBe(true);
  });

  it('premium 2^53 − 1, incurred one fen less: loss ratio 9999 bp, inside', () => {
    const r = corridorReading(MAX, MAX - 1, LS);
    expect(r).toMatchObject({ lossRatioBp: 9999, returnToFund: 0, topUp: 0 });
  });

  it('premium just under the incurred huge amount: top-up exact to the fen', () => {
    const premium = 8_000_000_000_000_000; // 8e15 fen
    const r = corridorReading(premium, MAX, LS);
    // floor(8e15 × 1.05) = 8.4e15; 9007199254740991 − 8400000000000000 = 607199254740991
    expect(r).toMatchObject({ lossRatioBp: 11258, returnToFund: 0, topUp: 607_199_254_740_991 });
    expect(r).toEqual(reference(premium, MAX, 8500, 10500));
  });

  it('a premium of 1 fen and incurred 2^53 − 1: the loss ratio does not fit 2^53 bp, so it is null (never rounded); the top-up is exact', () => {
    expect(corridorReading(1, MAX, LS)).toMatchObject({ lossRatioBp: null, returnToFund: 0, topUp: MAX - 1 });
    // but the top-up alone fits: with premium 1 000 000 000 000 it is exact
    expect(corridorReading(1_000_000_000_000, MAX, LS)).toEqual(reference(1_000_000_000_000, MAX, 8500, 10500));
  });

  it('a return above 2^53 − 1 (lower bound above 100% on a huge premium) throws instead of rounding', () => {
    expect(() => corridorReading(MAX, 0, { lowerLossRatioBp: 20_000, upperLossRatioBp: 20_000 })).toThrowError(RangeError);
  });
});

describe('bad input is refused', () => {
  it.each<[string, () => unknown]>([
    ['negative premium', () => corridorReading(-1, 0, LS)],
    ['fractional premium', () => corridorReading(100.5, 0, LS)],
    ['premium above 2^53 − 1', () => corridorReading(MAX + 1, 0, LS)],
    ['negative incurred', () => corridorReading(100, -1, LS)],
    ['fractional incurred', () => corridorReading(100, 0.5, LS)],
    ['lower above upper', () => corridorReading(100, 0, { lowerLossRatioBp: 10500, upperLossRatioBp: 8500 })],
    ['bound above 100000', () => corridorReading(100, 0, { lowerLossRatioBp: 0, upperLossRatioBp: 100_001 })],
    ['negative bound', () => corridorReading(100, 0, { lowerLossRatioBp: -1, upperLossRatioBp: 100 })],
    ['fractional bound', () => corridorReading(100, 0, { lowerLossRatioBp: 8500.5, upperLossRatioBp: 10500 })],
  ])('%s', (_n, f) => {
    expect(f).toThrowError(RangeError);
  });
});

describe('corridorReading properties (fast-check)', () => {
  const amount = fc.oneof(fc.integer({ min: 0, max: 10_000_000 }), fc.maxSafeNat());
  const bounds = fc
    .tuple(fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 0, max: 100_000 }))
    .map(([a, b]): [number, number] => (a <= b ? [a, b] : [b, a]));

  it('equals the BigInt reference; at most one side moves; after the move the result sits inside the corridor', () => {
    fc.assert(
      fc.property(amount, amount, bounds, (premium, incurred, [lower, upper]) => {
        const ref = reference(premium, incurred, lower, upper);
        const P = BigInt(premium);
        // Results that cannot be held exactly in a number must throw, not round.
        const backFits = (P * BigInt(lower)) / 10000n - BigInt(incurred) <= BigInt(MAX);
        if (!backFits) {
          expect(() => corridorReading(premium, incurred, { lowerLossRatioBp: lower, upperLossRatioBp: upper })).toThrowError(RangeError);
          return;
        }
        const r = corridorReading(premium, incurred, { lowerLossRatioBp: lower, upperLossRatioBp: upper });
        expect(r).toEqual(ref);
        expect(r.returnToFund === 0 || r.topUp === 0).toBe(true);
        for (const v of [r.returnToFund, r.topUp]) expect(Number.isSafeInteger(v) && v >= 0).toBe(true);
        // The insurer's net claims cost after the mechanism lies in [floor(P × lower), floor(P × upper)], on the bound
        // it was moved to.
        const net = BigInt(incurred) + BigInt(r.returnToFund) - BigInt(r.topUp);
        expect(net >= (P * BigInt(lower)) / 10000n).toBe(true);
        expect(net <= (P * BigInt(upper)) / 10000n).toBe(true);
        if (r.returnToFund > 0) expect(net).toBe((P * BigInt(lower)) / 10000n);
        if (r.topUp > 0) expect(net).toBe((P * BigInt(upper)) / 10000n);
      }),
      { numRuns: 2000 },
    );
  });

  it('returnToFund never grows and topUp never shrinks as incurred grows', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e12 }),
        fc.integer({ min: 0, max: 1e12 }),
        fc.integer({ min: 0, max: 1e12 }),
        bounds,
        (premium, a, b, [lower, upper]) => {
          const [lo, hi] = a <= b ? [a, b] : [b, a];
          const t = { lowerLossRatioBp: lower, upperLossRatioBp: upper };
          const x = corridorReading(premium, lo, t);
          const y = corridorReading(premium, hi, t);
          expect(y.returnToFund).toBeLessThanOrEqual(x.returnToFund);
          expect(y.topUp).toBeGreaterThanOrEqual(x.topUp);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('the MEDICAL premium', () => {
  it('equalShare: largest remainder over equal shares, earlier products first, summing to the amount', () => {
    expect([0, 1, 2].map((i) => equalShare(100, 3, i))).toEqual([34, 33, 33]);
    expect([0, 1, 2, 3].map((i) => equalShare(12_000, 4, i))).toEqual([3000, 3000, 3000, 3000]);
    expect([0, 1, 2, 3].map((i) => equalShare(7, 4, i))).toEqual([2, 2, 2, 1]);
    expect(equalShare(MAX, 1, 0)).toBe(MAX);
    expect(() => equalShare(10, 0, 0)).toThrowError(RangeError);
    expect(() => equalShare(10, 2, 2)).toThrowError(RangeError);
    fc.assert(
      fc.property(fc.maxSafeNat(), fc.integer({ min: 1, max: 6 }), (amount, count) => {
        const parts = Array.from({ length: count }, (_, i) => equalShare(amount, count, i));
        expect(parts.reduce((s, p) => BigInt(s) + BigInt(p), 0n)).toBe(BigInt(amount));
        expect(Math.max(...parts) - Math.min(...parts)).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('a line whose only product is MEDICAL counts whole; a shared line is apportioned; other lines count nothing', () => {
    expect(
      productPremium(
        [
          { products: ['MEDICAL'], premium: 10_000 },
          { products: ['ACCIDENT'], premium: 2000 },
        ],
        'MEDICAL',
      ),
    ).toBe(10_000);
    expect(productPremium([{ products: ['MEDICAL', 'EDUCATION', 'DISASTER', 'INDUSTRY'], premium: 36_000 }], 'MEDICAL')).toBe(9000);
    expect(productPremium([{ products: ['EDUCATION', 'MEDICAL', 'DISASTER'], premium: 100 }], 'MEDICAL')).toBe(33);
    expect(productPremium([{ products: ['MEDICAL', 'EDUCATION', 'DISASTER'], premium: 100 }], 'MEDICAL')).toBe(34);
    expect(productPremium([{ products: ['ACCIDENT'], premium: 2000 }], 'MEDICAL')).toBe(0);
    expect(productPremium([], 'MEDICAL')).toBe(0);
  });

  it('Lishui: the 100-yuan MEDICAL rule per person, from premiumSplit', () => {
    const s = scheme(LISHUI);
    const p = premiumSplit(
      s,
      household({ schemeId: LISHUI, category: 'DIBAO', members: ['P1', 'P2'], products: ['ACCIDENT', 'MEDICAL', 'DISASTER'] }),
    );
    expect(productPremium(p.lines, 'MEDICAL')).toBe(20_000);
    const q = premiumSplit(s, household({ schemeId: LISHUI, category: 'DIBAO', members: ['P1'], products: ['ACCIDENT'] }));
    expect(productPremium(q.lines, 'MEDICAL')).toBe(0);
  });

  it('medicalCorridor: Lishui over several households; Xiaogan has none (null)', () => {
    const s = scheme(LISHUI);
    const splits = [
      premiumSplit(s, household({ schemeId: LISHUI, category: 'DIBAO', members: ['P1', 'P2'], products: ['MEDICAL', 'ACCIDENT'] })),
      premiumSplit(s, household({ schemeId: LISHUI, category: 'DIBAO', members: ['P3'], products: ['MEDICAL'] })),
      premiumSplit(s, household({ schemeId: LISHUI, category: 'DIBAO', members: ['P4'], products: ['DISASTER'] })),
    ];
    // MEDICAL premium 3 × 10,000 = 30,000 fen; lower 25,500, upper 31,500
    expect(medicalCorridor(s, splits, 0)).toEqual({
      premium: 30_000,
      incurred: 0,
      lossRatioBp: 0,
      lowerLossRatioBp: 8500,
      upperLossRatioBp: 10500,
      returnToFund: 25_500,
      topUp: 0,
    });
    expect(medicalCorridor(s, splits, 30_000)).toMatchObject({ lossRatioBp: 10000, returnToFund: 0, topUp: 0 });
    expect(medicalCorridor(s, splits, 40_000)).toMatchObject({ lossRatioBp: 13333, returnToFund: 0, topUp: 8500 });
    expect(medicalCorridor(s, [], 100)).toMatchObject({ premium: 0, lossRatioBp: null, topUp: 100 });
    const x = scheme(XIAOGAN);
    expect(medicalCorridor(x, [premiumSplit(x, household({ products: ['MEDICAL'] }))], 1000)).toBeNull();
  });
});

describe('the scheme field', () => {
  it('Lishui configures 8500/10500 bp (illustrative, noted); Xiaogan none', () => {
    const l = scheme(LISHUI);
    expect(l.products.MEDICAL?.riskCorridor).toMatchObject({ lowerLossRatioBp: 8500, upperLossRatioBp: 10500 });
    const note = l.products.MEDICAL?.riskCorridor?.note;
    expect(note && say(note, 'en')).toMatch(/illustrative/i);
    expect(note && say(note, 'zh-CN')).toMatch(/^示例参数/);
    expect(l.notes.map((n) => say(n, 'en')).join(' ')).toMatch(/risk corridor/);
    expect(l.notes.map((n) => say(n, 'zh-CN')).join(' ')).toMatch(/风险调节平衡机制/);
    expect(scheme(XIAOGAN).products.MEDICAL?.riskCorridor).toBeUndefined();
  });

  it.each<[string, unknown, string]>([
    ['lower above upper', { lowerLossRatioBp: 10500, upperLossRatioBp: 8500 }, 'products.MEDICAL.riskCorridor.upperLossRatioBp'],
    ['a bound above 100000', { lowerLossRatioBp: 8500, upperLossRatioBp: 100_001 }, 'products.MEDICAL.riskCorridor.upperLossRatioBp'],
    ['a negative bound', { lowerLossRatioBp: -1, upperLossRatioBp: 10500 }, 'products.MEDICAL.riskCorridor.lowerLossRatioBp'],
    ['a fractional bound', { lowerLossRatioBp: 8500.5, upperLossRatioBp: 10500 }, 'products.MEDICAL.riskCorridor.lowerLossRatioBp'],
    ['a string bound', { lowerLossRatioBp: '8500', upperLossRatioBp: 10500 }, 'products.MEDICAL.riskCorridor.lowerLossRatioBp'],
    ['a missing bound', { lowerLossRatioBp: 8500 }, 'products.MEDICAL.riskCorridor.upperLossRatioBp'],
  ])('a malformed corridor is rejected with its path: %s', (_n, corridor, path) => {
    const j = schemeJson('lishui-2017.json');
    j.products.MEDICAL.riskCorridor = corridor;
    expect(() => parseScheme(j)).toThrowError(path);
  });

  it('bounds above 10000 bp and lower = upper are allowed; the corridor may be added to Xiaogan as data', () => {
    const j = schemeJson('lishui-2017.json');
    j.products.MEDICAL.riskCorridor = { lowerLossRatioBp: 12_000, upperLossRatioBp: 12_000 };
    expect(parseScheme(j).products.MEDICAL?.riskCorridor).toEqual({ lowerLossRatioBp: 12_000, upperLossRatioBp: 12_000 });
    const x = schemeJson('xiaogan-2024.json');
    x.products.MEDICAL.riskCorridor = { lowerLossRatioBp: 0, upperLossRatioBp: 100_000 };
    expect(parseScheme(x).products.MEDICAL?.riskCorridor).toMatchObject({ upperLossRatioBp: 100_000 });
  });
});
