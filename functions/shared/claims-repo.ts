/** Claims table access: get, create once, and conditional transitions. */
import { GetCommand, TransactWriteCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { documentClient, tableName } from './aws.js';
import { ClaimNotFound } from './errors.js';
import { countClaimMove } from './report-aggregates.js';
import { monitoringMoveItems } from './monitoring-repo.js';
import type { TxItem } from './audit.js';
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { CLAIM_STATUSES, PRODUCTS } from '#core/index.js';
import type { ClaimRecord, StoredStatus } from './claim-record.js';

const Status = z.enum([...CLAIM_STATUSES, 'APPROVED']);
/**
 * What every reader of a stored claim relies on, checked when it is read: its identity, status, submission and
 * times, and the counters and links the steps use to stay idempotent. A claim that fails it is an error naming the
 * claim and the field, not a value passed on as if it were a claim. The rest of ClaimRecord (assessment, reviews,
 * explanation messages, whose shapes changed over time) is passed through as stored and still typed by assertion.
 */
const StoredClaim = z.looseObject({
  claimId: z.string().min(1),
  status: Status,
  schemeId: z.string().min(1),
  householdId: z.string().min(1),
  product: z.enum(PRODUCTS),
  submission: z.looseObject({ schemeId: z.string(), householdId: z.string(), product: z.enum(PRODUCTS) }),
  submittedBy: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  failedFrom: Status.nullish(),
  redrives: z.number().int().min(0).optional(),
  amendments: z.number().int().min(0).optional(),
  settlementIds: z.array(z.string()).nullish(),
  taskToken: z.string().nullish(),
});

/** A stored item as a claim, or an error naming the claim and what is wrong with it. */
export function parseStoredClaim(item: Record<string, unknown>): ClaimRecord {
  const out = StoredClaim.safeParse(item);
  if (!out.success) {
    throw new Error(
      `stored claim ${String(item.claimId)} is malformed: ${out.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  return out.data as unknown as ClaimRecord; // the fields checked above; see StoredClaim for the rest
}

/** The key of index bySchemeCounty (scheme, county, createdAt); absent while the claim has no county. */
export function schemeCountyOf(schemeId: string, county: string | null | undefined): string | undefined {
  return county ? `${schemeId}#${county}` : undefined;
}

export async function getClaim(claimId: string): Promise<ClaimRecord | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: tableName('claims'), Key: { claimId }, ConsistentRead: true }));
  return out.Item === undefined ? undefined : parseStoredClaim(out.Item);
}

export async function loadClaim(claimId: string): Promise<ClaimRecord> {
  const claim = await getClaim(claimId);
  if (!claim) throw new ClaimNotFound(`claim ${claimId} does not exist`);
  return claim;
}

/**
 * Create the claim unless it exists, counted in the report totals in the same transaction; answers false when
 * it was already there (an idempotent repeat, counted once). Filing (file-claim.ts) also audits and starts it.
 */
export async function createClaim(filed: ClaimRecord): Promise<boolean> {
  const schemeCounty = schemeCountyOf(filed.schemeId, filed.county);
  const claim: ClaimRecord = schemeCounty ? { ...filed, schemeCounty } : filed;
  try {
    await documentClient().send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: tableName('claims'), Item: claim, ConditionExpression: 'attribute_not_exists(claimId)' } },
          ...countClaimMove(null, claim),
        ],
      }),
    );
    return true;
  } catch (err) {
    if (err instanceof TransactionCanceledException && err.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
    throw err;
  }
}

/**
 * Set fields on a claim only if its status is one of `from`. Answers false when the condition failed
 * (someone else moved the claim first), so a retried step can read what happened instead of writing twice.
 */
export async function transitionClaim(claimId: string, from: readonly StoredStatus[], fields: Partial<ClaimRecord>): Promise<boolean> {
  try {
    await documentClient().send(new UpdateCommand(claimUpdateItem(claimId, from, fields)));
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false;
    throw err;
  }
}

/** transitionClaim for a move the report counts (status, county, payout, paidAt): the totals move with it. */
export async function transitionClaimCounted(before: ClaimRecord, from: readonly StoredStatus[], fields: Partial<ClaimRecord>): Promise<boolean> {
  const [update, ...tally] = await moveClaim(before, from, fields);
  try {
    if (tally.length) await documentClient().send(new TransactWriteCommand({ TransactItems: [update as TxItem, ...tally] }));
    else await documentClient().send(new UpdateCommand((update as { Update: UpdateCommandInput }).Update));
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false;
    if (err instanceof TransactionCanceledException && err.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') return false;
    throw err;
  }
}

/**
 * A claim's move as transaction items: its conditional update (status one of `from`), the report totals'
 * delta from `before` (the claim as read) to the claim with `fields` set (report-aggregates.ts), and the
 * household's monitoring entry with any warning the move makes true (monitoring-repo.ts). The condition
 * must pin what the delta depends on: callers pass the status they read, so a retry that finds the claim moved
 * fails the whole transaction and counts nothing. Setting a county also sets the list index key schemeCounty.
 * The claim's update is always the first item (callers read its cancellation reason at index 0).
 */
export async function moveClaim(before: ClaimRecord, from: readonly StoredStatus[], fields: Partial<ClaimRecord>): Promise<TxItem[]> {
  const schemeCounty = fields.county ? schemeCountyOf(before.schemeId, fields.county) : undefined;
  const all: Partial<ClaimRecord> = schemeCounty ? { ...fields, schemeCounty } : fields;
  const after = { ...before, ...all };
  return [{ Update: claimUpdateItem(before.claimId, from, all) }, ...countClaimMove(before, after), ...(await monitoringMoveItems(before, after))];
}

/**
 * A claim update (any UpdateItem input on the claims table, with its condition) sent together with the report
 * totals' delta and the monitoring entry before → after. Throws ConditionalCheckFailedException when the claim's condition failed, as
 * the update alone would have.
 */
export async function updateClaimCounted(update: UpdateCommandInput, before: ClaimRecord, after: ClaimRecord): Promise<void> {
  const tally = [...countClaimMove(before, after), ...(await monitoringMoveItems(before, after))];
  if (tally.length === 0) {
    await documentClient().send(new UpdateCommand(update));
    return;
  }
  try {
    await documentClient().send(new TransactWriteCommand({ TransactItems: [{ Update: update as NonNullable<TxItem['Update']> }, ...tally] }));
  } catch (err) {
    if (err instanceof TransactionCanceledException && err.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') {
      throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
    }
    throw err;
  }
}

/** Expression pieces for the claim update inside a transaction (same shape as transitionClaim). */
export function claimUpdateItem(claimId: string, from: readonly StoredStatus[], fields: Partial<ClaimRecord>) {
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  for (const [k, v] of Object.entries({ ...fields, updatedAt: new Date().toISOString() })) {
    names[`#${k}`] = k;
    values[`:${k}`] = v ?? null;
    sets.push(`#${k} = :${k}`);
  }
  const fromKeys = from.map((s, i) => {
    values[`:from${i}`] = s;
    return `:from${i}`;
  });
  return {
    TableName: tableName('claims'),
    Key: { claimId },
    UpdateExpression: `SET ${sets.join(', ')}`,
    ConditionExpression: `attribute_exists(claimId) AND #status IN (${fromKeys.join(', ')})`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}

/**
 * The claim move (first item of `moveClaim`'s) made conditional also on the claim holding exactly `count`
 * objections, as the caller read it: a decision taken without an objection recorded meanwhile does not commit.
 */
export function pinObjections(items: TxItem[], count: number): TxItem[] {
  const [first, ...rest] = items;
  const update = first?.Update;
  if (!update) throw new Error('pinObjections: the first item must be the claim update');
  const pinned = {
    ...update,
    ConditionExpression: `${update.ConditionExpression} AND ${count === 0 ? 'attribute_not_exists(#objections)' : 'size(#objections) = :objectionCount'}`,
    ExpressionAttributeNames: { ...update.ExpressionAttributeNames, '#objections': 'objections' },
    ExpressionAttributeValues: count === 0 ? update.ExpressionAttributeValues : { ...update.ExpressionAttributeValues, ':objectionCount': count },
  };
  return [{ Update: pinned }, ...rest];
}
