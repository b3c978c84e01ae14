/**
 * The auditSamples table (tables.ts): after-payment audit samples, their findings, and the markers of paid claims
 * objected to, which the scheme's next sample takes in.
 */
import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { SAMPLE_FINDINGS, type SampleFinding, type SampleParams, type SampledClaim } from '#core/audit-sample.js';
import { documentClient, tableName } from './aws.js';
import { checkedItem, checkedItems } from './stored-item.js';
import { countAll, queryAll } from './query-all.js';
import { mergedPage, type MergedCursor } from './merged-page.js';
import type { TxItem } from './audit.js';

const keyOfItem = (i: Record<string, unknown>) => `${String(i.pk)}/${String(i.sk)}`;

/** Samples, findings and objection markers as stored, checked on every read (all of each: the API shows them). */
const SampleItem = z.object({
  sampleId: z.string().min(1),
  schemeId: z.string().min(1),
  from: z.string(),
  to: z.string(),
  params: z.object({ randomBp: z.number().int().min(0).max(10_000), minPayout: z.number().int().min(0), seed: z.string() }),
  population: z.object({ count: z.number().int().min(0), digest: z.string() }),
  claims: z.array(z.object({ claimId: z.string().min(1), reasons: z.array(z.enum(['AMOUNT', 'RANDOM', 'OBJECTION'])) })),
  drawnBy: z.string(),
  drawnAt: z.string(),
});
const FindingItem = z.object({
  claimId: z.string().min(1),
  finding: z.enum(SAMPLE_FINDINGS),
  note: z.string(),
  auditor: z.string(),
  at: z.string(),
});
const MarkerItem = z.object({ sk: z.string().min(1), objectedAt: z.string() });

const objectedPk = (schemeId: string) => `OBJECTED#${schemeId}`;
export const samplePk = (sampleId: string) => `SAMPLE#${sampleId}`;
/** The audit chain of a sample (the audit table's partition key): its drawing and every finding. */
export const sampleChain = (sampleId: string) => `AUDITSAMPLE#${sampleId}`;

/**
 * The marker of a claim objected to after its payment was decided: an update, not a conditional put, so a second
 * objection (or a retried first) keeps the first one's time and never fails the objection's transaction.
 */
export function objectionMarkerItem(schemeId: string, claimId: string, at: string): TxItem {
  return {
    Update: {
      TableName: tableName('auditSamples'),
      Key: { pk: objectedPk(schemeId), sk: claimId },
      UpdateExpression: 'SET objectedAt = if_not_exists(objectedAt, :at)',
      ExpressionAttributeValues: { ':at': at },
    },
  };
}

/** The scheme's claims objected to and not yet in a sample. */
export async function objectedClaims(schemeId: string): Promise<string[]> {
  const items = await queryAll<unknown>({
    TableName: tableName('auditSamples'),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': objectedPk(schemeId) },
    ConsistentRead: true,
  });
  return checkedItems(MarkerItem, items, { table: 'auditSamples', what: 'objection marker' }, keyOfItem).map((i) => i.sk);
}

/** Markers a sample took in: removed after the sample is stored (a retry removes what is left; removing twice is harmless). */
export async function removeObjectionMarkers(schemeId: string, claimIds: readonly string[]): Promise<void> {
  for (const claimId of claimIds) {
    await documentClient().send(new DeleteCommand({ TableName: tableName('auditSamples'), Key: { pk: objectedPk(schemeId), sk: claimId } }));
  }
}

export interface StoredSample {
  readonly sampleId: string;
  readonly schemeId: string;
  readonly from: string;
  readonly to: string;
  readonly params: SampleParams;
  /** Paid claims approved in the period when the sample was drawn: how many, and SHA-256 of `claimId:payout` lines. */
  readonly population: { readonly count: number; readonly digest: string };
  readonly claims: readonly SampledClaim[];
  readonly drawnBy: string;
  readonly drawnAt: string;
}

export function sampleItem(sample: StoredSample): TxItem {
  return {
    Put: {
      TableName: tableName('auditSamples'),
      // `listScheme` puts the SAMPLE item (not its findings) in the index byScheme that GET /audit-samples reads;
      // `claimCount` is what the list shows of `claims`, which the index does not carry.
      Item: { pk: samplePk(sample.sampleId), sk: 'SAMPLE', ...sample, listScheme: sample.schemeId, claimCount: sample.claims.length },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

export async function getSample(sampleId: string): Promise<StoredSample | undefined> {
  const out = await documentClient().send(
    new GetCommand({ TableName: tableName('auditSamples'), Key: { pk: samplePk(sampleId), sk: 'SAMPLE' }, ConsistentRead: true }),
  );
  if (!out.Item) return undefined;
  const {
    pk: _pk,
    sk: _sk,
    listScheme: _list,
    claimCount: _count,
    ...sample
  } = checkedItem<typeof SampleItem, StoredSample & { pk: string; sk: string; listScheme?: string; claimCount?: number }>(SampleItem, out.Item, {
    table: 'auditSamples',
    key: keyOfItem(out.Item),
    what: 'audit sample',
  });
  return sample;
}

export interface StoredFinding {
  readonly claimId: string;
  readonly finding: SampleFinding;
  readonly note: string;
  readonly auditor: string;
  readonly at: string;
}

/** One finding per sampled claim, written once (a second is refused: a finding is evidence, not a draft). */
export function findingItem(sampleId: string, f: StoredFinding): TxItem {
  return {
    Put: {
      TableName: tableName('auditSamples'),
      Item: { pk: samplePk(sampleId), sk: `CLAIM#${f.claimId}`, ...f },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

export async function sampleFindings(sampleId: string): Promise<StoredFinding[]> {
  const items = await queryAll<unknown>({
    TableName: tableName('auditSamples'),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :c)',
    ExpressionAttributeValues: { ':pk': samplePk(sampleId), ':c': 'CLAIM#' },
    ConsistentRead: true,
  });
  return checkedItems<typeof FindingItem, StoredFinding & { pk: string; sk: string }>(
    FindingItem,
    items,
    { table: 'auditSamples', what: 'audit sample finding' },
    keyOfItem,
  ).map(({ pk: _pk, sk: _sk, ...f }) => f);
}

/** One sample as GET /audit-samples lists it. */
export interface SampleListItem {
  readonly sampleId: string;
  readonly schemeId: string;
  readonly from: string;
  readonly to: string;
  readonly drawnBy: string;
  readonly drawnAt: string;
  readonly claimCount: number;
  /** Findings recorded so far (of claimCount). */
  readonly findingsRecorded: number;
}

/** A SAMPLE item as the index byScheme carries it (tables.ts: its INCLUDE list), checked. */
const ListedSample = z.object({
  pk: z.string().min(1),
  sk: z.literal('SAMPLE'),
  listScheme: z.string().min(1),
  sampleId: z.string().min(1),
  schemeId: z.string().min(1),
  from: z.string(),
  to: z.string(),
  drawnBy: z.string(),
  drawnAt: z.string().min(1),
  claimCount: z.number().int().min(0),
});

/** The index key of a listed sample: its position in the cursor. */
export const SAMPLE_LIST_KEY = ['pk', 'sk', 'listScheme', 'drawnAt'] as const;

/**
 * The findings recorded for a sample: a COUNT query of its CLAIM# items. It reads those items (DynamoDB counts
 * what it reads), so a listed sample costs about its findings' size in reads: at most MAX_SAMPLE small items.
 */
async function findingsRecorded(sampleId: string): Promise<number> {
  return countAll({
    TableName: tableName('auditSamples'),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :c)',
    ExpressionAttributeValues: { ':pk': samplePk(sampleId), ':c': 'CLAIM#' },
  });
}

/** A page of samples, newest first, of the given schemes (one partition of byScheme each, merged: merged-page.ts). */
export async function samplesPage(
  schemeIds: readonly string[],
  limit: number,
  cursor?: MergedCursor,
): Promise<{ items: SampleListItem[]; next: MergedCursor | undefined }> {
  const partitions = [...schemeIds].sort().map((schemeId) => ({
    name: schemeId,
    query: {
      TableName: tableName('auditSamples'),
      IndexName: 'byScheme',
      KeyConditionExpression: 'listScheme = :s',
      ExpressionAttributeValues: { ':s': schemeId },
    },
  }));
  const page = await mergedPage<Record<string, unknown>>(
    partitions,
    limit,
    (i) => String(i.drawnAt),
    (i) => Object.fromEntries(SAMPLE_LIST_KEY.map((k) => [k, String(i[k])])),
    cursor,
  );
  const listed = checkedItems<typeof ListedSample, z.output<typeof ListedSample>>(
    ListedSample,
    page.items,
    { table: 'auditSamples', what: 'audit sample (index byScheme)' },
    keyOfItem,
  );
  const counts = await Promise.all(listed.map((s) => findingsRecorded(s.sampleId)));
  const items = listed.map((s, i) => ({
    sampleId: s.sampleId,
    schemeId: s.schemeId,
    from: s.from,
    to: s.to,
    drawnBy: s.drawnBy,
    drawnAt: s.drawnAt,
    claimCount: s.claimCount,
    findingsRecorded: counts[i]!,
  }));
  return { items, next: page.next };
}
