/** The outcome the state machine's Choice states read, derived from the stored claim on a retried step. */
import type { ClaimRecord } from '../shared/claim-record.js';

export type Outcome = 'REJECTED' | 'NO_PAYOUT' | 'REVIEW' | 'PAYABLE';

export function storedOutcome(claim: ClaimRecord): Outcome {
  switch (claim.status) {
    case 'REJECTED':
      return 'REJECTED';
    case 'CLOSED_NO_PAYOUT':
      return 'NO_PAYOUT';
    case 'PENDING_REVIEW':
    case 'RETURNED': // a re-run goes back through Review, which replays the return and waits for the amendment again
      return 'REVIEW';
    default:
      return 'PAYABLE';
  }
}
