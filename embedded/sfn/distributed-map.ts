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
import { readMapItems, writeMapRunResults, type ChildResult, type MapRunInput, type MapRunSource } from './item-reader.js';

/** A name-shaped UUID derived from `text`: the same map run and item give the same child execution name. */
export function uuidFrom(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * A map run's ARN, derived from the parent execution, the map state and how many times this run entered it:
 * a restarted parent re-enters its map under the same ARN, and so finds the children it had already started.
 */
export function mapRunArn(
  machine: { region: string; account: string; name: string },
  label: string,
  executionArn: string,
  state: string,
  entry: number,
): string {
  return `arn:aws:states:${machine.region}:${machine.account}:mapRun:${machine.name}/${label}:${uuidFrom(`${executionArn}\n${state}\n${entry}`)}`;
}

/** One run of a Distributed Map state (one entry into it). */
export interface MapRun {
  arn: string;
  children: Set<string>;
  closed: boolean;
  /** Each child's outcome by item index, for a ResultWriter. */
  results: ChildResult[];
}

/** What the hidden Task before a map with a reader, batcher or writer leaves for it (see asl-rewrite.ts). */
export interface MapRunEntry {
  items: JsonValue[];
  readonly result?: JsonValue;
}

/** What the emulation needs of one run of a parent execution. `M` is the engine's machine. */
export interface MapRunOwner<M> {
  readonly rec: { readonly executionArn: string };
  readonly machine: {
    readonly region: string;
    readonly account: string;
    readonly name: string;
    readonly distributedMaps: ReadonlyMap<string, { child: M; label: string; source?: { key: string; spec: MapRunSource } | undefined }>;
  };
  readonly stopped: boolean;
  /** Entries into each Distributed Map state in this run (the map run's ARN is derived from the count). */
  readonly mapEntries: Map<string, number>;
  readonly mapRuns: Map<string, MapRun>;
  /** Read by the maps' ItemsPath and ResultSelector through the context object (field MAP_RUN_CONTEXT). */
  readonly mapRunEntries: Record<string, MapRunEntry>;
}

export interface MapRunHost<M, R> {
  record(run: R, type: string, details?: Record<string, unknown>): void;
  /** Starts (or, same name and input, finds) a child execution of the map run. */
  startChild(child: M, name: string, input: string, mapRunArn: string): { executionArn: string };
  waitForExecution(executionArn: string): Promise<ExecutionDescription>;
  statusOf(executionArn: string): ExecutionStatus | undefined;
  /** Stops a running execution as StopExecution does (status ABORTED). */
  abortExecution(executionArn: string): void;
  /** The local stand-in for S3 buckets (local-bucket.ts), if the engine has one. */
  bucketDir?(): string | undefined;
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
    if (spec.source?.spec.writer) {
      mapRun.results[index] = {
        ExecutionArn: done.executionArn,
        Name: done.name,
        StateMachineArn: done.stateMachineArn,
        Status: done.status,
        StartDate: done.startDate.toISOString(),
        StopDate: (done.stopDate ?? new Date()).toISOString(),
        Input: done.input,
        ...(done.output !== undefined ? { Output: done.output } : {}),
        ...(done.error !== undefined ? { Error: done.error } : {}),
        ...(done.cause !== undefined ? { Cause: done.cause } : {}),
      };
    }
    if (done.status === 'SUCCEEDED') return JSON.parse(done.output ?? 'null') as JsonValue;
    throw taskError(
      'States.ExceedToleratedFailureThreshold',
      `The tolerated failure threshold was exceeded: child execution ${executionArn} ended ${done.status}${done.error ? ` (${done.error})` : ''}`,
    );
  }

  /**
   * The hidden Task before a map with an ItemReader, ItemBatcher or ResultWriter: reads (and batches) the items,
   * and sets up the writer, whose answer is computed (the results written) when the map's result is taken.
   */
  async prepareEntry(run: R, mapState: string, input: JsonValue): Promise<JsonValue> {
    const source = run.machine.distributedMaps.get(mapState)?.source;
    const root = this.host.bucketDir?.();
    if (!source) throw taskError('States.Runtime', `state ${mapState} is not a Distributed Map with an item source`);
    if (!root) throw taskError('States.ItemReaderFailed', 'the local engine has no bucket directory (bucketDir)');
    const given = (input ?? {}) as MapRunInput & { fromInput?: JsonValue };
    const items = await readMapItems(root, source.spec, given, () => {
      if (!Array.isArray(given.fromInput))
        throw taskError('States.Runtime', 'Input of Map state must be an array or ItemsPath property must point to an array');
      return given.fromInput;
    });
    const entry: MapRunEntry = { items };
    if (source.spec.writer) {
      let written: JsonValue | undefined;
      // A getter: the engine reads it while it evaluates the map's ResultSelector, i.e. once every child ended.
      Object.defineProperty(entry, 'result', {
        enumerable: true,
        get: () => {
          const mapRun = run.mapRuns.get(mapState);
          if (!mapRun) throw taskError('States.Runtime', `no map run of ${mapState}`);
          written ??= writeMapRunResults(root, given, mapRun.arn, mapRun.results.filter(Boolean));
          return written;
        },
      });
    }
    run.mapRunEntries[source.key] = entry;
    return {};
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
      run.mapRuns.set(state, { arn, children: new Set(), closed: false, results: [] });
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
