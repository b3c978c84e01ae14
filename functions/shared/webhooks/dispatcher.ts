/**
 * Settlement webhooks, durable and at least once. The payout step leaves an outbox record per claim; a dispatcher
 * round fans each of its events out into one delivery per active endpoint of the insurer (body and webhook-id
 * fixed at that moment, so every retry sends the same message), then attempts the due deliveries (delivery.ts).
 * State lives in the webhooks table (store.ts), so a restart loses nothing: a round picks up whatever is due.
 */
import { sha256Hex } from '../canonical.js';
import { deliveryIdOf, outboxEventsOf, type OutboxEvent } from '../webhook-outbox.js';
import { attemptDelivery, REQUEST_TIMEOUT_MS } from './delivery.js';
import { activeEndpoints, createDelivery, deleteOutboxRecords, delivery, dueDeliveryIds, outboxPage, restartDelivery } from './store.js';
import type { Delivery, WebhookEndpoint } from './types.js';

/** Outbox records (one per paid claim) fanned out per dispatcher round, read in pages of OUTBOX_PAGE. */
const OUTBOX_PER_ROUND = 2_000;
const OUTBOX_PAGE = 200;
/** Due deliveries attempted at once. */
const ATTEMPTS_AT_ONCE = 8;
/**
 * A round stops taking new work this long before its invocation's deadline: a delivery in flight may take
 * REQUEST_TIMEOUT_MS, and its result must still be recorded. Work left over waits for the next round (the Lambda
 * is scheduled every minute on AWS; embedded it runs every half second).
 */
const ROUND_RESERVE_MS = REQUEST_TIMEOUT_MS + 5_000;

/**
 * One dispatcher round: fan out (part of) the outbox, then attempt every due delivery (a few at a time), taking no
 * new work once `timeLeftMs` (the invocation's remaining time) falls under ROUND_RESERVE_MS, so a round ends on
 * its own instead of being cut off mid-write, and never overlaps the next one.
 */
export async function dispatchWebhooks(
  now = new Date(),
  fetchImpl: typeof fetch = fetch,
  outboxPerRound = OUTBOX_PER_ROUND,
  timeLeftMs: () => number = () => Number.POSITIVE_INFINITY,
): Promise<{ fannedOut: number; attempted: number }> {
  const fannedOut = await fanOut(now, outboxPerRound, timeLeftMs);
  const loaded = await Promise.all((await dueDeliveryIds(now)).map((id) => delivery(id)));
  const due = loaded.filter((d): d is Delivery => d?.state === 'PENDING');
  let attempted = 0;
  for (let i = 0; i < due.length && timeLeftMs() >= ROUND_RESERVE_MS; i += ATTEMPTS_AT_ONCE) {
    const batch = due.slice(i, i + ATTEMPTS_AT_ONCE);
    await Promise.all(batch.map((d) => attemptDelivery(d, fetchImpl)));
    attempted += batch.length;
  }
  return { fannedOut, attempted };
}

/** Outbox → one delivery per active endpoint; conditional puts make a repeated round harmless. */
async function fanOut(now: Date, limit: number, timeLeftMs: () => number): Promise<number> {
  let created = 0;
  let seen = 0;
  // One endpoint read per insurer and round, however many settlements it has waiting.
  const endpointsOf = new Map<string, Promise<WebhookEndpoint[]>>();
  let start: Record<string, unknown> | undefined;
  // Page by page, at most `limit` records a round: after an index event the outbox can hold tens of thousands,
  // and a round that read them all at once grew with the backlog (and timed out under load). The rest waits for
  // the next round.
  do {
    const page = await outboxPage(Math.min(OUTBOX_PAGE, limit - seen), start);
    const done: string[] = [];
    for (const record of page.records) {
      if (timeLeftMs() < ROUND_RESERVE_MS) break;
      for (const item of outboxEventsOf(record)) created += await fanOutEvent(item, endpointsOf, now);
      done.push(record.sk);
    }
    seen += done.length;
    // Fanned out: the outbox keeps only what is still to do.
    await deleteOutboxRecords(done);
    if (done.length < page.records.length) break; // out of time: the rest is the next round's
    start = page.next;
  } while (start && seen < limit);
  return created;
}

/** One event of an outbox record → one delivery per active endpoint of its insurer; answers how many it created. */
async function fanOutEvent(item: OutboxEvent, endpointsOf: Map<string, Promise<WebhookEndpoint[]>>, now: Date): Promise<number> {
  let created = 0;
  let pending = endpointsOf.get(item.insurerId);
  if (!pending) endpointsOf.set(item.insurerId, (pending = activeEndpoints(item.insurerId)));
  for (const ep of await pending) {
    const deliveryId = deliveryIdOf(item, ep.endpointId);
    const d: Delivery = {
      pk: 'DELIVERY',
      sk: deliveryId,
      deliveryId,
      webhookId: `msg_${sha256Hex(deliveryId).slice(0, 26)}`,
      insurerId: item.insurerId,
      endpointId: ep.endpointId,
      url: ep.url,
      body: JSON.stringify({ type: item.type, timestamp: item.createdAt, data: item.data }),
      state: 'PENDING',
      attempts: [],
      nextAttemptAt: now.toISOString(),
      createdAt: now.toISOString(),
    };
    if (await createDelivery(d)) created++; // else already fanned out by an earlier round
  }
  return created;
}

/** An admin's replay of a failed delivery: same webhook-id and body, a fresh retry schedule, next round. */
export async function replayDelivery(deliveryId: string): Promise<'replayed' | 'not-found' | 'not-failed'> {
  const d = await delivery(deliveryId);
  if (!d) return 'not-found';
  if (d.state !== 'FAILED') return 'not-failed';
  return (await restartDelivery(d, new Date().toISOString())) ? 'replayed' : 'not-failed';
}
