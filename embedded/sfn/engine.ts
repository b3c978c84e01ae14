/**
 * The embedded Step Functions runtime: the synthesized ASL definition run in-process by aws-local-stepfunctions,
 * every Task overridden (by state name) with an in-process handler, plus what that engine lacks:
 * - `.waitForTaskToken`: the engine resolves `$$.Task.Token` from the context object we pass, where it finds a
 *   placeholder; our Task wrapper swaps the placeholder for a fresh token, calls the handler, then waits for
 *   sendTaskSuccess / sendTaskFailure. The user's definition is never restated, only a private copy is adjusted
 *   (a Task without TimeoutSeconds given AWS's default, Retry intervals scaled). Timers past Node's 24.8 days
 *   work (polyfill.ts), and a token wait cut off by a restart keeps its original deadline (`pendingTokenWaits`).
 * - a GetExecutionHistory-shaped history (ids, previousEventId, Task / LambdaFunction events as AWS writes them);
 * - StartExecution idempotency by name, and durable executions (journal and restart: see `Journal`, `open()`);
 * - Distributed Map: the engine would run it inline, so each item is run instead as a child execution of its
 *   own (history, DescribeExecution with `mapRunArn`), the parent recording MapRunStarted/Succeeded/Failed as
 *   AWS does (see `splitDistributedMaps`, `runMapChild`).
 */
import './polyfill.js';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { appendFile, mkdir, open as openFile, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StateMachine, type RunOptions, type StateMachineDefinition } from 'aws-local-stepfunctions';
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { allStates, walkAsl } from '../../lib/asl-walk.js';
import { assertLocallyRunnable } from './definition-guard.js';

export { assertLocallyRunnable };

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
  /** Multiplies Retry IntervalSeconds / MaxDelaySeconds (tests pass e.g. 0.01); backoff and jitter kept. */
  retryIntervalScale?: number | undefined;
  onEvent?: ((executionArn: string, event: HistoryEvent) => void) | undefined;
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

export type ExecutionListItem = Pick<ExecutionDescription, 'executionArn' | 'stateMachineArn' | 'name' | 'status' | 'startDate' | 'stopDate'> & { mapRunArn?: string | undefined };

export interface MapRunListItem {
  executionArn: string;
  mapRunArn: string;
  /** `arn:…:stateMachine:<machine>/<label>`, as AWS names a map run's state machine. */
  stateMachineArn: string;
  startDate: Date;
  stopDate?: Date | undefined;
}

export interface LocalSfn {
  startExecution(input: { stateMachineArn: string; name?: string | undefined; input?: string | undefined }): Promise<{ executionArn: string; startDate: Date }>;
  describeExecution(executionArn: string): ExecutionDescription;
  /** Of a state machine, or (`mapRunArn`) the child executions of one Distributed Map run: exactly one of the two. */
  listExecutions(input: { stateMachineArn?: string | undefined; mapRunArn?: string | undefined; statusFilter?: string | undefined; maxResults?: number | undefined; nextToken?: string | undefined }): { executions: ExecutionListItem[]; nextToken?: string | undefined };
  /** The Distributed Map runs an execution started, oldest first. */
  listMapRuns(input: { executionArn: string; maxResults?: number | undefined; nextToken?: string | undefined }): { mapRuns: MapRunListItem[]; nextToken?: string | undefined };
  getExecutionHistory(input: { executionArn: string; maxResults?: number | undefined; nextToken?: string | undefined; reverseOrder?: boolean | undefined; includeExecutionData?: boolean | undefined }): { events: HistoryEvent[]; nextToken?: string | undefined };
  sendTaskSuccess(taskToken: string, output: string): Promise<void>;
  sendTaskFailure(taskToken: string, error?: string, cause?: string): Promise<void>;
  /** Resolves with the description once the execution has stopped. */
  waitForExecution(executionArn: string): Promise<ExecutionDescription>;
  /** Resolves when every running execution is waiting for a task token (or none runs). */
  idle(): Promise<void>;
  /** History events held in memory: a stopped execution's history leaves memory once journaled (with a data directory). */
  eventsInMemory(): number;
  listStateMachines(): Array<{ stateMachineArn: string; name: string; type: 'STANDARD'; creationDate: Date }>;
  describeStateMachine(stateMachineArn: string): { stateMachineArn: string; name: string; status: 'ACTIVE'; definition: string; roleArn: string; type: 'STANDARD'; creationDate: Date };
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

type JsonValue = Parameters<StateMachine['run']>[0];
type LocalHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;
type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
/** What a Lambda payload becomes on the wire: Dates as strings, undefined dropped, nothing → null. */
function toJson(v: unknown): JsonValue {
  const text = JSON.stringify(v);
  return text === undefined ? null : JSON.parse(text);
}
const isDefinition = (v: unknown): v is StateMachineDefinition => isObj(v) && typeof v.StartAt === 'string' && isObj(v.States);

/** AWS's default TimeoutSeconds of a Task (about 3 years); the engine's own default would be 60 s. */
const AWS_DEFAULT_TASK_TIMEOUT_SECONDS = 99_999_999;
const EXECUTION_NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]{1,80}$/;
const MACHINE_ARN = /^arn:aws[\w-]*:states:([a-z0-9-]+):(\d{12}):stateMachine:([A-Za-z0-9_-]{1,80})$/;
const EXECUTION_ARN = /^arn:aws[\w-]*:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/;
const MAP_RUN_ARN = /^arn:aws[\w-]*:states:[a-z0-9-]+:\d{12}:mapRun:[^:]+\/[^:]+:[^:]+$/;

/** How a Task's Resource is called and recorded: AWS writes LambdaFunction* events only for a plain function ARN. */
interface TaskKind {
  legacyLambda: boolean;
  resourceType: string;
  resource: string;
  /** arn:aws:states:::lambda:invoke — the handler gets `Payload`, the state gets `{ Payload, StatusCode, … }`. */
  lambdaInvoke: boolean;
  waitForToken: boolean;
}

function taskKind(state: string, resource: unknown): TaskKind {
  if (typeof resource !== 'string') throw new Error(`state ${state}: Task without a Resource`);
  if (/^arn:aws[\w-]*:lambda:/.test(resource)) return { legacyLambda: true, resourceType: 'lambda', resource, lambdaInvoke: false, waitForToken: false };
  const m = /^arn:aws[\w-]*:states:[^:]*:[^:]*:([\w-]+):(.+)$/.exec(resource);
  const [resourceType, action] = m ? [m[1] ?? '', m[2] ?? ''] : ['unknown', resource];
  return { legacyLambda: false, resourceType, resource: action, lambdaInvoke: resourceType === 'lambda' && action.startsWith('invoke'), waitForToken: action.endsWith('.waitForTaskToken') };
}

/** The engine's private copy: a Task without TimeoutSeconds gets AWS's default (the engine would give it 60 s),
 *  Retry intervals scaled. Timeouts past 24.8 days need no clamping: polyfill.ts makes such timers work. */
function engineCopy(definition: unknown, scale: number): StateMachineDefinition {
  const copy: unknown = structuredClone(definition);
  if (!isDefinition(copy)) throw new Error('state machine definition needs StartAt and States');
  for (const [, state] of allStates(copy)) {
    if (state.Type === 'Task' && state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) state.TimeoutSeconds = AWS_DEFAULT_TASK_TIMEOUT_SECONDS;
    if (scale !== 1 && Array.isArray(state.Retry)) {
      for (const r of state.Retry) {
        if (!isObj(r)) continue;
        r.IntervalSeconds = (typeof r.IntervalSeconds === 'number' ? r.IntervalSeconds : 1) * scale;
        if (typeof r.MaxDelaySeconds === 'number') r.MaxDelaySeconds *= scale;
      }
    }
  }
  return copy;
}

/** A Distributed Map state's stand-in: an inline Map whose one Task starts the item's child execution. */
const childTaskName = (mapState: string) => `${mapState} (child execution)`;

/**
 * Takes each Distributed Map's ItemProcessor out of the definition (it becomes the child machine's definition)
 * and puts in its place an inline processor of one Task, whose local handler runs the item as a child
 * execution. The item selector is wrapped so that handler also learns the item's index: child names are derived
 * from the map run and the index, so a restarted parent finds the children it had already started.
 */
function splitDistributedMaps(definition: unknown): { definition: unknown; children: Array<{ mapState: string; label: string; definition: unknown }> } {
  const copy: unknown = structuredClone(definition);
  const children: Array<{ mapState: string; label: string; definition: unknown }> = [];
  walkAsl(copy, {
    state(name, state, states) {
      const processor = state.ItemProcessor;
      if (!isObj(processor) || !isObj(processor.ProcessorConfig) || processor.ProcessorConfig.Mode !== 'DISTRIBUTED') return;
      const task = childTaskName(name);
      if (task in states) throw new Error(`state ${task}: the name is taken by the local engine's Distributed Map stand-in`);
      children.push({ mapState: name, label: typeof state.Label === 'string' ? state.Label : name, definition: { StartAt: processor.StartAt, States: processor.States } });
      const selector = state.ItemSelector ?? state.Parameters;
      state.ItemSelector = { ...(selector === undefined ? { 'item.$': '$$.Map.Item.Value' } : { item: selector }), 'index.$': '$$.Map.Item.Index' };
      delete state.Parameters;
      delete state.Label;
      state.ItemProcessor = { StartAt: task, States: { [task]: { Type: 'Task', Resource: 'arn:aws:states:::local:mapRunChild', End: true } } };
      return false; // its processor is now the stand-in, and what it held belongs to the child machine
    },
  });
  return { definition: copy, children };
}

/** A name-shaped UUID derived from `text`: the same map run and item give the same child execution name. */
function uuidFrom(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

interface Machine {
  name: string;
  arn: string;
  region: string;
  account: string;
  definition: unknown;
  engine: StateMachine;
  tasks: Map<string, { kind: TaskKind; handler: TaskHandler; timeoutSeconds: number | undefined }>;
  /** Distributed Map states by name: the child machine that runs each item, and the map run label. */
  distributedMaps: Map<string, { child: Machine; label: string }>;
  /** A Distributed Map's child machine (not listed, not started through the API). */
  isChild: boolean;
}

/** One run of a Distributed Map state (one entry into it). */
interface MapRun {
  arn: string;
  children: Set<string>;
  closed: boolean;
}

interface Execution extends ExecutionDescription {
  /** The history while it can still grow. Once the execution has stopped and every event is in the journal, it is
   *  dropped from memory and read back from the journal when asked for (`Journal.history`). */
  events: HistoryEvent[] | undefined;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve: (v: T) => void;
  reject: (e: Error) => void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined); // settled early with nobody awaiting yet must not be an unhandled rejection
  return { promise, resolve, reject };
}

/** One call of a Task state's resource. `cancel` ends it (abort, timeout); `callback` is the token wait. */
interface Invocation {
  state: string;
  kind: TaskKind;
  token?: string;
  submitted: boolean;
  done: boolean;
  cancel: Deferred<never>;
  callback: Deferred<JsonValue>;
  /** The engine's own timer for a token wait whose deadline an earlier run set (see `pendingTokenWaits`). */
  deadline?: ReturnType<typeof setTimeout>;
}

/** One run of an execution by the engine (a restart is a new run of the same execution). */
interface Run {
  rec: Execution;
  machine: Machine;
  stopped: boolean;
  abort: () => void;
  done: Promise<void>;
  invocations: Set<Invocation>;
  /** Entries into each Distributed Map state in this run (the map run's ARN is derived from the count). */
  mapEntries: Map<string, number>;
  mapRuns: Map<string, MapRun>;
  /** Token waits the previous run was in when it stopped, by state: their deadlines (epoch ms). */
  pendingTokenWaits: Map<string, number>;
}

/**
 * The token waits an execution's latest run was in when it stopped, by state, with their deadlines (the
 * TaskScheduled time plus its `timeoutInSeconds`). A restart re-runs the execution from the start, and a review
 * reached again must keep its first deadline, not get a fresh 30 days at every restart. A TaskScheduled belongs to
 * the Task state entered just before it: exact for the project's workflows, whose token waits run one at a time.
 */
function pendingTokenWaits(events: readonly HistoryEvent[], tasks: Machine['tasks']): Map<string, number> {
  const waits = new Map<string, number>();
  let from = events.length;
  while (from > 0 && events[from - 1]?.type !== 'ExecutionStarted') from--;
  let entered: string | undefined;
  let scheduled: string | undefined;
  for (const ev of events.slice(from)) {
    if (ev.type === 'TaskStateEntered') entered = String((ev.stateEnteredEventDetails as { name?: unknown } | undefined)?.name ?? '');
    else if (ev.type === 'TaskScheduled') {
      scheduled = entered;
      const seconds = (ev.taskScheduledEventDetails as { timeoutInSeconds?: unknown } | undefined)?.timeoutInSeconds;
      if (scheduled && tasks.get(scheduled)?.kind.waitForToken && typeof seconds === 'number') waits.set(scheduled, ev.timestamp.getTime() + seconds * 1000);
    } else if ((ev.type === 'TaskSucceeded' || ev.type === 'TaskFailed' || ev.type === 'TaskTimedOut') && scheduled) waits.delete(scheduled);
  }
  return waits;
}

const taskError = (name: string, cause: string) => Object.assign(new Error(cause), { name });

/** A handler's exception as AWS reports a Lambda error: Error = errorType, Cause = the runtime's JSON. */
function lambdaError(err: unknown): Error {
  const e = err instanceof Error ? err : new Error(String(err));
  return taskError(e.name, JSON.stringify({ errorType: e.name, errorMessage: e.message, trace: (e.stack ?? '').split('\n') }));
}

// ---------- persistence: an append-only journal of JSON lines, one file per UTC day ----------
// Each flush appends one line per changed execution: its current status and the events added since its last
// line. Many changes of one execution between flushes become one line, and a flush is one append, so the cost
// under load is a few writes per second, not several per execution. Loading replays every line in order.

const StoredEvent = z.looseObject({ id: z.number(), previousEventId: z.number(), timestamp: z.number(), type: z.string() });
const JournalLine = z.object({
  executionArn: z.string(),
  stateMachineArn: z.string(),
  name: z.string(),
  input: z.string().optional(), // on an execution's first line only
  startDate: z.number(),
  status: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']),
  stopDate: z.number().optional(),
  output: z.string().optional(),
  error: z.string().optional(),
  cause: z.string().optional(),
  mapRunArn: z.string().optional(),
  events: z.array(StoredEvent),
});
const JOURNAL_FILE = /^\d{4}-\d{2}-\d{2}\.jsonl$/;

/**
 * The snapshot: each execution's summary and where its journal lines are, as of a clean state (written after a
 * load and at close). A start then reads it and parses only what the journal gained since (`sizes`), instead of
 * every line ever written. Anything that does not add up (a journal file shorter than the snapshot says, a
 * damaged snapshot) and the whole journal is read, as before.
 */
const SNAPSHOT_FILE = 'snapshot.jsonl';
const SnapshotHeader = z.object({ version: z.literal(1), sizes: z.record(z.string(), z.number().int().min(0)) });
const SnapshotEntry = JournalLine.omit({ events: true }).extend({ input: z.string(), lines: z.array(z.tuple([z.string(), z.number().int().min(0), z.number().int().min(0)])) });

/** Where one journal line is: the history of a stopped execution is read back from its lines. */
interface LineRef {
  file: string;
  offset: number;
  length: number;
}

/** Appends a line's events to a history, skipping any it already has (a line repeats none, but be safe). */
function addEvents(events: HistoryEvent[], line: z.infer<typeof JournalLine>): void {
  for (const e of line.events) if (e.id === events.length + 1) events.push({ ...e, timestamp: new Date(e.timestamp) });
}

class Journal {
  private readonly dirty = new Map<string, Execution>();
  /** How many of an execution's events are in the journal already. */
  private readonly written = new WeakMap<Execution, number>();
  /** Each execution's lines, in order: a stopped execution's history is kept here, not in memory. */
  private readonly lines = new Map<string, LineRef[]>();
  /** Bytes in each journal file, so a flush knows where its lines start. */
  private readonly sizes = new Map<string, number>();
  private flushing: Promise<void> | undefined;
  constructor(private readonly dir: string) {}

  async load(): Promise<Execution[]> {
    await mkdir(this.dir, { recursive: true });
    const files = (await readdir(this.dir)).filter((f) => JOURNAL_FILE.test(f)).sort();
    const byArn = new Map<string, Execution>();
    const covered = await this.readSnapshot(files, byArn);
    for (const file of files) {
      const path = join(this.dir, file);
      const start = covered.get(file) ?? 0;
      const handle = await openFile(path, 'r');
      let bytes: Buffer;
      try {
        const { size } = await handle.stat();
        bytes = Buffer.alloc(size - start);
        await handle.read(bytes, 0, bytes.length, start);
      } finally {
        await handle.close();
      }
      // A crash mid-append leaves a torn last line: skipped below, and closed so the next append starts clean.
      const torn = bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a;
      if (torn) await appendFile(path, '\n');
      this.sizes.set(file, start + bytes.length + (torn ? 1 : 0));
      for (let at = 0; at < bytes.length; ) {
        const end = bytes.indexOf(0x0a, at);
        const length = (end === -1 ? bytes.length : end) - at;
        const raw = bytes.toString('utf8', at, at + length);
        const ref = { file, offset: start + at, length };
        at += length + 1;
        if (!raw) continue;
        let line: z.infer<typeof JournalLine>;
        try {
          line = JournalLine.parse(JSON.parse(raw));
        } catch {
          console.error(`sfn: skipping a damaged line in ${path}`);
          continue;
        }
        let rec = byArn.get(line.executionArn);
        if (!rec) {
          if (line.input === undefined) continue; // its first line was lost; nothing to restart it from
          rec = { executionArn: line.executionArn, stateMachineArn: line.stateMachineArn, name: line.name, input: line.input, status: 'RUNNING', startDate: new Date(line.startDate), mapRunArn: line.mapRunArn, events: [] };
          byArn.set(rec.executionArn, rec);
        }
        rec.events ??= this.history(rec.executionArn); // known from the snapshot: its earlier events first
        Object.assign(rec, { status: line.status, stopDate: line.stopDate === undefined ? undefined : new Date(line.stopDate), output: line.output, error: line.error, cause: line.cause });
        addEvents(rec.events, line);
        this.refs(rec.executionArn).push(ref);
      }
    }
    for (const rec of byArn.values()) {
      if (rec.status === 'RUNNING') rec.events ??= this.history(rec.executionArn); // it runs again: its history grows
      this.written.set(rec, rec.events?.length ?? 0);
      if (rec.status !== 'RUNNING') rec.events = undefined; // stopped: its history stays on disk until asked for
    }
    await this.snapshot(byArn.values());
    return [...byArn.values()];
  }

  /** Fills `byArn` and the line index from the snapshot; answers how much of each journal file it covers. */
  private async readSnapshot(files: readonly string[], byArn: Map<string, Execution>): Promise<Map<string, number>> {
    let text: string;
    try {
      text = await readFile(join(this.dir, SNAPSHOT_FILE), 'utf8');
    } catch {
      return new Map(); // none yet
    }
    try {
      const [head = '', ...entries] = text.split('\n');
      const { sizes } = SnapshotHeader.parse(JSON.parse(head));
      for (const [file, size] of Object.entries(sizes)) {
        if (!files.includes(file) || (await stat(join(this.dir, file))).size < size) throw new Error(`journal file ${file} is not what the snapshot saw`);
      }
      for (const raw of entries) {
        if (!raw) continue;
        const { lines, ...e } = SnapshotEntry.parse(JSON.parse(raw));
        byArn.set(e.executionArn, { ...e, startDate: new Date(e.startDate), stopDate: e.stopDate === undefined ? undefined : new Date(e.stopDate), events: undefined });
        this.lines.set(e.executionArn, lines.map(([file, offset, length]) => ({ file, offset, length })));
      }
      return new Map(Object.entries(sizes));
    } catch (err) {
      console.error(`sfn: not using the journal snapshot (${String(err)}); reading the whole journal`);
      byArn.clear();
      this.lines.clear();
      return new Map();
    }
  }

  /**
   * Writes the snapshot (to a temporary file, then renamed into place, so a crash leaves the old one whole). Only
   * when the journal holds everything: a summary must never be ahead of the lines it points to.
   */
  async snapshot(records: Iterable<Execution>): Promise<void> {
    await this.drain();
    if (this.dirty.size > 0) return;
    const out = [JSON.stringify({ version: 1, sizes: Object.fromEntries(this.sizes) })];
    for (const r of records) {
      const refs = this.lines.get(r.executionArn);
      if (!refs?.length || (r.events && this.written.get(r) !== r.events.length)) return; // not all written yet
      const { events: _events, ...summary } = r;
      out.push(JSON.stringify({ ...summary, startDate: r.startDate.getTime(), stopDate: r.stopDate?.getTime(), lines: refs.map((x) => [x.file, x.offset, x.length]) }));
    }
    const path = join(this.dir, SNAPSHOT_FILE);
    const tmp = `${path}.${process.pid}.${randomUUID()}.tmp`;
    try {
      await writeFile(tmp, `${out.join('\n')}\n`);
      await rename(tmp, path);
    } catch (err) {
      console.error(`sfn: could not write the journal snapshot: ${String(err)}`); // the next start reads the whole journal
    }
  }

  private refs(executionArn: string): LineRef[] {
    let refs = this.lines.get(executionArn);
    if (!refs) this.lines.set(executionArn, (refs = []));
    return refs;
  }

  /**
   * A stopped execution's history, read back from its journal lines. Synchronous, like the rest of the engine's
   * read API: a few small reads at known offsets, and only when an auditor asks for a history.
   */
  history(executionArn: string): HistoryEvent[] {
    const events: HistoryEvent[] = [];
    const byFile = new Map<string, number>();
    try {
      for (const ref of this.lines.get(executionArn) ?? []) {
        let fd = byFile.get(ref.file);
        if (fd === undefined) byFile.set(ref.file, (fd = openSync(join(this.dir, ref.file), 'r')));
        const buf = Buffer.alloc(ref.length);
        readSync(fd, buf, 0, ref.length, ref.offset);
        const line = JournalLine.parse(JSON.parse(buf.toString('utf8')));
        if (line.executionArn !== executionArn) throw new Error(`line at ${ref.file}:${ref.offset} is not of this execution`);
        addEvents(events, line);
      }
    } catch (err) {
      throw new SfnError('ServiceUnavailable', `the history of ${executionArn} could not be read from the journal: ${String(err)}`);
    } finally {
      for (const fd of byFile.values()) closeSync(fd);
    }
    return events;
  }

  mark(r: Execution): void {
    this.dirty.set(r.executionArn, r);
    this.flushing ??= this.flush();
  }

  private async flush(): Promise<void> {
    try {
      while (this.dirty.size > 0) {
        const batch = [...this.dirty.values()].filter((r) => r.events).map((r) => ({ r, upTo: r.events?.length ?? 0 }));
        this.dirty.clear();
        const lines = batch.map(({ r, upTo }) => {
          const from = this.written.get(r) ?? 0;
          const events = (r.events ?? []).slice(from, upTo).map((e) => ({ ...e, timestamp: e.timestamp.getTime() }));
          return JSON.stringify({ ...r, input: from === 0 ? r.input : undefined, startDate: r.startDate.getTime(), stopDate: r.stopDate?.getTime(), events });
        });
        if (lines.length === 0) continue;
        const file = `${new Date().toISOString().slice(0, 10)}.jsonl`;
        const path = join(this.dir, file);
        try {
          let offset = this.sizes.get(file) ?? (await stat(path).catch(() => ({ size: 0 }))).size;
          const text = `${lines.join('\n')}\n`;
          await appendFile(path, text);
          this.sizes.set(file, offset + Buffer.byteLength(text));
          batch.forEach(({ r, upTo }, i) => {
            const length = Buffer.byteLength(lines[i] ?? '');
            this.refs(r.executionArn).push({ file, offset, length });
            offset += length + 1;
            this.written.set(r, upTo);
            // Stopped and all written: nothing more will be added, so the history leaves memory.
            if (r.status !== 'RUNNING' && upTo === r.events?.length) r.events = undefined;
          });
        } catch (err) {
          this.sizes.delete(file); // measured again next time
          console.error(`sfn: could not append to the execution journal: ${String(err)}`); // retried with the next change
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }

  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }
}

// ---------- the engine ----------

class Engine implements LocalSfn {
  private readonly machines = new Map<string, Machine>();
  private readonly executions = new Map<string, Execution>();
  private readonly runs = new Map<string, Run>();
  private readonly tokens = new Map<string, { run: Run; inv: Invocation }>();
  private readonly stopWaiters = new Map<string, Array<() => void>>();
  private idleWaiters: Array<() => void> = [];
  private readonly store: Journal | undefined;
  /** What `$$.Task.Token` resolves to inside the engine; swapped for a real token in the Task wrapper. */
  private readonly tokenPlaceholder = `__local_sfn_task_token_${randomUUID()}__`;
  private closed = false;

  constructor(private readonly opts: LocalSfnOptions) {
    this.store = opts.dataDir ? new Journal(opts.dataDir) : undefined;
    for (const sm of opts.stateMachines) {
      assertLocallyRunnable(sm.definition);
      const arn = MACHINE_ARN.exec(sm.arn);
      if (!arn || arn[3] !== sm.name) throw new Error(`state machine ${sm.name}: ARN ${sm.arn} is not arn:aws:states:<region>:<account>:stateMachine:${sm.name}`);
      const used = new Set<string>();
      this.addMachine({ name: sm.name, region: arn[1] ?? '', account: arn[2] ?? '', definition: sm.definition, taskHandlers: sm.taskHandlers, isChild: false }, used);
      for (const state of Object.keys(sm.taskHandlers)) if (!used.has(state)) throw new Error(`state machine ${sm.name}: handler for ${state}, which is not a Task state`);
    }
  }

  /** Registers a machine, and one child machine per Distributed Map state in it (recursively). */
  private addMachine(spec: { name: string; region: string; account: string; definition: unknown; taskHandlers: Record<string, TaskHandler>; isChild: boolean }, used: Set<string>): Machine {
    const { name, region, account } = spec;
    const split = splitDistributedMaps(spec.definition);
    const stand = new Set(split.children.map((c) => childTaskName(c.mapState)));
    const tasks: Machine['tasks'] = new Map();
    for (const [state, def] of allStates(split.definition)) {
      if (def.Type !== 'Task' || stand.has(state)) continue;
      const handler = spec.taskHandlers[state];
      // Without an override the engine would call real AWS Lambda: refuse at start instead.
      if (!handler) throw new Error(`state machine ${name}: Task state ${state} has no local handler`);
      const timeoutSeconds = typeof def.TimeoutSeconds === 'number' ? def.TimeoutSeconds : def.TimeoutSecondsPath === undefined ? AWS_DEFAULT_TASK_TIMEOUT_SECONDS : undefined;
      tasks.set(state, { kind: taskKind(state, def.Resource), handler, timeoutSeconds });
      used.add(state);
    }
    const distributedMaps: Machine['distributedMaps'] = new Map();
    for (const c of split.children) {
      const child = this.addMachine({ ...spec, name: `${name}/${c.label}`, definition: c.definition, isChild: true }, used);
      distributedMaps.set(c.mapState, { child, label: c.label });
    }
    // The engine's own validator (asl-validator) checks the copy's shape, paths and ARNs.
    const engine = new StateMachine(engineCopy(split.definition, this.opts.retryIntervalScale ?? 1));
    const m: Machine = { name, arn: `arn:aws:states:${region}:${account}:stateMachine:${name}`, region, account, definition: spec.definition, engine, tasks, distributedMaps, isChild: spec.isChild };
    this.machines.set(m.arn, m);
    return m;
  }

  /**
   * Loads persisted executions. Those RUNNING when the process stopped are run again from the beginning, same
   * ARN and input (every project step is idempotent): their earlier events are kept as a record of what already
   * happened, and a fresh ExecutionStarted is appended, so the history reads "started, …, started again, …".
   * Task tokens of the earlier run are gone; the re-run reaches the waiting task again and hands out a new one.
   */
  async open(): Promise<void> {
    if (!this.store) return;
    const loaded = await this.store.load();
    for (const r of loaded) this.executions.set(r.executionArn, r);
    for (const r of loaded) if (r.status === 'RUNNING') this.launch(r); // (of a machine no longer configured: left as is)
  }

  private machine(arn: string): Machine {
    if (!MACHINE_ARN.test(arn)) throw new SfnError('InvalidArn', `Invalid Arn: '${arn}'`);
    const m = this.machines.get(arn);
    if (!m) throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return m;
  }

  private execution(arn: string): Execution {
    if (!EXECUTION_ARN.test(arn)) throw new SfnError('InvalidArn', `Invalid Arn: '${arn}'`);
    const r = this.executions.get(arn);
    if (!r) throw new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return r;
  }

  async startExecution(input: { stateMachineArn: string; name?: string | undefined; input?: string | undefined }) {
    if (this.closed) throw new SfnError('ServiceUnavailable', 'the local Step Functions engine is shutting down');
    const m = this.machine(input.stateMachineArn);
    const name = input.name ?? randomUUID();
    if (!EXECUTION_NAME.test(name)) throw new SfnError('InvalidName', `Invalid Name: '${name}'`);
    const text = input.input ?? '{}';
    try {
      JSON.parse(text);
    } catch {
      throw new SfnError('InvalidExecutionInput', 'Invalid State Machine Execution Input: not valid JSON');
    }
    return this.start(m, name, text);
  }

  private start(m: Machine, name: string, text: string, mapRunArn?: string): { executionArn: string; startDate: Date } {
    if (this.closed) throw new SfnError('ServiceUnavailable', 'the local Step Functions engine is shutting down');
    const executionArn = `arn:aws:states:${m.region}:${m.account}:execution:${m.name}:${name}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      // Standard workflows: the same name and input is the same request (answered alike, running or not).
      if (existing.input === text) return { executionArn, startDate: existing.startDate };
      throw new SfnError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const rec: Execution = { executionArn, stateMachineArn: m.arn, name, status: 'RUNNING', startDate: new Date(), input: text, mapRunArn, events: [] };
    this.executions.set(executionArn, rec);
    this.launch(rec);
    return { executionArn, startDate: rec.startDate };
  }

  /**
   * One item of a Distributed Map: started as a child execution (named from the map run and the item's index,
   * so a restarted parent finds it again) and waited for. A failed child fails the map run, as with AWS's
   * default tolerated failure of zero.
   */
  private async runMapChild(run: Run, mapState: string, input: JsonValue): Promise<JsonValue> {
    // The map's StateEntered (which opens the map run) is read from the engine's log asynchronously.
    for (let i = 0; i < 10 && !run.mapRuns.has(mapState); i++) await new Promise((r) => setImmediate(r));
    const mapRun = run.mapRuns.get(mapState);
    const spec = run.machine.distributedMaps.get(mapState);
    if (run.stopped || !mapRun || mapRun.closed || !spec) throw taskError('States.Runtime', 'the map run has stopped');
    const { item, index } = z.object({ item: z.unknown(), index: z.number().int() }).parse(input);
    const { executionArn } = this.start(spec.child, uuidFrom(`${mapRun.arn}\n${index}`), JSON.stringify(item ?? null), mapRun.arn);
    mapRun.children.add(executionArn);
    const done = await this.waitForExecution(executionArn);
    if (done.status === 'SUCCEEDED') return JSON.parse(done.output ?? 'null') as JsonValue;
    throw taskError('States.ExceedToleratedFailureThreshold', `The tolerated failure threshold was exceeded: child execution ${executionArn} ended ${done.status}${done.error ? ` (${done.error})` : ''}`);
  }

  /** Stops a running execution as StopExecution does (status ABORTED). */
  private abortExecution(executionArn: string): void {
    const run = this.runs.get(executionArn);
    if (!run) return;
    this.finish(run, 'ABORTED', {});
    run.abort();
  }

  /** The map state's events as AWS records a Distributed Map: MapRunStarted/Succeeded/Failed, no iterations. */
  private mapRunEvent(run: Run, ev: { type: string; state: { name: string }; Error?: unknown; Cause?: unknown }): void {
    const state = ev.state.name;
    const spec = run.machine.distributedMaps.get(state);
    if (!spec) return;
    if (ev.type === 'StateEntered') {
      const n = (run.mapEntries.get(state) ?? 0) + 1;
      run.mapEntries.set(state, n);
      const { region, account, name } = run.machine;
      const arn = `arn:aws:states:${region}:${account}:mapRun:${name}/${spec.label}:${uuidFrom(`${run.rec.executionArn}\n${state}\n${n}`)}`;
      run.mapRuns.set(state, { arn, children: new Set(), closed: false });
      this.push(run, 'MapRunStarted', { mapRunStartedEventDetails: { mapRunArn: arn } });
      return;
    }
    const mapRun = run.mapRuns.get(state);
    if (!mapRun || mapRun.closed) return;
    mapRun.closed = true;
    if (ev.type === 'StateExited') {
      this.push(run, 'MapRunSucceeded');
      return;
    }
    // Failed: the children still running are stopped, as AWS stops a failed map run's children.
    for (const arn of mapRun.children) if (this.executions.get(arn)?.status === 'RUNNING') this.abortExecution(arn);
    const cause = typeof ev.Cause === 'string' ? ev.Cause : JSON.stringify(ev.Cause ?? '');
    this.push(run, 'MapRunFailed', { mapRunFailedEventDetails: { error: String(ev.Error ?? ''), cause } });
  }

  private push(run: Run, type: string, details?: Obj): void {
    const rec = run.rec;
    if (run.stopped || !rec.events) return; // late news from an aborted or finished run
    const id = rec.events.length + 1;
    const event: HistoryEvent = { id, previousEventId: id - 1, timestamp: new Date(), type, ...details };
    rec.events.push(event);
    this.store?.mark(rec);
    this.opts.onEvent?.(rec.executionArn, event);
  }

  private launch(rec: Execution): void {
    const m = this.machines.get(rec.stateMachineArn);
    if (!m) return;
    const run: Run = {
      rec,
      machine: m,
      stopped: false,
      abort: () => undefined,
      done: Promise.resolve(),
      invocations: new Set(),
      mapEntries: new Map(),
      mapRuns: new Map(),
      pendingTokenWaits: pendingTokenWaits((rec.events ??= []), m.tasks),
    };
    this.runs.set(rec.executionArn, run);
    const roleArn = `arn:aws:iam::${m.account}:role/${m.name}-local`;
    this.push(run, 'ExecutionStarted', { executionStartedEventDetails: { input: rec.input, inputDetails: { truncated: false }, roleArn } });
    const handlers: LocalHandlers = {};
    for (const state of m.tasks.keys()) handlers[state] = (input) => this.invoke(run, state, input);
    const standIns = new Set<string>();
    for (const mapState of m.distributedMaps.keys()) {
      standIns.add(childTaskName(mapState));
      handlers[childTaskName(mapState)] = (input) => this.runMapChild(run, mapState, input);
    }
    const execution = m.engine.run(JSON.parse(rec.input), {
      overrides: { taskResourceLocalHandlers: handlers },
      noThrowOnAbort: true,
      context: {
        Execution: { Id: rec.executionArn, Name: rec.name, RoleArn: roleArn, StartTime: rec.startDate.toISOString() },
        StateMachine: { Id: m.arn, Name: m.name },
        Task: { Token: this.tokenPlaceholder },
      },
    });
    execution.result.catch(() => undefined); // the outcome is taken from the event log
    run.abort = execution.abort;
    run.done = (async () => {
      for await (const ev of execution.eventLogs) {
        switch (ev.type) {
          case 'StateEntered':
            if (standIns.has(ev.state.name)) break;
            this.push(run, `${ev.state.type}StateEntered`, { stateEnteredEventDetails: { name: ev.state.name, input: JSON.stringify(ev.state.input), inputDetails: { truncated: false } } });
            this.mapRunEvent(run, ev);
            break;
          case 'StateExited':
            if (standIns.has(ev.state.name)) break;
            this.mapRunEvent(run, ev);
            if (ev.state.type !== 'Fail') this.push(run, `${ev.state.type}StateExited`, { stateExitedEventDetails: { name: ev.state.name, output: JSON.stringify(ev.state.output ?? null), outputDetails: { truncated: false } } });
            break;
          case 'StateFailed':
            if (ev.state.type === 'Task' && ev.Error === 'States.Timeout') this.timedOut(run, ev.state.name);
            this.mapRunEvent(run, ev);
            break;
          case 'MapIterationStarted':
          case 'MapIterationSucceeded':
          case 'MapIterationFailed': {
            if (m.distributedMaps.has(ev.parentState.name)) break;
            const key = `${ev.type.charAt(0).toLowerCase()}${ev.type.slice(1)}EventDetails`;
            this.push(run, ev.type, { [key]: { name: ev.parentState.name, index: ev.index } });
            break;
          }
          case 'ExecutionSucceeded':
            this.finish(run, 'SUCCEEDED', { output: JSON.stringify(ev.output ?? null) });
            break;
          case 'ExecutionFailed':
            this.finish(run, 'FAILED', { error: ev.Error, cause: typeof ev.Cause === 'string' ? ev.Cause : JSON.stringify(ev.Cause) });
            break;
          case 'ExecutionTimeout':
            this.finish(run, 'TIMED_OUT', { error: 'States.Timeout' });
            break;
          case 'ExecutionAborted':
            this.finish(run, 'ABORTED', {}); // ignored when close() aborted it: it stays RUNNING
            break;
          default:
            break; // ExecutionStarted (ours is richer), retries and catches (AWS records none), Parallel branches
        }
      }
    })().catch((err: unknown) => {
      console.error(`sfn: history of ${rec.executionArn} broke: ${String(err)}`);
      this.finish(run, 'FAILED', { error: 'States.Runtime', cause: String(err) });
    });
  }

  private finish(run: Run, status: Exclude<ExecutionStatus, 'RUNNING'>, outcome: { output?: string; error?: string; cause?: string }): void {
    if (run.stopped) return;
    const rec = run.rec;
    const type = { SUCCEEDED: 'ExecutionSucceeded', FAILED: 'ExecutionFailed', TIMED_OUT: 'ExecutionTimedOut', ABORTED: 'ExecutionAborted' }[status];
    const details = status === 'SUCCEEDED' ? { output: outcome.output, outputDetails: { truncated: false } } : { error: outcome.error, cause: outcome.cause };
    this.push(run, type, { [`${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`]: details });
    Object.assign(rec, { status, stopDate: new Date(), ...outcome });
    this.stopRun(run, 'the execution has stopped');
    this.store?.mark(rec);
  }

  /** Ends a run: no more events, open Task calls released (so the engine's timers clear), tokens void. */
  private stopRun(run: Run, why: string): void {
    run.stopped = true;
    for (const inv of run.invocations) {
      inv.done = true;
      if (inv.token) this.tokens.delete(inv.token);
      inv.cancel.reject(taskError('States.Runtime', why));
    }
    run.invocations.clear();
    if (this.runs.get(run.rec.executionArn) === run) this.runs.delete(run.rec.executionArn);
    for (const w of this.stopWaiters.get(run.rec.executionArn) ?? []) w();
    this.stopWaiters.delete(run.rec.executionArn);
    this.checkIdle();
  }

  /** The engine timed a Task out (its own timer): record it as AWS does and void that call's token. */
  private timedOut(run: Run, state: string): void {
    const inv = [...run.invocations].find((i) => i.state === state && !i.done);
    if (!inv) return;
    this.settle(run, inv);
    const { kind } = inv;
    if (kind.legacyLambda) this.push(run, 'LambdaFunctionTimedOut', { lambdaFunctionTimedOutEventDetails: { error: 'States.Timeout' } });
    else this.push(run, 'TaskTimedOut', { taskTimedOutEventDetails: { resourceType: kind.resourceType, resource: kind.resource, error: 'States.Timeout' } });
    inv.cancel.reject(taskError('States.Timeout', 'States.Timeout'));
  }

  /** Marks a call finished; false if something (timeout, abort) finished it first. */
  private settle(run: Run, inv: Invocation): boolean {
    if (inv.done) return false;
    inv.done = true;
    if (inv.deadline) clearTimeout(inv.deadline);
    run.invocations.delete(inv);
    if (inv.token) this.tokens.delete(inv.token);
    if (inv.submitted) this.checkIdle();
    return true;
  }

  /** One Task invocation: the in-process handler called the way the Resource says, with AWS's history events. */
  private async invoke(run: Run, state: string, input: JsonValue): Promise<JsonValue> {
    // The engine queues StateEntered just before calling us and its log is read asynchronously: let it land first.
    await new Promise((r) => setImmediate(r));
    const task = run.machine.tasks.get(state);
    if (run.stopped || !task) throw taskError('States.Runtime', 'the execution has stopped');
    const { kind, handler } = task;
    const inv: Invocation = { state, kind, submitted: false, done: false, cancel: deferred(), callback: deferred() };
    run.invocations.add(inv);
    let params: unknown = input;
    let timeoutInSeconds = task.timeoutSeconds;
    if (kind.waitForToken) {
      inv.token = Buffer.from(JSON.stringify([run.rec.executionArn, randomBytes(24).toString('base64url')])).toString('base64url');
      params = this.fillToken(input, inv.token);
      this.tokens.set(inv.token, { run, inv });
      // Reached again after a restart: the wait keeps the deadline of the run that stopped (the engine's own
      // timer counts from now, so it cannot be the one to enforce it).
      const deadline = run.pendingTokenWaits.get(state);
      run.pendingTokenWaits.delete(state);
      if (deadline !== undefined) {
        const left = Math.max(0, deadline - Date.now());
        timeoutInSeconds = Math.ceil(left / 1000);
        inv.deadline = setTimeout(() => this.timedOut(run, state), left);
      }
    }
    const payload = kind.lambdaInvoke ? (isObj(params) && 'Payload' in params ? params.Payload : {}) : params;
    const call = async () => toJson(await handler(payload));
    const detail = { resourceType: kind.resourceType, resource: kind.resource };
    const fail = (err: unknown): never => {
      const e = kind.legacyLambda || kind.lambdaInvoke ? lambdaError(err) : err instanceof Error ? err : new Error(String(err));
      if (this.settle(run, inv)) {
        if (kind.legacyLambda) this.push(run, 'LambdaFunctionFailed', { lambdaFunctionFailedEventDetails: { error: e.name, cause: e.message } });
        else this.push(run, 'TaskFailed', { taskFailedEventDetails: { ...detail, error: e.name, cause: e.message } });
      }
      throw e;
    };

    if (kind.legacyLambda) {
      this.push(run, 'LambdaFunctionScheduled', { lambdaFunctionScheduledEventDetails: { resource: kind.resource, input: JSON.stringify(payload ?? null), inputDetails: { truncated: false } } });
      this.push(run, 'LambdaFunctionStarted');
      const out = await Promise.race([call(), inv.cancel.promise]).catch(fail);
      if (this.settle(run, inv)) this.push(run, 'LambdaFunctionSucceeded', { lambdaFunctionSucceededEventDetails: { output: JSON.stringify(out), outputDetails: { truncated: false } } });
      return out;
    }

    this.push(run, 'TaskScheduled', { taskScheduledEventDetails: { ...detail, region: run.machine.region, parameters: JSON.stringify(params), ...(timeoutInSeconds === undefined ? {} : { timeoutInSeconds }) } });
    this.push(run, 'TaskStarted', { taskStartedEventDetails: detail });
    const out = await Promise.race([call(), inv.cancel.promise]).catch(fail);
    const response: JsonValue = kind.lambdaInvoke ? { ExecutedVersion: '$LATEST', Payload: out, StatusCode: 200 } : out;
    if (!kind.waitForToken) {
      if (this.settle(run, inv)) this.push(run, 'TaskSucceeded', { taskSucceededEventDetails: { ...detail, output: JSON.stringify(response), outputDetails: { truncated: false } } });
      return response;
    }
    if (inv.done) throw taskError('States.Runtime', 'the execution has stopped');
    // The handler has the token; SendTaskSuccess/Failure may already have come (even from inside the handler).
    this.push(run, 'TaskSubmitted', { taskSubmittedEventDetails: { ...detail, output: JSON.stringify(response), outputDetails: { truncated: false } } });
    inv.submitted = true;
    this.checkIdle();
    try {
      const result = await Promise.race([inv.callback.promise, inv.cancel.promise]);
      if (this.settle(run, inv)) this.push(run, 'TaskSucceeded', { taskSucceededEventDetails: { ...detail, output: JSON.stringify(result), outputDetails: { truncated: false } } });
      return result;
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      if (this.settle(run, inv)) this.push(run, 'TaskFailed', { taskFailedEventDetails: { ...detail, error: e.name, cause: e.message } });
      throw e;
    }
  }

  /** Puts the token wherever the engine put the placeholder (`"taskToken.$": "$$.Task.Token"`, or inside a string). */
  private fillToken(value: unknown, token: string): unknown {
    if (typeof value === 'string') return value.includes(this.tokenPlaceholder) ? value.split(this.tokenPlaceholder).join(token) : value;
    if (Array.isArray(value)) return value.map((v) => this.fillToken(v, token));
    if (isObj(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.fillToken(v, token)]));
    return value;
  }

  /** Why a token is not waiting: malformed → InvalidToken; its execution stopped → TaskTimedOut; else TaskDoesNotExist. */
  private pendingToken(token: string): { run: Run; inv: Invocation } {
    const pending = this.tokens.get(token);
    if (pending) return pending;
    let executionArn: string | undefined;
    try {
      executionArn = z.tuple([z.string(), z.string()]).parse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')))[0];
    } catch {
      throw new SfnError('InvalidToken', 'Invalid Token: not a task token of this engine');
    }
    const rec = this.executions.get(executionArn);
    if (rec && rec.status !== 'RUNNING') throw new SfnError('TaskTimedOut', 'Task Timed Out: the execution of this task has stopped');
    throw new SfnError('TaskDoesNotExist', 'Task Does Not Exist: the task is no longer waiting for this token');
  }

  async sendTaskSuccess(taskToken: string, output: string): Promise<void> {
    const { inv } = this.pendingToken(taskToken);
    let value: JsonValue;
    try {
      value = JSON.parse(output);
    } catch {
      throw new SfnError('InvalidOutput', 'Invalid Output: not valid JSON');
    }
    this.tokens.delete(taskToken);
    inv.callback.resolve(value);
  }

  async sendTaskFailure(taskToken: string, error?: string, cause?: string): Promise<void> {
    const { inv } = this.pendingToken(taskToken);
    this.tokens.delete(taskToken);
    inv.callback.reject(taskError(error ?? '', cause ?? ''));
  }

  /** In memory while the execution may still grow; once stopped and journaled, read back from the journal. */
  private historyOf(rec: Execution): HistoryEvent[] {
    return rec.events ?? this.store?.history(rec.executionArn) ?? [];
  }

  /** How many history events are held in memory (running executions'; every execution's without a data directory). */
  eventsInMemory(): number {
    let n = 0;
    for (const rec of this.executions.values()) n += rec.events?.length ?? 0;
    return n;
  }

  describeExecution(executionArn: string): ExecutionDescription {
    const { events: _events, ...description } = this.execution(executionArn);
    return description;
  }

  listExecutions(input: { stateMachineArn?: string | undefined; mapRunArn?: string | undefined; statusFilter?: string | undefined; maxResults?: number | undefined; nextToken?: string | undefined }) {
    if ((input.stateMachineArn === undefined) === (input.mapRunArn === undefined)) throw new SfnError('ValidationException', 'exactly one of stateMachineArn and mapRunArn is required');
    if (input.stateMachineArn !== undefined) this.machine(input.stateMachineArn);
    else if (!MAP_RUN_ARN.test(input.mapRunArn ?? '')) throw new SfnError('InvalidArn', `Invalid Arn: '${input.mapRunArn}'`);
    const belongs = (r: Execution) => (input.stateMachineArn !== undefined ? r.stateMachineArn === input.stateMachineArn : r.mapRunArn === input.mapRunArn);
    const all = [...this.executions.values()].filter((r) => belongs(r) && (!input.statusFilter || r.status === input.statusFilter)).sort((a, b) => b.startDate.getTime() - a.startDate.getTime());
    const { start, size } = page(input.maxResults, input.nextToken);
    return {
      executions: all
        .slice(start, start + size)
        .map(({ executionArn, stateMachineArn, name, status, startDate, stopDate, mapRunArn }) => ({ executionArn, stateMachineArn, name, status, startDate, stopDate, mapRunArn })),
      nextToken: start + size < all.length ? String(start + size) : undefined,
    };
  }

  listMapRuns(input: { executionArn: string; maxResults?: number | undefined; nextToken?: string | undefined }) {
    const rec = this.execution(input.executionArn);
    // From the history: a restarted execution re-enters its map under the same map run ARN (listed once).
    const runs = new Map<string, MapRunListItem>();
    let open: MapRunListItem | undefined;
    for (const e of this.historyOf(rec)) {
      if (e.type === 'MapRunStarted') {
        const mapRunArn = (e.mapRunStartedEventDetails as { mapRunArn: string }).mapRunArn;
        const label = /:mapRun:([^:]+):/.exec(mapRunArn)?.[1] ?? '';
        open = runs.get(mapRunArn) ?? { executionArn: rec.executionArn, mapRunArn, stateMachineArn: `${rec.stateMachineArn.split(':stateMachine:')[0]}:stateMachine:${label}`, startDate: e.timestamp };
        open.stopDate = undefined;
        runs.set(mapRunArn, open);
      } else if ((e.type === 'MapRunSucceeded' || e.type === 'MapRunFailed') && open) {
        open.stopDate = e.timestamp;
        open = undefined;
      }
    }
    const all = [...runs.values()];
    const { start, size } = page(input.maxResults, input.nextToken);
    return { mapRuns: all.slice(start, start + size), nextToken: start + size < all.length ? String(start + size) : undefined };
  }

  getExecutionHistory(input: { executionArn: string; maxResults?: number | undefined; nextToken?: string | undefined; reverseOrder?: boolean | undefined; includeExecutionData?: boolean | undefined }) {
    const history = this.historyOf(this.execution(input.executionArn));
    const all = input.reverseOrder ? [...history].reverse() : history;
    const { start, size } = page(input.maxResults, input.nextToken);
    let events = all.slice(start, start + size);
    if (input.includeExecutionData === false) events = events.map(withoutData);
    return { events, nextToken: start + size < all.length ? String(start + size) : undefined };
  }

  async waitForExecution(executionArn: string): Promise<ExecutionDescription> {
    const rec = this.execution(executionArn);
    if (rec.status === 'RUNNING') {
      if (!this.runs.has(executionArn)) throw new SfnError('ServiceUnavailable', 'the execution is not running in this engine (closed?)');
      await new Promise<void>((resolve) => this.stopWaiters.set(executionArn, [...(this.stopWaiters.get(executionArn) ?? []), resolve]));
    }
    return this.describeExecution(executionArn);
  }

  idle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      this.checkIdle();
    });
  }

  private checkIdle(): void {
    if (this.idleWaiters.length === 0) return;
    for (const run of this.runs.values()) if (![...run.invocations].some((i) => i.submitted && !i.done)) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }

  listStateMachines() {
    return [...this.machines.values()].filter((m) => !m.isChild).map((m) => ({ stateMachineArn: m.arn, name: m.name, type: 'STANDARD' as const, creationDate: new Date(0) }));
  }

  describeStateMachine(stateMachineArn: string) {
    const m = this.machine(stateMachineArn);
    return { stateMachineArn: m.arn, name: m.name, status: 'ACTIVE' as const, definition: JSON.stringify(m.definition), roleArn: `arn:aws:iam::${m.account}:role/${m.name}-local`, type: 'STANDARD' as const, creationDate: new Date(0) };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const runs = [...this.runs.values()];
    for (const run of runs) {
      this.stopRun(run, 'the engine was closed');
      run.abort();
    }
    await Promise.all(runs.map((r) => r.done));
    await this.store?.snapshot(this.executions.values());
  }
}

/** AWS pages: maxResults 0/absent → 100, at most 1000; our nextToken is the offset. */
function page(maxResults: number | undefined, nextToken: string | undefined): { start: number; size: number } {
  const start = nextToken === undefined ? 0 : Number(nextToken);
  if (!Number.isInteger(start) || start < 0) throw new SfnError('InvalidToken', `Invalid Token: '${nextToken}'`);
  return { start, size: Math.min(maxResults || 100, 1000) };
}

/** includeExecutionData=false: the events without their input/output payloads. */
function withoutData(e: HistoryEvent): HistoryEvent {
  const out: HistoryEvent = { ...e };
  for (const [k, v] of Object.entries(e)) {
    if (!k.endsWith('EventDetails') || !isObj(v)) continue;
    const { input: _i, output: _o, parameters: _p, ...rest } = v;
    out[k] = rest;
  }
  return out;
}

export async function createLocalSfn(opts: LocalSfnOptions): Promise<LocalSfn> {
  const engine = new Engine(opts);
  await engine.open();
  return engine;
}
