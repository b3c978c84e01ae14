/** Largest remainder split (spec 4): hand-computed cases and fast-check properties. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { splitLiability } from '../../core/index.js';

const pool = (...shares: number[]) => shares.map((shareBp, i) => ({ insurerId: `I${i + 1}`, shareBp }));
const amounts = (L: number, shares: number[]) => splitLiability(L, pool(...shares)).map((a) => a.amount);

/** Reference from the spec, in BigInt: floors, then one fen each by largest remainder, ties to the earlier member. */
function reference(L: bigint, shares: number[]): bigint[] {
  const parts = shares.map((s, i) => ({ i, floor: (L * BigInt(s)) / 10000n, rem: (L * BigInt(s)) % 10000n }));
  let left = L - parts.reduce((s, p) => s + p.floor, 0n);
  const order = [...parts].sort((a, b) => (a.rem === b.rem ? a.i - b.i : a.rem > b.rem ? -1 : 1));
  const out = parts.map((p) => p.floor);
  for (const p of order) {
    if (left === 0n) break;
    out[p.i] = (out[p.i] ?? 0n) + 1n;
    left -= 1n;
  }
  return out;
}

describe('largest remainder by hand', () => {
  it.each<[string, number, number[], number[]]>([
    // 1234567 × 4000 = 4938268000 → 493826 r 8000; × 3500 = 4320984500 → 432098 r 4500;
    // × 2500 = 3086417500 → 308641 r 7500. Floors sum 1234565, 2 fen left → r 8000 (I1), r 7500 (I3).
    ['1234567 over 4000/3500/2500', 1234567, [4000, 3500, 2500], [493827, 432098, 308642]],
    // 1 fen: remainders 4000, 3500, 2500 → I1.
    ['1 fen over 4000/3500/2500', 1, [4000, 3500, 2500], [1, 0, 0]],
    // 2 fen: remainders 8000, 7000, 5000 → I1, I2.
    ['2 fen over 4000/3500/2500', 2, [4000, 3500, 2500], [1, 1, 0]],
    ['0 fen', 0, [4000, 3500, 2500], [0, 0, 0]],
    // 1 fen over 5000/5000: remainders tie 5000/5000 → the earlier member.
    ['tie of two, 1 fen', 1, [5000, 5000], [1, 0]],
    // 3 fen over 4 × 2500: remainders 7500 each → the three earliest.
    ['tie of four, 3 fen', 3, [2500, 2500, 2500, 2500], [1, 1, 1, 0]],
    // 2 fen over 3333/3333/3334: remainders 6666, 6666, 6668 → I3 first, then I1 (tie with I2, earlier wins).
    ['largest first, then the earlier of a tie', 2, [3333, 3333, 3334], [1, 0, 1]],
    // 1 fen over 5000/3000/2000: remainders 5000, 3000, 2000 → I1.
    ['1 fen over 5000/3000/2000', 1, [5000, 3000, 2000], [1, 0, 0]],
    // 7 fen: 35000 → 3 r 5000; 21000 → 2 r 1000; 14000 → 1 r 4000; 1 left → I1.
    ['7 fen over 5000/3000/2000', 7, [5000, 3000, 2000], [4, 2, 1]],
    // 9 fen: 45000 → 4 r 5000; 27000 → 2 r 7000; 18000 → 1 r 8000; 2 left → I3 (8000), I2 (7000).
    ['9 fen over 5000/3000/2000', 9, [5000, 3000, 2000], [4, 3, 2]],
    // 1000000 over 5000/3000/2000: exact.
    ['1000000 over 5000/3000/2000', 1000000, [5000, 3000, 2000], [500000, 300000, 200000]],
    ['single insurer', 1234567, [10000], [1234567]],
    // Above 2^53 / 10000 (BigInt path): 1000000000007 × 5000 → 500000000003 r 5000; × 3000 → 300000000002 r 1000;
    // × 2000 → 200000000001 r 4000. 1 left → I1.
    ['1000000000007 over 5000/3000/2000 (BigInt path)', 1000000000007, [5000, 3000, 2000], [500000000004, 300000000002, 200000000001]],
    // 2^53 − 1 = 9007199254740991: × 4000 → 3602879701896396 r 4000; × 3500 → 3152519739159346 r 8500;
    // × 2500 → 2251799813685247 r 7500. Floors sum 9007199254740989, 2 left → I2 (8500), I3 (7500).
    ['2^53 − 1 over 4000/3500/2500', Number.MAX_SAFE_INTEGER, [4000, 3500, 2500], [3602879701896396, 3152519739159347, 2251799813685248]],
  ])('%s', (_n, L, shares, expected) => {
    expect(amounts(L, shares)).toEqual(expected);
  });

  it('keeps insurer ids and shares in pool order', () => {
    expect(splitLiability(10, pool(4000, 3500, 2500))).toEqual([
      // 10 → 4, 3 r 5000, 2 r 5000; 1 left → I2 (tie with I3, earlier).
      { insurerId: 'I1', shareBp: 4000, amount: 4 },
      { insurerId: 'I2', shareBp: 3500, amount: 4 },
      { insurerId: 'I3', shareBp: 2500, amount: 2 },
    ]);
  });
});

/** Share vectors of 1..8 members, each ≥ 1 bp, summing to 10000: cut points in 1..9999. */
const shareVector = fc.uniqueArray(fc.integer({ min: 1, max: 9999 }), { maxLength: 7 }).map((cuts) => {
  const sorted = [...cuts].sort((a, b) => a - b);
  const edges = [0, ...sorted, 10000];
  return edges.slice(1).map((e, i) => e - (edges[i] ?? 0));
});

function checkProperties(L: number, shares: number[]) {
  const parts = amounts(L, shares);
  expect(parts.length).toBe(shares.length);
  let sum = 0n;
  parts.forEach((p, i) => {
    expect(Number.isSafeInteger(p)).toBe(true);
    expect(p).toBeGreaterThanOrEqual(0);
    const diff = BigInt(p) * 10000n - BigInt(L) * BigInt(shares[i] ?? 0);
    expect(diff < 10000n && diff > -10000n).toBe(true);
    sum += BigInt(p);
  });
  expect(sum).toBe(BigInt(L));
  expect(parts.map(BigInt)).toEqual(reference(BigInt(L), shares));
}

describe('largest remainder properties', () => {
  it('any liability 0..10^12 and any share vector', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 12n }).map(Number), shareVector, (L, shares) => checkProperties(L, shares)),
      { numRuns: 500 },
    );
  });

  it('liabilities above 2^53 / 10000 (the BigInt path) up to 2^53 − 1', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 900719925475n, max: BigInt(Number.MAX_SAFE_INTEGER) }).map(Number), shareVector, (L, shares) =>
        checkProperties(L, shares),
      ),
      { numRuns: 300 },
    );
  });

  it('small liabilities (0..20 fen) exercise the ties', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 20 }), shareVector, (L, shares) => checkProperties(L, shares)),
      { numRuns: 300 },
    );
  });
});
