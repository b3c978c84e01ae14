/**
 * The state machine's definition with its placement (placement.ts), for a case file's graph. A worker
 * (placement-worker.ts) fetches the definition and places it as soon as the case file is asked for, so neither
 * the answer nor dagre waits for the page's main thread, which is busy rendering at that moment. Where no
 * worker can start, the page fetches and places it itself. Placements are kept per definition: every claim's
 * case file draws on the same one.
 */
import { api, consoleConfig, problemError } from '../api';
import type { DefinitionAnswer } from './outcomes';
import type { Placement } from './geometry';
import type { PlacementReply, PlacementRequest } from './placement-worker';

export interface PlacedDefinition {
  answer: DefinitionAnswer;
  placement: Placement;
}

const DEFINITION = '/workflows/claims/definition';
let worker: Worker | null = null;
let nextId = 0;
const waiting = new Map<number, { ok: (p: PlacedDefinition) => void; fail: (e: unknown) => void }>();

/** Starts the worker (its script loads while the rest of the case file does). */
export function startPlacementWorker(): void {
  if (worker || typeof Worker !== 'function') return;
  try {
    worker = new Worker(new URL('./placement-worker.ts', import.meta.url), { type: 'module', name: 'graph-placement' });
  } catch {
    return; // placedDefinition works on this thread
  }
  worker.onmessage = (e: MessageEvent<PlacementReply>) => {
    const reply = e.data;
    const w = waiting.get(reply.id);
    waiting.delete(reply.id);
    if (!w) return;
    if ('answer' in reply) w.ok({ answer: reply.answer, placement: reply.placement });
    else if ('refused' in reply) w.fail(problemError(reply.refused.status, reply.refused.statusText, reply.refused.body, reply.refused.retryAfter));
    else w.fail(new Error(reply.error));
  };
  worker.onerror = () => {
    for (const w of waiting.values()) w.fail(new Error('the placement worker failed'));
    waiting.clear();
    worker = null;
  };
}

function inWorker(token: string): Promise<PlacedDefinition> | null {
  startPlacementWorker();
  const w = worker;
  if (!w) return null;
  const id = nextId++;
  return new Promise((ok, fail) => {
    waiting.set(id, { ok, fail });
    w.postMessage({ id, url: new URL(`${consoleConfig().apiBaseUrl}${DEFINITION}`, window.location.href).href, token } satisfies PlacementRequest);
  });
}

const here = new Map<string, Promise<Placement>>();

async function onThisThread(token: string): Promise<PlacedDefinition> {
  const answer = await api<DefinitionAnswer>(token, 'GET', DEFINITION);
  const key = JSON.stringify(answer.definition);
  let placement = here.get(key);
  if (!placement) {
    placement = import('./placement').then((m) => m.placementOf(answer.definition));
    placement.catch(() => here.delete(key));
    here.set(key, placement);
  }
  return { answer, placement: await placement };
}

/** GET /workflows/claims/definition and where its states are drawn. An API refusal rejects with its ApiError. */
export function placedDefinition(token: string): Promise<PlacedDefinition> {
  return inWorker(token) ?? onThisThread(token);
}
