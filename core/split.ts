/**
 * Who pays: a liability split over a product's underwriters by the largest remainder method (spec 4).
 * Each member gets floor(L × share / 10000); the fen left over go one each to the members with the largest
 * remainders, ties to the earlier member. The parts always sum to L exactly.
 */
import type { UnderwriterShare } from './scheme.js';
import { BP } from './money.js';

export interface Allocation {
  readonly insurerId: string;
  readonly shareBp: number;
  readonly amount: number;
}

export function splitLiability(liability: number, underwriters: readonly UnderwriterShare[]): Allocation[] {
  if (underwriters.length === 1 && underwriters[0]?.shareBp === BP) return [{ insurerId: underwriters[0].insurerId, shareBp: BP, amount: liability }];
  if (liability * BP <= Number.MAX_SAFE_INTEGER) return splitSmall(liability, underwriters);
  const L = BigInt(liability);
  const parts = underwriters.map((u, index) => {
    const exact = L * BigInt(u.shareBp);
    return { u, index, amount: exact / BigInt(BP), remainder: exact % BigInt(BP) };
  });
  let left = L - parts.reduce((s, p) => s + p.amount, 0n);
  // Stable order: larger remainder first, then pool order.
  const order = [...parts].sort((a, b) => (a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1));
  for (const p of order) {
    if (left === 0n) break;
    p.amount += 1n;
    left -= 1n;
  }
  return parts.map((p) => ({ insurerId: p.u.insurerId, shareBp: p.u.shareBp, amount: Number(p.amount) }));
}

/** The same method in plain integers, when L × 10000 is below 2^53 (every realistic claim). */
function splitSmall(liability: number, underwriters: readonly UnderwriterShare[]): Allocation[] {
  const amounts: number[] = [];
  const remainders: number[] = [];
  let left = liability;
  for (const u of underwriters) {
    const exact = liability * u.shareBp;
    const r = exact % BP;
    const a = (exact - r) / BP;
    amounts.push(a);
    remainders.push(r);
    left -= a;
  }
  while (left > 0) {
    let best = 0;
    for (let i = 1; i < remainders.length; i++) if ((remainders[i] ?? -1) > (remainders[best] ?? -1)) best = i;
    amounts[best] = (amounts[best] ?? 0) + 1;
    remainders[best] = -1; // one extra fen per member at most
    left--;
  }
  return underwriters.map((u, i) => ({ insurerId: u.insurerId, shareBp: u.shareBp, amount: amounts[i] ?? 0 }));
}
