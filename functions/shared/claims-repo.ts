/** Claims table access: get, create once, and conditional transitions. */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { documentClient, tableName } from './aws.js';
import { ClaimNotFound } from './errors.js';
import type { ClaimRecord, StoredStatus } from './claim-record.js';

export async function getClaim(claimId: string): Promise<ClaimRecord | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: tableName('claims'), Key: { claimId }, ConsistentRead: true }));
  return out.Item as ClaimRecord | undefined;
}

export async function loadClaim(claimId: string): Promise<ClaimRecord> {
  const claim = await getClaim(claimId);
  if (!claim) throw new ClaimNotFound(`claim ${claimId} does not exist`);
  return claim;
}

/** Create the claim unless it exists; answers false when it was already there (an idempotent repeat). */
export async function createClaim(claim: ClaimRecord): Promise<boolean> {
  try {
    await documentClient().send(
      new PutCommand({ TableName: tableName('claims'), Item: claim, ConditionExpression: 'attribute_not_exists(claimId)' }),
    );
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false;
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
