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

/** Metadata key on each state machine resource: which workflow it is (the embedded runtime reads it). */
export const WORKFLOW_METADATA = 'fangpin:workflow';
export type WorkflowId = 'claims' | 'index-fanout' | 'medical-feed';

export { TRANSIENT_ERROR } from '../functions/shared/errors.js';

/** How long a returned claim waits for its amendment before it is closed as RETURN_EXPIRED (CDK context `fangpin:returnTimeoutSeconds` overrides, for tests). */
export const RETURN_TIMEOUT_SECONDS = 30 * 24 * 3600;

/** State names of the index-event fan-out (the embedded engine maps its Tasks by these, too). */
export const FANOUT_STATE = {
  slices: 'Slices',
  fanOut: 'FanOut',
  fileClaims: 'FileClaims',
  more: 'MoreInSlice?',
  sliceDone: 'SliceDone',
  finish: 'FinishFanout',
  recordFailure: 'RecordFanoutFailure',
  failed: 'FanoutFailed',
  done: 'Done',
} as const;

/** The Distributed Map's label: slice executions are named `<fan-out machine>/Slice:<id>`. */
export const FANOUT_MAP_RUN_LABEL = 'Slice';

/**
 * The webhook dispatcher's invocation timeout (scheduled every minute on AWS; the embedded runtime gives each
 * round the same deadline). A round stops taking new work well before it (functions/shared/webhooks/dispatcher.ts).
 */
export const WEBHOOK_DISPATCH_TIMEOUT_SECONDS = 60;

/** State names of the medical feed workflow (lib/medical-feed.ts; the embedded engine maps its Tasks by these). */
export const MEDICAL_FEED_STATE = {
  prepare: 'PrepareFeed',
  fileRows: 'FileRows',
  fileBatch: 'FileBatch',
  settle: 'SettleFeed',
  settled: 'Settled?',
  wait: 'WaitForClaims',
  done: 'FeedDone',
  refused: 'FeedRefused',
} as const;

/** The feed map's label: batch executions are named `<feed machine>/Batch:<id>`. */
export const MEDICAL_FEED_MAP_RUN_LABEL = 'Batch';
/** Rows a batch execution files (ItemBatcher MaxItemsPerBatch); the batch step takes at most 1,000. */
export const MEDICAL_FEED_BATCH_ROWS = 100;
