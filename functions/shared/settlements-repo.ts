/** Settlements: one per (claim, insurer, payee), created once, confirmed by the insurer. */
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { documentClient, tableName } from './aws.js';
import { fullPage, type PageCursor, type PartitionQuery } from './full-page.js';

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
  status: 'PENDING' | 'CONFIRMED';
  readonly createdAt: string;
  paidAt?: string | null;
  reference?: string | null;
  confirmedAt?: string | null;
}

/** Deterministic ids make the payout step idempotent: a retry writes the same ids, conditionally. */
export function settlementId(claimId: string, insurerId: string, payee: Payee): string {
  return `S-${claimId}-${insurerId}-${payee.type}`;
}

export async function createSettlement(s: Settlement): Promise<boolean> {
  try {
    await documentClient().send(new PutCommand({ TableName: tableName('settlements'), Item: s, ConditionExpression: 'attribute_not_exists(settlementId)' }));
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false;
    throw err;
  }
}

export async function getSettlement(id: string): Promise<Settlement | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: tableName('settlements'), Key: { settlementId: id }, ConsistentRead: true }));
  return out.Item as Settlement | undefined;
}

export async function settlementsOfClaim(claimId: string): Promise<Settlement[]> {
  const out = await documentClient().send(
    new QueryCommand({ TableName: tableName('settlements'), IndexName: 'byClaim', KeyConditionExpression: 'claimId = :c', ExpressionAttributeValues: { ':c': claimId } }),
  );
  return ((out.Items ?? []) as Settlement[]).sort((a, b) => a.settlementId.localeCompare(b.settlementId));
}

/**
 * A page of settlements, full unless it is the last (full-page.ts), oldest first: an insurer's own (index
 * byInsurer, the status as a filter: an insurer's partition is its own and small beside the whole), or for
 * auditors and admins by status (index byStatus) or, with no status, scheme after scheme (index byScheme, the
 * catalogue's schemes in order). Queries only.
 */
export async function settlementsPage(
  o: { insurerId?: string; status?: Settlement['status']; schemeIds: readonly string[] },
  limit: number,
  cursor?: PageCursor,
): Promise<{ items: Settlement[]; next: PageCursor | undefined }> {
  const table = tableName('settlements');
  let partitions: PartitionQuery[];
  if (o.insurerId) {
    partitions = [
      {
        TableName: table,
        IndexName: 'byInsurer',
        KeyConditionExpression: 'insurerId = :i',
        ...(o.status ? { FilterExpression: '#s = :s', ExpressionAttributeNames: { '#s': 'status' } } : {}),
        ExpressionAttributeValues: { ':i': o.insurerId, ...(o.status ? { ':s': o.status } : {}) },
      },
    ];
  } else if (o.status) {
    partitions = [{ TableName: table, IndexName: 'byStatus', KeyConditionExpression: '#s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': o.status } }];
  } else {
    partitions = o.schemeIds.map((id) => ({ TableName: table, IndexName: 'byScheme', KeyConditionExpression: 'schemeId = :s', ExpressionAttributeValues: { ':s': id } }));
  }
  const keyOf = (x: Settlement & Record<string, unknown>) => ({
    settlementId: x.settlementId,
    createdAt: x.createdAt,
    ...(o.insurerId ? { insurerId: x.insurerId } : o.status ? { status: x.status } : { schemeId: x.schemeId }),
  });
  const page = await fullPage<Settlement & Record<string, unknown>>(partitions, limit, keyOf, cursor);
  return { items: page.items as Settlement[], next: page.next };
}

/**
 * PENDING → CONFIRMED once, as a transaction item: the confirmation commits together with its audit record
 * (commitWithAudit), so a settlement is never confirmed without the record stating its paidAt and reference.
 */
export function confirmSettlementItem(id: string, paidAt: string, reference: string) {
  return {
    TableName: tableName('settlements'),
    Key: { settlementId: id },
    UpdateExpression: 'SET #s = :c, paidAt = :p, #r = :r, confirmedAt = :now',
    ConditionExpression: '#s = :pending',
    ExpressionAttributeNames: { '#s': 'status', '#r': 'reference' },
    ExpressionAttributeValues: { ':c': 'CONFIRMED', ':p': paidAt, ':r': reference, ':now': new Date().toISOString(), ':pending': 'PENDING' },
  };
}
