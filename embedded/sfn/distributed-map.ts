/**
 * Distributed Map emulation. aws-local-stepfunctions would run a Distributed Map inline; here each item runs as a
 * child execution of its own instead (own history, DescribeExecution with `mapRunArn`, ListExecutions by map
 * run), and the parent's history records MapRunStarted / MapRunSucceeded / MapRunFailed and no iterations, as AWS
 * does. The definition is cut apart in asl-rewrite.ts (`splitDistributedMaps`); this module runs the pieces.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import type { ExecutionDescription, ExecutionStatus } from './api.js';
import type { MapStateEvent } from './history.js';
import { taskError, type JsonValue } from './tasks.js';

/** A name-shaped UUID derived from `text`: the same map run and item give the same child execution name. */
export function uuidFrom(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * A map run's ARN, derived from the parent execution, the map state and how many times this run entered it:
 * a restarted parent re-enters its map under the same ARN, and so finds the children it had already started.
 */
export function mapRunArn(machine: { region: string; account: string; name: string }, label: string, executionArn: string, state: string, entry: number): string {
  return `arn:aws:states:${machine.region}:${machine.account}:mapRun:${machine.name}/${label}:${uuidFrom(`${executionArn}\n${state}\n${entry}`)}`;
}

/** One run of a Distributed Map state (one entry into it). */
export interface MapRun {
  arn: string;
  children: Set<string>;
  closed: boolean;
}

/** What the emulation needs of one run of a parent execution. `M` is the engine's machine. */
export interface MapRunOwner<M> {
  readonly rec: { readonly executionArn: string };
  readonly machine: { readonly region: string; readonly account: string; readonly name: string; readonly distributedMaps: ReadonlyMap<string, { child: M; label: string }> };
  readonly stopped: boolean;
  /** Entries into each Distributed Map state in this run (the map run's ARN is derived from the count). */
  readonly mapEntries: Map<string, number>;
  readonly mapRuns: Map<string, MapRun>;
}

export interface MapRunHost<M, R> {
  record(run: R, type: string, details?: Record<string, unknown>): void;
  /** Starts (or, same name and input, finds) a child execution of the map run. */
  startChild(child: M, name: string, input: string, mapRunArn: string): { executionArn: string };
  waitForExecution(executionArn: string): Promise<ExecutionDescription>;
  statusOf(executionArn: string): ExecutionStatus | undefined;
  /** Stops a running execution as StopExecution does (status ABORTED). */
  abortExecution(executionArn: string): void;
}

export class DistributedMapRuns<M, R extends MapRunOwner<M>> {
  constructor(private readonly host: MapRunHost<M, R>) {}

  /**
   * One item of a Distributed Map (the stand-in Task's handler): started as a child execution (named from the
   * map run and the item's index, so a restarted parent finds it again) and waited for. A failed child fails
   * the map run, as with AWS's default tolerated failure of zero.
   */
  async runChild(run: R, mapState: string, input: JsonValue): Promise<JsonValue> {
    // The map's StateEntered (which opens the map run) is read from the engine's log asynchronously.
    for (let i = 0; i < 10 && !run.mapRuns.has(mapState); i++) await new Promise((r) => setImmediate(r));
    const mapRun = run.mapRuns.get(mapState);
    const spec = run.machine.distributedMaps.get(mapState);
    if (run.stopped || !mapRun || mapRun.closed || !spec) throw taskError('States.Runtime', 'the map run has stopped');
    const { item, index } = z.object({ item: z.unknown(), index: z.number().int() }).parse(input);
    const { executionArn } = this.host.startChild(spec.child, uuidFrom(`${mapRun.arn}\n${index}`), JSON.stringify(item ?? null), mapRun.arn);
    mapRun.children.add(executionArn);
    const done = await this.host.waitForExecution(executionArn);
    if (done.status === 'SUCCEEDED') return JSON.parse(done.output ?? 'null') as JsonValue;
    throw taskError('States.ExceedToleratedFailureThreshold', `The tolerated failure threshold was exceeded: child execution ${executionArn} ended ${done.status}${done.error ? ` (${done.error})` : ''}`);
  }

  /** The map state's events as AWS records a Distributed Map: MapRunStarted/Succeeded/Failed, no iterations. */
  onMapState(run: R, ev: MapStateEvent): void {
    const state = ev.state.name;
    const spec = run.machine.distributedMaps.get(state);
    if (!spec) return;
    if (ev.type === 'StateEntered') {
      const n = (run.mapEntries.get(state) ?? 0) + 1;
      run.mapEntries.set(state, n);
      const arn = mapRunArn(run.machine, spec.label, run.rec.executionArn, state, n);
      run.mapRuns.set(state, { arn, children: new Set(), closed: false });
      this.host.record(run, 'MapRunStarted', { mapRunStartedEventDetails: { mapRunArn: arn } });
      return;
    }
    const mapRun = run.mapRuns.get(state);
    if (!mapRun || mapRun.closed) return;
    mapRun.closed = true;
    if (ev.type === 'StateExited') {
      this.host.record(run, 'MapRunSucceeded');
      return;
    }
    // Failed: the children still running are stopped, as AWS stops a failed map run's children.
    for (const arn of mapRun.children) if (this.host.statusOf(arn) === 'RUNNING') this.host.abortExecution(arn);
    const cause = typeof ev.Cause === 'string' ? ev.Cause : JSON.stringify(ev.Cause ?? '');
    this.host.record(run, 'MapRunFailed', { mapRunFailedEventDetails: { error: String(ev.Error ?? ''), cause } });
  }
}
