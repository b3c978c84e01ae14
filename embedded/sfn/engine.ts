/**
 * The embedded Step Functions runtime: the synthesized ASL definition run in-process by aws-local-stepfunctions,
 * every Task overridden (by state name) with an in-process handler. This module is the lifecycle that ties the
 * parts together: machines registered, executions started (idempotent by name), run, stopped, restarted after a
 * restart of the process, closed. The parts, one job each:
 * - api.ts: the API's types, errors and ARN rules;
 * - asl-rewrite.ts: the engine's private copy of a definition (AWS's Task timeout default, scaled Retry
 *   intervals, Distributed Maps cut out), over the one ASL walk (lib/asl-walk.ts); definition-guard.ts refuses
 *   what the engine would mis-run;
 * - tasks.ts: Task calls for the three resource kinds, `.waitForTaskToken` and SendTaskSuccess / Failure;
 * - deadlines.ts: a token wait cut off by a restart keeps its original deadline;
 * - history.ts: the engine's event log turned into a GetExecutionHistory-shaped history;
 * - distributed-map.ts: each Distributed Map item run as a child execution, MapRun* events in the parent;
 * - journal.ts: durable executions (journal, closed days compacted and indexed, torn-line recovery);
 * - read-api.ts: ListExecutions, ListMapRuns, GetExecutionHistory with paging.
 * Timers past Node's 24.8 days work (polyfill.ts).
 */
import './polyfill.js';
import { randomUUID } from 'node:crypto';
import { StateMachine, type RunOptions } from 'aws-local-stepfunctions';
import { allStates } from '../../lib/asl-walk.js';
import {
  EXECUTION_ARN,
  EXECUTION_NAME,
  MACHINE_ARN,
  SfnError,
  type Execution,
  type ExecutionDescription,
  type ExecutionStatus,
  type HistoryEvent,
  type LocalSfn,
  type LocalSfnOptions,
  type TaskHandler,
} from './api.js';
import { childTaskName, engineCopy, MAP_RUN_CONTEXT, mapRunInputTaskName, splitDistributedMaps, taskTimeoutSeconds } from './asl-rewrite.js';
import { pendingTokenWaits } from './deadlines.js';
import { assertLocallyRunnable } from './definition-guard.js';
import { DistributedMapRuns, type MapRun, type MapRunEntry } from './distributed-map.js';
import type { MapRunSource } from './item-reader.js';
import { appendEvent, executionStarted, executionStopped, historySteps, type StopOutcome } from './history.js';
import { COMPACT_EVERY_MS, Journal } from './journal.js';
import * as read from './read-api.js';
import { TaskCalls, taskKind, type Invocation, type TaskSpec } from './tasks.js';
import { validationOf } from './validation-cache.js';

export type {
  ExecutionDescription,
  ExecutionListItem,
  ExecutionStatus,
  HistoryEvent,
  LocalSfn,
  LocalSfnOptions,
  MapRunListItem,
  TaskHandler,
} from './api.js';
export { SfnError } from './api.js';
export { assertLocallyRunnable };

type LocalHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;

interface Machine {
  name: string;
  arn: string;
  region: string;
  account: string;
  definition: unknown;
  engine: StateMachine;
  tasks: Map<string, TaskSpec>;
  /** Distributed Map states by name: the child machine that runs each item, and the map run label. */
  distributedMaps: Map<string, { child: Machine; label: string; source?: { key: string; spec: MapRunSource } | undefined }>;
  /** A Distributed Map's child machine (not listed, not started through the API). */
  isChild: boolean;
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
  mapRunEntries: Record<string, MapRunEntry>;
  /** Token waits the previous run was in when it stopped, by state: their deadlines (epoch ms). */
  pendingTokenWaits: Map<string, number>;
}

class Engine implements LocalSfn {
  private readonly machines = new Map<string, Machine>();
  private readonly executions = new Map<string, Execution>();
  private readonly runs = new Map<string, Run>();
  private readonly stopWaiters = new Map<string, Array<() => void>>();
  private idleWaiters: Array<() => void> = [];
  private readonly store: Journal | undefined;
  private readonly tasks = new TaskCalls<Run>({
    record: (run, type, details) => this.push(run, type, details),
    checkIdle: () => this.checkIdle(),
    statusOf: (arn) => this.executions.get(arn)?.status,
  });
  private readonly maps = new DistributedMapRuns<Machine, Run>({
    record: (run, type, details) => this.push(run, type, details),
    startChild: (child, name, input, mapRunArn) => this.start(child, name, input, mapRunArn),
    waitForExecution: (arn) => this.waitForExecution(arn),
    statusOf: (arn) => this.executions.get(arn)?.status,
    abortExecution: (arn) => this.abortExecution(arn),
    bucketDir: () => this.opts.bucketDir,
  });
  private closed = false;
  private opening: Promise<void> | undefined;
  private isLoaded = false;
  private compactTimer: NodeJS.Timeout | undefined;

  constructor(private readonly opts: LocalSfnOptions) {
    this.store = opts.journal ?? (opts.dataDir ? new Journal(opts.dataDir, opts.log) : undefined);
    // Read by a worker thread while this one checks the definitions below.
    this.store?.load().catch(() => undefined); // awaited in open()
    for (const sm of opts.stateMachines) {
      assertLocallyRunnable(sm.definition);
      const arn = MACHINE_ARN.exec(sm.arn);
      if (!arn || arn[3] !== sm.name)
        throw new Error(`state machine ${sm.name}: ARN ${sm.arn} is not arn:aws:states:<region>:<account>:stateMachine:${sm.name}`);
      const used = new Set<string>();
      this.addMachine(
        { name: sm.name, region: arn[1] ?? '', account: arn[2] ?? '', definition: sm.definition, taskHandlers: sm.taskHandlers, isChild: false },
        used,
      );
      for (const state of Object.keys(sm.taskHandlers))
        if (!used.has(state)) throw new Error(`state machine ${sm.name}: handler for ${state}, which is not a Task state`);
    }
  }

  /** Registers a machine, and one child machine per Distributed Map state in it (recursively). */
  private addMachine(
    spec: { name: string; region: string; account: string; definition: unknown; taskHandlers: Record<string, TaskHandler>; isChild: boolean },
    used: Set<string>,
  ): Machine {
    const { name, region, account } = spec;
    const split = splitDistributedMaps(spec.definition);
    const stand = new Set(split.children.flatMap((c) => [childTaskName(c.mapState), ...(c.source ? [mapRunInputTaskName(c.mapState)] : [])]));
    const tasks: Machine['tasks'] = new Map();
    for (const [state, def] of allStates(split.definition)) {
      if (def.Type !== 'Task' || stand.has(state)) continue;
      const handler = spec.taskHandlers[state];
      // Without an override the engine would call real AWS Lambda: refuse at start instead.
      if (!handler) throw new Error(`state machine ${name}: Task state ${state} has no local handler`);
      tasks.set(state, { kind: taskKind(state, def.Resource), handler, timeoutSeconds: taskTimeoutSeconds(def) });
      used.add(state);
    }
    const distributedMaps: Machine['distributedMaps'] = new Map();
    for (const c of split.children) {
      const child = this.addMachine({ ...spec, name: `${name}/${c.label}`, definition: c.definition, isChild: true }, used);
      distributedMaps.set(c.mapState, { child, label: c.label, source: c.source });
    }
    // The engine's own validator (asl-validator) checks the copy's shape, paths and ARNs; once per definition
    // (validation-cache.ts: it compiles its schemas at every call, seconds of every start).
    const copy = engineCopy(split.definition, this.opts.retryIntervalScale ?? 1);
    const validation = validationOf(copy);
    const engine = new StateMachine(copy, validation.known ? { validationOptions: { noValidate: true } } : undefined);
    if (!validation.known) validation.passed(); // the constructor threw otherwise
    const m: Machine = {
      name,
      arn: `arn:aws:states:${region}:${account}:stateMachine:${name}`,
      region,
      account,
      definition: spec.definition,
      engine,
      tasks,
      distributedMaps,
      isChild: spec.isChild,
    };
    this.machines.set(m.arn, m);
    return m;
  }

  /**
   * Loads persisted executions. Those RUNNING when the process stopped are run again from the beginning, same
   * ARN and input (every project step is idempotent): their earlier events are kept as a record of what already
   * happened, and a fresh ExecutionStarted is appended, so the history reads "started, …, started again, …".
   * Task tokens of the earlier run are gone; the re-run reaches the waiting task again and hands out a new one.
   * Opens once: the same promise for the engine's start and every caller waiting for the journal.
   */
  open(): Promise<void> {
    this.opening ??= this.load().then(() => {
      this.isLoaded = true;
    });
    return this.opening;
  }

  loaded(): Promise<void> {
    return this.open();
  }

  private async load(): Promise<void> {
    if (!this.store) return;
    const loaded = await this.store.load(); // starts the compaction of closed days in the background
    if (this.closed) return;
    const store = this.store;
    // A server that runs for days compacts each day once it has closed, not only at its next start.
    this.compactTimer = setInterval(() => void store.compact(), COMPACT_EVERY_MS);
    this.compactTimer.unref();
    for (const r of loaded) this.executions.set(r.executionArn, r);
    const resume = () => {
      if (this.closed) return;
      for (const r of loaded) if (r.status === 'RUNNING' && !this.runs.has(r.executionArn)) this.launch(r); // (of a machine no longer configured: left as is)
    };
    if (this.opts.resumeAfter) void this.opts.resumeAfter.then(resume, () => undefined);
    else resume();
  }

  private machine(arn: string): Machine {
    if (!MACHINE_ARN.test(arn)) throw new SfnError('InvalidArn', `Invalid Arn: '${arn}'`);
    const m = this.machines.get(arn);
    if (!m) throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return m;
  }

  /** Before the journal is loaded, no answer about executions would be whole: the API server waits for `loaded()`. */
  private assertLoaded(): void {
    if (!this.isLoaded) throw new SfnError('ServiceUnavailable', 'the execution journal is still being read; try again shortly');
  }

  private execution(arn: string): Execution {
    this.assertLoaded();
    if (!EXECUTION_ARN.test(arn)) throw new SfnError('InvalidArn', `Invalid Arn: '${arn}'`);
    const r = this.executions.get(arn);
    if (!r) throw new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return r;
  }

  async startExecution(input: { stateMachineArn: string; name?: string | undefined; input?: string | undefined }) {
    await this.opening; // a name may be in the journal still being read: starting is idempotent by name
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
    const rec: Execution = {
      executionArn,
      stateMachineArn: m.arn,
      name,
      status: 'RUNNING',
      startDate: new Date(),
      input: text,
      mapRunArn,
      events: [],
    };
    this.executions.set(executionArn, rec);
    this.launch(rec);
    return { executionArn, startDate: rec.startDate };
  }

  /** Stops a running execution as StopExecution does (status ABORTED). */
  private abortExecution(executionArn: string): void {
    const run = this.runs.get(executionArn);
    if (!run) return;
    this.finish(run, 'ABORTED', {});
    run.abort();
  }

  private push(run: Run, type: string, details?: Record<string, unknown>): void {
    const rec = run.rec;
    if (run.stopped || !rec.events) return; // late news from an aborted or finished run
    const event = appendEvent(rec.events, type, details);
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
      mapRunEntries: {},
      pendingTokenWaits: pendingTokenWaits((rec.events ??= []), (state) => m.tasks.get(state)?.kind.waitForToken === true),
    };
    this.runs.set(rec.executionArn, run);
    const roleArn = `arn:aws:iam::${m.account}:role/${m.name}-local`;
    const started = executionStarted(rec.input, roleArn);
    this.push(run, started.type, started.details);
    const handlers: LocalHandlers = {};
    for (const state of m.tasks.keys()) handlers[state] = (input) => this.tasks.invoke(run, state, input);
    const standIns = new Set<string>();
    for (const [mapState, spec] of m.distributedMaps) {
      standIns.add(childTaskName(mapState));
      handlers[childTaskName(mapState)] = (input) => this.maps.runChild(run, mapState, input);
      if (spec.source) {
        standIns.add(mapRunInputTaskName(mapState));
        handlers[mapRunInputTaskName(mapState)] = (input) => this.maps.prepareEntry(run, mapState, input);
      }
    }
    const execution = m.engine.run(JSON.parse(rec.input), {
      overrides: { taskResourceLocalHandlers: handlers },
      noThrowOnAbort: true,
      context: {
        Execution: { Id: rec.executionArn, Name: rec.name, RoleArn: roleArn, StartTime: rec.startDate.toISOString() },
        StateMachine: { Id: m.arn, Name: m.name },
        Task: { Token: this.tasks.tokenPlaceholder },
        // Passed by reference (the engine copies the context shallowly): the maps' item sources (asl-rewrite.ts).
        [MAP_RUN_CONTEXT]: run.mapRunEntries,
      },
    });
    execution.result.catch(() => undefined); // the outcome is taken from the event log
    run.abort = execution.abort;
    const log = { isStandIn: (state: string) => standIns.has(state), isDistributedMap: (state: string) => m.distributedMaps.has(state) };
    run.done = (async () => {
      for await (const ev of execution.eventLogs) {
        for (const step of historySteps(ev, log)) {
          if (step.kind === 'event') this.push(run, step.type, step.details);
          else if (step.kind === 'mapRun') this.maps.onMapState(run, step.event);
          else if (step.kind === 'taskTimedOut') this.tasks.timedOut(run, step.state);
          else this.finish(run, step.status, step.outcome);
        }
      }
    })().catch((err: unknown) => {
      console.error(`sfn: history of ${rec.executionArn} broke: ${String(err)}`);
      this.finish(run, 'FAILED', { error: 'States.Runtime', cause: String(err) });
    });
  }

  private finish(run: Run, status: Exclude<ExecutionStatus, 'RUNNING'>, outcome: StopOutcome): void {
    if (run.stopped) return;
    const rec = run.rec;
    const stopped = executionStopped(status, outcome);
    this.push(run, stopped.type, stopped.details);
    Object.assign(rec, { status, stopDate: new Date(), ...outcome });
    this.stopRun(run, 'the execution has stopped');
    this.store?.mark(rec);
  }

  /** Ends a run: no more events, open Task calls released (so the engine's timers clear), tokens void. */
  private stopRun(run: Run, why: string): void {
    run.stopped = true;
    this.tasks.releaseAll(run, why);
    if (this.runs.get(run.rec.executionArn) === run) this.runs.delete(run.rec.executionArn);
    for (const w of this.stopWaiters.get(run.rec.executionArn) ?? []) w();
    this.stopWaiters.delete(run.rec.executionArn);
    this.checkIdle();
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

  listExecutions(input: read.ListExecutionsInput) {
    this.assertLoaded();
    return read.listExecutions(this.executions.values(), input, (arn) => this.machine(arn));
  }

  listMapRuns(input: { executionArn: string; maxResults?: number | undefined; nextToken?: string | undefined }) {
    const rec = this.execution(input.executionArn);
    return read.listMapRuns(rec, this.historyOf(rec), input);
  }

  getExecutionHistory(input: {
    executionArn: string;
    maxResults?: number | undefined;
    nextToken?: string | undefined;
    reverseOrder?: boolean | undefined;
    includeExecutionData?: boolean | undefined;
  }) {
    return read.getExecutionHistory(this.historyOf(this.execution(input.executionArn)), input);
  }

  sendTaskSuccess(taskToken: string, output: string): Promise<void> {
    return this.tasks.sendTaskSuccess(taskToken, output);
  }

  sendTaskFailure(taskToken: string, error?: string, cause?: string): Promise<void> {
    return this.tasks.sendTaskFailure(taskToken, error, cause);
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
    return [...this.machines.values()]
      .filter((m) => !m.isChild)
      .map((m) => ({ stateMachineArn: m.arn, name: m.name, type: 'STANDARD' as const, creationDate: new Date(0) }));
  }

  describeStateMachine(stateMachineArn: string) {
    const m = this.machine(stateMachineArn);
    return {
      stateMachineArn: m.arn,
      name: m.name,
      status: 'ACTIVE' as const,
      definition: JSON.stringify(m.definition),
      roleArn: `arn:aws:iam::${m.account}:role/${m.name}-local`,
      type: 'STANDARD' as const,
      creationDate: new Date(0),
    };
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
    if (this.compactTimer) clearInterval(this.compactTimer);
    await this.store?.close();
  }
}

export async function createLocalSfn(opts: LocalSfnOptions): Promise<LocalSfn> {
  const engine = new Engine(opts);
  const opening = engine.open();
  if (opts.openInBackground)
    opening.catch(() => undefined); // the caller awaits loaded()
  else await opening;
  return engine;
}
