/**
 * The engine's private copies of a state machine definition (the user's definition is never restated, only a
 * copy adjusted for aws-local-stepfunctions): AWS's default Task timeout made explicit, Retry intervals scaled,
 * and each Distributed Map cut out into a child machine of its own with an inline stand-in left in its place.
 */
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { allStates, isAslObject as isObj, walkAsl } from '../../lib/asl-walk.js';

/** AWS's default TimeoutSeconds of a Task (about 3 years); the engine's own default would be 60 s. */
export const AWS_DEFAULT_TASK_TIMEOUT_SECONDS = 99_999_999;

const isDefinition = (v: unknown): v is StateMachineDefinition => isObj(v) && typeof v.StartAt === 'string' && isObj(v.States);

/** A Task's timeout as AWS applies it: its TimeoutSeconds, AWS's default without one, unknown if from a path. */
export function taskTimeoutSeconds(state: Record<string, unknown>): number | undefined {
  return typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : state.TimeoutSecondsPath === undefined ? AWS_DEFAULT_TASK_TIMEOUT_SECONDS : undefined;
}

/** The engine's private copy: a Task without TimeoutSeconds gets AWS's default (the engine would give it 60 s),
 *  Retry intervals scaled. Timeouts past 24.8 days need no clamping: polyfill.ts makes such timers work. */
export function engineCopy(definition: unknown, scale: number): StateMachineDefinition {
  const copy: unknown = structuredClone(definition);
  if (!isDefinition(copy)) throw new Error('state machine definition needs StartAt and States');
  for (const [, state] of allStates(copy)) {
    if (state.Type === 'Task' && state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) state.TimeoutSeconds = AWS_DEFAULT_TASK_TIMEOUT_SECONDS;
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

export interface DistributedMapSplit {
  definition: unknown;
  /** One per Distributed Map state, outermost only (a nested one is split again from its child's definition). */
  children: Array<{ mapState: string; label: string; definition: unknown }>;
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
  walkAsl(copy, {
    state(name, state, states) {
      const processor = state.ItemProcessor;
      if (!isObj(processor) || !isObj(processor.ProcessorConfig) || processor.ProcessorConfig.Mode !== 'DISTRIBUTED') return;
      const task = childTaskName(name);
      if (task in states) throw new Error(`state ${task}: the name is taken by the local engine's Distributed Map stand-in`);
      children.push({ mapState: name, label: typeof state.Label === 'string' ? state.Label : name, definition: { StartAt: processor.StartAt, States: processor.States } });
      const selector = state.ItemSelector ?? state.Parameters;
      state.ItemSelector = { ...(selector === undefined ? { 'item.$': '$$.Map.Item.Value' } : { item: selector }), 'index.$': '$$.Map.Item.Index' };
      delete state.Parameters;
      delete state.Label;
      state.ItemProcessor = { StartAt: task, States: { [task]: { Type: 'Task', Resource: MAP_RUN_CHILD_RESOURCE, End: true } } };
      return false; // its processor is now the stand-in, and what it held belongs to the child machine
    },
  });
  return { definition: copy, children };
}
