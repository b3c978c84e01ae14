/**
 * embedded/sfn/tasks.ts on its own, with a recording host in place of the engine: the three resource kinds and
 * the events AWS writes for each, token handling (fill, SendTaskSuccess / Failure, the API errors), timeouts,
 * kept deadlines and a stopped run.
 */
import { describe, expect, it } from 'vitest';
import type { ExecutionStatus, TaskHandler } from '../../embedded/sfn/api.js';
import { TaskCalls, taskKind, type Invocation, type JsonValue, type TaskRun, type TaskSpec } from '../../embedded/sfn/tasks.js';

const EXECUTION = 'arn:aws:states:us-east-1:000000000000:execution:m:e1';
const FN = 'arn:aws:lambda:us-east-1:000000000000:function:Intake';

interface TestRun extends TaskRun {
  stopped: boolean;
  events: Array<[string, Record<string, unknown> | undefined]>;
}

function setup(resource: string, handler: TaskHandler, opts: { timeoutSeconds?: number; pending?: Map<string, number> } = {}) {
  const statuses = new Map<string, ExecutionStatus>([[EXECUTION, 'RUNNING']]);
  let idleChecks = 0;
  const tasks = new Map<string, TaskSpec>([['Step', { kind: taskKind('Step', resource), handler, timeoutSeconds: opts.timeoutSeconds ?? 60 }]]);
  const run: TestRun = {
    rec: { executionArn: EXECUTION },
    machine: { region: 'us-east-1', tasks },
    stopped: false,
    invocations: new Set<Invocation>(),
    pendingTokenWaits: opts.pending ?? new Map(),
    events: [],
  };
  const calls = new TaskCalls<TestRun>({
    record: (r, type, details) => void (r.stopped || r.events.push([type, details])),
    checkIdle: () => void idleChecks++,
    statusOf: (arn) => statuses.get(arn),
  });
  return { run, calls, statuses, idleChecks: () => idleChecks };
}
const types = (run: TestRun) => run.events.map(([t]) => t);
const nextTick = () => new Promise((r) => setImmediate(r));

describe('taskKind', () => {
  it('tells the three resource kinds apart', () => {
    expect(taskKind('S', FN)).toEqual({ legacyLambda: true, resourceType: 'lambda', resource: FN, lambdaInvoke: false, waitForToken: false });
    expect(taskKind('S', 'arn:aws:states:::lambda:invoke')).toEqual({
      legacyLambda: false,
      resourceType: 'lambda',
      resource: 'invoke',
      lambdaInvoke: true,
      waitForToken: false,
    });
    expect(taskKind('S', 'arn:aws:states:::lambda:invoke.waitForTaskToken')).toMatchObject({
      resourceType: 'lambda',
      resource: 'invoke.waitForTaskToken',
      lambdaInvoke: true,
      waitForToken: true,
    });
    expect(taskKind('S', 'arn:aws:states:::sqs:sendMessage.waitForTaskToken')).toMatchObject({
      resourceType: 'sqs',
      lambdaInvoke: false,
      waitForToken: true,
    });
    expect(() => taskKind('S', undefined)).toThrow('state S: Task without a Resource');
  });
});

describe('TaskCalls.invoke', () => {
  it('a plain function ARN: the input as payload, LambdaFunction* events, the handler result as the state result', async () => {
    const { run, calls } = setup(FN, async (p) => ({ got: p, at: new Date(0), gone: undefined }));
    const out = await calls.invoke(run, 'Step', { claimId: 'C-1' });
    expect(out).toEqual({ got: { claimId: 'C-1' }, at: '1970-01-01T00:00:00.000Z' }); // as JSON on the wire
    expect(types(run)).toEqual(['LambdaFunctionScheduled', 'LambdaFunctionStarted', 'LambdaFunctionSucceeded']);
    expect(run.events[0]?.[1]).toEqual({
      lambdaFunctionScheduledEventDetails: { resource: FN, input: '{"claimId":"C-1"}', inputDetails: { truncated: false } },
    });
    expect(run.invocations.size).toBe(0);
  });

  it('lambda:invoke: Payload to the handler, the Lambda response to the state, Task* events with region and timeout', async () => {
    const { run, calls } = setup('arn:aws:states:::lambda:invoke', async (p) => ({ echoed: p }), { timeoutSeconds: 60 });
    const out = await calls.invoke(run, 'Step', { FunctionName: FN, Payload: { claimId: 'C-2' } });
    expect(out).toEqual({ ExecutedVersion: '$LATEST', Payload: { echoed: { claimId: 'C-2' } }, StatusCode: 200 });
    expect(run.events).toEqual([
      [
        'TaskScheduled',
        {
          taskScheduledEventDetails: {
            resourceType: 'lambda',
            resource: 'invoke',
            region: 'us-east-1',
            parameters: JSON.stringify({ FunctionName: FN, Payload: { claimId: 'C-2' } }),
            timeoutInSeconds: 60,
          },
        },
      ],
      ['TaskStarted', { taskStartedEventDetails: { resourceType: 'lambda', resource: 'invoke' } }],
      [
        'TaskSucceeded',
        {
          taskSucceededEventDetails: { resourceType: 'lambda', resource: 'invoke', output: JSON.stringify(out), outputDetails: { truncated: false } },
        },
      ],
    ]);
  });

  it('a Lambda handler that throws: the error as AWS reports a Lambda error (Cause is the runtime JSON)', async () => {
    const { run, calls } = setup('arn:aws:states:::lambda:invoke', async () => {
      throw Object.assign(new Error('cannot read claim'), { name: 'BoomError' });
    });
    const err = await calls.invoke(run, 'Step', { Payload: {} }).catch((e: unknown) => e as Error);
    expect(err).toMatchObject({ name: 'BoomError' });
    expect(JSON.parse(err instanceof Error ? err.message : '')).toMatchObject({ errorType: 'BoomError', errorMessage: 'cannot read claim' });
    expect(run.events[2]).toEqual([
      'TaskFailed',
      { taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke', error: 'BoomError', cause: err instanceof Error ? err.message : '' } },
    ]);
  });

  it('.waitForTaskToken: the token replaces the placeholder, TaskSubmitted, then SendTaskSuccess resumes with its output', async () => {
    let token = '';
    const { run, calls, idleChecks } = setup('arn:aws:states:::lambda:invoke.waitForTaskToken', async (p) => {
      token = (p as { taskToken: string }).taskToken;
      return { stored: true };
    });
    const result = calls.invoke(run, 'Step', { Payload: { taskToken: calls.tokenPlaceholder, note: `token=${calls.tokenPlaceholder}` } });
    while (!types(run).includes('TaskSubmitted')) await nextTick();
    expect(token).not.toContain('__local_sfn_task_token_');
    expect(JSON.parse((run.events[0]![1] as { taskScheduledEventDetails: { parameters: string } }).taskScheduledEventDetails.parameters)).toEqual({
      Payload: { taskToken: token, note: `token=${token}` },
    });
    expect(idleChecks()).toBeGreaterThan(0); // the engine may now be idle
    await expect(calls.sendTaskSuccess(token, 'not json')).rejects.toMatchObject({ name: 'InvalidOutput' });
    await calls.sendTaskSuccess(token, '{"outcome":"APPROVED"}');
    expect(await result).toEqual({ outcome: 'APPROVED' });
    expect(types(run)).toEqual(['TaskScheduled', 'TaskStarted', 'TaskSubmitted', 'TaskSucceeded']);
    await expect(calls.sendTaskSuccess(token, '{}')).rejects.toMatchObject({ name: 'TaskDoesNotExist' }); // used once
  });

  it('SendTaskFailure fails the task with its error and cause; unknown and stopped tokens are API errors', async () => {
    let token = '';
    const { run, calls, statuses } = setup('arn:aws:states:::lambda:invoke.waitForTaskToken', async (p) => {
      token = (p as { taskToken: string }).taskToken;
      return {};
    });
    const result = calls.invoke(run, 'Step', { Payload: { taskToken: calls.tokenPlaceholder } }).catch((e: unknown) => e);
    while (!token) await nextTick();
    await calls.sendTaskFailure(token, 'Rejected', 'by the reviewer');
    expect(await result).toMatchObject({ name: 'Rejected', message: 'by the reviewer' });
    expect(run.events.at(-1)).toEqual([
      'TaskFailed',
      { taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke.waitForTaskToken', error: 'Rejected', cause: 'by the reviewer' } },
    ]);
    await expect(calls.sendTaskSuccess('not-a-token', '{}')).rejects.toMatchObject({ name: 'InvalidToken' });
    statuses.set(EXECUTION, 'SUCCEEDED');
    await expect(calls.sendTaskFailure(token)).rejects.toMatchObject({ name: 'TaskTimedOut' });
  });

  it('a timeout from the engine records TaskTimedOut (LambdaFunctionTimedOut for a plain ARN) and voids the token', async () => {
    let token = '';
    const { run, calls } = setup('arn:aws:states:::lambda:invoke.waitForTaskToken', async (p) => {
      token = (p as { taskToken: string }).taskToken;
      return {};
    });
    const result = calls.invoke(run, 'Step', { Payload: { taskToken: calls.tokenPlaceholder } }).catch((e: unknown) => e);
    while (!types(run).includes('TaskSubmitted')) await nextTick();
    calls.timedOut(run, 'Step');
    expect(await result).toMatchObject({ name: 'States.Timeout' });
    expect(run.events.at(-1)).toEqual([
      'TaskTimedOut',
      { taskTimedOutEventDetails: { resourceType: 'lambda', resource: 'invoke.waitForTaskToken', error: 'States.Timeout' } },
    ]);
    expect(types(run).filter((t) => t === 'TaskTimedOut')).toHaveLength(1); // not also TaskFailed
    await expect(calls.sendTaskSuccess(token, '{}')).rejects.toMatchObject({ name: 'TaskDoesNotExist' });

    const legacy = setup(FN, () => new Promise(() => undefined));
    const hung = legacy.calls.invoke(legacy.run, 'Step', {}).catch((e: unknown) => e);
    while (legacy.run.invocations.size === 0) await nextTick();
    legacy.calls.timedOut(legacy.run, 'Step');
    expect(await hung).toMatchObject({ name: 'States.Timeout' });
    expect(legacy.run.events.at(-1)).toEqual(['LambdaFunctionTimedOut', { lambdaFunctionTimedOutEventDetails: { error: 'States.Timeout' } }]);
  });

  it('a wait reached again after a restart keeps the earlier deadline: the timeout it reports, and its own timer', async () => {
    const pending = new Map([['Step', Date.now() + 1500]]);
    const { run, calls } = setup('arn:aws:states:::lambda:invoke.waitForTaskToken', async () => ({}), { timeoutSeconds: 2_592_000, pending });
    const result = calls.invoke(run, 'Step', { Payload: { taskToken: calls.tokenPlaceholder } }).catch((e: unknown) => e);
    while (!types(run).includes('TaskSubmitted')) await nextTick();
    expect((run.events[0]![1] as { taskScheduledEventDetails: { timeoutInSeconds: number } }).taskScheduledEventDetails.timeoutInSeconds).toBe(2);
    expect(pending.size).toBe(0); // used once
    expect(await result).toMatchObject({ name: 'States.Timeout' }); // about 1.5 s later, by our timer
    expect(types(run).at(-1)).toBe('TaskTimedOut');
  });

  it('a stopped run: open calls are released with States.Runtime, their tokens void, and nothing more is recorded', async () => {
    let token = '';
    const { run, calls } = setup('arn:aws:states:::lambda:invoke.waitForTaskToken', async (p) => {
      token = (p as { taskToken: string }).taskToken;
      return {};
    });
    const result = calls.invoke(run, 'Step', { Payload: { taskToken: calls.tokenPlaceholder } }).catch((e: unknown) => e);
    while (!types(run).includes('TaskSubmitted')) await nextTick();
    const before = run.events.length;
    run.stopped = true;
    calls.releaseAll(run, 'the execution has stopped');
    expect(await result).toMatchObject({ name: 'States.Runtime', message: 'the execution has stopped' });
    expect(run.invocations.size).toBe(0);
    expect(run.events).toHaveLength(before);
    await expect(calls.sendTaskSuccess(token, '{}')).rejects.toMatchObject({ name: 'TaskDoesNotExist' });
    await expect(calls.invoke(run, 'Step', {} as JsonValue)).rejects.toMatchObject({ name: 'States.Runtime' });
  });
});
