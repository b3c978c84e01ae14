/**
 * Index events as stored: the observation, who posted it, and how far its fan-out got. Claim counts are never
 * bumped counters (a counter bumped after a crash-prone write can drift from the claims):
 * - claims filed: each registry slice's page records how many households of its slice it has filed so far, a
 *   position that only grows (`filedSlice<N>`, set, never added to), so a retried or redriven page cannot count
 *   twice; the event's total is their sum. A page records its count once all its claims are stored.
 * - claims still waiting for a decision: counted from the claims' byStatus index (status RECEIVED, this event),
 *   which costs what is in flight, not the size of the county. Progress reads stay cheap at tens of thousands of
 *   claims; reading every claim of the event (`claimsByStatus`) costs the county.
 */
import { GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetAll, countAll } from './query-all.js';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { StartExecutionCommand, ExecutionAlreadyExists } from '@aws-sdk/client-sfn';
import { FANOUT_SHARDS, type IndexObservation } from '#core/index.js';
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { documentClient, sfnClient, tableName } from './aws.js';
import { wiring } from './config.js';
import { checkedItem, checkedItems } from './stored-item.js';
import { claimsCreatedSince } from './created-since.js';

export type FanoutStatus = 'FANNING_OUT' | 'CREATED' | 'FAILED';

export interface IndexEventRecord {
  readonly eventId: string;
  readonly observation: IndexObservation;
  status: FanoutStatus;
  readonly postedBy: string;
  readonly createdAt: string;
  completedAt?: string | null;
  /** Claims filed, counted when the fan-out finished. */
  claimsFiled?: number | null;
  /** Households of registry slice N filed so far (`filedSlice0`..`filedSlice15`), set by the fan-out's pages. */
  readonly [slice: `filedSlice${number}`]: number | undefined;
  error?: string | null;
  /** How many times an admin redrove the fan-out; run n is the execution `<eventId>-r<n>`. */
  redrives?: number;
}

/**
 * An event as stored, checked on every read. The observation is checked for what the fan-out and the claims it
 * files read first (kind, scheme, county); its figures were validated on the way in (core/index-event.ts) and are
 * passed as stored. Each slice's position `filedSlice<N>` is a count when present.
 */
const IndexEventItem = z.object({
  eventId: z.string().min(1),
  observation: z.looseObject({ kind: z.string(), schemeId: z.string().min(1), county: z.string() }),
  status: z.enum(['FANNING_OUT', 'CREATED', 'FAILED']),
  postedBy: z.string(),
  createdAt: z.string(),
  completedAt: z.string().nullish(),
  claimsFiled: z.number().int().min(0).nullish(),
  error: z.string().nullish(),
  redrives: z.number().int().min(0).optional(),
  ...Object.fromEntries(Array.from({ length: FANOUT_SHARDS }, (_, n) => [`filedSlice${n}`, z.number().int().min(0).optional()])),
});
const eventKey = (i: Record<string, unknown>) => String(i.eventId);

/** A claim of the event: its keys item (table claimKeys, index byIndexEvent), then its status from the claim. */
const EventClaimKeys = z.object({ claimId: z.string().min(1), householdId: z.string().min(1) });
const ClaimStatusItem = z.object({ claimId: z.string().min(1), status: z.string().min(1) });

/** The fan-out's first execution is named after the event; the one an admin's n-th redrive starts, `<eventId>-r<n>`. */
export function fanoutExecutionName(eventId: string, redrive = 0): string {
  return redrive > 0 ? `${eventId}-r${redrive}` : eventId;
}

/** Store the event unless it exists; answers the stored record and whether this call created it. */
export async function recordIndexEvent(rec: IndexEventRecord): Promise<{ created: boolean; record: IndexEventRecord }> {
  try {
    await documentClient().send(
      new PutCommand({ TableName: tableName('indexEvents'), Item: rec, ConditionExpression: 'attribute_not_exists(eventId)' }),
    );
    return { created: true, record: rec };
  } catch (err) {
    if (!(err instanceof ConditionalCheckFailedException)) throw err;
    const existing = await getIndexEvent(rec.eventId);
    if (!existing) throw err;
    return { created: false, record: existing };
  }
}

export async function getIndexEvent(eventId: string): Promise<IndexEventRecord | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: tableName('indexEvents'), Key: { eventId }, ConsistentRead: true }));
  return out.Item === undefined
    ? undefined
    : checkedItem<typeof IndexEventItem, IndexEventRecord>(IndexEventItem, out.Item, { table: 'indexEvents', key: eventId, what: 'index event' });
}

export async function listIndexEvents(limit: number, start?: Record<string, unknown>) {
  const out = await documentClient().send(new ScanCommand({ TableName: tableName('indexEvents'), Limit: limit, ExclusiveStartKey: start }));
  return {
    items: checkedItems<typeof IndexEventItem, IndexEventRecord>(IndexEventItem, out.Items, { table: 'indexEvents', what: 'index event' }, eventKey),
    last: out.LastEvaluatedKey,
  };
}

export async function setIndexEventStatus(
  eventId: string,
  status: FanoutStatus,
  fields: { claimsFiled?: number; error?: string } = {},
): Promise<void> {
  await documentClient().send(
    new UpdateCommand({
      TableName: tableName('indexEvents'),
      Key: { eventId },
      UpdateExpression: 'SET #s = :s, completedAt = :at, claimsFiled = :n, #e = :e',
      ConditionExpression: 'attribute_exists(eventId)',
      ExpressionAttributeNames: { '#s': 'status', '#e': 'error' },
      ExpressionAttributeValues: { ':s': status, ':at': new Date().toISOString(), ':n': fields.claimsFiled ?? null, ':e': fields.error ?? null },
    }),
  );
}

export interface EventClaim {
  readonly claimId: string;
  readonly householdId: string;
  readonly status: string;
}

/** Records that a slice's pages have filed `filedSoFar` households; never lowers it (a redrive starts over). */
export async function recordSliceProgress(eventId: string, shard: number, filedSoFar: number): Promise<void> {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: tableName('indexEvents'),
        Key: { eventId },
        UpdateExpression: 'SET #f = :n',
        ConditionExpression: 'attribute_exists(eventId) AND (attribute_not_exists(#f) OR #f < :n)',
        ExpressionAttributeNames: { '#f': `filedSlice${shard}` },
        ExpressionAttributeValues: { ':n': filedSoFar },
      }),
    );
  } catch (err) {
    if (!(err instanceof ConditionalCheckFailedException)) throw err; // already recorded as far, or further
  }
}

/** Claims filed by the pages finished so far (all of them once the event is CREATED). */
export function claimsFiledSoFar(rec: IndexEventRecord): number {
  let total = 0;
  for (const [name, value] of Object.entries(rec)) if (name.startsWith('filedSlice') && typeof value === 'number') total += value;
  return total;
}

/**
 * Claims of the event still RECEIVED (filed, not yet decided), from the byStatus index: those created since the
 * event began (created-since.ts), filtered on the event, so a poll costs what is in flight since then, not every
 * claim waiting anywhere.
 */
export async function claimsAwaitingDecision(rec: Pick<IndexEventRecord, 'eventId' | 'createdAt'>): Promise<number> {
  return countAll({
    TableName: tableName('claims'),
    IndexName: 'byStatus',
    KeyConditionExpression: '#s = :received AND createdAt >= :since',
    FilterExpression: 'indexEventId = :e',
    ExpressionAttributeNames: { '#s': 'status' },
    ExpressionAttributeValues: { ':received': 'RECEIVED', ':since': claimsCreatedSince(rec.createdAt), ':e': rec.eventId },
  });
}

/**
 * One page of the event's claims, in household order: their keys from table claimKeys (index byIndexEvent, written
 * once when the fan-out files each claim), then their status from the claims (BatchGetItem, the status only).
 */
export async function eventClaimsPage(eventId: string, limit: number, start?: Record<string, unknown>) {
  const out = await documentClient().send(
    new QueryCommand({
      TableName: tableName('claimKeys'),
      IndexName: 'byIndexEvent',
      KeyConditionExpression: 'indexEventId = :e',
      ExpressionAttributeValues: { ':e': eventId },
      ProjectionExpression: 'claimId, householdId',
      Limit: limit,
      ExclusiveStartKey: start,
    }),
  );
  const keys = checkedItems(EventClaimKeys, out.Items, { table: 'claimKeys', what: 'claim of index event (byIndexEvent)' }, (i) => i.claimId);
  const statuses = checkedItems(
    ClaimStatusItem,
    await batchGetAll(
      tableName('claims'),
      keys.map((k) => ({ claimId: k.claimId })),
      { what: `claims of index event ${eventId}`, atOnce: 4, projection: 'claimId, #s', names: { '#s': 'status' } },
    ),
    { table: 'claims', what: 'claim of index event (its status)' },
    (i) => i.claimId,
  );
  const statusOf = new Map(statuses.map((c) => [c.claimId, c.status]));
  // Keys and claim are written in one transaction, so every key has its claim.
  const items = keys.flatMap((k) => {
    const status = statusOf.get(k.claimId);
    return status === undefined ? [] : [{ claimId: k.claimId, householdId: k.householdId, status }];
  });
  return { items, last: out.LastEvaluatedKey };
}

/** Claims of the event by status, read from the index (about 100 bytes a claim): costs the county. */
export async function claimsByStatus(eventId: string): Promise<Record<string, number>> {
  const byStatus: Record<string, number> = {};
  let start: Record<string, unknown> | undefined;
  do {
    const page = await eventClaimsPage(eventId, 5000, start);
    for (const c of page.items) byStatus[c.status] = (byStatus[c.status] ?? 0) + 1;
    start = page.last;
  } while (start);
  return byStatus;
}

/**
 * Records an admin's redrive of a failed or stuck fan-out: back to FANNING_OUT as run n + 1, conditional on the
 * status read and on the n-th redrive being the last, so two admins (or a re-sent request) move it once. False
 * when the condition failed: the caller reads the event to tell its own earlier move from another one.
 */
export async function recordFanoutRedrive(eventId: string, from: FanoutStatus, n: number): Promise<boolean> {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: tableName('indexEvents'),
        Key: { eventId },
        UpdateExpression: 'SET #s = :fanning, redrives = :next, #e = :null, completedAt = :null',
        ConditionExpression: '#s = :was AND (attribute_not_exists(redrives) OR redrives = :n)',
        ExpressionAttributeNames: { '#s': 'status', '#e': 'error' },
        ExpressionAttributeValues: { ':fanning': 'FANNING_OUT', ':next': n + 1, ':null': null, ':was': from, ':n': n },
      }),
    );
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false;
    throw err;
  }
}

export function indexFanoutArn(): string {
  return wiring('INDEX_FANOUT_STATE_MACHINE_ARN');
}

/** The fan-out execution is named after the event: starting it again is harmless. */
export async function startIndexFanout(eventId: string, redrive = 0): Promise<void> {
  try {
    await sfnClient().send(
      new StartExecutionCommand({
        stateMachineArn: indexFanoutArn(),
        name: fanoutExecutionName(eventId, redrive),
        input: JSON.stringify({ eventId }),
      }),
    );
  } catch (err) {
    if (!(err instanceof ExecutionAlreadyExists)) throw err;
  }
}
