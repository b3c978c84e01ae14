/**
 * embedded/sfn/distributed-map.ts on its own, with a recording host in place of the engine: map run ARNs and
 * child names derived so a restart finds them again, MapRun* events, a child's outcome as the item's result.
 */
import { describe, expect, it } from 'vitest';
import type { ExecutionDescription, ExecutionStatus } from '../../embedded/sfn/api.js';
import { DistributedMapRuns, mapRunArn, uuidFrom, type MapRun, type MapRunOwner } from '../../embedded/sfn/distributed-map.js';

type Child = { name: string };
interface TestRun extends MapRunOwner<Child> {
  stopped: boolean;
  events: Array<[string, Record<string, unknown> | undefined]>;
}
const PARENT = 'arn:aws:states:us-east-1:000000000000:execution:fan:E-1';

function setup(outcome: (name: string) => Partial<ExecutionDescription>) {
  const started: Array<{ child: Child; name: string; input: string; mapRunArn: string }> = [];
  const statuses = new Map<string, ExecutionStatus>();
  const aborted: string[] = [];
  const machine = {
    region: 'us-east-1',
    account: '000000000000',
    name: 'fan',
    distributedMaps: new Map([['FanOut', { child: { name: 'fan/Slice' }, label: 'Slice' }]]),
  };
  const run: TestRun = {
    rec: { executionArn: PARENT },
    machine,
    stopped: false,
    mapEntries: new Map(),
    mapRuns: new Map<string, MapRun>(),
    mapRunEntries: {},
    events: [],
  };
  const maps = new DistributedMapRuns<Child, TestRun>({
    record: (r, type, details) => void r.events.push([type, details]),
    startChild: (child, name, input, arn) => {
      started.push({ child, name, input, mapRunArn: arn });
      const executionArn = `arn:aws:states:us-east-1:000000000000:execution:fan/Slice:${name}`;
      statuses.set(executionArn, 'RUNNING');
      return { executionArn };
    },
    waitForExecution: async (executionArn) => ({
      executionArn,
      stateMachineArn: '',
      name: '',
      startDate: new Date(0),
      input: '',
      status: 'SUCCEEDED',
      ...outcome(executionArn),
    }),
    statusOf: (arn) => statuses.get(arn),
    abortExecution: (arn) => void aborted.push(arn),
  });
  return { run, maps, started, aborted };
}
const mapState = (type: string, extra: Record<string, unknown> = {}) => ({ type, state: { name: 'FanOut' }, ...extra });

describe('names derived for restarts', () => {
  it('uuidFrom is name-shaped and depends only on its text', () => {
    expect(uuidFrom('a')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(uuidFrom('a')).toBe(uuidFrom('a'));
    expect(uuidFrom('a')).not.toBe(uuidFrom('b'));
  });

  it('a map run ARN names machine and label and is the same for the same execution, state and entry', () => {
    const m = { region: 'us-east-1', account: '000000000000', name: 'fan' };
    expect(mapRunArn(m, 'Slice', PARENT, 'FanOut', 1)).toBe(
      `arn:aws:states:us-east-1:000000000000:mapRun:fan/Slice:${uuidFrom(`${PARENT}\nFanOut\n1`)}`,
    );
    expect(mapRunArn(m, 'Slice', PARENT, 'FanOut', 1)).not.toBe(mapRunArn(m, 'Slice', PARENT, 'FanOut', 2));
  });
});

describe('DistributedMapRuns', () => {
  it('entering opens a map run (MapRunStarted); each item runs as a named child whose output is its result; exit → MapRunSucceeded', async () => {
    const { run, maps, started } = setup(() => ({ output: '{"filed":3}' }));
    maps.onMapState(run, mapState('StateEntered'));
    const arn = run.mapRuns.get('FanOut')?.arn ?? '';
    expect(run.events).toEqual([['MapRunStarted', { mapRunStartedEventDetails: { mapRunArn: arn } }]]);
    expect(await maps.runChild(run, 'FanOut', { item: 7, index: 2 })).toEqual({ filed: 3 });
    expect(started).toEqual([{ child: { name: 'fan/Slice' }, name: uuidFrom(`${arn}\n2`), input: '7', mapRunArn: arn }]);
    maps.onMapState(run, mapState('StateExited'));
    maps.onMapState(run, mapState('StateExited')); // closed once
    expect(run.events.map(([t]) => t)).toEqual(['MapRunStarted', 'MapRunSucceeded']);
    await expect(maps.runChild(run, 'FanOut', { item: 8, index: 3 })).rejects.toMatchObject({ name: 'States.Runtime' });
  });

  it('a child that did not succeed fails the item with States.ExceedToleratedFailureThreshold', async () => {
    const { run, maps } = setup(() => ({ status: 'FAILED', error: 'BoomError' }));
    maps.onMapState(run, mapState('StateEntered'));
    await expect(maps.runChild(run, 'FanOut', { item: null, index: 0 })).rejects.toMatchObject({
      name: 'States.ExceedToleratedFailureThreshold',
      message: expect.stringContaining('ended FAILED (BoomError)'),
    });
  });

  it('a failed map run stops its children still running and records MapRunFailed with error and cause', async () => {
    const { run, maps, aborted, started } = setup(() => ({}));
    maps.onMapState(run, mapState('StateEntered'));
    await maps.runChild(run, 'FanOut', { item: 1, index: 0 });
    maps.onMapState(run, mapState('StateFailed', { Error: 'States.ExceedToleratedFailureThreshold', Cause: { why: 1 } }));
    expect(aborted).toEqual([`arn:aws:states:us-east-1:000000000000:execution:fan/Slice:${started[0]?.name}`]);
    expect(run.events.at(-1)).toEqual([
      'MapRunFailed',
      { mapRunFailedEventDetails: { error: 'States.ExceedToleratedFailureThreshold', cause: '{"why":1}' } },
    ]);
  });

  it('each entry into the map is a new map run; a state that is no Distributed Map is ignored', () => {
    const { run, maps } = setup(() => ({}));
    maps.onMapState(run, mapState('StateEntered'));
    const first = run.mapRuns.get('FanOut')?.arn;
    maps.onMapState(run, mapState('StateExited'));
    maps.onMapState(run, mapState('StateEntered'));
    expect(run.mapRuns.get('FanOut')?.arn).not.toBe(first);
    maps.onMapState(run, { type: 'StateEntered', state: { name: 'Other' } });
    expect(run.events.map(([t]) => t)).toEqual(['MapRunStarted', 'MapRunSucceeded', 'MapRunStarted']);
  });
});
