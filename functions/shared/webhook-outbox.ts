/**
 * The seam for settlement webhooks: the payout step writes one outbox record per settlement, in the webhooks
 * table, keyed by the settlement id so a retried step writes it once. A deliverer (the webhook issue) reads
 * the outbox, signs and delivers; nothing is sent from inside the workflow step.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { documentClient, tableName } from './aws.js';
import type { Settlement } from './settlements-repo.js';

/** The outbox record announcing a new settlement (written in the payout step's transaction). */
export function settlementCreatedOutboxItem(s: Settlement) {
  return {
    pk: 'OUTBOX',
    sk: s.settlementId,
    type: 'settlement.created',
    insurerId: s.insurerId,
    // Thin payload: ids, amount, payee; never personal identity numbers.
    data: { settlementId: s.settlementId, claimId: s.claimId, insurerId: s.insurerId, amount: s.amount, payee: s.payee },
    createdAt: new Date().toISOString(),
  };
}

export async function enqueueSettlementCreated(s: Settlement): Promise<void> {
  try {
    await documentClient().send(new PutCommand({ TableName: tableName('webhooks'), Item: settlementCreatedOutboxItem(s), ConditionExpression: 'attribute_not_exists(sk)' }));
  } catch (err) {
    if (!(err instanceof ConditionalCheckFailedException)) throw err;
  }
}
