/**
 * The history as GetExecutionHistory returns it, from aws-local-stepfunctions' event log: ids and
 * previousEventId, `<Type>StateEntered/Exited` with their details, Map iterations, the execution's own start and
 * stop events, and what AWS leaves out (retries, catches, Parallel branches, the engine's own ExecutionStarted).
 * Task events are written where the task is called (tasks.ts), Distributed Map runs where they are run
 * (distributed-map.ts): this module says *which* of those the log asks for, the engine does them in order.
 */
import type { StateMachine } from 'aws-local-stepfunctions';
import { isAslObject as isObj } from '../../lib/asl-walk.js';
import type { ExecutionStatus, HistoryEvent } from './api.js';

/** One entry of aws-local-stepfunctions' event log (the library does not export the type). */
export type EngineLogEvent = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncIterable<infer E> ? E : never;

export type StopOutcome = { output?: string; error?: string; cause?: string };

/** A Map state's entry, exit or failure, as the Distributed Map emulation needs to see it. */
export interface MapStateEvent {
  type: string;
  state: { name: string };
  Error?: unknown;
  Cause?: unknown;
}

/** What one log entry means for the history, in the order it is to be done. */
export type HistoryStep =
  | { kind: 'event'; type: string; details: Record<string, unknown> }
  /** A Distributed Map state entered, left or failed: MapRunStarted / MapRunSucceeded / MapRunFailed. */
  | { kind: 'mapRun'; event: MapStateEvent }
  /** The engine's own timer ended a Task: TaskTimedOut (or LambdaFunctionTimedOut) and the token voided. */
  | { kind: 'taskTimedOut'; state: string }
  | { kind: 'stop'; status: Exclude<ExecutionStatus, 'RUNNING'>; outcome: StopOutcome };

export interface LogContext {
  /** A Distributed Map's stand-in Task (asl-rewrite.ts): invisible in the history. */
  isStandIn(state: string): boolean;
  isDistributedMap(state: string): boolean;
}

const lowerFirst = (s: string) => `${s.charAt(0).toLowerCase()}${s.slice(1)}`;

export function historySteps(ev: EngineLogEvent, ctx: LogContext): HistoryStep[] {
  switch (ev.type) {
    case 'StateEntered': {
      if (ctx.isStandIn(ev.state.name)) return [];
      const entered: HistoryStep = {
        kind: 'event',
        type: `${ev.state.type}StateEntered`,
        details: { stateEnteredEventDetails: { name: ev.state.name, input: JSON.stringify(ev.state.input), inputDetails: { truncated: false } } },
      };
      return ctx.isDistributedMap(ev.state.name) ? [entered, { kind: 'mapRun', event: ev }] : [entered];
    }
    case 'StateExited': {
      if (ctx.isStandIn(ev.state.name)) return [];
      const steps: HistoryStep[] = ctx.isDistributedMap(ev.state.name) ? [{ kind: 'mapRun', event: ev }] : [];
      if (ev.state.type !== 'Fail')
        steps.push({
          kind: 'event',
          type: `${ev.state.type}StateExited`,
          details: {
            stateExitedEventDetails: { name: ev.state.name, output: JSON.stringify(ev.state.output ?? null), outputDetails: { truncated: false } },
          },
        });
      return steps;
    }
    case 'StateFailed': {
      const steps: HistoryStep[] = ev.state.type === 'Task' && ev.Error === 'States.Timeout' ? [{ kind: 'taskTimedOut', state: ev.state.name }] : [];
      if (ctx.isDistributedMap(ev.state.name)) steps.push({ kind: 'mapRun', event: ev });
      return steps;
    }
    case 'MapIterationStarted':
    case 'MapIterationSucceeded':
    case 'MapIterationFailed':
      // A Distributed Map's items are child executions: AWS records no iterations in the parent.
      if (ctx.isDistributedMap(ev.parentState.name)) return [];
      return [{ kind: 'event', type: ev.type, details: { [`${lowerFirst(ev.type)}EventDetails`]: { name: ev.parentState.name, index: ev.index } } }];
    case 'ExecutionSucceeded':
      return [{ kind: 'stop', status: 'SUCCEEDED', outcome: { output: JSON.stringify(ev.output ?? null) } }];
    case 'ExecutionFailed':
      return [
        { kind: 'stop', status: 'FAILED', outcome: { error: ev.Error, cause: typeof ev.Cause === 'string' ? ev.Cause : JSON.stringify(ev.Cause) } },
      ];
    case 'ExecutionTimeout':
      return [{ kind: 'stop', status: 'TIMED_OUT', outcome: { error: 'States.Timeout' } }];
    case 'ExecutionAborted':
      return [{ kind: 'stop', status: 'ABORTED', outcome: {} }]; // ignored when close() aborted it: it stays RUNNING
    default:
      return []; // ExecutionStarted (ours is richer), retries and catches (AWS records none), Parallel branches
  }
}

/** Appends an event to a history with the next id; answers it. */
export function appendEvent(events: HistoryEvent[], type: string, details?: Record<string, unknown>): HistoryEvent {
  const id = events.length + 1;
  const event: HistoryEvent = { id, previousEventId: id - 1, timestamp: new Date(), type, ...details };
  events.push(event);
  return event;
}

export function executionStarted(input: string, roleArn: string): { type: string; details: Record<string, unknown> } {
  return { type: 'ExecutionStarted', details: { executionStartedEventDetails: { input, inputDetails: { truncated: false }, roleArn } } };
}

/** The event that closes a history: ExecutionSucceeded / Failed / TimedOut / Aborted with its details. */
export function executionStopped(
  status: Exclude<ExecutionStatus, 'RUNNING'>,
  outcome: StopOutcome,
): { type: string; details: Record<string, unknown> } {
  const type = { SUCCEEDED: 'ExecutionSucceeded', FAILED: 'ExecutionFailed', TIMED_OUT: 'ExecutionTimedOut', ABORTED: 'ExecutionAborted' }[status];
  const details =
    status === 'SUCCEEDED' ? { output: outcome.output, outputDetails: { truncated: false } } : { error: outcome.error, cause: outcome.cause };
  return { type, details: { [`${lowerFirst(type)}EventDetails`]: details } };
}

/** includeExecutionData=false: the events without their input/output payloads. */
export function withoutData(e: HistoryEvent): HistoryEvent {
  const out: HistoryEvent = { ...e };
  for (const [k, v] of Object.entries(e)) {
    if (!k.endsWith('EventDetails') || !isObj(v)) continue;
    const { input: _i, output: _o, parameters: _p, ...rest } = v;
    out[k] = rest;
  }
  return out;
}
