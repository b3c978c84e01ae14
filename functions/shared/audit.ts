/**
 * The audit trail: one append-only, hash-chained record per workflow step and human action.
 * hash = SHA-256 over the canonical JSON of the record without `hash` (which includes prevHash), so editing any
 * field of any record breaks the chain from there on. Appends are conditional on the sequence number, so a
 * record is written once; the writer's IAM role has PutItem only.
 */
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { documentClient, tableName } from './aws.js';
import { canonicalJson, digest, sha256Hex } from './canonical.js';
import { queryAll } from './query-all.js';
import { TransientError } from './errors.js';

export const GENESIS = '0'.repeat(64);

export interface AuditRecord {
  readonly claimId: string;
  readonly seq: number;
  readonly step: string;
  readonly actor: string;
  readonly at: string;
  readonly inputDigest: string;
  readonly outputDigest: string;
  readonly decision: string | null;
  readonly prevHash: string;
  readonly hash: string;
}

export function hashRecord(r: Omit<AuditRecord, 'hash'>): string {
  return sha256Hex(canonicalJson(r));
}

/** Check a claim's records in sequence order; answers the first broken link, if any. */
export function verifyChain(records: readonly AuditRecord[]): { verified: boolean; head: string; brokenAt: number | null; problem: string | null } {
  let prev = GENESIS;
  for (const [i, r] of records.entries()) {
    const { hash, ...rest } = r;
    if (r.seq !== i + 1) return { verified: false, head: prev, brokenAt: r.seq, problem: `sequence ${r.seq} where ${i + 1} was expected` };
    if (r.prevHash !== prev) return { verified: false, head: prev, brokenAt: r.seq, problem: `record ${r.seq} does not link to the previous record` };
    if (hashRecord(rest) !== hash) return { verified: false, head: prev, brokenAt: r.seq, problem: `record ${r.seq} was changed after it was written` };
    prev = hash;
  }
  return { verified: true, head: prev, brokenAt: null, problem: null };
}

export async function readAudit(claimId: string): Promise<AuditRecord[]> {
  return queryAll<AuditRecord>({ TableName: tableName('audit'), KeyConditionExpression: 'claimId = :c', ExpressionAttributeValues: { ':c': claimId }, ConsistentRead: true });
}

export interface AuditEntry {
  readonly claimId: string;
  readonly step: string;
  readonly actor: string;
  readonly input: unknown;
  readonly output: unknown;
  readonly decision?: string | null;
}

/**
 * Append one record. A step retried after its append succeeded would append the same thing again, so an entry
 * identical (step, input and output digests) to the current head is not appended twice.
 */
export async function appendAudit(entry: AuditEntry): Promise<AuditRecord> {
  const inputDigest = digest(entry.input);
  const outputDigest = digest(entry.output);
  for (let attempt = 0; attempt < 8; attempt++) {
    const last = await lastRecord(entry.claimId);
    if (last && last.step === entry.step && last.inputDigest === inputDigest && last.outputDigest === outputDigest) return last;
    const body = {
      claimId: entry.claimId,
      seq: (last?.seq ?? 0) + 1,
      step: entry.step,
      actor: entry.actor,
      at: new Date().toISOString(),
      inputDigest,
      outputDigest,
      decision: entry.decision ?? null,
      prevHash: last?.hash ?? GENESIS,
    };
    const record: AuditRecord = { ...body, hash: hashRecord(body) };
    try {
      await documentClient().send(
        new PutCommand({ TableName: tableName('audit'), Item: record, ConditionExpression: 'attribute_not_exists(seq)' }),
      );
      return record;
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      // Another writer took this sequence number: read the new head and link to it.
    }
  }
  throw new TransientError(`audit append for ${entry.claimId} kept conflicting`);
}

async function lastRecord(claimId: string): Promise<AuditRecord | undefined> {
  const out = await documentClient().send(
    new QueryCommand({
      TableName: tableName('audit'),
      KeyConditionExpression: 'claimId = :c',
      ExpressionAttributeValues: { ':c': claimId },
      ScanIndexForward: false,
      Limit: 1,
      ConsistentRead: true,
    }),
  );
  return out.Items?.[0] as AuditRecord | undefined;
}
