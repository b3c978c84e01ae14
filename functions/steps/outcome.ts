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
      return 'REVIEW';
    default:
      return 'PAYABLE';
  }
}
