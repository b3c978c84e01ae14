/**
 * The auditSamples table (tables.ts): after-payment audit samples, their findings, and the markers of paid claims
 * objected to, which the scheme's next sample takes in.
 */
import { DeleteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { SampleFinding, SampleParams, SampledClaim } from '#core/audit-sample.js';
import { documentClient, tableName } from './aws.js';
import { queryAll } from './query-all.js';
import type { TxItem } from './audit.js';

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
  const items = await queryAll<{ sk: string }>({
    TableName: tableName('auditSamples'),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': objectedPk(schemeId) },
    ConsistentRead: true,
  });
  return items.map((i) => i.sk);
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
      Item: { pk: samplePk(sample.sampleId), sk: 'SAMPLE', ...sample },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

export async function getSample(sampleId: string): Promise<StoredSample | undefined> {
  const out = await documentClient().send(
    new GetCommand({ TableName: tableName('auditSamples'), Key: { pk: samplePk(sampleId), sk: 'SAMPLE' }, ConsistentRead: true }),
  );
  if (!out.Item) return undefined;
  const { pk: _pk, sk: _sk, ...sample } = out.Item;
  return sample as StoredSample;
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
  const items = await queryAll<StoredFinding & { pk: string; sk: string }>({
    TableName: tableName('auditSamples'),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :c)',
    ExpressionAttributeValues: { ':pk': samplePk(sampleId), ':c': 'CLAIM#' },
    ConsistentRead: true,
  });
  return items.map(({ pk: _pk, sk: _sk, ...f }) => f);
}
