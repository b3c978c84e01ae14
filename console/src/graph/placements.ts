/**
 * The state machine's definition with its placement (placement.ts), for a case file's graph. The definition is
 * asked for beside the claim and its history (case-file-data.ts); its placement is the one computed ahead for the
 * claim workflow (workflow-placement.json, `npm run console:placement`) when the definition has that shape
 * (placement-key.ts), so a case file normally runs no layout at all. A definition of another shape (a newer
 * deployment than this console's build) is placed by dagre in a worker (placement-worker.ts), or on this thread
 * where no worker can start. Placements are kept per definition: every claim's case file draws on the same one.
 */
import { api } from '../api';
import type { DefinitionAnswer, WorkflowGraphView } from './outcomes';
import type { Placement } from './geometry';
import { placementKey } from './placement-key';
import type { PlacementReply, PlacementRequest } from './placement-worker';

export interface PlacedDefinition {
  answer: DefinitionAnswer;
  placement: Placement;
}

const DEFINITION = '/workflows/claims/definition';
let worker: Worker | null = null;
let nextId = 0;
const waiting = new Map<number, { ok: (p: Placement) => void; fail: (e: unknown) => void }>();

function startPlacementWorker(): Worker | null {
  if (worker || typeof Worker !== 'function') return worker;
  try {
    worker = new Worker(new URL('./placement-worker.ts', import.meta.url), { type: 'module', name: 'graph-placement' });
  } catch {
    return null; // placed on this thread
  }
  worker.onmessage = (e: MessageEvent<PlacementReply>) => {
    const reply = e.data;
    const w = waiting.get(reply.id);
    waiting.delete(reply.id);
    if (!w) return;
    if ('placement' in reply) w.ok(reply.placement);
    else w.fail(new Error(reply.error));
  };
  worker.onerror = () => {
    for (const w of waiting.values()) w.fail(new Error('the placement worker failed'));
    waiting.clear();
    worker = null;
  };
  return worker;
}

/** dagre off this thread: it takes 50–150 ms of a fresh tab's main thread even for the claim workflow's states. */
function placedElsewhere(definition: WorkflowGraphView): Promise<Placement> {
  const w = startPlacementWorker();
  if (!w) return import('./placement').then((m) => m.placementOf(definition));
  const id = nextId++;
  return new Promise((ok, fail) => {
    waiting.set(id, { ok, fail });
    w.postMessage({ id, definition } satisfies PlacementRequest);
  });
}

const placed = new Map<string, Promise<Placement>>();

async function placementFor(definition: WorkflowGraphView): Promise<Placement> {
  const key = placementKey(definition);
  let placement = placed.get(key);
  if (!placement) {
    placement = import('./workflow-placement.json').then((ahead) =>
      ahead.key === key ? (ahead.placement as Placement) : placedElsewhere(definition),
    );
    placement.catch(() => placed.delete(key));
    placed.set(key, placement);
  }
  return placement;
}

/** GET /workflows/claims/definition and where its states are drawn. An API refusal rejects with its ApiError. */
export async function placedDefinition(token: string): Promise<PlacedDefinition> {
  // The placement computed ahead is its own small chunk: fetched beside the definition, not after it.
  void import('./workflow-placement.json').catch(() => undefined);
  const answer = await api<DefinitionAnswer>(token, 'GET', DEFINITION);
  return { answer, placement: await placementFor(answer.definition) };
}
