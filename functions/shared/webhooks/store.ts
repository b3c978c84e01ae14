/**
 * The webhooks table: endpoints (`ENDPOINT#<insurerId>`), deliveries (`DELIVERY`), the due index (`DUE`), the
 * disabled-endpoint markers (`DISABLED`) and the outbox (`OUTBOX`). The only module that knows these items'
 * shapes; every item read is checked against its schema (types.ts), and a malformed one is an error naming it.
 */
import { randomBytes } from 'node:crypto';
import type * as z from 'zod';
import { BatchWriteCommand, DeleteCommand, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { documentClient, tableName } from '../aws.js';
import { queryAll } from '../query-all.js';
import { newSecret } from './signing.js';
import type { OutboxRecord } from '../webhook-outbox.js';
import { Delivery, DisabledMarker, DueMarker, OutboxRecordSchema, WebhookEndpoint, type DeliveryAttempt } from './types.js';

const table = () => tableName('webhooks');

/**
 * The item as stored, once its schema accepts it. Not zod's parse result: zod rebuilds an object in its schema's
 * key order, and these items reach clients as they were read (a delivery in GET /webhook-deliveries, an outbox
 * event's data in the signed webhook body), so a rebuilt one would change those bytes.
 */
function checked<T>(schema: z.ZodType<T>, item: unknown, what: string): T {
  if (conforms(schema, item)) return item;
  const key = typeof item === 'object' && item !== null && 'pk' in item && 'sk' in item ? `${String(item.pk)}/${String(item.sk)}` : 'an item';
  const issues = schema.safeParse(item).error?.issues ?? [];
  throw new Error(`webhooks table: ${key} is not a valid ${what}: ${issues.map((i) => `${i.path.join('.') || '(item)'}: ${i.message}`).join('; ')}`);
}

/** The schemas in types.ts only validate (no defaults, no transforms), so an item they accept is their output type. */
function conforms<T>(schema: z.ZodType<T>, item: unknown): item is T {
  return schema.safeParse(item).success;
}

async function query<T>(schema: z.ZodType<T>, what: string, pk: string, filter?: { expr: string; values: Record<string, unknown> }): Promise<T[]> {
  const items = await queryAll<unknown>({
    TableName: table(),
    KeyConditionExpression: 'pk = :pk',
    FilterExpression: filter?.expr,
    ExpressionAttributeValues: { ':pk': pk, ...filter?.values },
    ConsistentRead: true,
  });
  return items.map((item) => checked(schema, item, what));
}

async function get<T>(schema: z.ZodType<T>, what: string, key: { pk: string; sk: string }, consistent: boolean): Promise<T | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: table(), Key: key, ...(consistent ? { ConsistentRead: true } : {}) }));
  return out.Item === undefined ? undefined : checked(schema, out.Item, what);
}

function dueMarker(deliveryId: string, nextAttemptAt: string): DueMarker {
  return { pk: 'DUE', sk: deliveryId, nextAttemptAt };
}

// Endpoints

export async function registerEndpoint(insurerId: string, url: string): Promise<WebhookEndpoint> {
  const endpointId = `ep_${randomBytes(8).toString('hex')}`;
  const ep: WebhookEndpoint = {
    pk: `ENDPOINT#${insurerId}`,
    sk: endpointId,
    endpointId,
    insurerId,
    url,
    secret: newSecret(),
    status: 'ACTIVE',
    createdAt: new Date().toISOString(),
  };
  await documentClient().send(new PutCommand({ TableName: table(), Item: ep }));
  return ep;
}

export async function activeEndpoints(insurerId: string): Promise<WebhookEndpoint[]> {
  return (await query(WebhookEndpoint, 'endpoint', `ENDPOINT#${insurerId}`)).filter((e) => e.status === 'ACTIVE');
}

/** An endpoint as it stands now (a delivery's attempt reads its secret and status; eventually consistent is enough). */
export function endpoint(insurerId: string, endpointId: string): Promise<WebhookEndpoint | undefined> {
  return get(WebhookEndpoint, 'endpoint', { pk: `ENDPOINT#${insurerId}`, sk: endpointId }, false);
}

/** Disables the endpoint and leaves its DISABLED marker, together; the first disabling time and reason stand. */
export async function disableEndpoint(ep: WebhookEndpoint, at: string, reason: string): Promise<void> {
  const marker: DisabledMarker = {
    pk: 'DISABLED',
    sk: `${ep.insurerId}#${ep.endpointId}`,
    insurerId: ep.insurerId,
    endpointId: ep.endpointId,
    url: ep.url,
    disabledAt: at,
    reason,
  };
  await documentClient()
    .send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: table(),
              Key: { pk: ep.pk, sk: ep.sk },
              UpdateExpression: 'SET #s = :d, disabledAt = if_not_exists(disabledAt, :at)',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: { ':d': 'DISABLED', ':at': at },
            },
          },
          // Kept if already there (several deliveries may see the 410): the first disabling time stands.
          { Put: { TableName: table(), Item: marker, ConditionExpression: 'attribute_not_exists(pk)' } },
        ],
      }),
    )
    .catch((err: unknown) => {
      if (!(err instanceof TransactionCanceledException)) throw err;
    });
}

/** Every disabled endpoint: one Query of the 'DISABLED' partition. */
export function disabledEndpoints(): Promise<DisabledMarker[]> {
  return query(DisabledMarker, 'disabled-endpoint marker', 'DISABLED');
}

// Deliveries and the due index

export function deliveries(insurerId?: string): Promise<Delivery[]> {
  return query(Delivery, 'delivery', 'DELIVERY', insurerId ? { expr: 'insurerId = :i', values: { ':i': insurerId } } : undefined);
}

export function delivery(deliveryId: string): Promise<Delivery | undefined> {
  return get(Delivery, 'delivery', { pk: 'DELIVERY', sk: deliveryId }, true);
}

/** Creates the delivery and its due marker; false if it exists already (an earlier round fanned it out). */
export async function createDelivery(d: Delivery): Promise<boolean> {
  try {
    await documentClient().send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: table(), Item: d, ConditionExpression: 'attribute_not_exists(sk)' } },
          { Put: { TableName: table(), Item: dueMarker(d.deliveryId, d.nextAttemptAt) } },
        ],
      }),
    );
    return true;
  } catch (err) {
    if (err instanceof TransactionCanceledException) return false;
    throw err;
  }
}

/** The ids of deliveries due by `now`, from the due index. */
export async function dueDeliveryIds(now: Date): Promise<string[]> {
  return (await query(DueMarker, 'due marker', 'DUE', { expr: 'nextAttemptAt <= :now', values: { ':now': now.toISOString() } })).map((m) => m.sk);
}

/**
 * Appends an attempt and the state it led to. Conditional on the attempts seen before it, so two dispatchers
 * never both record one: the loser's write is dropped. The due marker follows the state either way.
 */
export async function recordAttempt(d: Delivery, attempt: DeliveryAttempt, state: Delivery['state'], nextAttemptAt: string): Promise<void> {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: table(),
        Key: { pk: 'DELIVERY', sk: d.sk },
        UpdateExpression: 'SET attempts = list_append(attempts, :a), #s = :s, nextAttemptAt = :n',
        ConditionExpression: 'size(attempts) = :count',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':a': [attempt], ':s': state, ':n': nextAttemptAt, ':count': d.attempts.length },
      }),
    );
  } catch (err) {
    if (!(err instanceof ConditionalCheckFailedException)) throw err;
  }
  if (state === 'PENDING') await documentClient().send(new PutCommand({ TableName: table(), Item: dueMarker(d.deliveryId, nextAttemptAt) }));
  else await documentClient().send(new DeleteCommand({ TableName: table(), Key: { pk: 'DUE', sk: d.deliveryId } }));
}

/**
 * A failed delivery back to PENDING, due at `now`, its retry schedule starting over after the attempts it has.
 * False if it is no longer the failed delivery with those attempts (replayed or attempted meanwhile).
 */
export async function restartDelivery(d: Delivery, now: string): Promise<boolean> {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: table(),
        Key: { pk: 'DELIVERY', sk: d.sk },
        UpdateExpression: 'SET #s = :p, nextAttemptAt = :now, retryBase = :base',
        ConditionExpression: '#s = :failed AND size(attempts) = :base',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: { ':p': 'PENDING', ':now': now, ':failed': 'FAILED', ':base': d.attempts.length },
      }),
    );
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false;
    throw err;
  }
  await documentClient().send(new PutCommand({ TableName: table(), Item: dueMarker(d.deliveryId, now) }));
  return true;
}

// The outbox

/** One page of the outbox, at most `limit` records, from `start` (the previous page's `next`). */
export async function outboxPage(
  limit: number,
  start?: Record<string, unknown>,
): Promise<{ records: OutboxRecord[]; next?: Record<string, unknown> }> {
  const page = await documentClient().send(
    new QueryCommand({
      TableName: table(),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'OUTBOX' },
      ConsistentRead: true,
      Limit: limit,
      ExclusiveStartKey: start,
    }),
  );
  return { records: (page.Items ?? []).map((item) => checked(OutboxRecordSchema, item, 'outbox record')), next: page.LastEvaluatedKey };
}

/** Removes fanned-out records, 25 a request; anything left is fanned out again next round, harmlessly. */
export async function deleteOutboxRecords(sks: readonly string[]): Promise<void> {
  for (let i = 0; i < sks.length; i += 25) {
    const out = await documentClient().send(
      new BatchWriteCommand({ RequestItems: { [table()]: sks.slice(i, i + 25).map((sk) => ({ DeleteRequest: { Key: { pk: 'OUTBOX', sk } } })) } }),
    );
    const left = Object.values(out.UnprocessedItems ?? {}).flat();
    if (left.length > 0) await documentClient().send(new BatchWriteCommand({ RequestItems: { [table()]: left } }));
  }
}
