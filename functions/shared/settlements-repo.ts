/** Settlements: one per (claim, insurer, payee), created once, confirmed by the insurer. */
import { GetCommand, PutCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { documentClient, tableName } from './aws.js';

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

export async function settlementsOfInsurer(insurerId: string, limit: number, cursor?: Record<string, unknown>) {
  const out = await documentClient().send(
    new QueryCommand({
      TableName: tableName('settlements'),
      IndexName: 'byInsurer',
      KeyConditionExpression: 'insurerId = :i',
      ExpressionAttributeValues: { ':i': insurerId },
      Limit: limit,
      ExclusiveStartKey: cursor,
    }),
  );
  return { items: (out.Items ?? []) as Settlement[], next: out.LastEvaluatedKey };
}

export async function scanSettlements(limit: number, cursor?: Record<string, unknown>) {
  const out = await documentClient().send(new ScanCommand({ TableName: tableName('settlements'), Limit: limit, ExclusiveStartKey: cursor }));
  return { items: (out.Items ?? []) as Settlement[], next: out.LastEvaluatedKey };
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
