/**
 * A worker that places a definition's graph (placement.ts, dagre) off the page's main thread, for a definition
 * whose placement was not computed ahead (placements.ts).
 */
import { placementOf } from './placement';
import type { WorkflowGraphView } from './outcomes';
import type { Placement } from './geometry';

export type PlacementRequest = { id: number; definition: WorkflowGraphView };
export type PlacementReply = { id: number; placement: Placement } | { id: number; error: string };

self.onmessage = (e: MessageEvent<PlacementRequest>) => {
  const { id, definition } = e.data;
  try {
    self.postMessage({ id, placement: placementOf(definition) } satisfies PlacementReply);
  } catch (err) {
    self.postMessage({ id, error: err instanceof Error ? err.message : String(err) } satisfies PlacementReply);
  }
};
