/**
 * The read side of the API over what the engine holds: ListExecutions (of a machine or of a map run), ListMapRuns
 * (from a parent's history) and GetExecutionHistory, with AWS's paging (maxResults 0/absent → 100, at most 1000).
 * Our nextToken is the offset into the list, which is stable: executions and history events are only ever added.
 */
import { MAP_RUN_ARN, SfnError, type Execution, type ExecutionListItem, type HistoryEvent, type MapRunListItem } from './api.js';
import { withoutData } from './history.js';

/** Where a page starts and how long it is; a nextToken that is not one of ours → InvalidToken. */
export function page(maxResults: number | undefined, nextToken: string | undefined): { start: number; size: number } {
  const start = nextToken === undefined ? 0 : Number(nextToken);
  if (!Number.isInteger(start) || start < 0) throw new SfnError('InvalidToken', `Invalid Token: '${nextToken}'`);
  return { start, size: Math.min(maxResults || 100, 1000) };
}

function paged<T>(all: readonly T[], maxResults: number | undefined, nextToken: string | undefined): { items: T[]; nextToken: string | undefined } {
  const { start, size } = page(maxResults, nextToken);
  return { items: all.slice(start, start + size), nextToken: start + size < all.length ? String(start + size) : undefined };
}

export interface ListExecutionsInput {
  stateMachineArn?: string | undefined;
  mapRunArn?: string | undefined;
  statusFilter?: string | undefined;
  maxResults?: number | undefined;
  nextToken?: string | undefined;
}

/** Newest first. `assertMachine` throws the API error for a state machine ARN that is malformed or unknown. */
export function listExecutions(
  records: Iterable<Execution>,
  input: ListExecutionsInput,
  assertMachine: (arn: string) => void,
): { executions: ExecutionListItem[]; nextToken?: string | undefined } {
  if ((input.stateMachineArn === undefined) === (input.mapRunArn === undefined))
    throw new SfnError('ValidationException', 'exactly one of stateMachineArn and mapRunArn is required');
  if (input.stateMachineArn !== undefined) assertMachine(input.stateMachineArn);
  else if (!MAP_RUN_ARN.test(input.mapRunArn ?? '')) throw new SfnError('InvalidArn', `Invalid Arn: '${input.mapRunArn}'`);
  const belongs = (r: Execution) =>
    input.stateMachineArn !== undefined ? r.stateMachineArn === input.stateMachineArn : r.mapRunArn === input.mapRunArn;
  const all = [...records]
    .filter((r) => belongs(r) && (!input.statusFilter || r.status === input.statusFilter))
    .sort((a, b) => b.startDate.getTime() - a.startDate.getTime());
  const { items, nextToken } = paged(all, input.maxResults, input.nextToken);
  return {
    executions: items.map(({ executionArn, stateMachineArn, name, status, startDate, stopDate, mapRunArn }) => ({
      executionArn,
      stateMachineArn,
      name,
      status,
      startDate,
      stopDate,
      mapRunArn,
    })),
    nextToken,
  };
}

/** The map runs of an execution, oldest first, from its history: a restarted execution re-enters its map under
 *  the same map run ARN, which is listed once. */
export function listMapRuns(
  rec: Execution,
  history: readonly HistoryEvent[],
  input: { maxResults?: number | undefined; nextToken?: string | undefined },
): { mapRuns: MapRunListItem[]; nextToken?: string | undefined } {
  const runs = new Map<string, MapRunListItem>();
  let open: MapRunListItem | undefined;
  for (const e of history) {
    if (e.type === 'MapRunStarted') {
      const mapRunArn = (e.mapRunStartedEventDetails as { mapRunArn: string }).mapRunArn;
      const label = /:mapRun:([^:]+):/.exec(mapRunArn)?.[1] ?? '';
      open = runs.get(mapRunArn) ?? {
        executionArn: rec.executionArn,
        mapRunArn,
        stateMachineArn: `${rec.stateMachineArn.split(':stateMachine:')[0]}:stateMachine:${label}`,
        startDate: e.timestamp,
      };
      open.stopDate = undefined;
      runs.set(mapRunArn, open);
    } else if ((e.type === 'MapRunSucceeded' || e.type === 'MapRunFailed') && open) {
      open.stopDate = e.timestamp;
      open = undefined;
    }
  }
  const { items, nextToken } = paged([...runs.values()], input.maxResults, input.nextToken);
  return { mapRuns: items, nextToken };
}

export function getExecutionHistory(
  history: HistoryEvent[],
  input: {
    maxResults?: number | undefined;
    nextToken?: string | undefined;
    reverseOrder?: boolean | undefined;
    includeExecutionData?: boolean | undefined;
  },
): { events: HistoryEvent[]; nextToken?: string | undefined } {
  const all = input.reverseOrder ? [...history].reverse() : history;
  let { items: events, nextToken } = paged(all, input.maxResults, input.nextToken);
  if (input.includeExecutionData === false) events = events.map(withoutData);
  return { events, nextToken };
}
