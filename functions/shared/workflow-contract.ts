/**
 * The contract between the claim workflow's definition (lib/claim-workflow.ts) and its steps (functions/steps/,
 * and the review API that completes a wait): the state names, the words a step answers in `$.outcome` that the
 * Choice states branch on, and the stages of the human waits. Typed constants on both sides, so a step cannot
 * answer a word no Choice knows and a Choice cannot branch on a word no step answers. The state names are also
 * what the embedded engine maps Tasks by, what the tests read the definition by, and the `step` of the workflow's
 * audit records. No aws-cdk-lib import: the Lambda bundles carry this module.
 */
import type { Route } from '#core/assess.js';

export const STATE = {
  intake: 'Intake',
  eligibility: 'Eligibility',
  eligible: 'Eligible?',
  assessment: 'Assessment',
  route: 'Route',
  review: 'Review',
  reviewDecision: 'ReviewDecision',
  /** The second wait: an approval above the first reviewer's limit waits here for one whose limit covers it. */
  finalReview: 'FinalReview',
  finalReviewDecision: 'FinalReviewDecision',
  releaseHold: 'ReleaseHold',
  /** A claim returned for information: its holds released, then it waits for the submitter's amendment. */
  returnHold: 'ReturnHold',
  awaitAmendment: 'AwaitAmendment',
  expireReturn: 'ExpireReturn',
  split: 'Split',
  payout: 'Payout',
  settling: 'Settling',
  rejected: 'Rejected',
  closedNoPayout: 'ClosedNoPayout',
  recordFailure: 'RecordFailure',
  failed: 'Failed',
} as const;
export type StateName = (typeof STATE)[keyof typeof STATE];

type Words<T> = T[keyof T];

/** Eligibility's answer, read by the `Eligible?` Choice. */
export const ELIGIBILITY_OUTCOME = { eligible: 'ELIGIBLE', rejected: 'REJECTED' } as const;
export type EligibilityOutcome = Words<typeof ELIGIBILITY_OUTCOME>;

/** Assessment's answer, read by the `Route` Choice: core's routing (core/assess.ts `Route`) or a rejection. */
export const ROUTE_OUTCOME = { rejected: 'REJECTED', noPayout: 'NO_PAYOUT', review: 'REVIEW', payable: 'PAYABLE' } as const;
export type RouteOutcome = Words<typeof ROUTE_OUTCOME>;
// Every routing core can answer has its word here (a new one fails to compile until the Route Choice knows it).
const coreRoutesCovered: Route['outcome'] extends RouteOutcome ? true : never = true;
void coreRoutesCovered;

/**
 * A review wait's answer (the review API completing the token, or review-request.ts replaying a stored decision),
 * read by the `ReviewDecision` and `FinalReviewDecision` Choices; anything else there releases the hold.
 */
export const REVIEW_OUTCOME = { approved: 'APPROVED', recommended: 'RECOMMENDED', rejected: 'REVIEW_REJECTED', returned: 'RETURNED' } as const;
export type ReviewOutcome = Words<typeof REVIEW_OUTCOME>;

/** The amendment wait's answer: the claim goes back to eligibility. */
export const AMEND_OUTCOME = { amended: 'AMENDED' } as const;

/** What ReleaseHold and ReturnHold answer (the claim's new status; no Choice reads it, the next state is fixed). */
export const HOLD_OUTCOME = { rejected: 'REJECTED', returned: 'RETURNED' } as const;
export type HoldOutcome = Words<typeof HOLD_OUTCOME>;

/** The human waits of review-request.ts, passed in the Task's payload as `stage`. */
export const WAIT_STAGE = { review: 'REVIEW', finalReview: 'FINAL_REVIEW', amend: 'AMEND' } as const;
export type WaitStage = Words<typeof WAIT_STAGE>;
