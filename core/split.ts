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
