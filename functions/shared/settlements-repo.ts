/** Settlements: one per (claim, insurer, payee), created once, confirmed by the insurer. */
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { documentClient, tableName } from './aws.js';
import { fullPage, type PageCursor, type PartitionQuery } from './full-page.js';
import { commitWithAudit } from './audit.js';
import { checkedItem } from './stored-item.js';

export interface Payee {
  readonly type: 'HOSPITAL' | 'CLAIMANT' | 'HOUSEHOLD' | 'BANK';
  readonly id: string;
}

export interface Settlement {
  readonly settlementId: string;
  readonly claimId: string;
  readonly insurerId: string;
  readonly amount: number;
  readonly payee: Payee;
  readonly schemeId: string;
  readonly product: string;
  /** WITHDRAWN: an objection took the claim back to review before any insurer confirmed (objections.ts). */
  status: 'PENDING' | 'CONFIRMED' | 'WITHDRAWN';
  /** `<insurerId>#<status>`: key of index byInsurerStatus (absent on settlements made before it existed). */
  insurerStatus?: string;
  readonly createdAt: string;
  paidAt?: string | null;
  reference?: string | null;
  confirmedAt?: string | null;
  withdrawnAt?: string | null;
}

/** A settlement as stored, checked on every read: all of it (it is small, and the API shows all of it). */
const SettlementItem = z.object({
  settlementId: z.string().min(1),
  claimId: z.string().min(1),
  insurerId: z.string().min(1),
  amount: z.number().int().min(0),
  payee: z.object({ type: z.enum(['HOSPITAL', 'CLAIMANT', 'HOUSEHOLD', 'BANK']), id: z.string() }),
  schemeId: z.string(),
  product: z.string(),
  status: z.enum(['PENDING', 'CONFIRMED', 'WITHDRAWN']),
  insurerStatus: z.string().optional(),
  createdAt: z.string(),
  paidAt: z.string().nullish(),
  reference: z.string().nullish(),
  confirmedAt: z.string().nullish(),
  withdrawnAt: z.string().nullish(),
});

/** A stored settlement, checked, without its index key (not part of what the API shows). */
function view(item: unknown): Settlement {
  const key = typeof item === 'object' && item !== null && 'settlementId' in item ? String(item.settlementId) : 'an item';
  const { insurerStatus: _key, ...rest } = checkedItem<typeof SettlementItem, Settlement>(SettlementItem, item, {
    table: 'settlements',
    key,
    what: 'settlement',
  });
  return rest;
}

export function insurerStatusKey(insurerId: string, status: Settlement['status']): string {
  return `${insurerId}#${status}`;
}

/**
 * Deterministic ids make the payout step idempotent: a retry writes the same ids, conditionally. `round` counts the
 * claim's payouts: after a withdrawal the next approval settles afresh under new ids (round 1 keeps the old form).
 */
export function settlementId(claimId: string, insurerId: string, payee: Payee, round = 1): string {
  return `S-${claimId}-${insurerId}-${payee.type}${round > 1 ? `-${round}` : ''}`;
}

export async function createSettlement(s: Settlement): Promise<boolean> {
  try {
    await documentClient().send(
      new PutCommand({ TableName: tableName('settlements'), Item: s, ConditionExpression: 'attribute_not_exists(settlementId)' }),
    );
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false;
    throw err;
  }
}

export async function getSettlement(id: string): Promise<Settlement | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: tableName('settlements'), Key: { settlementId: id }, ConsistentRead: true }));
  return out.Item ? view(out.Item) : undefined;
}

export async function settlementsOfClaim(claimId: string): Promise<Settlement[]> {
  const out = await documentClient().send(
    new QueryCommand({
      TableName: tableName('settlements'),
      IndexName: 'byClaim',
      KeyConditionExpression: 'claimId = :c',
      ExpressionAttributeValues: { ':c': claimId },
    }),
  );
  return (out.Items ?? []).map(view).sort((a, b) => a.settlementId.localeCompare(b.settlementId));
}

/**
 * A page of settlements, full unless it is the last (full-page.ts), oldest first: an insurer's own (index
 * byInsurer, or byInsurerStatus with a status), or for auditors and admins by status (index byStatus) or, with no
 * status, scheme after scheme (index byScheme, the catalogue's schemes in order). Queries only, no filter.
 */
export async function settlementsPage(
  o: { insurerId?: string; status?: Settlement['status']; schemeIds: readonly string[] },
  limit: number,
  cursor?: PageCursor,
): Promise<{ items: Settlement[]; next: PageCursor | undefined }> {
  const table = tableName('settlements');
  let partitions: PartitionQuery[];
  if (o.insurerId && o.status) {
    partitions = [
      {
        TableName: table,
        IndexName: 'byInsurerStatus',
        KeyConditionExpression: 'insurerStatus = :k',
        ExpressionAttributeValues: { ':k': insurerStatusKey(o.insurerId, o.status) },
      },
    ];
  } else if (o.insurerId) {
    partitions = [
      { TableName: table, IndexName: 'byInsurer', KeyConditionExpression: 'insurerId = :i', ExpressionAttributeValues: { ':i': o.insurerId } },
    ];
  } else if (o.status) {
    partitions = [
      {
        TableName: table,
        IndexName: 'byStatus',
        KeyConditionExpression: '#s = :s',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':s': o.status },
      },
    ];
  } else {
    partitions = o.schemeIds.map((id) => ({
      TableName: table,
      IndexName: 'byScheme',
      KeyConditionExpression: 'schemeId = :s',
      ExpressionAttributeValues: { ':s': id },
    }));
  }
  const keyOf = (x: Record<string, unknown>) => ({
    settlementId: x.settlementId,
    createdAt: x.createdAt,
    ...(o.insurerId && o.status
      ? { insurerStatus: x.insurerStatus }
      : o.insurerId
        ? { insurerId: x.insurerId }
        : o.status
          ? { status: x.status }
          : { schemeId: x.schemeId }),
  });
  const page = await fullPage<Record<string, unknown>>(partitions, limit, keyOf, cursor);
  return { items: page.items.map(view), next: page.next };
}

/**
 * Records the insurer's confirmation of a settlement: PENDING → CONFIRMED once, committed together with its audit
 * record (who confirmed, paidAt and reference in clear), so a settlement is never confirmed without the record.
 * Answers false when it was not PENDING any more (confirmed already, by a lost first attempt or another request):
 * the caller reads it to tell a repeat from a conflicting reference.
 */
export async function recordSettlementConfirmation(s: Settlement, paidAt: string, reference: string): Promise<boolean> {
  const record = await commitWithAudit([{ Update: confirmSettlementItem(s.settlementId, s.insurerId, paidAt, reference) }], {
    claimId: s.claimId,
    step: 'Confirm',
    actor: `insurer:${s.insurerId}`,
    input: { paidAt, reference },
    output: { settlementId: s.settlementId, amount: s.amount },
    decision: 'CONFIRMED',
    figures: { settlementId: s.settlementId, amount: s.amount, paidAt, reference },
  });
  return record !== null;
}

/** The conditional update PENDING → CONFIRMED, as a transaction item. */
function confirmSettlementItem(id: string, insurerId: string, paidAt: string, reference: string) {
  return {
    TableName: tableName('settlements'),
    Key: { settlementId: id },
    UpdateExpression: 'SET #s = :c, paidAt = :p, #r = :r, confirmedAt = :now, insurerStatus = :is',
    ConditionExpression: '#s = :pending',
    ExpressionAttributeNames: { '#s': 'status', '#r': 'reference' },
    ExpressionAttributeValues: {
      ':c': 'CONFIRMED',
      ':p': paidAt,
      ':r': reference,
      ':now': new Date().toISOString(),
      ':pending': 'PENDING',
      ':is': insurerStatusKey(insurerId, 'CONFIRMED'),
    },
  };
}

/**
 * PENDING → WITHDRAWN once, as a transaction item. The same condition as the confirmation's (status PENDING), so
 * of a confirmation and a withdrawal racing on one settlement exactly one commits: whichever writes first.
 */
export function withdrawSettlementItem(id: string, insurerId: string, at: string) {
  return {
    TableName: tableName('settlements'),
    Key: { settlementId: id },
    UpdateExpression: 'SET #s = :w, withdrawnAt = :at, insurerStatus = :is',
    ConditionExpression: '#s = :pending',
    ExpressionAttributeNames: { '#s': 'status' },
    ExpressionAttributeValues: { ':w': 'WITHDRAWN', ':at': at, ':pending': 'PENDING', ':is': insurerStatusKey(insurerId, 'WITHDRAWN') },
  };
}
