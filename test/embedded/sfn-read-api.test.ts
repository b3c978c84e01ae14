/**
 * embedded/sfn/read-api.ts on its own: AWS's paging (sizes, nextToken, bad tokens), ListExecutions' filters and
 * order, ListMapRuns from a history (a re-entered map run listed once), GetExecutionHistory's options.
 */
import { describe, expect, it } from 'vitest';
import type { Execution, HistoryEvent } from '../../embedded/sfn/api.js';
import { getExecutionHistory, listExecutions, listMapRuns, page } from '../../embedded/sfn/read-api.js';

const MACHINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:m';
const MAP_RUN = 'arn:aws:states:us-east-1:000000000000:mapRun:m/Slice:1b4e28ba-2fa1-11d2-883f-0016d3cca427';
const T0 = Date.UTC(2024, 4, 3);

const exec = (i: number, extra: Partial<Execution> = {}): Execution => ({
  executionArn: `arn:aws:states:us-east-1:000000000000:execution:m:e${i}`,
  stateMachineArn: MACHINE,
  name: `e${i}`,
  status: 'SUCCEEDED',
  startDate: new Date(T0 + i),
  input: '{}',
  events: undefined,
  ...extra,
});
const event = (id: number, type: string, details: Record<string, unknown> = {}): HistoryEvent => ({
  id,
  previousEventId: id - 1,
  timestamp: new Date(T0 + id),
  type,
  ...details,
});
const noMachineCheck = () => undefined;

describe('page', () => {
  it('0 or absent → 100, at most 1000; nextToken is the offset; anything else is InvalidToken', () => {
    expect(page(undefined, undefined)).toEqual({ start: 0, size: 100 });
    expect(page(0, '5')).toEqual({ start: 5, size: 100 });
    expect(page(5000, undefined)).toEqual({ start: 0, size: 1000 });
    for (const bad of ['x', '-1', '1.5']) expect(() => page(10, bad)).toThrow(expect.objectContaining({ name: 'InvalidToken' }));
  });
});

describe('listExecutions', () => {
  const records = Array.from({ length: 5 }, (_, i) => exec(i, i === 2 ? { status: 'RUNNING' } : {}));

  it('newest first, paged with a nextToken until the last page, which has none', () => {
    const first = listExecutions(records, { stateMachineArn: MACHINE, maxResults: 2 }, noMachineCheck);
    expect(first.executions.map((e) => e.name)).toEqual(['e4', 'e3']);
    expect(first.nextToken).toBe('2');
    const second = listExecutions(records, { stateMachineArn: MACHINE, maxResults: 2, nextToken: first.nextToken }, noMachineCheck);
    expect(second.executions.map((e) => e.name)).toEqual(['e2', 'e1']);
    const last = listExecutions(records, { stateMachineArn: MACHINE, maxResults: 2, nextToken: second.nextToken }, noMachineCheck);
    expect(last.executions.map((e) => e.name)).toEqual(['e0']);
    expect(last.nextToken).toBeUndefined();
  });

  it('lists the summary members only, filtered by status, machine or map run', () => {
    const [running] = listExecutions(records, { stateMachineArn: MACHINE, statusFilter: 'RUNNING' }, noMachineCheck).executions;
    expect(running).toEqual({
      executionArn: records[2]?.executionArn,
      stateMachineArn: MACHINE,
      name: 'e2',
      status: 'RUNNING',
      startDate: new Date(T0 + 2),
      stopDate: undefined,
      mapRunArn: undefined,
    });
    const children = [exec(7, { mapRunArn: MAP_RUN, stateMachineArn: `${MACHINE}/Slice` }), exec(8)];
    expect(listExecutions(children, { mapRunArn: MAP_RUN }, noMachineCheck).executions.map((e) => e.name)).toEqual(['e7']);
    expect(listExecutions(children, { stateMachineArn: `${MACHINE}/Slice` }, noMachineCheck).executions.map((e) => e.name)).toEqual(['e7']);
  });

  it('exactly one of machine and map run; the machine is checked by the caller; a malformed map run ARN is InvalidArn', () => {
    expect(() => listExecutions(records, {}, noMachineCheck)).toThrow(expect.objectContaining({ name: 'ValidationException' }));
    expect(() => listExecutions(records, { stateMachineArn: MACHINE, mapRunArn: MAP_RUN }, noMachineCheck)).toThrow(
      expect.objectContaining({ name: 'ValidationException' }),
    );
    expect(() => listExecutions(records, { mapRunArn: 'arn:nope' }, noMachineCheck)).toThrow(expect.objectContaining({ name: 'InvalidArn' }));
    const checked: string[] = [];
    listExecutions(records, { stateMachineArn: MACHINE }, (arn) => void checked.push(arn));
    expect(checked).toEqual([MACHINE]);
  });
});

describe('listMapRuns', () => {
  it('one entry per map run ARN, oldest first, with the map run state machine; a re-entered run (restart) listed once', () => {
    const other = MAP_RUN.replace(/:[^:]+$/, ':2b4e28ba-2fa1-11d2-883f-0016d3cca427');
    const history = [
      event(1, 'ExecutionStarted'),
      event(2, 'MapRunStarted', { mapRunStartedEventDetails: { mapRunArn: MAP_RUN } }),
      event(3, 'ExecutionStarted'), // a restart cut the map run off; the re-run enters it again
      event(4, 'MapRunStarted', { mapRunStartedEventDetails: { mapRunArn: MAP_RUN } }),
      event(5, 'MapRunSucceeded'),
      event(6, 'MapRunStarted', { mapRunStartedEventDetails: { mapRunArn: other } }),
    ];
    const { mapRuns, nextToken } = listMapRuns(exec(1), history, {});
    expect(mapRuns).toEqual([
      {
        executionArn: exec(1).executionArn,
        mapRunArn: MAP_RUN,
        stateMachineArn: `${MACHINE}/Slice`,
        startDate: new Date(T0 + 2),
        stopDate: new Date(T0 + 5),
      },
      { executionArn: exec(1).executionArn, mapRunArn: other, stateMachineArn: `${MACHINE}/Slice`, startDate: new Date(T0 + 6), stopDate: undefined },
    ]);
    expect(nextToken).toBeUndefined();
    expect(listMapRuns(exec(1), history, { maxResults: 1 })).toMatchObject({ mapRuns: [{ mapRunArn: MAP_RUN }], nextToken: '1' });
  });
});

describe('getExecutionHistory', () => {
  const history = Array.from({ length: 5 }, (_, i) =>
    event(i + 1, 'PassStateExited', { stateExitedEventDetails: { name: 'P', output: '{"big":1}', outputDetails: { truncated: false } } }),
  );

  it('pages in order or reversed, and leaves out the data on request', () => {
    const first = getExecutionHistory(history, { maxResults: 3 });
    expect(first.events.map((e) => e.id)).toEqual([1, 2, 3]);
    expect(getExecutionHistory(history, { maxResults: 3, nextToken: first.nextToken })).toMatchObject({
      events: [{ id: 4 }, { id: 5 }],
      nextToken: undefined,
    });
    expect(getExecutionHistory(history, { reverseOrder: true, maxResults: 2 }).events.map((e) => e.id)).toEqual([5, 4]);
    expect(getExecutionHistory(history, { includeExecutionData: false }).events[0]?.stateExitedEventDetails).toEqual({
      name: 'P',
      outputDetails: { truncated: false },
    });
    expect(history.map((e) => e.id)).toEqual([1, 2, 3, 4, 5]); // reversing did not reorder the stored history
  });
});
