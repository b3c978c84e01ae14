/**
 * The embedded Step Functions runtime: the synthesized ASL definition run by aws-local-stepfunctions, each
 * Task overridden (by state name) with an in-process handler, plus what that engine lacks:
 * - `.waitForTaskToken`: the token parameter is filled in by us and the task waits for sendTaskSuccess/Failure;
 * - a GetExecutionHistory-shaped event log (ids, previousEventId, Task and LambdaFunction events);
 * - StartExecution idempotency by name, and durable executions: with a data directory, an execution that was
 *   running when the process died is started again from the beginning under the same ARN on the next open
 *   (every step is idempotent), its earlier events kept.
 */
import './polyfill.js';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StateMachine } from 'aws-local-stepfunctions';
import { assertLocallyRunnable } from './definition-guard.js';

export { assertLocallyRunnable };

export type TaskHandler = (payload: unknown) => Promise<unknown>;
export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';

export interface HistoryEvent {
  id: number;
  previousEventId: number;
  timestamp: Date;
  type: string;
  [details: string]: unknown;
}

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  input: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  output?: string;
  error?: string;
  cause?: string;
  events: HistoryEvent[];
}

export interface LocalSfnOptions {
  stateMachines: Array<{ name: string; arn: string; definition: unknown; taskHandlers: Record<string, TaskHandler> }>;
  dataDir?: string | undefined;
  /** Multiply Retry intervals (tests pass a small factor); 1 = the definition's own backoff and jitter. */
  retryIntervalScale?: number | undefined;
}

const TOKEN_PLACEHOLDER = '__fangpin_task_token__';

export function apiError(name: string, message: string): Error {
  const err = new Error(message);
  err.name = name;
  return err;
}

interface Machine {
  name: string;
  arn: string;
  definition: Record<string, unknown>;
  engine: StateMachine;
  taskHandlers: Record<string, TaskHandler>;
  states: Map<string, { Type: string; Resource?: string; Retry?: Array<{ IntervalSeconds?: number; BackoffRate?: number; MaxAttempts?: number }> }>;
}

/** A private copy for the engine: `"taskToken.$": "$$.Task.Token"` becomes a placeholder we fill in ourselves. */
function withTokenPlaceholder(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withTokenPlaceholder);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (k.endsWith('.$') && v === '$$.Task.Token') out[k.slice(0, -2)] = TOKEN_PLACEHOLDER;
    else out[k] = withTokenPlaceholder(v);
  }
  return out;
}

/**
 * Node timers overflow above 2^31 − 1 ms (24.8 days) and fire at once; the review task's 30-day timeout would
 * fail every review immediately. Such long timeouts are dropped from the engine's private copy (not enforced
 * locally); the AWS definition keeps them.
 */
const MAX_TIMER_SECONDS = Math.floor(2_147_483_647 / 1000);
function withoutOverlongTimeouts(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutOverlongTimeouts);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k, v]) => !(k === 'TimeoutSeconds' && typeof v === 'number' && v > MAX_TIMER_SECONDS))
      .map(([k, v]) => [k, withoutOverlongTimeouts(v)]),
  );
}

function fillToken(value: unknown, token: string): unknown {
  if (value === TOKEN_PLACEHOLDER) return token;
  if (Array.isArray(value)) return value.map((v) => fillToken(v, token));
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fillToken(v, token)]));
}

function flatStates(def: Record<string, unknown>, into: Machine['states']): void {
  for (const [name, s] of Object.entries((def.States as Record<string, Record<string, unknown>>) ?? {})) {
    into.set(name, s as never);
    for (const sub of [s.Iterator, s.ItemProcessor, ...((s.Branches as unknown[]) ?? [])]) if (sub) flatStates(sub as Record<string, unknown>, into);
  }
}

const ENTERED: Record<string, string> = { Task: 'TaskStateEntered', Choice: 'ChoiceStateEntered', Succeed: 'SucceedStateEntered', Fail: 'FailStateEntered', Pass: 'PassStateEntered', Wait: 'WaitStateEntered', Map: 'MapStateEntered', Parallel: 'ParallelStateEntered' };

export class LocalSfn {
  private readonly machines = new Map<string, Machine>();
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly running = new Map<string, { abort: () => void; done: Promise<void> }>();
  private readonly tokens = new Map<string, { executionArn: string; resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private readonly waiters = new Map<string, Array<() => void>>();
  private writes = Promise.resolve();
  private closed = false;

  constructor(private readonly opts: LocalSfnOptions) {
    for (const m of opts.stateMachines) {
      assertLocallyRunnable(m.definition);
      const definition = withoutOverlongTimeouts(withTokenPlaceholder(m.definition)) as Record<string, unknown>;
      const states: Machine['states'] = new Map();
      flatStates(definition, states);
      const engine = new StateMachine(definition as never, { validationOptions: { checkArn: false, checkPaths: false } });
      this.machines.set(m.arn, { name: m.name, arn: m.arn, definition: m.definition as Record<string, unknown>, engine, taskHandlers: m.taskHandlers, states });
    }
  }

  /** Loads persisted executions and restarts the ones that were running. */
  async open(): Promise<void> {
    const dir = this.opts.dataDir;
    if (!dir) return;
    mkdirSync(dir, { recursive: true });
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      const raw = JSON.parse(readFileSync(join(dir, file), 'utf8')) as ExecutionRecord;
      const rec: ExecutionRecord = {
        ...raw,
        startDate: new Date(raw.startDate),
        stopDate: raw.stopDate ? new Date(raw.stopDate) : undefined,
        events: raw.events.map((e) => ({ ...e, timestamp: new Date(e.timestamp) })),
      };
      this.executions.set(rec.executionArn, rec);
    }
    for (const rec of this.executions.values()) if (rec.status === 'RUNNING' && this.machines.has(rec.stateMachineArn)) this.launch(rec);
  }

  private machine(arn: string): Machine {
    const m = this.machines.get(arn);
    if (!m) throw apiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return m;
  }

  private persist(rec: ExecutionRecord): void {
    const dir = this.opts.dataDir;
    if (!dir) return;
    const file = join(dir, `${encodeURIComponent(rec.name)}.json`);
    const text = JSON.stringify(rec);
    this.writes = this.writes.then(async () => {
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, text);
      await rename(tmp, file);
    }).catch(() => undefined);
  }

  private push(rec: ExecutionRecord, type: string, details: Record<string, unknown> = {}): void {
    const id = rec.events.length + 1;
    rec.events.push({ id, previousEventId: id - 1, timestamp: new Date(), type, ...details });
  }

  async startExecution(input: { stateMachineArn: string; name?: string | undefined; input?: string | undefined }): Promise<{ executionArn: string; startDate: Date }> {
    if (this.closed) throw apiError('ServiceUnavailable', 'the local engine is shutting down');
    const m = this.machine(input.stateMachineArn);
    const name = input.name ?? randomUUID();
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) throw apiError('InvalidName', `Invalid Name: '${name}'`);
    const text = input.input ?? '{}';
    try {
      JSON.parse(text);
    } catch {
      throw apiError('InvalidExecutionInput', 'Invalid State Machine Execution Input: not JSON');
    }
    const executionArn = `${m.arn.replace(':stateMachine:', ':execution:')}:${name}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      if (existing.input === text) return { executionArn, startDate: existing.startDate };
      throw apiError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const rec: ExecutionRecord = { executionArn, stateMachineArn: m.arn, name, input: text, status: 'RUNNING', startDate: new Date(), events: [] };
    this.executions.set(executionArn, rec);
    this.launch(rec);
    return { executionArn, startDate: rec.startDate };
  }

  private launch(rec: ExecutionRecord): void {
    const m = this.machine(rec.stateMachineArn);
    this.push(rec, 'ExecutionStarted', { executionStartedEventDetails: { input: rec.input, roleArn: 'arn:aws:iam::000000000000:role/embedded' } });
    this.persist(rec);
    const overrides: Record<string, (input: unknown) => Promise<unknown>> = {};
    for (const [state, handler] of Object.entries(m.taskHandlers)) overrides[state] = (input) => this.task(rec, m, state, handler, input);
    const scale = this.opts.retryIntervalScale ?? 1;
    const retryIntervalOverrides: Record<string, number[]> = {};
    if (scale !== 1) {
      for (const [name, s] of m.states) if (s.Retry) retryIntervalOverrides[name] = s.Retry.map((r) => Math.round((r.IntervalSeconds ?? 1) * 1000 * scale));
    }
    const execution = m.engine.run(JSON.parse(rec.input) as never, {
      overrides: { taskResourceLocalHandlers: overrides as never, retryIntervalOverrides },
      noThrowOnAbort: true,
      context: { Execution: { Id: rec.executionArn, Name: rec.name, Input: JSON.parse(rec.input), StartTime: rec.startDate.toISOString() }, StateMachine: { Id: m.arn, Name: m.name } } as never,
    });
    const states = m.states;
    const consume = (async () => {
      for await (const ev of execution.eventLogs) {
        const e = ev as { type: string; state?: { name: string; type: string; input?: unknown; output?: unknown } };
        if (!e.state) continue;
        if (e.type === 'StateEntered') {
          this.push(rec, ENTERED[e.state.type] ?? `${e.state.type}StateEntered`, { stateEnteredEventDetails: { name: e.state.name, input: JSON.stringify(e.state.input ?? null) } });
        } else if (e.type === 'StateExited' && e.state.type !== 'Fail') {
          this.push(rec, (ENTERED[e.state.type] ?? `${e.state.type}StateEntered`).replace('Entered', 'Exited'), { stateExitedEventDetails: { name: e.state.name, output: JSON.stringify(e.state.output ?? null) } });
        }
      }
    })();
    const done = (async () => {
      let result: unknown;
      let failure: { error: string; cause: string } | undefined;
      try {
        result = await execution.result;
      } catch (err) {
        const e = err as { name?: string; message?: string; Error?: string; Cause?: unknown };
        const cause = e.Cause ?? e.message ?? '';
        failure = { error: e.Error ?? e.name ?? 'States.Runtime', cause: typeof cause === 'string' ? cause : JSON.stringify(cause) };
      }
      await consume.catch(() => undefined);
      if (this.closed && this.running.has(rec.executionArn) && result === null && !failure) return; // aborted by close(): stays RUNNING on disk
      rec.stopDate = new Date();
      if (failure) {
        rec.status = 'FAILED';
        rec.error = failure.error;
        rec.cause = failure.cause;
        this.push(rec, 'ExecutionFailed', { executionFailedEventDetails: { error: failure.error, cause: failure.cause } });
      } else {
        rec.status = 'SUCCEEDED';
        rec.output = JSON.stringify(result ?? null);
        this.push(rec, 'ExecutionSucceeded', { executionSucceededEventDetails: { output: rec.output } });
      }
      this.persist(rec);
    })().finally(() => {
      this.running.delete(rec.executionArn);
      for (const w of this.waiters.get(rec.executionArn) ?? []) w();
      this.waiters.delete(rec.executionArn);
    });
    this.running.set(rec.executionArn, { abort: execution.abort, done });
    void states;
  }

  /** One Task invocation: the Lambda-shaped call, its history events, and the task-token wait where asked. */
  private async task(rec: ExecutionRecord, m: Machine, state: string, handler: TaskHandler, input: unknown): Promise<unknown> {
    // Let the engine's StateEntered event land in the history before this task's own events.
    await new Promise((r) => setImmediate(r));
    const resource = m.states.get(state)?.Resource ?? '';
    const params = (input ?? {}) as { FunctionName?: string; Payload?: unknown };
    const isInvoke = resource.startsWith('arn:aws:states:::lambda:invoke');
    const payload = isInvoke ? params.Payload : input;
    if (resource.endsWith('.waitForTaskToken')) {
      const token = `${randomUUID()}${randomUUID()}`.replace(/-/g, '');
      const waiting = new Promise<unknown>((resolve, reject) => this.tokens.set(token, { executionArn: rec.executionArn, resolve, reject }));
      this.push(rec, 'TaskScheduled', { taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke.waitForTaskToken', region: 'us-east-1', parameters: JSON.stringify(input) } });
      this.push(rec, 'TaskStarted', { taskStartedEventDetails: { resourceType: 'lambda', resource: 'invoke.waitForTaskToken' } });
      try {
        await handler(fillToken(payload, token));
      } catch (err) {
        this.tokens.delete(token);
        const e = err as Error;
        this.push(rec, 'TaskFailed', { taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke.waitForTaskToken', error: e.name, cause: e.message } });
        throw err;
      }
      this.push(rec, 'TaskSubmitted', { taskSubmittedEventDetails: { resourceType: 'lambda', resource: 'invoke.waitForTaskToken', output: '{}' } });
      this.persist(rec);
      try {
        const output = await waiting;
        this.push(rec, 'TaskSucceeded', { taskSucceededEventDetails: { resourceType: 'lambda', resource: 'invoke.waitForTaskToken', output: JSON.stringify(output) } });
        return output;
      } catch (err) {
        const e = err as Error;
        this.push(rec, 'TaskFailed', { taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke.waitForTaskToken', error: e.name, cause: e.message } });
        throw err;
      }
    }
    const fnArn = params.FunctionName ?? resource;
    this.push(rec, 'LambdaFunctionScheduled', { lambdaFunctionScheduledEventDetails: { resource: fnArn, input: JSON.stringify(payload ?? null) } });
    this.push(rec, 'LambdaFunctionStarted');
    try {
      const out = await handler(payload);
      this.push(rec, 'LambdaFunctionSucceeded', { lambdaFunctionSucceededEventDetails: { output: JSON.stringify(out ?? null) } });
      return isInvoke ? { Payload: out, StatusCode: 200, ExecutedVersion: '$LATEST' } : out;
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      // As on AWS, a Lambda error's Cause is JSON carrying its type and message.
      this.push(rec, 'LambdaFunctionFailed', { lambdaFunctionFailedEventDetails: { error: e.name, cause: JSON.stringify({ errorType: e.name, errorMessage: e.message }) } });
      throw err;
    }
  }

  private record(executionArn: string): ExecutionRecord {
    if (!/^arn:aws:states:[^:]+:\d+:execution:[^:]+:[^:]+$/.test(executionArn)) throw apiError('InvalidArn', `Invalid Arn: '${executionArn}'`);
    const rec = this.executions.get(executionArn);
    if (!rec) throw apiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return rec;
  }

  describeExecution(executionArn: string) {
    const r = this.record(executionArn);
    return { executionArn: r.executionArn, stateMachineArn: r.stateMachineArn, name: r.name, status: r.status, startDate: r.startDate, stopDate: r.stopDate, input: r.input, output: r.output, error: r.error, cause: r.cause };
  }

  listExecutions(input: { stateMachineArn: string; statusFilter?: string | undefined; maxResults?: number | undefined; nextToken?: string | undefined }) {
    this.machine(input.stateMachineArn);
    const all = [...this.executions.values()]
      .filter((r) => r.stateMachineArn === input.stateMachineArn && (!input.statusFilter || r.status === input.statusFilter))
      .sort((a, b) => b.startDate.getTime() - a.startDate.getTime());
    const start = input.nextToken ? Number(input.nextToken) : 0;
    const max = input.maxResults || 100;
    const page = all.slice(start, start + max);
    return {
      executions: page.map((r) => ({ executionArn: r.executionArn, stateMachineArn: r.stateMachineArn, name: r.name, status: r.status, startDate: r.startDate, stopDate: r.stopDate })),
      nextToken: start + max < all.length ? String(start + max) : undefined,
    };
  }

  getExecutionHistory(input: { executionArn: string; maxResults?: number | undefined; nextToken?: string | undefined; reverseOrder?: boolean | undefined; includeExecutionData?: boolean | undefined }) {
    const r = this.record(input.executionArn);
    const events = input.reverseOrder ? [...r.events].reverse() : r.events;
    const start = input.nextToken ? Number(input.nextToken) : 0;
    const max = input.maxResults || 1000;
    return { events: events.slice(start, start + max), nextToken: start + max < events.length ? String(start + max) : undefined };
  }

  async sendTaskSuccess(taskToken: string, output: string): Promise<void> {
    const t = this.tokens.get(taskToken);
    if (!t) throw apiError('TaskDoesNotExist', 'Task Does Not Exist');
    let parsed: unknown;
    try {
      parsed = JSON.parse(output);
    } catch {
      throw apiError('InvalidOutput', 'Invalid Output: not JSON');
    }
    this.tokens.delete(taskToken);
    t.resolve(parsed);
  }

  async sendTaskFailure(taskToken: string, error?: string, cause?: string): Promise<void> {
    const t = this.tokens.get(taskToken);
    if (!t) throw apiError('TaskDoesNotExist', 'Task Does Not Exist');
    this.tokens.delete(taskToken);
    const err = new Error(cause ?? '');
    err.name = error ?? 'States.TaskFailed';
    t.reject(err);
  }

  /** Resolves when the execution has stopped (tests and benchmarks). */
  async waitForExecution(executionArn: string) {
    const rec = this.record(executionArn);
    if (rec.status === 'RUNNING') await new Promise<void>((resolve) => this.waiters.set(executionArn, [...(this.waiters.get(executionArn) ?? []), resolve]));
    return this.describeExecution(executionArn);
  }

  listStateMachines() {
    return [...this.machines.values()].map((m) => ({ stateMachineArn: m.arn, name: m.name, type: 'STANDARD', creationDate: new Date(0) }));
  }

  describeStateMachine(arn: string) {
    const m = this.machine(arn);
    return { stateMachineArn: m.arn, name: m.name, status: 'ACTIVE', definition: JSON.stringify(m.definition), roleArn: 'arn:aws:iam::000000000000:role/embedded', type: 'STANDARD', creationDate: new Date(0) };
  }

  /** Stop: running executions are aborted and stay RUNNING on disk, to be started again on the next open. */
  async close(): Promise<void> {
    this.closed = true;
    for (const r of this.running.values()) r.abort();
    await Promise.all([...this.running.values()].map((r) => r.done.catch(() => undefined)));
    await this.writes;
  }
}

export async function createLocalSfn(opts: LocalSfnOptions): Promise<LocalSfn> {
  const sfn = new LocalSfn(opts);
  await sfn.open();
  return sfn;
}
