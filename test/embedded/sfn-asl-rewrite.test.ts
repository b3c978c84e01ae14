/**
 * embedded/sfn/asl-rewrite.ts on its own: the engine's private copy of a definition and the cutting out of
 * Distributed Maps. The user's definition is never changed.
 */
import { describe, expect, it } from 'vitest';
import {
  AWS_DEFAULT_TASK_TIMEOUT_SECONDS,
  MAP_RUN_CHILD_RESOURCE,
  childTaskName,
  engineCopy,
  splitDistributedMaps,
  taskTimeoutSeconds,
} from '../../embedded/sfn/asl-rewrite.js';

const task = (extra: Record<string, unknown> = {}) => ({ Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', End: true, ...extra });

describe('engineCopy', () => {
  const definition = {
    StartAt: 'A',
    States: {
      A: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Retry: [{ ErrorEquals: ['X'], IntervalSeconds: 2, MaxDelaySeconds: 10 }, { ErrorEquals: ['Y'] }],
        Next: 'B',
      },
      B: { Type: 'Parallel', Branches: [{ StartAt: 'Inner', States: { Inner: task({ TimeoutSeconds: 30 }) } }], Next: 'C' },
      C: task({ TimeoutSecondsPath: '$.timeout' }),
    },
  };

  it('gives a Task without a timeout AWS default (nested ones too), keeps set ones, scales Retry intervals', () => {
    const before = structuredClone(definition);
    const copy = engineCopy(definition, 0.01) as unknown as typeof definition;
    expect(definition).toEqual(before); // a copy, not the user's definition
    expect(copy.States.A).toMatchObject({
      TimeoutSeconds: AWS_DEFAULT_TASK_TIMEOUT_SECONDS,
      Retry: [{ IntervalSeconds: 0.02, MaxDelaySeconds: 0.1 }, { IntervalSeconds: 0.01 }],
    });
    expect(copy.States.B.Branches[0]?.States.Inner).toMatchObject({ TimeoutSeconds: 30 });
    expect(copy.States.C).not.toHaveProperty('TimeoutSeconds'); // from a path: the engine reads it at run time
  });

  it('leaves Retry alone at scale 1, and refuses what is not a definition', () => {
    const copy = engineCopy(definition, 1) as unknown as typeof definition;
    expect(copy.States.A.Retry).toEqual(definition.States.A.Retry);
    expect(() => engineCopy({ States: {} }, 1)).toThrow('state machine definition needs StartAt and States');
  });

  it('taskTimeoutSeconds: set, AWS default, or unknown when it comes from a path', () => {
    expect(taskTimeoutSeconds(task({ TimeoutSeconds: 60 }))).toBe(60);
    expect(taskTimeoutSeconds(task())).toBe(AWS_DEFAULT_TASK_TIMEOUT_SECONDS);
    expect(taskTimeoutSeconds(task({ TimeoutSecondsPath: '$.t' }))).toBeUndefined();
  });
});

describe('splitDistributedMaps', () => {
  const distributed = (states: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    Type: 'Map',
    ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: Object.keys(states)[0], States: states },
    MaxConcurrency: 4,
    End: true,
    ...extra,
  });

  it('cuts each Distributed Map out as a child definition and leaves an inline stand-in that learns the item index', () => {
    const definition = {
      StartAt: 'Fan',
      States: {
        Fan: distributed({ Slice: task() }, { Label: 'Slice', ItemSelector: { 'n.$': '$$.Map.Item.Value' } }),
        Inline: { Type: 'Map', ItemProcessor: { StartAt: 'Each', States: { Each: task() } }, End: true },
      },
    };
    const before = structuredClone(definition);
    const { definition: copy, children } = splitDistributedMaps(definition);
    expect(definition).toEqual(before);
    expect(children).toEqual([{ mapState: 'Fan', label: 'Slice', definition: { StartAt: 'Slice', States: { Slice: task() } } }]);
    const fan = (copy as { States: Record<string, Record<string, unknown>> }).States.Fan;
    expect(fan).toEqual({
      Type: 'Map',
      MaxConcurrency: 4,
      End: true,
      ItemSelector: { item: { 'n.$': '$$.Map.Item.Value' }, 'index.$': '$$.Map.Item.Index' },
      ItemProcessor: {
        StartAt: childTaskName('Fan'),
        States: { [childTaskName('Fan')]: { Type: 'Task', Resource: MAP_RUN_CHILD_RESOURCE, End: true } },
      },
    });
    expect((copy as typeof definition).States.Inline).toEqual(definition.States.Inline); // inline Maps run as they are
  });

  it('without a selector the item is the item value; Parameters (the older name) is taken as the selector; label defaults to the state', () => {
    const { definition: plain, children } = splitDistributedMaps({ StartAt: 'M', States: { M: distributed({ S: task() }) } });
    expect((plain as { States: { M: { ItemSelector: unknown } } }).States.M.ItemSelector).toEqual({
      'item.$': '$$.Map.Item.Value',
      'index.$': '$$.Map.Item.Index',
    });
    expect(children[0]?.label).toBe('M');
    const { definition: old } = splitDistributedMaps({ StartAt: 'M', States: { M: distributed({ S: task() }, { Parameters: { 'x.$': '$' } }) } });
    expect((old as { States: { M: Record<string, unknown> } }).States.M).toMatchObject({
      ItemSelector: { item: { 'x.$': '$' }, 'index.$': '$$.Map.Item.Index' },
    });
    expect((old as { States: { M: Record<string, unknown> } }).States.M).not.toHaveProperty('Parameters');
  });

  it('finds Distributed Maps inside Parallel branches; one nested in another stays in its child (split again from there)', () => {
    const inner = distributed({ Leaf: task() });
    const definition = {
      StartAt: 'P',
      States: { P: { Type: 'Parallel', Branches: [{ StartAt: 'Outer', States: { Outer: distributed({ Inner: inner }) } }], End: true } },
    };
    const { children } = splitDistributedMaps(definition);
    expect(children.map((c) => c.mapState)).toEqual(['Outer']);
    expect(splitDistributedMaps(children[0]?.definition).children.map((c) => c.mapState)).toEqual(['Inner']);
  });

  it('refuses a definition that already uses the stand-in name', () => {
    expect(() =>
      splitDistributedMaps({
        StartAt: 'M',
        States: { M: { ...distributed({ S: task() }), End: undefined, Next: childTaskName('M') }, [childTaskName('M')]: task() },
      }),
    ).toThrow(`state ${childTaskName('M')}: the name is taken by the local engine's Distributed Map stand-in`);
  });
});
