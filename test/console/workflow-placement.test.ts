/**
 * The claim workflow's placement computed ahead (console/src/graph/workflow-placement.json, `npm run
 * console:placement`): it is what the CDK app's state machine gives now, and its key (placement-key.ts) tells
 * apart exactly the definitions that are drawn differently, so the console never draws a definition on a
 * placement made for another shape.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { workflowPlacementText } from '../../scripts/workflow-placement-text.js';
import { placementKey } from '../../console/src/graph/placement-key.js';
import type { WorkflowGraphView } from '../../console/src/graph/outcomes.js';

const committed = readFileSync(new URL('../../console/src/graph/workflow-placement.json', import.meta.url), 'utf8');

describe('console/src/graph/workflow-placement.json', () => {
  it('is up to date with the claim workflow (run `npm run console:placement` and commit the result)', () => {
    expect(committed === workflowPlacementText(), 'workflow-placement.json is out of date: run `npm run console:placement`').toBe(true);
  });

  it('places every state of its definition', () => {
    const { key, placement } = JSON.parse(committed) as { key: string; placement: { boxes: { name: string }[] } };
    const states = (JSON.parse(key) as { states: [string][] }).states.map(([name]) => name);
    expect(states.length).toBeGreaterThan(10);
    expect(placement.boxes.map((b) => b.name).sort()).toEqual(expect.arrayContaining(states.sort()));
  });
});

describe('placementKey', () => {
  const base: WorkflowGraphView = {
    startAt: 'A',
    states: {
      A: {
        type: 'Task',
        next: 'B',
        integration: 'lambda',
        retry: [{ errors: ['States.ALL'], maxAttempts: 3 }],
        catch: [{ errors: ['X'], next: 'F' }],
      },
      B: { type: 'Choice', choices: [{ next: 'C', condition: '$.ok == true' }], default: 'F' },
      C: { type: 'Succeed' },
      F: { type: 'Fail', error: 'Failed' },
    },
  };
  const changed = (f: (g: WorkflowGraphView) => void) => {
    const g = structuredClone(base);
    f(g);
    return placementKey(g);
  };

  it('ignores what changes no box or edge: integrations, timeouts, retries, error names', () => {
    expect(
      changed((g) => {
        g.states.A!.integration = 'lambda:invoke.waitForTaskToken';
        g.states.A!.timeoutSeconds = 30;
        g.states.A!.retry = [];
        g.states.F!.error = 'Other';
      }),
    ).toBe(placementKey(base));
  });

  it('changes with a state, a type, a transition, a label, the order of states or a nested graph', () => {
    const keys = [
      changed((g) => (g.states.D = { type: 'Pass', end: true })),
      changed((g) => (g.states.C!.type = 'Pass')),
      changed((g) => (g.states.A!.next = 'C')),
      changed((g) => (g.states.B!.choices![0]!.condition = '$.ok == false')),
      changed((g) => (g.states.A!.catch![0]!.errors = ['Y'])),
      changed((g) => (g.states = { B: g.states.B!, A: g.states.A!, C: g.states.C!, F: g.states.F! })),
      changed((g) => (g.states.C!.branches = [{ startAt: 'X', states: { X: { type: 'Pass', end: true } } }])),
    ];
    expect(new Set([placementKey(base), ...keys]).size).toBe(keys.length + 1);
  });
});
