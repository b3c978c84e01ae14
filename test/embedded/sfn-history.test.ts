/**
 * embedded/sfn/history.ts on its own: which history events each entry of aws-local-stepfunctions' log stands
 * for, their shapes as GetExecutionHistory returns them, and the events without their data.
 */
import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../embedded/sfn/api.js';
import {
  appendEvent,
  executionStarted,
  executionStopped,
  historySteps,
  withoutData,
  type EngineLogEvent,
  type LogContext,
} from '../../embedded/sfn/history.js';

const log = (ev: Record<string, unknown>) => ({ timestamp: 0, ...ev }) as unknown as EngineLogEvent;
const plain: LogContext = { isStandIn: () => false, isDistributedMap: () => false };
const fan: LogContext = { isStandIn: (s) => s === 'FanOut (child execution)', isDistributedMap: (s) => s === 'FanOut' };

describe('historySteps', () => {
  it('state entered / exited: `<Type>StateEntered/Exited` with the name and the JSON text of input / output', () => {
    expect(historySteps(log({ type: 'StateEntered', state: { name: 'Intake', type: 'Task', input: { claimId: 'C-1' } } }), plain)).toEqual([
      {
        kind: 'event',
        type: 'TaskStateEntered',
        details: { stateEnteredEventDetails: { name: 'Intake', input: '{"claimId":"C-1"}', inputDetails: { truncated: false } } },
      },
    ]);
    expect(
      historySteps(log({ type: 'StateExited', state: { name: 'Route', type: 'Choice', input: {}, output: { outcome: 'PAYABLE' } } }), plain),
    ).toEqual([
      {
        kind: 'event',
        type: 'ChoiceStateExited',
        details: { stateExitedEventDetails: { name: 'Route', output: '{"outcome":"PAYABLE"}', outputDetails: { truncated: false } } },
      },
    ]);
    // No output at all is recorded as JSON null; a Fail state has no Exited event (AWS writes ExecutionFailed).
    expect(historySteps(log({ type: 'StateExited', state: { name: 'Done', type: 'Succeed', input: {} } }), plain)).toMatchObject([
      { details: { stateExitedEventDetails: { output: 'null' } } },
    ]);
    expect(historySteps(log({ type: 'StateExited', state: { name: 'Failed', type: 'Fail', input: {} } }), plain)).toEqual([]);
  });

  it('a Distributed Map: its own Entered then MapRunStarted, MapRun end before Exited, its stand-in and iterations invisible', () => {
    const map = { name: 'FanOut', type: 'Map', input: {} };
    const entered = historySteps(log({ type: 'StateEntered', state: map }), fan);
    expect(entered.map((s) => s.kind)).toEqual(['event', 'mapRun']);
    expect(entered[1]).toMatchObject({ kind: 'mapRun', event: { type: 'StateEntered', state: { name: 'FanOut' } } });
    expect(historySteps(log({ type: 'StateExited', state: { ...map, output: [] } }), fan).map((s) => s.kind)).toEqual(['mapRun', 'event']);
    expect(historySteps(log({ type: 'StateFailed', state: map, Error: 'States.ExceedToleratedFailureThreshold', Cause: 'x' }), fan)).toEqual([
      { kind: 'mapRun', event: expect.objectContaining({ type: 'StateFailed', Error: 'States.ExceedToleratedFailureThreshold' }) },
    ]);
    expect(historySteps(log({ type: 'StateEntered', state: { name: 'FanOut (child execution)', type: 'Task', input: {} } }), fan)).toEqual([]);
    expect(historySteps(log({ type: 'MapIterationStarted', parentState: map, index: 0 }), fan)).toEqual([]);
  });

  it('an inline Map records its iterations as AWS does', () => {
    expect(historySteps(log({ type: 'MapIterationSucceeded', parentState: { name: 'Each', type: 'Map', input: [] }, index: 2 }), plain)).toEqual([
      { kind: 'event', type: 'MapIterationSucceeded', details: { mapIterationSucceededEventDetails: { name: 'Each', index: 2 } } },
    ]);
  });

  it('a Task the engine timed out asks for TaskTimedOut; other failures, retries, catches and branches add nothing', () => {
    expect(
      historySteps(log({ type: 'StateFailed', state: { name: 'Review', type: 'Task', input: {} }, Error: 'States.Timeout', Cause: '' }), plain),
    ).toEqual([{ kind: 'taskTimedOut', state: 'Review' }]);
    expect(
      historySteps(log({ type: 'StateFailed', state: { name: 'Review', type: 'Task', input: {} }, Error: 'BoomError', Cause: '' }), plain),
    ).toEqual([]);
    for (const type of ['StateRetried', 'StateCaught', 'ParallelBranchStarted', 'ExecutionStarted'])
      expect(historySteps(log({ type, state: { name: 'X', type: 'Task', input: {} } }), plain)).toEqual([]);
  });

  it('the execution ends: SUCCEEDED with output, FAILED with error and cause (a non-string cause as JSON), TIMED_OUT, ABORTED', () => {
    expect(historySteps(log({ type: 'ExecutionSucceeded', output: { ok: 1 } }), plain)).toEqual([
      { kind: 'stop', status: 'SUCCEEDED', outcome: { output: '{"ok":1}' } },
    ]);
    expect(historySteps(log({ type: 'ExecutionFailed', Error: 'ClaimFailed', Cause: { why: 1 } }), plain)).toEqual([
      { kind: 'stop', status: 'FAILED', outcome: { error: 'ClaimFailed', cause: '{"why":1}' } },
    ]);
    expect(historySteps(log({ type: 'ExecutionTimeout' }), plain)).toEqual([
      { kind: 'stop', status: 'TIMED_OUT', outcome: { error: 'States.Timeout' } },
    ]);
    expect(historySteps(log({ type: 'ExecutionAborted' }), plain)).toEqual([{ kind: 'stop', status: 'ABORTED', outcome: {} }]);
  });
});

describe('history events', () => {
  it('ids count from 1 and each points at the one before', () => {
    const events: HistoryEvent[] = [];
    const started = executionStarted('{"a":1}', 'arn:aws:iam::000000000000:role/m-local');
    appendEvent(events, started.type, started.details);
    appendEvent(events, 'PassStateEntered');
    const stopped = executionStopped('SUCCEEDED', { output: '{}' });
    const last = appendEvent(events, stopped.type, stopped.details);
    expect(events.map((e) => [e.id, e.previousEventId, e.type])).toEqual([
      [1, 0, 'ExecutionStarted'],
      [2, 1, 'PassStateEntered'],
      [3, 2, 'ExecutionSucceeded'],
    ]);
    expect(last.timestamp).toBeInstanceOf(Date);
    expect(events[0]).toMatchObject({
      executionStartedEventDetails: { input: '{"a":1}', inputDetails: { truncated: false }, roleArn: 'arn:aws:iam::000000000000:role/m-local' },
    });
  });

  it('the stop events as AWS names them, with their details key', () => {
    expect(executionStopped('SUCCEEDED', { output: '1' })).toEqual({
      type: 'ExecutionSucceeded',
      details: { executionSucceededEventDetails: { output: '1', outputDetails: { truncated: false } } },
    });
    expect(executionStopped('FAILED', { error: 'E', cause: 'C' })).toEqual({
      type: 'ExecutionFailed',
      details: { executionFailedEventDetails: { error: 'E', cause: 'C' } },
    });
    expect(executionStopped('TIMED_OUT', { error: 'States.Timeout' })).toEqual({
      type: 'ExecutionTimedOut',
      details: { executionTimedOutEventDetails: { error: 'States.Timeout', cause: undefined } },
    });
    expect(executionStopped('ABORTED', {})).toEqual({
      type: 'ExecutionAborted',
      details: { executionAbortedEventDetails: { error: undefined, cause: undefined } },
    });
  });

  it('withoutData drops input, output and parameters from every details object, and nothing else', () => {
    const e: HistoryEvent = {
      id: 5,
      previousEventId: 4,
      timestamp: new Date(0),
      type: 'TaskScheduled',
      taskScheduledEventDetails: {
        resourceType: 'lambda',
        resource: 'invoke',
        region: 'us-east-1',
        parameters: '{"secret":1}',
        timeoutInSeconds: 60,
      },
    };
    expect(withoutData(e)).toEqual({
      ...e,
      taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke', region: 'us-east-1', timeoutInSeconds: 60 },
    });
    expect(e.taskScheduledEventDetails).toHaveProperty('parameters'); // the stored event is left as it was
    const exited: HistoryEvent = {
      id: 1,
      previousEventId: 0,
      timestamp: new Date(0),
      type: 'PassStateExited',
      stateExitedEventDetails: { name: 'P', output: '{}', outputDetails: { truncated: false } },
    };
    expect(withoutData(exited).stateExitedEventDetails).toEqual({ name: 'P', outputDetails: { truncated: false } });
  });
});
