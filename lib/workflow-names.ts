/**
 * State names of the claim workflow. The embedded engine maps Tasks to handlers by state name and the tests
 * read the definition by them, so they are a contract. No aws-cdk-lib import here: functions/ may use it too.
 */
export const STATE = {
  intake: 'Intake',
  eligibility: 'Eligibility',
  eligible: 'Eligible?',
  assessment: 'Assessment',
  route: 'Route',
  review: 'Review',
  reviewDecision: 'ReviewDecision',
  releaseHold: 'ReleaseHold',
  split: 'Split',
  payout: 'Payout',
  settling: 'Settling',
  rejected: 'Rejected',
  closedNoPayout: 'ClosedNoPayout',
  recordFailure: 'RecordFailure',
  failed: 'Failed',
} as const;

export { TRANSIENT_ERROR } from '../functions/shared/errors.js';
