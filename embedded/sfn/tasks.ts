/**
 * Task states: each call of a Task's resource, run by its in-process handler the way the Resource says, with the
 * history events AWS writes for it. Three kinds of resource:
 * - a plain Lambda function ARN: the handler gets the state's input, LambdaFunction* events;
 * - `arn:aws:states:::lambda:invoke`: the handler gets `Payload`, the state `{ ExecutedVersion, Payload, StatusCode }`,
 *   Task* events (so for any other `arn:aws:states:::<service>:<action>`, minus the Payload wrapping);
 * - `….waitForTaskToken`: the engine resolves `$$.Task.Token` to a placeholder, swapped here for a fresh token;
 *   the call then waits for SendTaskSuccess / SendTaskFailure (TaskSubmitted in between), and a wait reached again
 *   after a restart keeps its first deadline (deadlines.ts).
 * Also the calls' end: a Task timeout (the engine's timer, or ours for a kept deadline) and a stopped run.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { StateMachine } from 'aws-local-stepfunctions';
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { isAslObject as isObj } from '../../lib/asl-walk.js';
import { SfnError, type ExecutionStatus, type TaskHandler } from './api.js';

export type JsonValue = Parameters<StateMachine['run']>[0];

/** What a Lambda payload becomes on the wire: Dates as strings, undefined dropped, nothing → null. */
function toJson(v: unknown): JsonValue {
  const text = JSON.stringify(v);
  return text === undefined ? null : JSON.parse(text);
}

/** How a Task's Resource is called and recorded: AWS writes LambdaFunction* events only for a plain function ARN. */
export interface TaskKind {
  legacyLambda: boolean;
  resourceType: string;
  resource: string;
  /** arn:aws:states:::lambda:invoke — the handler gets `Payload`, the state gets `{ Payload, StatusCode, … }`. */
  lambdaInvoke: boolean;
  waitForToken: boolean;
}

export function taskKind(state: string, resource: unknown): TaskKind {
  if (typeof resource !== 'string') throw new Error(`state ${state}: Task without a Resource`);
  if (/^arn:aws[\w-]*:lambda:/.test(resource))
    return { legacyLambda: true, resourceType: 'lambda', resource, lambdaInvoke: false, waitForToken: false };
  const m = /^arn:aws[\w-]*:states:[^:]*:[^:]*:([\w-]+):(.+)$/.exec(resource);
  const [resourceType, action] = m ? [m[1] ?? '', m[2] ?? ''] : ['unknown', resource];
  return {
    legacyLambda: false,
    resourceType,
    resource: action,
    lambdaInvoke: resourceType === 'lambda' && action.startsWith('invoke'),
    waitForToken: action.endsWith('.waitForTaskToken'),
  };
}

/** An error with the name (the `Error` of a Catch / Retry) and cause the engine sees. */
export const taskError = (name: string, cause: string) => Object.assign(new Error(cause), { name });

/** A handler's exception as AWS reports a Lambda error: Error = errorType, Cause = the runtime's JSON. */
export function lambdaError(err: unknown): Error {
  const e = err instanceof Error ? err : new Error(String(err));
  return taskError(e.name, JSON.stringify({ errorType: e.name, errorMessage: e.message, trace: (e.stack ?? '').split('\n') }));
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
export interface Invocation {
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

/** A Task state of a machine: how its resource is called, by which handler, with which timeout. */
export interface TaskSpec {
  kind: TaskKind;
  handler: TaskHandler;
  timeoutSeconds: number | undefined;
}

/** What the task calls need of one run of an execution. */
export interface TaskRun {
  readonly rec: { readonly executionArn: string };
  readonly machine: { readonly region: string; readonly tasks: ReadonlyMap<string, TaskSpec> };
  readonly stopped: boolean;
  readonly invocations: Set<Invocation>;
  /** Token waits the previous run was in when it stopped, by state: their deadlines (epoch ms). */
  readonly pendingTokenWaits: Map<string, number>;
}

export interface TaskHost<R extends TaskRun> {
  /** Appends an event to the run's history (dropped once the run has stopped). */
  record(run: R, type: string, details?: Record<string, unknown>): void;
  /** A token wait began or ended: the engine may now be idle. */
  checkIdle(): void;
  statusOf(executionArn: string): ExecutionStatus | undefined;
}

export class TaskCalls<R extends TaskRun> {
  /** What `$$.Task.Token` resolves to inside the engine; swapped for a real token in `invoke`. */
  readonly tokenPlaceholder = `__local_sfn_task_token_${randomUUID()}__`;
  private readonly tokens = new Map<string, { run: R; inv: Invocation }>();

  constructor(private readonly host: TaskHost<R>) {}

  /** One Task invocation: the in-process handler called the way the Resource says, with AWS's history events. */
  async invoke(run: R, state: string, input: JsonValue): Promise<JsonValue> {
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
        if (kind.legacyLambda)
          this.host.record(run, 'LambdaFunctionFailed', { lambdaFunctionFailedEventDetails: { error: e.name, cause: e.message } });
        else this.host.record(run, 'TaskFailed', { taskFailedEventDetails: { ...detail, error: e.name, cause: e.message } });
      }
      throw e;
    };

    if (kind.legacyLambda) {
      this.host.record(run, 'LambdaFunctionScheduled', {
        lambdaFunctionScheduledEventDetails: { resource: kind.resource, input: JSON.stringify(payload ?? null), inputDetails: { truncated: false } },
      });
      this.host.record(run, 'LambdaFunctionStarted');
      const out = await Promise.race([call(), inv.cancel.promise]).catch(fail);
      if (this.settle(run, inv))
        this.host.record(run, 'LambdaFunctionSucceeded', {
          lambdaFunctionSucceededEventDetails: { output: JSON.stringify(out), outputDetails: { truncated: false } },
        });
      return out;
    }

    this.host.record(run, 'TaskScheduled', {
      taskScheduledEventDetails: {
        ...detail,
        region: run.machine.region,
        parameters: JSON.stringify(params),
        ...(timeoutInSeconds === undefined ? {} : { timeoutInSeconds }),
      },
    });
    this.host.record(run, 'TaskStarted', { taskStartedEventDetails: detail });
    const out = await Promise.race([call(), inv.cancel.promise]).catch(fail);
    const response: JsonValue = kind.lambdaInvoke ? { ExecutedVersion: '$LATEST', Payload: out, StatusCode: 200 } : out;
    if (!kind.waitForToken) {
      if (this.settle(run, inv))
        this.host.record(run, 'TaskSucceeded', {
          taskSucceededEventDetails: { ...detail, output: JSON.stringify(response), outputDetails: { truncated: false } },
        });
      return response;
    }
    if (inv.done) throw taskError('States.Runtime', 'the execution has stopped');
    // The handler has the token; SendTaskSuccess/Failure may already have come (even from inside the handler).
    this.host.record(run, 'TaskSubmitted', {
      taskSubmittedEventDetails: { ...detail, output: JSON.stringify(response), outputDetails: { truncated: false } },
    });
    inv.submitted = true;
    this.host.checkIdle();
    try {
      const result = await Promise.race([inv.callback.promise, inv.cancel.promise]);
      if (this.settle(run, inv))
        this.host.record(run, 'TaskSucceeded', {
          taskSucceededEventDetails: { ...detail, output: JSON.stringify(result), outputDetails: { truncated: false } },
        });
      return result;
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      if (this.settle(run, inv)) this.host.record(run, 'TaskFailed', { taskFailedEventDetails: { ...detail, error: e.name, cause: e.message } });
      throw e;
    }
  }

  /** The engine timed a Task out (its own timer): record it as AWS does and void that call's token. */
  timedOut(run: R, state: string): void {
    const inv = [...run.invocations].find((i) => i.state === state && !i.done);
    if (!inv) return;
    this.settle(run, inv);
    const { kind } = inv;
    if (kind.legacyLambda) this.host.record(run, 'LambdaFunctionTimedOut', { lambdaFunctionTimedOutEventDetails: { error: 'States.Timeout' } });
    else
      this.host.record(run, 'TaskTimedOut', {
        taskTimedOutEventDetails: { resourceType: kind.resourceType, resource: kind.resource, error: 'States.Timeout' },
      });
    inv.cancel.reject(taskError('States.Timeout', 'States.Timeout'));
  }

  /** A run stopped: its open calls are released (so the engine's timers clear) and their tokens voided. */
  releaseAll(run: R, why: string): void {
    for (const inv of run.invocations) {
      inv.done = true;
      if (inv.token) this.tokens.delete(inv.token);
      inv.cancel.reject(taskError('States.Runtime', why));
    }
    run.invocations.clear();
  }

  /** Marks a call finished; false if something (timeout, abort) finished it first. */
  private settle(run: R, inv: Invocation): boolean {
    if (inv.done) return false;
    inv.done = true;
    if (inv.deadline) clearTimeout(inv.deadline);
    run.invocations.delete(inv);
    if (inv.token) this.tokens.delete(inv.token);
    if (inv.submitted) this.host.checkIdle();
    return true;
  }

  /** Puts the token wherever the engine put the placeholder (`"taskToken.$": "$$.Task.Token"`, or inside a string). */
  private fillToken(value: unknown, token: string): unknown {
    if (typeof value === 'string') return value.includes(this.tokenPlaceholder) ? value.split(this.tokenPlaceholder).join(token) : value;
    if (Array.isArray(value)) return value.map((v) => this.fillToken(v, token));
    if (isObj(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.fillToken(v, token)]));
    return value;
  }

  /** Why a token is not waiting: malformed → InvalidToken; its execution stopped → TaskTimedOut; else TaskDoesNotExist. */
  private pendingToken(token: string): { run: R; inv: Invocation } {
    const pending = this.tokens.get(token);
    if (pending) return pending;
    let executionArn: string | undefined;
    try {
      executionArn = z.tuple([z.string(), z.string()]).parse(JSON.parse(Buffer.from(token, 'base64url').toString('utf8')))[0];
    } catch {
      throw new SfnError('InvalidToken', 'Invalid Token: not a task token of this engine');
    }
    const status = this.host.statusOf(executionArn);
    if (status !== undefined && status !== 'RUNNING') throw new SfnError('TaskTimedOut', 'Task Timed Out: the execution of this task has stopped');
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
}
