/**
 * The audit trail: one append-only, hash-chained record per workflow step and human action.
 * hash = SHA-256 over the canonical JSON of the record without `hash` (which includes prevHash), so editing any
 * field of any record breaks the chain from there on. A step that decides money also writes its `figures` in
 * clear (core/audit-figures.ts: payout, allocations, settlements, confirmations, the review), hashed like the
 * rest; canonical JSON leaves out absent keys, so records written before figures existed hash as they did. Appends are conditional on the sequence number, so a
 * record is written once; the writer's IAM role has PutItem only.
 */
import { PutCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { documentClient, tableName } from './aws.js';
import { canonicalJson, digest, sha256Hex } from './canonical.js';
import { queryAll } from './query-all.js';
import { TransientError } from './errors.js';
import type { AuditFigures } from '#core/audit-figures.js';

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
  /** What the step decided, in clear (amounts in fen; never identity numbers or names). Absent on older records. */
  readonly figures?: AuditFigures;
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
    if (hashRecord(rest) !== hash)
      return { verified: false, head: prev, brokenAt: r.seq, problem: `record ${r.seq} was changed after it was written` };
    prev = hash;
  }
  return { verified: true, head: prev, brokenAt: null, problem: null };
}

export async function readAudit(claimId: string): Promise<AuditRecord[]> {
  return queryAll<AuditRecord>({
    TableName: tableName('audit'),
    KeyConditionExpression: 'claimId = :c',
    ExpressionAttributeValues: { ':c': claimId },
    ConsistentRead: true,
  });
}

/** A chain as the API answers it (claims, households, index events): its records and whether they verify. */
export async function auditAnswer(chainId: string) {
  const records = await readAudit(chainId);
  const { verified, head, brokenAt, problem } = verifyChain(records);
  return { records, verified, head, brokenAt, problem };
}

export interface AuditEntry {
  readonly claimId: string;
  readonly step: string;
  readonly actor: string;
  readonly input: unknown;
  readonly output: unknown;
  readonly decision?: string | null;
  readonly figures?: AuditFigures;
}

/** Where a claim's chain ends: steps hand it to the next step in the state payload, saving a read per append. */
export interface AuditHead {
  readonly seq: number;
  readonly hash: string;
}

export function headOf(r: Pick<AuditRecord, 'seq' | 'hash'>): AuditHead {
  return { seq: r.seq, hash: r.hash };
}

function buildRecord(entry: AuditEntry, head: AuditHead | null): AuditRecord {
  const body = {
    claimId: entry.claimId,
    seq: (head?.seq ?? 0) + 1,
    step: entry.step,
    actor: entry.actor,
    at: new Date().toISOString(),
    inputDigest: digest(entry.input),
    outputDigest: digest(entry.output),
    decision: entry.decision ?? null,
    // Only when given: a record without figures keeps exactly the shape (and hash input) it always had.
    ...(entry.figures === undefined ? {} : { figures: entry.figures }),
    prevHash: head?.hash ?? GENESIS,
  };
  return { ...body, hash: hashRecord(body) };
}

/** The same entry as the chain head: a retried step whose first attempt committed. */
function isSameEntry(r: AuditRecord | undefined, entry: AuditEntry): boolean {
  return (
    r !== undefined &&
    r.step === entry.step &&
    r.inputDigest === digest(entry.input) &&
    r.outputDigest === digest(entry.output) &&
    digest(r.figures ?? null) === digest(entry.figures ?? null)
  );
}

type TxItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];
export type { TxItem };

function auditPut(record: AuditRecord): TxItem {
  return { Put: { TableName: tableName('audit'), Item: record, ConditionExpression: 'attribute_not_exists(seq)' } };
}

/**
 * Records appended to another chain (a household's) inside a transaction that commits elsewhere: each put is
 * conditional on its sequence number, so a head read stale cancels the whole transaction instead of forking the chain.
 */
export function chainAppendItems(entries: readonly AuditEntry[], head: AuditHead | null): TxItem[] {
  const items: TxItem[] = [];
  let at = head;
  for (const entry of entries) {
    const record = buildRecord(entry, at);
    items.push(auditPut(record));
    at = headOf(record);
  }
  return items;
}

/**
 * Append one record. `head` is where the caller believes the chain ends (from the state payload): one
 * conditional put then, no read. Without it, or when it is stale (another writer appended), the head is read.
 * A step retried after its append succeeded would append the same thing again, so an entry identical (step,
 * input and output digests) to the current head is not appended twice.
 */
export async function appendAudit(entry: AuditEntry, head?: AuditHead | null): Promise<AuditRecord> {
  let known: AuditHead | null | undefined = head; // undefined: not known; null: known to be empty
  for (let attempt = 0; attempt < 8; attempt++) {
    if (known === undefined) {
      const last = await lastRecord(entry.claimId);
      if (isSameEntry(last, entry)) return last as AuditRecord;
      known = last ? headOf(last) : null;
    }
    const record = buildRecord(entry, known);
    try {
      await documentClient().send(new PutCommand({ TableName: tableName('audit'), Item: record, ConditionExpression: 'attribute_not_exists(seq)' }));
      return record;
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      known = undefined; // another writer took this sequence number: read the new head and link to it
    }
  }
  throw new TransientError(`audit append for ${entry.claimId} kept conflicting`);
}

/**
 * Commit a step: its writes (`items`, each with its own condition) and its audit record in ONE transaction, so
 * a claim never shows a state its trail does not prove, and a step costs one write request. Answers the audit
 * record, or null when one of the step's own conditions failed (the claim moved, or a concurrent claim used
 * the cap room first): the caller re-reads and decides again. A stale head is re-read and retried here.
 */
export async function commitWithAudit(items: readonly TxItem[], entry: AuditEntry, head?: AuditHead | null): Promise<AuditRecord | null> {
  let known: AuditHead | null | undefined = head; // undefined: not known; null: known to be empty
  for (let attempt = 0; attempt < 12; attempt++) {
    if (known === undefined) {
      const last = await lastRecord(entry.claimId);
      known = last ? headOf(last) : null;
    }
    const record = buildRecord(entry, known);
    try {
      await documentClient().send(new TransactWriteCommand({ TransactItems: [...items, auditPut(record)] }));
      return record;
    } catch (err) {
      if (!(err instanceof TransactionCanceledException)) throw err;
      const reasons = err.CancellationReasons ?? [];
      if (reasons.slice(0, items.length).some((r) => r.Code === 'ConditionalCheckFailed')) return null;
      if (reasons[items.length]?.Code === 'ConditionalCheckFailed')
        known = undefined; // stale head
      else await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 20))); // a conflicting transaction
    }
  }
  throw new TransientError(`commit of ${entry.step} for ${entry.claimId} kept conflicting`);
}

/** Where a chain ends now (a consistent read): lets a reader tell whether records were appended while it read. */
export async function chainHead(claimId: string): Promise<AuditHead | null> {
  const last = await lastRecord(claimId);
  return last ? headOf(last) : null;
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
