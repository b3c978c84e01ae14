/**
 * lib/asl-walk.ts: the one walk over a state machine definition, used by the CDK extraction, the definition guard
 * and the engine's rewrites. Every state is seen once, nested ones included, in written order.
 */
import { describe, expect, it } from 'vitest';
import { allStates, walkAsl } from '../../lib/asl-walk.js';
import { assertLocallyRunnable } from '../../embedded/sfn/definition-guard.js';

const task = (next?: string) => ({ Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', ...(next ? { Next: next } : { End: true }) });

/** A Parallel whose second branch holds an inline Map (Iterator), then a Distributed Map (ItemProcessor). */
const definition = {
  StartAt: 'First',
  States: {
    First: task('Both'),
    Both: {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'Left', States: { Left: task() } },
        { StartAt: 'Each', States: { Each: { Type: 'Map', Iterator: { StartAt: 'PerItem', States: { PerItem: task() } }, End: true } } },
      ],
      Next: 'Fan',
    },
    Fan: {
      Type: 'Map',
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
        StartAt: 'Slice',
        States: { Slice: task('More'), More: { Type: 'Succeed' } },
      },
      End: true,
    },
  },
};

describe('walkAsl / allStates', () => {
  it('visits every state once, depth first in written order, into Parallel branches, Iterator and ItemProcessor', () => {
    expect(allStates(definition).map(([name]) => name)).toEqual(['First', 'Both', 'Left', 'Each', 'PerItem', 'Fan', 'Slice', 'More']);
  });

  it('gives each state the States object it is listed in, and each definition with the state it belongs to', () => {
    const seen: string[] = [];
    walkAsl(definition, {
      definition: (def, owner) => seen.push(`def ${owner ?? '(root)'} ${Object.keys((def as { States: object }).States).join(',')}`),
      state: (name, _state, states) => void seen.push(`${name} in ${Object.keys(states).join(',')}`),
    });
    expect(seen).toEqual([
      'def (root) First,Both,Fan',
      'First in First,Both,Fan',
      'Both in First,Both,Fan',
      'def Both Left',
      'Left in Left',
      'def Both Each',
      'Each in Each',
      'def Each PerItem',
      'PerItem in PerItem',
      'Fan in First,Both,Fan',
      'def Fan Slice,More',
      'Slice in Slice,More',
      'More in Slice,More',
    ]);
  });

  it('a visitor answering false is not walked into, and may replace what it holds first', () => {
    const copy = structuredClone(definition);
    const names: string[] = [];
    walkAsl(copy, {
      state(name, state) {
        names.push(name);
        if (name === 'Both') return false;
        if (name === 'Fan') state.ItemProcessor = { StartAt: 'Replaced', States: { Replaced: task() } };
      },
    });
    expect(names).toEqual(['First', 'Both', 'Fan', 'Replaced']);
  });

  it('skips what is not a state or not a definition, without throwing', () => {
    expect(allStates(undefined)).toEqual([]);
    expect(allStates({ StartAt: 'A', States: 'nonsense' })).toEqual([]);
    expect(allStates({ StartAt: 'A', States: { A: null, B: 'x', C: { Type: 'Map', Iterator: 'x', Branches: 'y' } } }).map(([n]) => n)).toEqual(['C']);
  });
});

describe('assertLocallyRunnable over the walk', () => {
  it('finds what it refuses at any depth, naming the state', () => {
    const deep = structuredClone(definition);
    (deep.States.Both.Branches[1]?.States.Each?.Iterator.States.PerItem as Record<string, unknown>).HeartbeatSeconds = 60;
    expect(() => assertLocallyRunnable(deep)).toThrow('state PerItem: HeartbeatSeconds is not supported by the local engine');
    const jsonataBranch = structuredClone(definition);
    (jsonataBranch.States.Both.Branches[0] as Record<string, unknown>).QueryLanguage = 'JSONata';
    expect(() => assertLocallyRunnable(jsonataBranch)).toThrow('state Both: QueryLanguage JSONata is not run faithfully by the local engine');
    const express = structuredClone(definition);
    express.States.Fan.ItemProcessor.ProcessorConfig.ExecutionType = 'EXPRESS';
    expect(() => assertLocallyRunnable(express)).toThrow(
      'state Fan: a Distributed Map with EXPRESS child executions is not run locally (STANDARD only)',
    );
    const notObject = structuredClone(definition) as unknown as { States: { Fan: { ItemProcessor: unknown } } };
    notObject.States.Fan.ItemProcessor = 'x';
    expect(() => assertLocallyRunnable(notObject)).toThrow('state machine definition at state Fan is not an object');
    expect(() => assertLocallyRunnable(definition)).not.toThrow();
  });
});
