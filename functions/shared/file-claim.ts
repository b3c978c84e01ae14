/**
 * Filing a claim, the one way every claim enters the system (HTTP submission or index event): store it once as
 * RECEIVED together with its search keys and first audit record (one transaction), then start its workflow execution. Each step
 * is idempotent (conditional create, execution named after the claim), so a caller that died half-way simply
 * files again.
 */
import { tableName } from './aws.js';
import { commitWithAudit, headOf } from './audit.js';
import { startClaimExecution } from './execution.js';
import { countClaimMove } from './report-aggregates.js';
import { claimKeysPut, schemeCountyOf } from './claim-keys-repo.js';
import type { ClaimRecord } from './claim-record.js';

/** Answers whether this call created the claim (false: it existed already, e.g. a repeated request). */
export async function fileClaim(filed: ClaimRecord, actor: string): Promise<boolean> {
  const schemeCounty = schemeCountyOf(filed.schemeId, filed.county);
  const record: ClaimRecord = schemeCounty ? { ...filed, schemeCounty } : filed;
  // The report counts the new claim in the same transaction (a repeat's Put fails its condition: counted once).
  const audit = await commitWithAudit(
    [
      { Put: { TableName: tableName('claims'), Item: record, ConditionExpression: 'attribute_not_exists(claimId)' } },
      claimKeysPut(record), // its search keys (GET /claims), written once with it
      ...countClaimMove(null, record),
    ],
    { claimId: record.claimId, step: 'Submit', actor, input: record.submission, output: { claimId: record.claimId }, decision: 'RECEIVED' },
    null,
  );
  // Started on every repeat too: if an earlier attempt stored the claim and died before this, it starts now.
  await startClaimExecution(record.claimId, audit ? headOf(audit) : undefined);
  return audit !== null;
}
