/**
 * State names of the claim workflow, its Choice outcome words and wait stages: defined beside the steps that answer
 * them (functions/shared/workflow-contract.ts) and re-exported here for the CDK app. No aws-cdk-lib import here.
 */
export {
  STATE,
  ELIGIBILITY_OUTCOME,
  ROUTE_OUTCOME,
  REVIEW_OUTCOME,
  AMEND_OUTCOME,
  HOLD_OUTCOME,
  WAIT_STAGE,
  type StateName,
  type WaitStage,
  type EligibilityOutcome,
  type RouteOutcome,
  type ReviewOutcome,
} from '../functions/shared/workflow-contract.js';

/** Metadata key on each state machine resource: which workflow it is (the embedded runtime reads it). */
export const WORKFLOW_METADATA = 'fangpin:workflow';
export type WorkflowId = 'claims' | 'index-fanout' | 'monitoring' | 'medical-feed';

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

/** State names of the monitoring run (lib/monitoring-workflow.ts; the embedded engine maps its Tasks by these). */
export const MONITORING_STATE = {
  slices: 'MonitoringSlices',
  map: 'MonitorSlices',
  page: 'MonitorPage',
  more: 'MoreInMonitoringSlice?',
  sliceDone: 'MonitoringSliceDone',
  finish: 'FinishMonitoring',
  recordFailure: 'RecordMonitoringFailure',
  failed: 'MonitoringFailed',
  done: 'MonitoringDone',
} as const;

/** The monitoring run's Distributed Map label: slice executions are named `<monitoring machine>/MonitoringSlice:<id>`. */
export const MONITORING_MAP_RUN_LABEL = 'MonitoringSlice';

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
