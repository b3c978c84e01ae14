/** The outcome the state machine's Route Choice reads, derived from the stored claim on a retried step. */
import type { ClaimRecord } from '../shared/claim-record.js';
import { ROUTE_OUTCOME, type RouteOutcome } from '../shared/workflow-contract.js';

export type Outcome = RouteOutcome;

export function storedOutcome(claim: ClaimRecord): Outcome {
  switch (claim.status) {
    case 'REJECTED':
      return ROUTE_OUTCOME.rejected;
    case 'CLOSED_NO_PAYOUT':
      return ROUTE_OUTCOME.noPayout;
    case 'PENDING_REVIEW':
    case 'RETURNED': // a re-run goes back through Review, which replays the return and waits for the amendment again
      return ROUTE_OUTCOME.review;
    default:
      return ROUTE_OUTCOME.payable;
  }
}
