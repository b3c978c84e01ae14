/**
 * The engine's private copies of a state machine definition (the user's definition is never restated, only a
 * copy adjusted for aws-local-stepfunctions): AWS's default Task timeout made explicit, Retry intervals scaled,
 * and each Distributed Map cut out into a child machine of its own with an inline stand-in left in its place.
 */
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { allStates, isAslObject as isObj, walkAsl, type AslObject } from '../../lib/asl-walk.js';
import { mapRunSource, type MapRunSource } from './item-reader.js';

/** AWS's default TimeoutSeconds of a Task (about 3 years); the engine's own default would be 60 s. */
export const AWS_DEFAULT_TASK_TIMEOUT_SECONDS = 99_999_999;

const isDefinition = (v: unknown): v is StateMachineDefinition => isObj(v) && typeof v.StartAt === 'string' && isObj(v.States);

/** A Task's timeout as AWS applies it: its TimeoutSeconds, AWS's default without one, unknown if from a path. */
export function taskTimeoutSeconds(state: Record<string, unknown>): number | undefined {
  return typeof state.TimeoutSeconds === 'number'
    ? state.TimeoutSeconds
    : state.TimeoutSecondsPath === undefined
      ? AWS_DEFAULT_TASK_TIMEOUT_SECONDS
      : undefined;
}

/** The engine's private copy: a Task without TimeoutSeconds gets AWS's default (the engine would give it 60 s),
 *  Retry intervals scaled. Timeouts past 24.8 days need no clamping: polyfill.ts makes such timers work. */
export function engineCopy(definition: unknown, scale: number): StateMachineDefinition {
  const copy: unknown = structuredClone(definition);
  if (!isDefinition(copy)) throw new Error('state machine definition needs StartAt and States');
  for (const [, state] of allStates(copy)) {
    if (state.Type === 'Task' && state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined)
      state.TimeoutSeconds = AWS_DEFAULT_TASK_TIMEOUT_SECONDS;
    if (scale !== 1 && Array.isArray(state.Retry)) {
      for (const r of state.Retry) {
        if (!isObj(r)) continue;
        r.IntervalSeconds = (typeof r.IntervalSeconds === 'number' ? r.IntervalSeconds : 1) * scale;
        if (typeof r.MaxDelaySeconds === 'number') r.MaxDelaySeconds *= scale;
      }
    }
  }
  return copy;
}

/** A Distributed Map state's stand-in: an inline Map whose one Task starts the item's child execution. */
export const childTaskName = (mapState: string) => `${mapState} (child execution)`;

/** The Resource of the stand-in Task (never called: the engine overrides it with a local handler). */
export const MAP_RUN_CHILD_RESOURCE = 'arn:aws:states:::local:mapRunChild';

/** The hidden Task before a Distributed Map with an ItemReader, ItemBatcher or ResultWriter (see below). */
export const mapRunInputTaskName = (mapState: string) => `${mapState} (map run input)`;
export const MAP_RUN_INPUT_RESOURCE = 'arn:aws:states:::local:mapRunInput';
/** The context object's field through which the hidden Task hands the map its items and its writer's answer. */
export const MAP_RUN_CONTEXT = 'LocalMapRun';

export interface DistributedMapSplit {
  definition: unknown;
  /** One per Distributed Map state, outermost only (a nested one is split again from its child's definition). */
  children: Array<{ mapState: string; label: string; definition: unknown; source?: { key: string; spec: MapRunSource } }>;
}

/** Every state that may move to `from`, and the definition's StartAt, moved to `to` instead. */
function retarget(def: AslObject, from: string, to: string): void {
  if (def.StartAt === from) def.StartAt = to;
  const states = isObj(def.States) ? def.States : {};
  for (const [name, state] of Object.entries(states)) {
    if (!isObj(state) || name === to) continue;
    if (state.Next === from) state.Next = to;
    if (state.Default === from) state.Default = to;
    for (const list of [state.Choices, state.Catch]) if (Array.isArray(list)) for (const c of list) if (isObj(c) && c.Next === from) c.Next = to;
  }
}

/**
 * A Distributed Map with an ItemReader, ItemBatcher or ResultWriter: a hidden Task is put before it (every
 * transition to the map now reaches it first) whose Parameters are the reader's and writer's Parameters and the
 * BatchInput, so the engine evaluates their paths as ASL says; its local handler reads and batches the items
 * (item-reader.ts) and leaves them in the context object, where the map's ItemsPath finds them. Its ResultPath is
 * null, so the map gets the very input it would have got. A ResultWriter's answer reaches the map's result through
 * a ResultSelector reading the context object too. The map's Retry and Catch are copied onto the hidden Task, so
 * a reader failure is caught where AWS would catch it.
 */
function addMapRunInput(state: AslObject, states: AslObject, name: string, key: string): void {
  const task = mapRunInputTaskName(name);
  if (task in states) throw new Error(`state ${task}: the name is taken by the local engine's Distributed Map stand-in`);
  const reader = isObj(state.ItemReader) ? state.ItemReader : undefined;
  const writer = isObj(state.ResultWriter) ? state.ResultWriter : undefined;
  const batcher = isObj(state.ItemBatcher) ? state.ItemBatcher : undefined;
  const parameters: AslObject = {};
  if (reader) parameters.reader = reader.Parameters;
  else parameters['fromInput.$'] = typeof state.ItemsPath === 'string' ? state.ItemsPath : '$';
  if (writer) parameters.writer = writer.Parameters;
  if (batcher && isObj(batcher.BatchInput)) parameters.batchInput = batcher.BatchInput;
  const hidden: AslObject = { Type: 'Task', Resource: MAP_RUN_INPUT_RESOURCE, Parameters: parameters, ResultPath: null, Next: name };
  if (state.InputPath !== undefined) hidden.InputPath = state.InputPath;
  if (state.Retry !== undefined) hidden.Retry = structuredClone(state.Retry);
  if (state.Catch !== undefined) hidden.Catch = structuredClone(state.Catch);
  states[task] = hidden;
  state.ItemsPath = `$$.${MAP_RUN_CONTEXT}.${key}.items`;
  if (writer)
    state.ResultSelector = {
      'MapRunArn.$': `$$.${MAP_RUN_CONTEXT}.${key}.result.MapRunArn`,
      'ResultWriterDetails.$': `$$.${MAP_RUN_CONTEXT}.${key}.result.ResultWriterDetails`,
    };
  delete state.ItemReader;
  delete state.ItemBatcher;
  delete state.ResultWriter;
}

/**
 * Takes each Distributed Map's ItemProcessor out of the definition (it becomes the child machine's definition)
 * and puts in its place an inline processor of one Task, whose local handler runs the item as a child
 * execution. The item selector is wrapped so that handler also learns the item's index: child names are derived
 * from the map run and the index, so a restarted parent finds the children it had already started.
 */
export function splitDistributedMaps(definition: unknown): DistributedMapSplit {
  const copy: unknown = structuredClone(definition);
  const children: DistributedMapSplit['children'] = [];
  const moved: Array<{ states: AslObject; from: string; to: string }> = [];
  walkAsl(copy, {
    state(name, state, states) {
      const processor = state.ItemProcessor;
      if (!isObj(processor) || !isObj(processor.ProcessorConfig) || processor.ProcessorConfig.Mode !== 'DISTRIBUTED') return;
      const task = childTaskName(name);
      if (task in states) throw new Error(`state ${task}: the name is taken by the local engine's Distributed Map stand-in`);
      const hasSource = 'ItemReader' in state || 'ItemBatcher' in state || 'ResultWriter' in state;
      const key = `m${children.length}`;
      const source = hasSource ? { key, spec: mapRunSource(state) } : undefined;
      children.push({
        mapState: name,
        label: typeof state.Label === 'string' ? state.Label : name,
        definition: { StartAt: processor.StartAt, States: processor.States },
        ...(source ? { source } : {}),
      });
      if (hasSource) {
        addMapRunInput(state, states, name, key);
        moved.push({ states, from: name, to: mapRunInputTaskName(name) });
      }
      const selector = state.ItemSelector ?? state.Parameters;
      state.ItemSelector = { ...(selector === undefined ? { 'item.$': '$$.Map.Item.Value' } : { item: selector }), 'index.$': '$$.Map.Item.Index' };
      delete state.Parameters;
      delete state.Label;
      state.ItemProcessor = { StartAt: task, States: { [task]: { Type: 'Task', Resource: MAP_RUN_CHILD_RESOURCE, End: true } } };
      return false; // its processor is now the stand-in, and what it held belongs to the child machine
    },
  });
  if (moved.length > 0) {
    walkAsl(copy, {
      definition(def) {
        if (!isObj(def)) return;
        for (const m of moved) if (def.States === m.states) retarget(def, m.from, m.to);
      },
    });
  }
  return { definition: copy, children };
}
