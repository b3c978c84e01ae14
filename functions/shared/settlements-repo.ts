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
  /** `<insurerId>#<status>`: key of index byInsurerStatus (absent on settlements made before it existed). */
  insurerStatus?: string;
  readonly createdAt: string;
  paidAt?: string | null;
  reference?: string | null;
  confirmedAt?: string | null;
}

/** A stored settlement without its index key (not part of what the API shows). */
function view(item: Record<string, unknown>): Settlement {
  const { insurerStatus: _key, ...rest } = item;
  return rest as unknown as Settlement;
}

export function insurerStatusKey(insurerId: string, status: Settlement['status']): string {
  return `${insurerId}#${status}`;
}

/** Deterministic ids make the payout step idempotent: a retry writes the same ids, conditionally. */
export function settlementId(claimId: string, insurerId: string, payee: Payee): string {
  return `S-${claimId}-${insurerId}-${payee.type}`;
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
  const keyOf = (x: Settlement & Record<string, unknown>) => ({
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
  const page = await fullPage<Settlement & Record<string, unknown>>(partitions, limit, keyOf, cursor);
  return { items: page.items.map(view), next: page.next };
}

/**
 * PENDING → CONFIRMED once, as a transaction item: the confirmation commits together with its audit record
 * (commitWithAudit), so a settlement is never confirmed without the record stating its paidAt and reference.
 */
export function confirmSettlementItem(id: string, insurerId: string, paidAt: string, reference: string) {
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
