/**
 * The embedded Step Functions engine's API as its callers see it (the HTTP server, the runtime, tests): the
 * operations, their shapes, the errors by AWS error code, the ARN and name rules; and the record the engine keeps
 * of each execution, which the journal, the read API and the engine share.
 */
import type { Journal } from './journal.js';

export type TaskHandler = (payload: unknown) => Promise<unknown>;
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';

export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: Date;
  type: string;
  /** `<type>EventDetails` as in the AWS API, e.g. `stateEnteredEventDetails: { name, input }`. */
  [details: string]: unknown;
}

export interface LocalSfnOptions {
  stateMachines: Array<{ name: string; arn: string; definition: unknown; taskHandlers: Record<string, TaskHandler> }>;
  /** undefined: memory only. Otherwise executions are journaled in `<dataDir>/<yyyy-mm-dd>.jsonl`. */
  dataDir?: string | undefined;
  /** The journal of `dataDir` when the caller opened it already (to start reading it early); else one is opened. */
  journal?: Journal | undefined;
  /** Multiplies Retry IntervalSeconds / MaxDelaySeconds (tests pass e.g. 0.01); backoff and jitter kept. */
  retryIntervalScale?: number | undefined;
  /** The local stand-in for S3 (`<bucketDir>/<bucket>/<key>`, local-bucket.ts) a Distributed Map's ItemReader reads and ResultWriter writes. */
  bucketDir?: string | undefined;
  onEvent?: ((executionArn: string, event: HistoryEvent) => void) | undefined;
  /**
   * Executions found RUNNING in the journal are run again once this resolves (their handlers need the store, which
   * may still be starting while the journal loads); at once without it.
   */
  resumeAfter?: Promise<unknown> | undefined;
  /**
   * Return before the journal is loaded (it is read by a worker thread meanwhile): the caller serves what needs no
   * execution and awaits `loaded()` for the rest (the API server does, before each request).
   */
  openInBackground?: boolean | undefined;
  /** Progress of the journal's load and compaction, for the server's log. */
  log?: ((line: string) => void) | undefined;
}

export interface ExecutionDescription {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date | undefined;
  input: string;
  output?: string | undefined;
  error?: string | undefined;
  cause?: string | undefined;
  /** A Distributed Map's child execution: the map run it belongs to. */
  mapRunArn?: string | undefined;
}

export type ExecutionListItem = Pick<ExecutionDescription, 'executionArn' | 'stateMachineArn' | 'name' | 'status' | 'startDate' | 'stopDate'> & {
  mapRunArn?: string | undefined;
};

export interface MapRunListItem {
  executionArn: string;
  mapRunArn: string;
  /** `arn:…:stateMachine:<machine>/<label>`, as AWS names a map run's state machine. */
  stateMachineArn: string;
  startDate: Date;
  stopDate?: Date | undefined;
}

export interface LocalSfn {
  startExecution(input: {
    stateMachineArn: string;
    name?: string | undefined;
    input?: string | undefined;
  }): Promise<{ executionArn: string; startDate: Date }>;
  describeExecution(executionArn: string): ExecutionDescription;
  /** Of a state machine, or (`mapRunArn`) the child executions of one Distributed Map run: exactly one of the two. */
  listExecutions(input: {
    stateMachineArn?: string | undefined;
    mapRunArn?: string | undefined;
    statusFilter?: string | undefined;
    maxResults?: number | undefined;
    nextToken?: string | undefined;
  }): { executions: ExecutionListItem[]; nextToken?: string | undefined };
  /** The Distributed Map runs an execution started, oldest first. */
  listMapRuns(input: { executionArn: string; maxResults?: number | undefined; nextToken?: string | undefined }): {
    mapRuns: MapRunListItem[];
    nextToken?: string | undefined;
  };
  getExecutionHistory(input: {
    executionArn: string;
    maxResults?: number | undefined;
    nextToken?: string | undefined;
    reverseOrder?: boolean | undefined;
    includeExecutionData?: boolean | undefined;
  }): { events: HistoryEvent[]; nextToken?: string | undefined };
  sendTaskSuccess(taskToken: string, output: string): Promise<void>;
  sendTaskFailure(taskToken: string, error?: string, cause?: string): Promise<void>;
  /** Resolves with the description once the execution has stopped. */
  waitForExecution(executionArn: string): Promise<ExecutionDescription>;
  /** Resolves when every running execution is waiting for a task token (or none runs). */
  idle(): Promise<void>;
  /** Resolves once the executions of the journal are loaded (at once without one); rejects if it cannot be read. */
  loaded(): Promise<void>;
  /** History events held in memory: a stopped execution's history leaves memory once journaled (with a data directory). */
  eventsInMemory(): number;
  listStateMachines(): Array<{ stateMachineArn: string; name: string; type: 'STANDARD'; creationDate: Date }>;
  describeStateMachine(stateMachineArn: string): {
    stateMachineArn: string;
    name: string;
    status: 'ACTIVE';
    definition: string;
    roleArn: string;
    type: 'STANDARD';
    creationDate: Date;
  };
  /** Stops accepting, aborts running executions (they stay RUNNING on disk and restart next time), flushes. */
  close(): Promise<void>;
}

/** An API error; `name` is the AWS error code the JSON protocol sends as `__type`. */
export class SfnError extends Error {
  constructor(code: string, message: string) {
    super(message);
    this.name = code;
  }
}

/** What the engine holds of one execution. */
export interface Execution extends ExecutionDescription {
  /** The history while it can still grow. Once the execution has stopped and every event is in the journal, it is
   *  dropped from memory and read back from the journal when asked for (`Journal.history`). */
  events: HistoryEvent[] | undefined;
}

/** The names and ARNs the API accepts, as AWS validates them (a machine ARN's groups: region, account, name). */
// biome-ignore lint/suspicious/noControlCharactersInRegex: AWS refuses control characters in names; so does this
export const EXECUTION_NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]{1,80}$/;
export const MACHINE_ARN = /^arn:aws[\w-]*:states:([a-z0-9-]+):(\d{12}):stateMachine:([A-Za-z0-9_-]{1,80})$/;
export const EXECUTION_ARN = /^arn:aws[\w-]*:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/;
export const MAP_RUN_ARN = /^arn:aws[\w-]*:states:[a-z0-9-]+:\d{12}:mapRun:[^:]+\/[^:]+:[^:]+$/;
