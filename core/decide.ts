/**
 * The whole decision for one claim, as a pure function: eligibility → product rule → routing → split.
 * What it is for: the domain's tests (test/core) and the core benchmark, which need the rules without a store, a
 * workflow or handlers. No handler calls it: the workflow runs the same pieces (checkEligibility, assessClaim,
 * routeAssessment, splitLiability) one Step Functions state at a time, with the store between them (year-to-date
 * counters read and held, the invoice consumed), which a pure function cannot do. Its `status` is the claim
 * status the workflow would end in, not a Choice outcome word. embedded/direct.ts is the other shortcut: the
 * deployed handlers in sequence, with their store writes.
 */
import type { Message } from './i18n/message.js';
import type { ClaimSubmission } from './claim.js';
import type { Household } from './household.js';
import type { Scheme } from './scheme.js';
import type { Assessment, ReasonCode, YearToDate } from './types.js';
import { checkEligibility } from './eligibility.js';
import { assessClaim, isRejection, routeAssessment, type ReviewReason } from './assess.js';
import { splitLiability, type Allocation } from './split.js';

export interface DecisionInput {
  readonly claim: ClaimSubmission;
  readonly scheme: Scheme;
  readonly household: Household | undefined;
  /** Year-to-date counters for the claim's person (or household) and product in the policy year. */
  readonly ytd: YearToDate;
  readonly invoiceConsumed?: boolean;
  readonly openWarning?: boolean;
}

export type Decision =
  | { readonly status: 'REJECTED'; readonly reasonCode: ReasonCode; readonly detail: Message }
  | { readonly status: 'CLOSED_NO_PAYOUT'; readonly assessment: Assessment; readonly allocations: readonly Allocation[] }
  | {
      readonly status: 'PENDING_REVIEW';
      readonly assessment: Assessment;
      readonly allocations: readonly Allocation[];
      readonly reviewReasons: ReviewReason[];
    }
  | { readonly status: 'APPROVED'; readonly assessment: Assessment; readonly allocations: readonly Allocation[] };

export function decideClaim(input: DecisionInput): Decision {
  const { claim, scheme, household } = input;
  const eligibility = checkEligibility(claim, scheme, { household, invoiceConsumed: input.invoiceConsumed ?? false });
  if (!eligibility.eligible) return { status: 'REJECTED', reasonCode: eligibility.reasonCode, detail: eligibility.detail };
  // checkEligibility returned eligible, so the household exists.
  const result = assessClaim(claim, scheme, household as Household, input.ytd);
  if (isRejection(result)) return { status: 'REJECTED', reasonCode: result.reasonCode, detail: result.detail };
  const route = routeAssessment(result, scheme, { registryVerified: eligibility.registryVerified, openWarning: input.openWarning ?? false });
  const underwriters = scheme.products[claim.product]?.underwriters ?? [];
  const allocations = route.outcome === 'NO_PAYOUT' ? [] : splitLiability(result.payout, underwriters);
  switch (route.outcome) {
    case 'NO_PAYOUT':
      return { status: 'CLOSED_NO_PAYOUT', assessment: result, allocations };
    case 'REVIEW':
      return { status: 'PENDING_REVIEW', assessment: result, allocations, reviewReasons: route.reasons };
    case 'PAYABLE':
      return { status: 'APPROVED', assessment: result, allocations };
  }
}
