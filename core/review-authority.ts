/**
 * Who may decide what in review (集中管理、适度授权, 超限上报; maker-checker). Pure: the API hands in the reviewer,
 * the claim's facts and the scheme's limits, and gets back what the decision is, or why it is refused.
 *
 * - A reviewer has an authority level 1-3; the scheme's `reviewLimits` say how much each level may approve alone.
 * - An approval within the limit decides. Above it, at the first review, it is a recommendation and the claim
 *   waits for a reviewer whose limit covers it; at the final review such an approval is refused.
 * - Any level may reject or return.
 * - Four eyes: nobody approves (or recommends) a claim they submitted, and the final approver is not the
 *   reviewer who recommended.
 */
import type { Scheme } from './scheme.js';
import { text, type Message } from './i18n/message.js';

export const REVIEW_LEVELS = [1, 2, 3] as const;
export type ReviewLevel = (typeof REVIEW_LEVELS)[number];
/**
 * A reviewer token without `fangpin:reviewLevel` (every token minted before levels existed) is level 3: such a
 * reviewer kept the authority they had, and the existing contract (one reviewer approves any claim) holds.
 */
export const DEFAULT_REVIEW_LEVEL: ReviewLevel = 3;

export const REVIEW_DECISIONS = ['APPROVE', 'REJECT', 'RETURN'] as const;
export type ReviewDecision = (typeof REVIEW_DECISIONS)[number];

/** Why a reviewer rejects or returns a claim (the README lists them). */
export const REVIEW_REASON_CODES = ['DOCUMENTS_INCOMPLETE', 'COST_NOT_GENUINE', 'BENEFIT_ELSEWHERE', 'NOT_AS_DECLARED', 'OTHER'] as const;
export type ReviewReasonCode = (typeof REVIEW_REASON_CODES)[number];

/** FIRST: the claim's first review wait; FINAL: the second wait, after an approval above the recommender's limit. */
export type ReviewStage = 'FIRST' | 'FINAL';

export interface ReviewCase {
  readonly stage: ReviewStage;
  /** What the claim is measured by: its payout (for LOAN_GUARANTEE the insurer's share), fen. */
  readonly amount: number;
  /** The `sub` of whoever submitted the claim. */
  readonly submittedBy: string;
  /** At the FINAL stage: the `sub` of the reviewer who recommended. */
  readonly recommendedBy?: string | null;
}

export interface Reviewer {
  readonly sub: string;
  readonly level: ReviewLevel;
}

export type RefusalReason = 'SUBMITTER_MAY_NOT_APPROVE' | 'RECOMMENDER_MAY_NOT_APPROVE' | 'ABOVE_AUTHORITY_LIMIT';

/** APPROVED, RECOMMENDED, REJECTED, RETURNED: the effect; REFUSED: the reviewer may not (a 403 saying why). */
export type ReviewVerdict =
  | { readonly effect: 'APPROVED' | 'RECOMMENDED' | 'REJECTED' | 'RETURNED' }
  | { readonly effect: 'REFUSED'; readonly reason: RefusalReason; readonly detail: Message };

/** The level's limit in fen, or null when the level may approve any amount. */
export function reviewLimit(scheme: Pick<Scheme, 'reviewLimits'>, level: ReviewLevel): number | null {
  return scheme.reviewLimits[String(level) as '1' | '2' | '3'];
}

/** Whether `level` may approve `amount` alone (compared as BigInt: amounts are integer fen). */
export function withinLimit(scheme: Pick<Scheme, 'reviewLimits'>, level: ReviewLevel, amount: number): boolean {
  const limit = reviewLimit(scheme, level);
  return limit === null || BigInt(amount) <= BigInt(limit);
}

/** The lowest level whose limit covers `amount` (there always is one when level 3 is unlimited). */
export function lowestLevelFor(scheme: Pick<Scheme, 'reviewLimits'>, amount: number): ReviewLevel | null {
  return REVIEW_LEVELS.find((l) => withinLimit(scheme, l, amount)) ?? null;
}

export function decideReview(scheme: Pick<Scheme, 'reviewLimits'>, reviewer: Reviewer, decision: ReviewDecision, c: ReviewCase): ReviewVerdict {
  if (decision === 'REJECT') return { effect: 'REJECTED' };
  if (decision === 'RETURN') return { effect: 'RETURNED' };
  if (reviewer.sub === c.submittedBy) {
    return {
      effect: 'REFUSED',
      reason: 'SUBMITTER_MAY_NOT_APPROVE',
      detail: text('four eyes: {{sub}} submitted this claim and may not approve it', { sub: reviewer.sub }),
    };
  }
  if (c.stage === 'FINAL' && c.recommendedBy === reviewer.sub) {
    return {
      effect: 'REFUSED',
      reason: 'RECOMMENDER_MAY_NOT_APPROVE',
      detail: text('four eyes: {{sub}} recommended this claim; another reviewer must give the final approval', { sub: reviewer.sub }),
    };
  }
  if (withinLimit(scheme, reviewer.level, c.amount)) return { effect: 'APPROVED' };
  if (c.stage === 'FIRST') return { effect: 'RECOMMENDED' };
  const needed = lowestLevelFor(scheme, c.amount);
  const limit = reviewLimit(scheme, reviewer.level);
  return {
    effect: 'REFUSED',
    reason: 'ABOVE_AUTHORITY_LIMIT',
    detail:
      needed === null
        ? text("the claim's {{amount}} fen is above the {{limit}} fen a level {{level}} reviewer may approve; no level may approve it", {
            amount: c.amount,
            limit: limit ?? 'unlimited',
            level: reviewer.level,
          })
        : text(
            "the claim's {{amount}} fen is above the {{limit}} fen a level {{level}} reviewer may approve; a level {{needed}} reviewer or higher must approve it",
            { amount: c.amount, limit: limit ?? 'unlimited', level: reviewer.level, needed },
          ),
  };
}
