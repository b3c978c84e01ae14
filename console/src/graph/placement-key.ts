/**
 * What a placement (placement.ts) depends on, as text: every state's name, type and transitions, nested graphs
 * included, in the definition's order (dagre's result depends on it). Integrations, timeouts and retries are left
 * out: they change no box or edge. Two definitions with the same key are drawn the same, so a placement computed
 * ahead (workflow-placement.json) serves any definition whose key matches it.
 */
// With .js, as Node resolves it: `npm run console:placement` runs this module outside the console's build.
import { transitions, type WorkflowGraphView } from './outcomes.js';

type Shape = { startAt: string; states: [string, string, string[], Shape[]][] };

function shape(g: WorkflowGraphView): Shape {
  const edges = transitions(g);
  return {
    startAt: g.startAt,
    states: Object.entries(g.states).map(([name, s]) => [
      name,
      s.type,
      edges.filter((tr) => tr.from === name).map((tr) => `${tr.kind}\u0000${tr.to}\u0000${tr.label ?? ''}`),
      [...(s.branches ?? []), ...(s.itemProcessor ? [s.itemProcessor] : [])].map(shape),
    ]),
  };
}

export function placementKey(definition: WorkflowGraphView): string {
  return JSON.stringify(shape(definition));
}
