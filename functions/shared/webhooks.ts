/**
 * Settlement webhooks, as the Standard Webhooks specification says: `webhook-id`, `webhook-timestamp`,
 * `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">` under a `whsec_` secret.
 *
 * Durable and at-least-once: the payout step leaves an outbox record per settlement; a dispatcher round fans
 * each out into one delivery per active endpoint of the insurer (body and webhook-id fixed at that moment, so
 * every retry sends the same message), then attempts due deliveries. Only 2xx counts; 410 disables the
 * endpoint; Retry-After is honoured; every attempt is recorded. State lives in the webhooks table, so a restart
 * loses nothing: a round picks up whatever is due.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { documentClient, tableName } from './aws.js';
import { sha256Hex } from './canonical.js';
import { queryAll } from './query-all.js';
import { outboxEventsOf, type OutboxEvent, type OutboxRecord } from './webhook-outbox.js';

/** Default delays between attempts, in seconds: about a day in all (as Svix and Stripe do). */
export const DEFAULT_SCHEDULE = [5, 300, 1800, 7200, 18000, 36000, 36000];
const REQUEST_TIMEOUT_MS = 10_000;
/** Outbox records (one per paid claim) fanned out per dispatcher round, read in pages of OUTBOX_PAGE. */
const OUTBOX_PER_ROUND = 2_000;
const OUTBOX_PAGE = 200;
/**
 * A round stops taking new work this long before its invocation's deadline: a delivery in flight may take
 * REQUEST_TIMEOUT_MS, and its result must still be recorded. Work left over waits for the next round (the Lambda
 * is scheduled every minute on AWS; embedded it runs every half second).
 */
const ROUND_RESERVE_MS = REQUEST_TIMEOUT_MS + 5_000;

export function retrySchedule(): number[] {
  const raw = process.env.FANGPIN_WEBHOOK_RETRY_SCHEDULE;
  if (!raw) return DEFAULT_SCHEDULE;
  const parsed = raw.split(',').map((s) => Number(s.trim()));
  if (parsed.some((n) => !Number.isFinite(n) || n < 0)) throw new Error(`FANGPIN_WEBHOOK_RETRY_SCHEDULE must be comma-separated seconds, got ${raw}`);
  return parsed;
}

export interface WebhookEndpoint {
  pk: string;
  sk: string;
  endpointId: string;
  insurerId: string;
  url: string;
  secret: string;
  status: 'ACTIVE' | 'DISABLED';
  createdAt: string;
  /** When a 410 disabled it. */
  disabledAt?: string;
}

export interface DeliveryAttempt {
  at: string;
  status: number | null;
  error: string | null;
  ms: number;
}

export interface Delivery {
  pk: 'DELIVERY';
  sk: string;
  deliveryId: string;
  webhookId: string;
  insurerId: string;
  endpointId: string;
  url: string;
  body: string;
  state: 'PENDING' | 'DELIVERED' | 'FAILED';
  attempts: DeliveryAttempt[];
  nextAttemptAt: string;
  createdAt: string;
  /** Attempts made before the last replay: the retry schedule starts again after a replay. */
  retryBase?: number;
}

export function newSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export function sign(secret: string, webhookId: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
  return `v1,${createHmac('sha256', key).update(`${webhookId}.${timestamp}.${body}`).digest('base64')}`;
}

export async function registerEndpoint(insurerId: string, url: string): Promise<WebhookEndpoint> {
  const endpointId = `ep_${randomBytes(8).toString('hex')}`;
  const ep: WebhookEndpoint = { pk: `ENDPOINT#${insurerId}`, sk: endpointId, endpointId, insurerId, url, secret: newSecret(), status: 'ACTIVE', createdAt: new Date().toISOString() };
  await documentClient().send(new PutCommand({ TableName: tableName('webhooks'), Item: ep }));
  return ep;
}

function query<T>(pk: string, filter?: { expr: string; names?: Record<string, string>; values: Record<string, unknown> }): Promise<T[]> {
  return queryAll<T>({
    TableName: tableName('webhooks'),
    KeyConditionExpression: 'pk = :pk',
    FilterExpression: filter?.expr,
    ExpressionAttributeNames: filter?.names,
    ExpressionAttributeValues: { ':pk': pk, ...filter?.values },
    ConsistentRead: true,
  });
}

export function deliveries(insurerId?: string): Promise<Delivery[]> {
  return query<Delivery>('DELIVERY', insurerId ? { expr: 'insurerId = :i', values: { ':i': insurerId } } : undefined);
}

/**
 * Pending deliveries are also listed in a small 'DUE' partition (one marker each, removed when the delivery
 * ends), so a dispatcher round reads what is pending, not every delivery ever made.
 */
function dueMarker(deliveryId: string, nextAttemptAt: string) {
  return { pk: 'DUE', sk: deliveryId, nextAttemptAt };
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
    const page = await documentClient().send(
      new QueryCommand({
        TableName: tableName('webhooks'),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': 'OUTBOX' },
        ConsistentRead: true,
        Limit: Math.min(OUTBOX_PAGE, limit - seen),
        ExclusiveStartKey: start,
      }),
    );
    const records = (page.Items ?? []) as OutboxRecord[];
    const done: string[] = [];
    for (const record of records) {
      if (timeLeftMs() < ROUND_RESERVE_MS) break;
      for (const item of outboxEventsOf(record)) created += await fanOutEvent(item, endpointsOf, now);
      done.push(record.sk);
    }
    seen += done.length;
    // Fanned out: the outbox keeps only what is still to do. Deleted 25 at a time; anything left unprocessed is
    // fanned out again next round, harmlessly (the delivery puts are conditional).
    for (let i = 0; i < done.length; i += 25) {
      const out = await documentClient().send(
        new BatchWriteCommand({ RequestItems: { [tableName('webhooks')]: done.slice(i, i + 25).map((sk) => ({ DeleteRequest: { Key: { pk: 'OUTBOX', sk } } })) } }),
      );
      const left = Object.values(out.UnprocessedItems ?? {}).flat();
      if (left.length > 0) await documentClient().send(new BatchWriteCommand({ RequestItems: { [tableName('webhooks')]: left } }));
    }
    if (done.length < records.length) break; // out of time: the rest is the next round's
    start = page.LastEvaluatedKey;
  } while (start && seen < limit);
  return created;
}

/** One event of an outbox record → one delivery per active endpoint of its insurer; answers how many it created. */
async function fanOutEvent(item: OutboxEvent, endpointsOf: Map<string, Promise<WebhookEndpoint[]>>, now: Date): Promise<number> {
  let created = 0;
  let pending = endpointsOf.get(item.insurerId);
  if (!pending) endpointsOf.set(item.insurerId, (pending = query<WebhookEndpoint>(`ENDPOINT#${item.insurerId}`).then((all) => all.filter((e) => e.status === 'ACTIVE'))));
  const endpoints = await pending;
  for (const ep of endpoints) {
    const deliveryId = `${item.settlementId}#${ep.endpointId}`;
    const delivery: Delivery = {
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
    try {
      await documentClient().send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: tableName('webhooks'), Item: delivery, ConditionExpression: 'attribute_not_exists(sk)' } },
            { Put: { TableName: tableName('webhooks'), Item: dueMarker(deliveryId, delivery.nextAttemptAt) } },
          ],
        }),
      );
      created++;
    } catch (err) {
      if (!(err instanceof TransactionCanceledException)) throw err; // already fanned out by an earlier round
    }
  }
  return created;
}

function retryAfterMs(header: string | null, now: Date): number {
  if (!header) return 0;
  const secs = Number(header);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const when = Date.parse(header);
  return Number.isNaN(when) ? 0 : Math.max(0, when - now.getTime());
}

/** One attempt; the conditional update on the attempt count means two dispatchers never both record it. */
async function attempt(d: Delivery, fetchImpl: typeof fetch): Promise<void> {
  const started = new Date();
  const timestamp = Math.floor(started.getTime() / 1000);
  const secret = (await documentClient().send(new GetCommand({ TableName: tableName('webhooks'), Key: { pk: `ENDPOINT#${d.insurerId}`, sk: d.endpointId } }))).Item as WebhookEndpoint | undefined;
  let status: number | null = null;
  let error: string | null = null;
  let retryAfter: string | null = null;
  if (!secret || secret.status !== 'ACTIVE') {
    error = 'endpoint disabled or removed';
  } else {
    try {
      const res = await fetchImpl(d.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'webhook-id': d.webhookId, 'webhook-timestamp': String(timestamp), 'webhook-signature': sign(secret.secret, d.webhookId, timestamp, d.body) },
        body: d.body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        redirect: 'manual',
      });
      status = res.status;
      retryAfter = res.headers.get('retry-after');
      await res.body?.cancel().catch(() => undefined);
    } catch (err) {
      error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    }
  }
  const record: DeliveryAttempt = { at: started.toISOString(), status, error, ms: Date.now() - started.getTime() };
  const schedule = retrySchedule();
  const n = d.attempts.length - (d.retryBase ?? 0); // attempts since creation or the last replay
  let state: Delivery['state'] = 'PENDING';
  let next = d.nextAttemptAt;
  if (status !== null && status >= 200 && status < 300) state = 'DELIVERED';
  else if (status === 410 || error === 'endpoint disabled or removed') state = 'FAILED';
  else if (n >= schedule.length) state = 'FAILED';
  else {
    // Exponential schedule with ±20% jitter so a recovering receiver is not hit by every sender at once.
    const base = (schedule[n] ?? 0) * 1000;
    const jitter = base * (0.8 + Math.random() * 0.4);
    next = new Date(started.getTime() + Math.max(jitter, retryAfterMs(retryAfter, started))).toISOString();
  }
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: tableName('webhooks'),
        Key: { pk: 'DELIVERY', sk: d.sk },
        UpdateExpression: 'SET attempts = list_append(attempts, :a), #s = :s, nextAttemptAt = :n',
        ConditionExpression: 'size(attempts) = :count',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':a': [record], ':s': state, ':n': next, ':count': d.attempts.length },
      }),
    );
  } catch (err) {
    if (!(err instanceof ConditionalCheckFailedException)) throw err;
  }
  if (state === 'PENDING') await documentClient().send(new PutCommand({ TableName: tableName('webhooks'), Item: dueMarker(d.deliveryId, next) }));
  else await documentClient().send(new DeleteCommand({ TableName: tableName('webhooks'), Key: { pk: 'DUE', sk: d.deliveryId } }));
  if (status === 410 && secret) await disableEndpoint(secret, record.at, 'HTTP 410 Gone');
}

/**
 * Endpoints disabled, one marker each in a small 'DISABLED' partition: what needs a person (GET /ops/attention and
 * its alarm) reads that partition, not every insurer's endpoints. Written with the status change, so the two agree.
 */
export interface DisabledMarker {
  pk: 'DISABLED';
  sk: string;
  insurerId: string;
  endpointId: string;
  url: string;
  disabledAt: string;
  reason: string;
}

async function disableEndpoint(ep: WebhookEndpoint, at: string, reason: string): Promise<void> {
  const marker: DisabledMarker = { pk: 'DISABLED', sk: `${ep.insurerId}#${ep.endpointId}`, insurerId: ep.insurerId, endpointId: ep.endpointId, url: ep.url, disabledAt: at, reason };
  await documentClient().send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Update: {
            TableName: tableName('webhooks'),
            Key: { pk: ep.pk, sk: ep.sk },
            UpdateExpression: 'SET #s = :d, disabledAt = if_not_exists(disabledAt, :at)',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':d': 'DISABLED', ':at': at },
          },
        },
        // Kept if already there (several deliveries may see the 410): the first disabling time stands.
        { Put: { TableName: tableName('webhooks'), Item: marker, ConditionExpression: 'attribute_not_exists(pk)' } },
      ],
    }),
  ).catch((err: unknown) => {
    if (!(err instanceof TransactionCanceledException)) throw err;
  });
}

/** Every disabled endpoint: one Query of the 'DISABLED' partition. */
export function disabledEndpoints(): Promise<DisabledMarker[]> {
  return query<DisabledMarker>('DISABLED');
}

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
  const markers = await query<{ sk: string }>('DUE', { expr: 'nextAttemptAt <= :now', values: { ':now': now.toISOString() } });
  const loaded = await Promise.all(
    markers.map(async (m) => (await documentClient().send(new GetCommand({ TableName: tableName('webhooks'), Key: { pk: 'DELIVERY', sk: m.sk }, ConsistentRead: true }))).Item as Delivery | undefined),
  );
  const due = loaded.filter((d): d is Delivery => d?.state === 'PENDING');
  let attempted = 0;
  for (let i = 0; i < due.length && timeLeftMs() >= ROUND_RESERVE_MS; i += 8) {
    const batch = due.slice(i, i + 8);
    await Promise.all(batch.map((d) => attempt(d, fetchImpl)));
    attempted += batch.length;
  }
  return { fannedOut, attempted };
}

/** An admin's replay of a failed delivery: same webhook-id and body, a fresh retry schedule, next round. */
export async function replayDelivery(deliveryId: string): Promise<'replayed' | 'not-found' | 'not-failed'> {
  const out = await documentClient().send(new GetCommand({ TableName: tableName('webhooks'), Key: { pk: 'DELIVERY', sk: deliveryId }, ConsistentRead: true }));
  const d = out.Item as Delivery | undefined;
  if (!d) return 'not-found';
  if (d.state !== 'FAILED') return 'not-failed';
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: tableName('webhooks'),
        Key: { pk: 'DELIVERY', sk: deliveryId },
        UpdateExpression: 'SET #s = :p, nextAttemptAt = :now, retryBase = :base',
        ConditionExpression: '#s = :failed AND size(attempts) = :base',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':p': 'PENDING', ':now': new Date().toISOString(), ':failed': 'FAILED', ':base': d.attempts.length },
      }),
    );
    await documentClient().send(new PutCommand({ TableName: tableName('webhooks'), Item: dueMarker(deliveryId, new Date().toISOString()) }));
    return 'replayed';
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return 'not-failed';
    throw err;
  }
}
