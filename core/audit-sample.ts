/**
 * After-payment audit sampling (事后抽查, issue 17 §5): which paid claims an auditor re-examines. Every paid claim at
 * or above `minPayout`, plus a random `randomBp` share of the rest, plus every claim a member of the public objected
 * to after it was paid. "Random" is a hash of the seed and the claim id, so the pick is a pure function of
 * (seed, claim ids, payouts): anyone holding the sample's record can draw it again and get the same claims.
 */
import { createHash } from 'node:crypto';
import { BP } from './money.js';

export type SampleReason = 'AMOUNT' | 'RANDOM' | 'OBJECTION';

export interface SampleParams {
  /** Share of the claims below `minPayout` drawn at random, in basis points (0..10000). */
  readonly randomBp: number;
  /** Claims paying at least this (fen) are always in the sample. */
  readonly minPayout: number;
  readonly seed: string;
}

export interface SampleCandidate {
  readonly claimId: string;
  readonly payout: number;
}

export interface SampledClaim {
  readonly claimId: string;
  /** Why it is in the sample; a claim may be in for several reasons (AMOUNT and RANDOM never both). */
  readonly reasons: readonly SampleReason[];
}

/**
 * The claim's draw, 0..9999: the first 8 bytes of SHA-256(`<seed>:<claimId>`) as an unsigned big-endian integer,
 * mod 10000. The modulo bias is below 10^4 / 2^64, nothing an auditor could exploit or notice.
 */
export function sampleDraw(seed: string, claimId: string): number {
  const h = createHash('sha256').update(`${seed}:${claimId}`, 'utf8').digest();
  return Number(h.readBigUInt64BE(0) % BigInt(BP));
}

/** Whether the claim falls in the random share: its draw is below `randomBp` (0 never, 10000 always). */
export function inRandomShare(seed: string, claimId: string, randomBp: number): boolean {
  return sampleDraw(seed, claimId) < randomBp;
}

/**
 * The sample: candidates at or above `minPayout` (AMOUNT), the others whose draw falls in the random share
 * (RANDOM), and the objected claims (OBJECTION, whether or not they are candidates). Sorted by claim id, each
 * claim once; independent of the candidates' order.
 */
export function pickSample(candidates: readonly SampleCandidate[], params: SampleParams, objected: readonly string[] = []): SampledClaim[] {
  const reasons = new Map<string, SampleReason[]>();
  const add = (claimId: string, reason: SampleReason) => {
    const list = reasons.get(claimId) ?? [];
    if (!list.includes(reason)) list.push(reason);
    reasons.set(claimId, list);
  };
  for (const c of candidates) {
    if (c.payout >= params.minPayout) add(c.claimId, 'AMOUNT');
    else if (inRandomShare(params.seed, c.claimId, params.randomBp)) add(c.claimId, 'RANDOM');
  }
  for (const id of objected) add(id, 'OBJECTION');
  return [...reasons.keys()].sort().map((claimId) => ({ claimId, reasons: reasons.get(claimId) as SampleReason[] }));
}

export const SAMPLE_FINDINGS = ['OK', 'ISSUE'] as const;
export type SampleFinding = (typeof SAMPLE_FINDINGS)[number];
