/** Claims table access: get, create once, and conditional transitions. */
import { GetCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { documentClient, tableName } from './aws.js';
import { ClaimNotFound } from './errors.js';
import { countClaimMove } from './report-aggregates.js';
import { monitoringMoveItems } from './monitoring-repo.js';
import type { TxItem } from './audit.js';
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { CLAIM_STATUSES, PRODUCTS } from '#core/index.js';
import type { ClaimRecord, StoredStatus } from './claim-record.js';
import { checkedItem } from './stored-item.js';
import { indexPage, type IndexPageRead } from './query-all.js';
import { claimKeysCountyUpdate, claimKeysPut, schemeCountyOf } from './claim-keys-repo.js';
import type { StoredHousehold } from './household-record.js';

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

/**
 * A stored item as a claim (the item as stored, checked: stored-item.ts), or MalformedItem naming the table, the
 * claim and the fields at fault. ClaimRecord's other fields are as stored (see StoredClaim).
 */
export function parseStoredClaim(item: Record<string, unknown>): ClaimRecord {
  const claim = checkedItem<typeof StoredClaim, ClaimRecord>(StoredClaim, item, { table: 'claims', key: String(item.claimId), what: 'claim' });
  const explanation: unknown = claim.assessment?.explanation;
  if (typeof explanation !== 'string' || !claim.assessment) return claim;
  return { ...claim, assessment: { ...claim.assessment, explanation: JSON.parse(explanation) } };
}

/**
 * The assessment as stored: its explanation (the figures and message steps behind the payout, about 60 numbers in
 * nested maps) as one JSON string. Nothing queries or filters inside it, and as a string it costs the store one
 * attribute instead of some hundred at every read and write of the claim (parseStoredClaim reads either form).
 */
function storedFields(fields: Partial<ClaimRecord>): Record<string, unknown> {
  const a = fields.assessment;
  return a && typeof a.explanation !== 'string' ? { ...fields, assessment: { ...a, explanation: JSON.stringify(a.explanation) } } : fields;
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
          claimKeysPut(claim),
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
  const items = await moveClaim(before, from, fields);
  const alone = items.length === 1 ? items[0]?.Update : undefined; // nothing to count: the claim's update alone
  try {
    if (alone) await documentClient().send(new UpdateCommand(alone));
    else await documentClient().send(new TransactWriteCommand({ TransactItems: items }));
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
 * fails the whole transaction and counts nothing. Setting a county the claim was not filed with also sets its
 * search keys' (claim-keys-repo.ts).
 * The claim's update is always the first item (callers read its cancellation reason at index 0). `household`: the
 * claim's household as the caller has just read it, which the monitoring entry then does not read again.
 */
export async function moveClaim(
  before: ClaimRecord,
  from: readonly StoredStatus[],
  fields: Partial<ClaimRecord>,
  household?: StoredHousehold,
): Promise<TxItem[]> {
  const schemeCounty = fields.county ? schemeCountyOf(before.schemeId, fields.county) : undefined;
  const all: Partial<ClaimRecord> = schemeCounty ? { ...fields, schemeCounty } : fields;
  const after = { ...before, ...all };
  return [
    { Update: claimUpdateItem(before.claimId, from, all) },
    ...[claimKeysCountyUpdate(before, fields.county)].filter((i) => i !== undefined),
    ...countClaimMove(before, after),
    ...(await monitoringMoveItems(before, after, household)),
  ];
}

/**
 * A claim update (any UpdateItem input on the claims table, with its condition) sent together with the report
 * totals' delta and the monitoring entry before → after. Throws ConditionalCheckFailedException when the claim's condition failed, as
 * the update alone would have.
 */
export async function updateClaimCounted(update: NonNullable<TxItem['Update']>, before: ClaimRecord, after: ClaimRecord): Promise<void> {
  const tally = [...countClaimMove(before, after), ...(await monitoringMoveItems(before, after))];
  if (tally.length === 0) {
    await documentClient().send(new UpdateCommand(update));
    return;
  }
  try {
    await documentClient().send(new TransactWriteCommand({ TransactItems: [{ Update: update }, ...tally] }));
  } catch (err) {
    if (err instanceof TransactionCanceledException && err.CancellationReasons?.[0]?.Code === 'ConditionalCheckFailed') {
      throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
    }
    throw err;
  }
}

/**
 * Records an admin's redrive of a failed or stuck claim: back to `from` (the status it failed in) as run n + 1,
 * with the report totals' move, conditional on the status read and on the n-th redrive being the last, so two
 * admins (or a re-sent request) move it once. False when the condition failed: the caller reads the claim to tell
 * its own earlier move from another one.
 */
export async function recordClaimRedrive(claim: ClaimRecord, from: StoredStatus, n: number): Promise<boolean> {
  try {
    await updateClaimCounted(
      {
        TableName: tableName('claims'),
        Key: { claimId: claim.claimId },
        UpdateExpression: 'SET #s = :from, redrives = :next, #e = :null, failedFrom = :null, updatedAt = :now',
        ConditionExpression: '#s = :was AND (attribute_not_exists(redrives) OR redrives = :n)',
        ExpressionAttributeNames: { '#s': 'status', '#e': 'error' },
        ExpressionAttributeValues: { ':from': from, ':next': n + 1, ':null': null, ':now': new Date().toISOString(), ':was': claim.status, ':n': n },
      },
      claim,
      { ...claim, status: from },
    );
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false;
    throw err;
  }
}

/**
 * One read of one partition of a claims index, for the claim listings (GET /claims merges several): the claims
 * found, checked, where the read ended, and how many items the store evaluated (a filter may drop some).
 * Every claims index projects the whole item (tables.ts), so what comes back is a whole claim.
 */
export async function readClaimsIndex(
  q: IndexPageRead,
): Promise<{ claims: ClaimRecord[]; last: Record<string, unknown> | undefined; scanned: number }> {
  const out = await indexPage(tableName('claims'), q);
  return { claims: (out.Items ?? []).map(parseStoredClaim), last: out.LastEvaluatedKey, scanned: out.ScannedCount ?? 0 };
}

/** Expression pieces for the claim update inside a transaction (same shape as transitionClaim). */
export function claimUpdateItem(claimId: string, from: readonly StoredStatus[], fields: Partial<ClaimRecord>) {
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = {};
  const sets: string[] = [];
  for (const [k, v] of Object.entries({ ...storedFields(fields), updatedAt: new Date().toISOString() })) {
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
