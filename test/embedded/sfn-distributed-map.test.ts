/**
 * The embedded engine's Distributed Map: each item a child execution with its own history (as on AWS, where a
 * Map Run's children are Standard executions an auditor can read one by one), MaxConcurrency honoured, the
 * parent recording MapRunStarted/MapRunSucceeded/MapRunFailed instead of iterations, a failed child failing
 * the map run (tolerated failures: zero), and a restart that finds the children already started.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createLocalSfn, type HistoryEvent, type LocalSfn, type TaskHandler } from '../../embedded/sfn/engine.js';

const NAME = 'fanout-test';
const ARN = `arn:aws:states:us-east-1:000000000000:stateMachine:${NAME}`;
const definition = {
  StartAt: 'FanOut',
  States: {
    FanOut: {
      Type: 'Map',
      ItemsPath: '$.slices',
      MaxConcurrency: 2,
      Label: 'Slice',
      ItemSelector: { 'batch.$': '$.batch', 'slice.$': '$$.Map.Item.Value' },
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
        StartAt: 'Work',
        States: {
          Work: {
            Type: 'Task',
            Resource: 'arn:aws:states:::lambda:invoke',
            Parameters: { FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:Work', 'Payload.$': '$' },
            OutputPath: '$.Payload',
            End: true,
          },
        },
      },
      ResultPath: '$.results',
      Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Broken' }],
      Next: 'Done',
    },
    Broken: { Type: 'Fail', Error: 'FanoutFailed', CausePath: '$.error.Cause' },
    Done: { Type: 'Succeed' },
  },
};

interface Item {
  batch: string;
  slice: number;
}
const asItem = (p: unknown) => p as Item;

const open: LocalSfn[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function engine(work: TaskHandler, dataDir?: string) {
  const started: string[] = [];
  const onEvent = (arn: string, e: HistoryEvent) => {
    if (e.type === 'ExecutionStarted' && arn.includes(`:execution:${NAME}/`)) started.push(arn);
  };
  const sfn = await createLocalSfn({
    stateMachines: [{ name: NAME, arn: ARN, definition, taskHandlers: { Work: work } }],
    retryIntervalScale: 0.01,
    dataDir,
    onEvent,
  });
  open.push(sfn);
  return { sfn, started };
}
const history = (sfn: LocalSfn, executionArn: string) => sfn.getExecutionHistory({ executionArn, maxResults: 1000 }).events;
const types = (events: HistoryEvent[]) => events.map((e) => e.type);

describe('sfn engine: Distributed Map', () => {
  it('runs each item as a child execution with its own history, at most MaxConcurrency at once', async () => {
    let running = 0;
    let most = 0;
    const { sfn, started } = await engine(async (p) => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      return { slice: asItem(p).slice, filed: asItem(p).slice * 10 };
    });
    const { executionArn } = await sfn.startExecution({
      stateMachineArn: ARN,
      name: 'event-1',
      input: JSON.stringify({ batch: 'b1', slices: [0, 1, 2, 3, 4] }),
    });
    const done = await sfn.waitForExecution(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '{}').results).toEqual([0, 1, 2, 3, 4].map((slice) => ({ slice, filed: slice * 10 })));
    expect(most).toBe(2);

    const parent = history(sfn, executionArn);
    expect(types(parent)).toEqual([
      'ExecutionStarted',
      'MapStateEntered',
      'MapRunStarted',
      'MapRunSucceeded',
      'MapStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
    const mapRunArn = (parent[2]!.mapRunStartedEventDetails as { mapRunArn: string }).mapRunArn;
    expect(mapRunArn).toMatch(new RegExp(`^arn:aws:states:us-east-1:000000000000:mapRun:${NAME}/Slice:[0-9a-f-]{36}$`));

    expect(started).toHaveLength(5);
    for (const child of started) {
      expect(child).toMatch(new RegExp(`:execution:${NAME}/Slice:[0-9a-f-]{36}$`));
      const d = sfn.describeExecution(child);
      expect(d).toMatchObject({ status: 'SUCCEEDED', mapRunArn, stateMachineArn: `${ARN}/Slice` });
      expect(JSON.parse(d.input)).toMatchObject({ batch: 'b1' });
      expect(types(history(sfn, child))).toEqual([
        'ExecutionStarted',
        'TaskStateEntered',
        'TaskScheduled',
        'TaskStarted',
        'TaskSucceeded',
        'TaskStateExited',
        'ExecutionSucceeded',
      ]);
    }
    // ListMapRuns / ListExecutions(mapRunArn), as an auditor walks from the parent to its children.
    const runs = sfn.listMapRuns({ executionArn }).mapRuns;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ executionArn, mapRunArn, stateMachineArn: `${ARN}/Slice` });
    expect(runs[0]?.stopDate).toBeInstanceOf(Date);
    expect(
      sfn
        .listExecutions({ mapRunArn })
        .executions.map((e) => e.executionArn)
        .sort(),
    ).toEqual([...started].sort());
    expect(() => sfn.listExecutions({})).toThrow(/exactly one/);
    expect(() => sfn.listExecutions({ stateMachineArn: ARN, mapRunArn })).toThrow(/exactly one/);
    // Children are not state machines of their own to the API.
    expect(sfn.listStateMachines().map((m) => m.name)).toEqual([NAME]);
    expect(sfn.listExecutions({ stateMachineArn: ARN }).executions.map((e) => e.executionArn)).toEqual([executionArn]);
  });

  it('a failed child fails the map run (States.ExceedToleratedFailureThreshold), which the Catch takes', async () => {
    const { sfn, started } = await engine(async (p) => {
      if (asItem(p).slice === 3) throw Object.assign(new Error('slice 3 cannot be read'), { name: 'BoomError' });
      return { ok: true };
    });
    const { executionArn } = await sfn.startExecution({
      stateMachineArn: ARN,
      name: 'event-2',
      input: JSON.stringify({ batch: 'b2', slices: [1, 2, 3] }),
    });
    const done = await sfn.waitForExecution(executionArn);
    expect(done).toMatchObject({ status: 'FAILED', error: 'FanoutFailed' });
    expect(done.cause).toMatch(/tolerated failure threshold/);
    const parent = types(history(sfn, executionArn));
    expect(parent).toContain('MapRunFailed');
    expect(parent).not.toContain('MapRunSucceeded');
    const failed = history(sfn, executionArn).find((e) => e.type === 'MapRunFailed');
    expect(failed?.mapRunFailedEventDetails).toMatchObject({ error: 'States.ExceedToleratedFailureThreshold' });
    const statuses = started.map((c) => sfn.describeExecution(c));
    expect(statuses.filter((d) => d.status === 'FAILED')).toHaveLength(1);
    expect(statuses.find((d) => d.status === 'FAILED')?.error).toBe('BoomError');
  });

  it('after a restart the parent finds the children it had started: finished ones are not run again', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sfn-dmap-'));
    dirs.push(dataDir);
    let reached: () => void = () => undefined;
    const blockedReached = new Promise<void>((r) => (reached = r));
    const first: number[] = [];
    const one = await engine(async (p) => {
      const { slice } = asItem(p);
      first.push(slice);
      if (slice === 2) {
        reached();
        await new Promise(() => undefined); // the process "dies" while slice 2 is being worked on
      }
      return { slice };
    }, dataDir);
    const { executionArn } = await one.sfn.startExecution({
      stateMachineArn: ARN,
      name: 'event-3',
      input: JSON.stringify({ batch: 'b3', slices: [0, 1, 2] }),
    });
    await blockedReached;
    await new Promise((r) => setTimeout(r, 20));
    await one.sfn.close();
    expect(first.sort()).toEqual([0, 1, 2]);

    const second: number[] = [];
    const two = await engine(async (p) => {
      second.push(asItem(p).slice);
      return { slice: asItem(p).slice };
    }, dataDir);
    const done = await two.sfn.waitForExecution(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '{}').results).toEqual([{ slice: 0 }, { slice: 1 }, { slice: 2 }]);
    // Only the interrupted child ran again, under its old ARN: no new children.
    expect(second).toEqual([2]);
    expect(new Set([...one.started, ...two.started]).size).toBe(3);
  });
});
