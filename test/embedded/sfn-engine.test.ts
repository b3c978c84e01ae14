/**
 * The embedded Step Functions engine on a small hand-written definition: Lambda tasks (optimized integration and
 * plain ARN), Retry on a custom error, Catch into a Fail state, a Choice, a `.waitForTaskToken` review and
 * Succeed; the history as GetExecutionHistory returns it; idempotent starts; durability across a restart.
 */
import { appendFile, cp, mkdtemp, open as openFile, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { assertLocallyRunnable, createLocalSfn, type HistoryEvent, type LocalSfn, type TaskHandler } from '../../embedded/sfn/engine.js';

const NAME = 'claims-test';
const ARN = `arn:aws:states:us-east-1:000000000000:stateMachine:${NAME}`;
const fn = (name: string) => `arn:aws:lambda:us-east-1:000000000000:function:${name}`;
const invoke = (name: string, next: string) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Parameters: { FunctionName: fn(name), 'Payload.$': '$' },
  OutputPath: '$.Payload',
  Next: next,
});
const catchAll = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'RecordFailure' }];

const definition = {
  StartAt: 'Intake',
  States: {
    Intake: {
      ...invoke('Intake', 'Legacy'),
      Retry: [{ ErrorEquals: ['TransientError'], IntervalSeconds: 1, MaxAttempts: 2, BackoffRate: 2 }],
      Catch: catchAll,
    },
    Legacy: { Type: 'Task', Resource: fn('Legacy'), Next: 'Route' },
    Route: {
      Type: 'Choice',
      Choices: [
        {
          And: [
            { Variable: '$.route', IsPresent: true },
            { Variable: '$.route', StringEquals: 'review' },
          ],
          Next: 'Review',
        },
      ],
      Default: 'Done',
    },
    Review: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken',
      Parameters: { FunctionName: fn('Review'), Payload: { 'claimId.$': '$.claimId', 'taskToken.$': '$$.Task.Token' } },
      TimeoutSeconds: 2_592_000, // 30 days: more than a Node timer holds; must not fire at once
      Catch: catchAll,
      Next: 'Done',
    },
    RecordFailure: {
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: fn('RecordFailure'), Payload: { 'claimId.$': '$.claimId', 'error.$': '$.error' } },
      OutputPath: '$.Payload',
      Next: 'Failed',
    },
    Failed: { Type: 'Fail', Error: 'ClaimFailed', CausePath: '$.error.Cause' },
    Done: { Type: 'Succeed' },
  },
};

interface Payload {
  claimId: string;
  route?: string;
  explode?: boolean;
  taskToken?: string;
}
const asPayload = (p: unknown): Payload => {
  if (typeof p !== 'object' || p === null || !('claimId' in p) || typeof p.claimId !== 'string')
    throw new Error(`unexpected payload ${JSON.stringify(p)}`);
  return { ...p, claimId: p.claimId };
};

/** Handlers recording their calls; Intake fails once per claim with TransientError, Review keeps the token. */
function handlers(over: Partial<Record<string, TaskHandler>> = {}) {
  const calls: Array<[string, unknown]> = [];
  const tokens = new Map<string, string>();
  const attempts = new Map<string, number>();
  const base: Record<string, TaskHandler> = {
    Intake: async (p) => {
      const x = asPayload(p);
      const n = (attempts.get(x.claimId) ?? 0) + 1;
      attempts.set(x.claimId, n);
      if (n === 1) throw Object.assign(new Error('store busy'), { name: 'TransientError' });
      if (x.explode) throw Object.assign(new Error('cannot read claim'), { name: 'BoomError' });
      return { ...x, intake: 'ok' };
    },
    Legacy: async (p) => ({ ...asPayload(p), legacy: true }),
    Review: async (p) => {
      const x = asPayload(p);
      if (!x.taskToken) throw new Error('no token');
      tokens.set(x.claimId, x.taskToken);
      return { stored: true };
    },
    RecordFailure: async (p) => p,
  };
  const taskHandlers: Record<string, TaskHandler> = {};
  for (const [state, h] of Object.entries({ ...base, ...over })) {
    if (!h) continue;
    taskHandlers[state] = async (p) => {
      calls.push([state, p]);
      return h(p);
    };
  }
  return { taskHandlers, calls, tokens };
}

const open: LocalSfn[] = [];
const dirs: string[] = [];
async function engine(taskHandlers: Record<string, TaskHandler>, extra: { dataDir?: string; onEvent?: (arn: string, e: HistoryEvent) => void } = {}) {
  const sfn = await createLocalSfn({ stateMachines: [{ name: NAME, arn: ARN, definition, taskHandlers }], retryIntervalScale: 0.01, ...extra });
  open.push(sfn);
  return sfn;
}
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

const types = (events: HistoryEvent[]) => events.map((e) => e.type);
const history = (sfn: LocalSfn, executionArn: string) => sfn.getExecutionHistory({ executionArn, maxResults: 1000 }).events;
const errorName = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return err instanceof Error ? err.name : 'not an Error';
  }
  return 'no error';
};
const rejection = (p: Promise<unknown>) =>
  p.then(
    () => 'no error',
    (err: unknown) => (err instanceof Error ? err.name : 'not an Error'),
  );

describe('sfn engine: run and history', () => {
  it('runs Lambda tasks (retrying TransientError), the Choice and Succeed; history ids and types as AWS writes them', async () => {
    const seen: HistoryEvent[] = [];
    const h = handlers();
    const sfn = await engine(h.taskHandlers, { onEvent: (_arn, e) => seen.push(e) });
    const { executionArn, startDate } = await sfn.startExecution({
      stateMachineArn: ARN,
      name: 'claim-1',
      input: JSON.stringify({ claimId: 'claim-1' }),
    });
    expect(executionArn).toBe(`arn:aws:states:us-east-1:000000000000:execution:${NAME}:claim-1`);
    expect(startDate).toBeInstanceOf(Date);

    const done = await sfn.waitForExecution(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '')).toEqual({ claimId: 'claim-1', intake: 'ok', legacy: true });
    // The lambda:invoke handler got the Payload, the plain-ARN handler the raw state input.
    expect(h.calls.map(([s]) => s)).toEqual(['Intake', 'Intake', 'Legacy']);
    expect(h.calls[2]?.[1]).toEqual({ claimId: 'claim-1', intake: 'ok' });

    const events = history(sfn, executionArn);
    expect(types(events)).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskFailed',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'ChoiceStateEntered',
      'ChoiceStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]); // prettier-ignore
    events.forEach((e, i) => {
      expect(e.id).toBe(i + 1);
      expect(e.previousEventId).toBe(i);
      expect(e.timestamp).toBeInstanceOf(Date);
      if (i > 0) expect(e.timestamp.getTime()).toBeGreaterThanOrEqual(events[i - 1]?.timestamp.getTime() ?? 0);
    });
    expect(events[0]).toMatchObject({ executionStartedEventDetails: { input: '{"claimId":"claim-1"}' } });
    expect(events[1]).toMatchObject({ stateEnteredEventDetails: { name: 'Intake', input: '{"claimId":"claim-1"}' } });
    expect(events[2]).toMatchObject({ taskScheduledEventDetails: { resourceType: 'lambda', resource: 'invoke', region: 'us-east-1' } });
    const failed = events[4]?.taskFailedEventDetails;
    expect(failed).toMatchObject({ error: 'TransientError' });
    expect(JSON.parse(String((failed as { cause?: unknown } | undefined)?.cause))).toMatchObject({
      errorType: 'TransientError',
      errorMessage: 'store busy',
    });
    expect(JSON.parse(String((events[7]?.taskSucceededEventDetails as { output?: unknown } | undefined)?.output))).toEqual({
      ExecutedVersion: '$LATEST',
      Payload: { claimId: 'claim-1', intake: 'ok' },
      StatusCode: 200,
    });
    expect(events[10]).toMatchObject({ lambdaFunctionScheduledEventDetails: { resource: fn('Legacy') } });
    expect(events.at(-1)).toMatchObject({ executionSucceededEventDetails: { output: done.output } });
    expect(seen).toEqual(events);

    const reversed = sfn.getExecutionHistory({ executionArn, reverseOrder: true, maxResults: 5 });
    expect(reversed.events.map((e) => e.id)).toEqual([19, 18, 17, 16, 15]);
    expect(sfn.getExecutionHistory({ executionArn, maxResults: 5, nextToken: reversed.nextToken }).events[0]?.id).toBe(6);
    const bare = sfn.getExecutionHistory({ executionArn, includeExecutionData: false }).events;
    expect(bare[1]?.stateEnteredEventDetails).toEqual({ name: 'Intake', inputDetails: { truncated: false } });
  });

  it('a handler error that is not retried is caught into RecordFailure and the Fail state (Cause is the Lambda error JSON)', async () => {
    const h = handlers();
    const sfn = await engine(h.taskHandlers);
    const { executionArn } = await sfn.startExecution({
      stateMachineArn: ARN,
      name: 'claim-2',
      input: JSON.stringify({ claimId: 'claim-2', explode: true }),
    });
    const done = await sfn.waitForExecution(executionArn);
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('ClaimFailed');
    expect(JSON.parse(done.cause ?? '')).toMatchObject({ errorType: 'BoomError', errorMessage: 'cannot read claim' });
    expect(h.calls.at(-1)).toEqual(['RecordFailure', { claimId: 'claim-2', error: { Error: 'BoomError', Cause: done.cause } }]);
    const t = types(history(sfn, executionArn));
    expect(t.slice(-9)).toEqual([
      'TaskFailed',
      'TaskStateExited',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'FailStateEntered',
      'ExecutionFailed',
    ]);
    expect(history(sfn, executionArn).at(-1)).toMatchObject({ executionFailedEventDetails: { error: 'ClaimFailed', cause: done.cause } });
  });
});

describe('sfn engine: waitForTaskToken', () => {
  it('hands the handler a token, waits (idle), and SendTaskSuccess resumes with its output', async () => {
    const h = handlers();
    const sfn = await engine(h.taskHandlers);
    const { executionArn } = await sfn.startExecution({
      stateMachineArn: ARN,
      name: 'claim-3',
      input: JSON.stringify({ claimId: 'claim-3', route: 'review' }),
    });
    await sfn.idle();
    expect(sfn.describeExecution(executionArn).status).toBe('RUNNING');
    const token = h.tokens.get('claim-3');
    expect(token).toBeTypeOf('string');
    expect(types(history(sfn, executionArn)).slice(-5)).toEqual([
      'ChoiceStateExited',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSubmitted',
    ]);
    const scheduled = history(sfn, executionArn).at(-3)?.taskScheduledEventDetails;
    expect(scheduled).toMatchObject({ resourceType: 'lambda', resource: 'invoke.waitForTaskToken' });
    expect(JSON.parse(String((scheduled as { parameters?: unknown } | undefined)?.parameters))).toEqual({
      FunctionName: fn('Review'),
      Payload: { claimId: 'claim-3', taskToken: token },
    });

    await sfn.sendTaskSuccess(token ?? '', JSON.stringify({ claimId: 'claim-3', decision: 'APPROVE' }));
    const done = await sfn.waitForExecution(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '')).toEqual({ claimId: 'claim-3', decision: 'APPROVE' });
    expect(types(history(sfn, executionArn)).slice(-6)).toEqual([
      'TaskSubmitted',
      'TaskSucceeded',
      'TaskStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);

    expect(await rejection(sfn.sendTaskSuccess(token ?? '', '{}'))).toBe('TaskTimedOut');
    expect(await rejection(sfn.sendTaskSuccess('not-a-token', '{}'))).toBe('InvalidToken');
  });

  it('SendTaskFailure fails the task into its Catch', async () => {
    const h = handlers();
    const sfn = await engine(h.taskHandlers);
    const { executionArn } = await sfn.startExecution({
      stateMachineArn: ARN,
      name: 'claim-4',
      input: JSON.stringify({ claimId: 'claim-4', route: 'review' }),
    });
    await sfn.idle();
    await sfn.sendTaskFailure(h.tokens.get('claim-4') ?? '', 'ReviewRejected', 'forged invoice');
    const done = await sfn.waitForExecution(executionArn);
    expect(done).toMatchObject({ status: 'FAILED', error: 'ClaimFailed', cause: 'forged invoice' });
    const events = history(sfn, executionArn);
    expect(events.filter((e) => e.type === 'TaskFailed').at(-1)).toMatchObject({
      taskFailedEventDetails: { error: 'ReviewRejected', cause: 'forged invoice' },
    });
    expect(h.calls.at(-1)?.[0]).toBe('RecordFailure');
  });

  it('SendTaskSuccess from inside the handler (a replayed decision) is kept until the handler returns', async () => {
    let sfn: LocalSfn | undefined;
    const h = handlers({
      Review: async (p) => {
        await sfn?.sendTaskSuccess(asPayload(p).taskToken ?? '', '{"replayed":true}');
        return {};
      },
    });
    sfn = await engine(h.taskHandlers);
    const { executionArn } = await sfn.startExecution({
      stateMachineArn: ARN,
      name: 'claim-5',
      input: JSON.stringify({ claimId: 'claim-5', route: 'review' }),
    });
    expect(await sfn.waitForExecution(executionArn)).toMatchObject({ status: 'SUCCEEDED', output: '{"replayed":true}' });
    expect(types(history(sfn, executionArn))).toContain('TaskSubmitted');
  });

  it('a Task timeout voids the token and records TaskTimedOut', async () => {
    const timed = structuredClone(definition);
    Object.assign(timed.States.Review, { TimeoutSeconds: 1 });
    const h = handlers();
    const sfn = await createLocalSfn({
      stateMachines: [{ name: NAME, arn: ARN, definition: timed, taskHandlers: h.taskHandlers }],
      retryIntervalScale: 0.01,
    });
    open.push(sfn);
    const { executionArn } = await sfn.startExecution({
      stateMachineArn: ARN,
      name: 'claim-6',
      input: JSON.stringify({ claimId: 'claim-6', route: 'review' }),
    });
    const done = await sfn.waitForExecution(executionArn);
    expect(done).toMatchObject({ status: 'FAILED', error: 'ClaimFailed' });
    expect(types(history(sfn, executionArn))).toContain('TaskTimedOut');
    expect(await rejection(sfn.sendTaskSuccess(h.tokens.get('claim-6') ?? '', '{}'))).toBe('TaskTimedOut');
  });
});

describe('sfn engine: StartExecution and errors', () => {
  it('same name and input → the same execution; another input → ExecutionAlreadyExists; API error codes', async () => {
    const h = handlers();
    const sfn = await engine(h.taskHandlers);
    const input = JSON.stringify({ claimId: 'claim-7' });
    const [a, b] = await Promise.all([
      sfn.startExecution({ stateMachineArn: ARN, name: 'claim-7', input }),
      sfn.startExecution({ stateMachineArn: ARN, name: 'claim-7', input }),
    ]);
    expect(b).toEqual(a);
    await sfn.waitForExecution(a.executionArn);
    expect(await sfn.startExecution({ stateMachineArn: ARN, name: 'claim-7', input })).toEqual(a);
    expect(h.calls.filter(([s]) => s === 'Legacy')).toHaveLength(1);
    expect(await rejection(sfn.startExecution({ stateMachineArn: ARN, name: 'claim-7', input: '{"claimId":"other"}' }))).toBe(
      'ExecutionAlreadyExists',
    );

    expect(await rejection(sfn.startExecution({ stateMachineArn: `${ARN}-nope`, input }))).toBe('StateMachineDoesNotExist');
    expect(await rejection(sfn.startExecution({ stateMachineArn: ARN, name: 'has space', input }))).toBe('InvalidName');
    expect(await rejection(sfn.startExecution({ stateMachineArn: ARN, input: '{oops' }))).toBe('InvalidExecutionInput');
    expect(errorName(() => sfn.describeExecution(a.executionArn.replace('claim-7', 'claim-x')))).toBe('ExecutionDoesNotExist');
    expect(errorName(() => sfn.describeExecution('not-an-arn'))).toBe('InvalidArn');

    const unnamed = await sfn.startExecution({ stateMachineArn: ARN, input: '{"claimId":"u"}' });
    expect(unnamed.executionArn).toMatch(/:execution:claims-test:[0-9a-f-]{36}$/);
    await sfn.waitForExecution(unnamed.executionArn);
    const listed = sfn.listExecutions({ stateMachineArn: ARN, statusFilter: 'SUCCEEDED', maxResults: 1 });
    expect(listed.executions).toHaveLength(1);
    expect(sfn.listExecutions({ stateMachineArn: ARN, maxResults: 1, nextToken: listed.nextToken }).executions).toHaveLength(1);
  });

  it('refuses at start what the engine would silently mis-run, naming the state', async () => {
    const withState = (state: Record<string, unknown>) => ({ StartAt: 'S', States: { S: { Type: 'Pass', End: true, ...state } } });
    expect(() => assertLocallyRunnable(definition)).not.toThrow();
    expect(() => assertLocallyRunnable({ ...definition, QueryLanguage: 'JSONata' })).toThrow(/JSONata/);
    expect(() => assertLocallyRunnable(withState({ Assign: { x: 1 } }))).toThrow(/state S: Assign/);
    expect(() => assertLocallyRunnable(withState({ Type: 'Task', Resource: fn('x'), HeartbeatSeconds: 60 }))).toThrow(/state S: HeartbeatSeconds/);
    const distributed = (config: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      withState({
        Type: 'Map',
        ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ...config }, StartAt: 'I', States: { I: { Type: 'Pass', End: true } } },
        ...extra,
      });
    expect(() => assertLocallyRunnable(distributed({ ExecutionType: 'STANDARD' }))).not.toThrow();
    expect(() => assertLocallyRunnable(distributed({ ExecutionType: 'EXPRESS' }))).toThrow(/state S: a Distributed Map with EXPRESS/);
    expect(() => assertLocallyRunnable(distributed({}, { ToleratedFailurePercentage: 5 }))).toThrow(/state S: ToleratedFailurePercentage/);
    expect(() => assertLocallyRunnable(withState({ Type: 'Map', ItemReader: {} }))).toThrow(/state S: ItemReader/);

    await expect(
      createLocalSfn({ stateMachines: [{ name: NAME, arn: ARN, definition: withState({ Assign: { x: 1 } }), taskHandlers: {} }] }),
    ).rejects.toThrow(/Assign/);
    // A Task without a local handler would call real AWS: refused too.
    const { Review: _review, ...partial } = handlers().taskHandlers;
    await expect(createLocalSfn({ stateMachines: [{ name: NAME, arn: ARN, definition, taskHandlers: partial }] })).rejects.toThrow(
      /Review has no local handler/,
    );
  });
});

describe('sfn engine: durability', () => {
  it('finished executions survive a restart; a running one is run again from the start under the same ARN', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sfn-'));
    dirs.push(dataDir);
    let release: () => void = () => undefined;
    const blocked = new Promise<void>((r) => (release = r));
    let reachedSlow: () => void = () => undefined;
    const slowCalled = new Promise<void>((r) => (reachedSlow = r));
    const first = handlers({
      Legacy: async (p) => {
        const x = asPayload(p);
        if (x.claimId === 'slow') {
          reachedSlow();
          await blocked; // blocks until the engine is closed (the process "dies" here)
        }
        return x;
      },
    });
    const sfn1 = await engine(first.taskHandlers, { dataDir });
    const fast = await sfn1.startExecution({ stateMachineArn: ARN, name: 'fast', input: '{"claimId":"fast"}' });
    await sfn1.waitForExecution(fast.executionArn);
    const fastHistory = history(sfn1, fast.executionArn);
    const slow = await sfn1.startExecution({ stateMachineArn: ARN, name: 'slow', input: '{"claimId":"slow"}' });
    await slowCalled;
    const before = history(sfn1, slow.executionArn);
    await sfn1.close();
    release();
    // A crash mid-append leaves a torn line at the end of the journal: skipped on load.
    const [journal] = await readdir(dataDir);
    await appendFile(join(dataDir, journal ?? ''), '{"executionArn":"arn:aws:st');

    const second = handlers();
    const sfn2 = await engine(second.taskHandlers, { dataDir });
    expect(sfn2.describeExecution(fast.executionArn).status).toBe('SUCCEEDED');
    expect(history(sfn2, fast.executionArn)).toEqual(fastHistory);
    const done = await sfn2.waitForExecution(slow.executionArn);
    expect(done).toMatchObject({ executionArn: slow.executionArn, status: 'SUCCEEDED', input: '{"claimId":"slow"}' });
    expect(done.startDate).toEqual(slow.startDate);
    const after = history(sfn2, slow.executionArn);
    // The first run's events are kept; a fresh ExecutionStarted marks the re-run; ids stay one sequence.
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after[before.length]?.type).toBe('ExecutionStarted');
    expect(types(after).filter((t) => t === 'ExecutionStarted')).toHaveLength(2);
    for (const [i, e] of after.entries()) expect(e.id).toBe(i + 1);
    expect(second.calls.map(([s]) => s)).toEqual(['Intake', 'Intake', 'Legacy']);
    // Idempotent start still answers for the restarted execution.
    expect(await sfn2.startExecution({ stateMachineArn: ARN, name: 'slow', input: '{"claimId":"slow"}' })).toEqual(slow);
    await sfn2.close();
    const sfn3 = await engine(handlers().taskHandlers, { dataDir });
    expect(sfn3.describeExecution(slow.executionArn)).toEqual(done);
    expect(history(sfn3, slow.executionArn)).toEqual(after);
  });

  it('an execution waiting for a token gets a new token after a restart; the old one is void', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sfn-'));
    dirs.push(dataDir);
    const first = handlers();
    const sfn1 = await engine(first.taskHandlers, { dataDir });
    const { executionArn } = await sfn1.startExecution({ stateMachineArn: ARN, name: 'waiting', input: '{"claimId":"waiting","route":"review"}' });
    await sfn1.idle();
    const oldToken = first.tokens.get('waiting') ?? '';
    await sfn1.close();

    const second = handlers();
    const sfn2 = await engine(second.taskHandlers, { dataDir });
    await sfn2.idle();
    const newToken = second.tokens.get('waiting') ?? '';
    expect(newToken).not.toBe('');
    expect(newToken).not.toBe(oldToken);
    expect(await rejection(sfn2.sendTaskSuccess(oldToken, '{}'))).toBe('TaskDoesNotExist');
    await sfn2.sendTaskSuccess(newToken, '{"decision":"APPROVE"}');
    expect(await sfn2.waitForExecution(executionArn)).toMatchObject({ status: 'SUCCEEDED', output: '{"decision":"APPROVE"}' });
  });

  it("a stopped execution's history leaves memory once journaled and reads back the same, also after a restart", async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sfn-'));
    dirs.push(dataDir);
    const sfn1 = await engine(handlers().taskHandlers, { dataDir });
    // Non-ASCII input: the journal finds lines by byte offsets.
    const done = await Promise.all(
      ['paid-1', 'paid-2'].map(
        async (name) =>
          (await sfn1.startExecution({ stateMachineArn: ARN, name, input: JSON.stringify({ claimId: name, note: '防贫保险 理赔' }) })).executionArn,
      ),
    );
    const { executionArn: waiting } = await sfn1.startExecution({
      stateMachineArn: ARN,
      name: 'in-review',
      input: '{"claimId":"in-review","route":"review"}',
    });
    for (const arn of done) expect(await sfn1.waitForExecution(arn)).toMatchObject({ status: 'SUCCEEDED' });
    await sfn1.idle();
    const before = new Map(done.map((arn) => [arn, history(sfn1, arn)]));
    const waitingEvents = history(sfn1, waiting).length;
    for (let i = 0; i < 500 && sfn1.eventsInMemory() > waitingEvents; i++) await new Promise((r) => setTimeout(r, 20));
    expect(sfn1.eventsInMemory()).toBe(waitingEvents); // only the running execution's history is held
    for (const arn of done) {
      expect(history(sfn1, arn)).toEqual(before.get(arn));
      const all = before.get(arn) ?? [];
      const reversed = sfn1.getExecutionHistory({ executionArn: arn, reverseOrder: true, maxResults: 3 });
      expect(reversed.events.map((e) => e.id)).toEqual([all.length, all.length - 1, all.length - 2]);
    }
    await sfn1.close();

    const sfn2 = await engine(handlers().taskHandlers, { dataDir });
    await sfn2.idle();
    for (const arn of done) expect(history(sfn2, arn)).toEqual(before.get(arn));
    expect(sfn2.describeExecution(done[0] ?? '')).toMatchObject({ status: 'SUCCEEDED' });
    // The waiting execution was run again: its history (old run and new) is held, nothing else.
    expect(sfn2.eventsInMemory()).toBe(history(sfn2, waiting).length);
    expect(history(sfn2, waiting).length).toBeGreaterThan(waitingEvents);
  });

  it('a start reads the index of a closed day instead of its lines; an index that does not add up is ignored', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sfn-'));
    dirs.push(dataDir);
    const sfn1 = await engine(handlers().taskHandlers, { dataDir });
    const { executionArn: a } = await sfn1.startExecution({ stateMachineArn: ARN, name: 'snap-a', input: '{"claimId":"snap-a"}' });
    await sfn1.waitForExecution(a);
    const { executionArn: waiting } = await sfn1.startExecution({
      stateMachineArn: ARN,
      name: 'snap-b',
      input: '{"claimId":"snap-b","route":"review"}',
    });
    await sfn1.idle();
    await sfn1.close();
    // The day closes (as for a server running past midnight): the next start compacts and indexes that day's file.
    const journal = '2024-05-03.jsonl';
    const [today = ''] = (await readdir(dataDir)).filter((f) => /^\d{4}-\d{2}-\d{2}\.jsonl$/.test(f));
    await rename(join(dataDir, today), join(dataDir, journal));
    const sfn1b = await engine(handlers().taskHandlers, { dataDir });
    await sfn1b.idle();
    await sfn1b.close();
    const header = JSON.parse((await readFile(join(dataDir, '2024-05-03.index.jsonl'), 'utf8')).split('\n')[0] ?? '') as { size: number };
    expect(header.size).toBe((await stat(join(dataDir, journal))).size);

    // Damage A's line in the closed day, in place: a start that takes the day from its index never reads it.
    const text = await readFile(join(dataDir, journal), 'utf8');
    const firstLine = text.split('\n')[0] ?? '';
    expect(firstLine).toContain('snap-a');
    const handle = await openFile(join(dataDir, journal), 'r+');
    await handle.write(Buffer.from('#'.repeat(Buffer.byteLength(firstLine))), 0, Buffer.byteLength(firstLine), 0);
    await handle.close();

    const h2 = handlers();
    const sfn2 = await engine(h2.taskHandlers, { dataDir });
    await sfn2.idle();
    expect(sfn2.describeExecution(a)).toMatchObject({ status: 'SUCCEEDED' }); // known from the index
    expect(sfn2.describeExecution(waiting)).toMatchObject({ status: 'RUNNING' }); // run again, a new token
    expect(h2.tokens.get('snap-b')).toBeDefined();
    const { executionArn: c } = await sfn2.startExecution({ stateMachineArn: ARN, name: 'snap-c', input: '{"claimId":"snap-c"}' });
    await sfn2.waitForExecution(c);
    const historyC = history(sfn2, c);
    for (let i = 0; i < 500 && sfn2.eventsInMemory() > history(sfn2, waiting).length; i++) await new Promise((r) => setTimeout(r, 20));

    // A crash now (sfn2 never closes): a copy of its data directory has C only in the journal's tail.
    const crashed = await mkdtemp(join(tmpdir(), 'sfn-'));
    dirs.push(crashed);
    await cp(dataDir, crashed, { recursive: true });
    const sfn3 = await engine(handlers().taskHandlers, { dataDir: crashed });
    await sfn3.idle();
    expect(sfn3.describeExecution(a)).toMatchObject({ status: 'SUCCEEDED' });
    expect(history(sfn3, c)).toEqual(historyC);
    expect(sfn3.describeExecution(waiting)).toMatchObject({ status: 'RUNNING' });
    await sfn3.close();

    // An index that claims more journal than there is: ignored, the day's lines are read, A's damaged line is
    // skipped as before (so A is gone), everything else is there.
    const index = (await readFile(join(crashed, '2024-05-03.index.jsonl'), 'utf8')).split('\n');
    await writeFile(
      join(crashed, '2024-05-03.index.jsonl'),
      [JSON.stringify({ version: 1, file: journal, size: 10 ** 9 }), ...index.slice(1)].join('\n'),
    );
    const sfn4 = await engine(handlers().taskHandlers, { dataDir: crashed });
    await sfn4.idle();
    expect(history(sfn4, c)).toEqual(historyC);
    expect(errorName(() => sfn4.describeExecution(a))).toBe('ExecutionDoesNotExist');
  });

  it('a token wait reached again after restarts keeps its first deadline, not a fresh timeout each time', async () => {
    const timed = structuredClone(definition);
    Object.assign(timed.States.Review, { TimeoutSeconds: 6 });
    const dataDir = await mkdtemp(join(tmpdir(), 'sfn-'));
    dirs.push(dataDir);
    const start = async () => {
      const h = handlers();
      const sfn = await createLocalSfn({
        stateMachines: [{ name: NAME, arn: ARN, definition: timed, taskHandlers: h.taskHandlers }],
        retryIntervalScale: 0.01,
        dataDir,
      });
      open.push(sfn);
      return { sfn, h };
    };
    // The engine reads the time from Date (history timestamps, the deadline left to a restarted wait): a fake Date
    // that runs on with real time, and jumps where the test lets time pass, instead of sleeping through it.
    vi.useFakeTimers({ toFake: ['Date'], shouldAdvanceTime: true });
    try {
      const first = await start();
      const { executionArn } = await first.sfn.startExecution({
        stateMachineArn: ARN,
        name: 'slow-review',
        input: '{"claimId":"slow-review","route":"review"}',
      });
      await first.sfn.idle();
      const reviewScheduled = (e: HistoryEvent) =>
        e.type === 'TaskScheduled' &&
        String((JSON.parse((e.taskScheduledEventDetails as { parameters: string }).parameters) as { FunctionName?: string }).FunctionName).endsWith(
          ':Review',
        );
      const scheduled = history(first.sfn, executionArn).find(reviewScheduled);
      expect(scheduled?.taskScheduledEventDetails).toMatchObject({ timeoutInSeconds: 6 });
      // 1.5 s pass in the first run; the second run waits with what is left (4.5 s, given as 5 whole seconds, so
      // its deadline is that run's TaskScheduled + 5 s: about 6.5 s after the first).
      vi.setSystemTime(Date.now() + 1_500);
      await first.sfn.close();
      const second = await start();
      await second.sfn.idle();
      const rescheduled = history(second.sfn, executionArn).filter(reviewScheduled).at(-1);
      expect(rescheduled?.taskScheduledEventDetails).toMatchObject({ timeoutInSeconds: 5 });
      // That deadline passes while the engine is stopped: the third run's wait ends at once. With a fresh 6 s (or
      // what was left before the stop) it would still be waiting, seconds of real time after the deadline.
      vi.setSystemTime((rescheduled?.timestamp.getTime() ?? 0) + 5_000);
      await second.sfn.close();
      const third = await start();
      const done = await third.sfn.waitForExecution(executionArn);
      expect(done).toMatchObject({ status: 'FAILED', error: 'ClaimFailed' });
      const events = history(third.sfn, executionArn);
      expect(types(events).filter((t) => t === 'ExecutionStarted')).toHaveLength(3);
      const timedOut = events.find((e) => e.type === 'TaskTimedOut');
      expect(timedOut).toBeDefined();
      const waited = (timedOut?.timestamp.getTime() ?? 0) - (scheduled?.timestamp.getTime() ?? 0);
      expect(waited).toBeGreaterThanOrEqual(6_000);
      expect(waited).toBeLessThan(7_500); // 1.5 s + 5 s, the restarts, and no wait of the third run's own
      // The later runs' TaskScheduled carry what was left of the 6 s, as AWS's timeoutInSeconds.
      const later = events.filter(reviewScheduled).slice(1);
      expect(later.map((e) => (e.taskScheduledEventDetails as { timeoutInSeconds: number }).timeoutInSeconds)).toEqual([5, 0]);
    } finally {
      vi.useRealTimers();
    }
  });

  it("timers past Node's 24.8 days neither fire at once nor keep the process alive once unref'd", async () => {
    let fired = false;
    const t = setTimeout(() => (fired = true), 30 * 24 * 3600 * 1000);
    expect(t.hasRef()).toBe(true);
    t.unref();
    expect(t.hasRef()).toBe(false);
    await new Promise((r) => setTimeout(r, 50));
    expect(fired).toBe(false);
    clearTimeout(t);
  });
});
