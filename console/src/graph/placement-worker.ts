/**
 * A worker that places a definition's graph (placement.ts) off the page's main thread. It fetches the definition
 * itself (GET /workflows/claims/definition, with the page's token): a fresh tab's main thread is busy rendering
 * when the answer arrives, and would hand it over only afterwards. Placements are kept per definition.
 */
import { placementOf } from './placement';
import type { DefinitionAnswer } from './outcomes';
import type { Placement } from './geometry';

export type PlacementRequest = { id: number; url: string; token: string };
export type PlacementReply =
  | { id: number; answer: DefinitionAnswer; placement: Placement }
  | { id: number; refused: { status: number; statusText: string; body: unknown; retryAfter: string | null } }
  | { id: number; error: string };

const placements = new Map<string, Placement>();

async function answer({ id, url, token }: PlacementRequest): Promise<PlacementReply> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: kept as text
  }
  if (!res.ok) return { id, refused: { status: res.status, statusText: res.statusText, body, retryAfter: res.headers.get('retry-after') } };
  const definition = body as DefinitionAnswer;
  const key = JSON.stringify(definition.definition);
  let placement = placements.get(key);
  if (!placement) {
    placement = placementOf(definition.definition);
    placements.set(key, placement);
  }
  return { id, answer: definition, placement };
}

self.onmessage = (e: MessageEvent<PlacementRequest>) => {
  answer(e.data).then(
    (reply) => self.postMessage(reply),
    (err: unknown) => self.postMessage({ id: e.data.id, error: err instanceof Error ? err.message : String(err) } satisfies PlacementReply),
  );
};
