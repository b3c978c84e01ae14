/**
 * A feed's cheap progress read. The full report (medical-feeds-repo.ts feedReport) reads every row item and every
 * filed claim: exact, and O(rows) per read, too dear for a screen polling a large feed or for the settle loop.
 * So each batch, once its row outcomes are recorded, writes ONE summary item `BATCH#<first line>` (rows, counts by
 * outcome, and the filed rows' control figures), written once: a retried batch finds it and writes nothing, as
 * for row items. Progress sums those summaries (one item per 100 rows) and counts the feed's undecided claims
 * on the claims' `byStatus` index, each undecided status from the feed's start (its cost is the undecided claims
 * created since then, not the feed's size). It is progress, not the report: a batch counts once it has finished
 * (granularity one batch), a summary holds what its first finished attempt derived, and the index is eventually
 * consistent. Whatever decides (SettleFeed) checks the full report before it acts.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { CLAIM_STATUSES, ROW_OUTCOMES, type RowOutcome } from '#core/index.js';
import { documentClient, tableName } from './aws.js';
import { countAll, queryAll } from './query-all.js';
import { checkedItems } from './stored-item.js';
import type { FeedRowOutcome, MedicalFeedRecord } from './medical-feeds-repo.js';
import { claimsCreatedSince } from './created-since.js';

/** Statuses final for a feed's report (as feedReport's DECIDED); the others are what `claimsUndecided` counts. */
const DECIDED_STATUSES: ReadonlySet<string> = new Set(['APPROVED', 'SETTLING', 'PAID', 'REJECTED', 'CLOSED_NO_PAYOUT']);
export const UNDECIDED_STATUSES: readonly string[] = CLAIM_STATUSES.filter((s) => !DECIDED_STATUSES.has(s));

/** Summary items sort by the batch's first line, as row items do (9 digits: see rowItemKey). */
export function batchSummaryKey(firstLine: number): string {
  return `BATCH#${String(firstLine).padStart(9, '0')}`;
}

const count = z.number().int().min(0);
/** One batch's summary as stored. Per batch a few hundred rows at most, so its fen sums are safe integers. */
const BatchSummaryItem = z.object({
  feedId: z.string(),
  item: z.string().regex(/^BATCH#\d{9}$/),
  firstLine: z.number().int().min(2),
  rows: z.number().int().min(1),
  counts: z.object(Object.fromEntries(ROW_OUTCOMES.map((o) => [o, count])) as Record<RowOutcome, typeof count>),
  filedRows: count,
  totalCost: count,
  byHospital: z.record(z.string(), z.object({ rows: count, totalCost: count })),
  at: z.string(),
});
export type BatchSummary = z.infer<typeof BatchSummaryItem>;

/** What a batch's outcomes sum to (the filed rows' figures, as feedReport sums them from the row items). */
export function summarizeBatch(feedId: string, outcomes: readonly FeedRowOutcome[], at = new Date().toISOString()): BatchSummary {
  const firstLine = Math.min(...outcomes.map((o) => o.line));
  const counts = Object.fromEntries(ROW_OUTCOMES.map((o) => [o, 0])) as Record<RowOutcome, number>;
  const byHospital: Record<string, { rows: number; totalCost: number }> = {};
  let filedRows = 0;
  let totalCost = 0;
  for (const o of outcomes) {
    counts[o.outcome]++;
    if (o.outcome !== 'FILED' || !o.claimId) continue;
    filedRows++;
    totalCost += o.totalCost ?? 0;
    const h = (byHospital[o.hospitalCode ?? ''] ??= { rows: 0, totalCost: 0 });
    h.rows++;
    h.totalCost += o.totalCost ?? 0;
  }
  return { feedId, item: batchSummaryKey(firstLine), firstLine, rows: outcomes.length, counts, filedRows, totalCost, byHospital, at };
}

/** Writes the batch's summary once; a retried batch (its summary there already) writes nothing. */
export async function recordBatchSummary(feedId: string, outcomes: readonly FeedRowOutcome[]): Promise<void> {
  if (outcomes.length === 0) return;
  try {
    await documentClient().send(
      new PutCommand({
        TableName: tableName('medicalFeeds'),
        Item: summarizeBatch(feedId, outcomes),
        ConditionExpression: 'attribute_not_exists(#i)',
        ExpressionAttributeNames: { '#i': 'item' },
      }),
    );
  } catch (err) {
    if (!(err instanceof ConditionalCheckFailedException)) throw err;
  }
}

/** Every batch summary of the feed, in line order. */
export async function batchSummaries(feedId: string, consistent = false): Promise<BatchSummary[]> {
  const items = await queryAll<Record<string, unknown>>({
    TableName: tableName('medicalFeeds'),
    KeyConditionExpression: 'feedId = :f AND begins_with(#i, :batch)',
    ExpressionAttributeNames: { '#i': 'item' },
    ExpressionAttributeValues: { ':f': feedId, ':batch': 'BATCH#' },
    ConsistentRead: consistent,
  });
  return checkedItems(BatchSummaryItem, items, { table: 'medicalFeeds', what: 'feed batch summary' }, (i) => `${String(i.feedId)} ${String(i.item)}`);
}

/**
 * The feed's claims in `status` (a Select COUNT over the claims' byStatus index, from the feed's start, filtered
 * on the feed): reads the claims of that status created since the feed began, whichever feed filed them.
 */
export async function feedClaimsIn(feed: MedicalFeedRecord, statuses: readonly string[]): Promise<number> {
  const since = claimsCreatedSince(feed.createdAt);
  let total = 0;
  for (const status of statuses)
    total += await countAll({
      TableName: tableName('claims'),
      IndexName: 'byStatus',
      KeyConditionExpression: '#s = :s AND createdAt >= :since',
      FilterExpression: 'medicalFeedId = :feed',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':s': status, ':since': since, ':feed': feed.feedId },
    });
  return total;
}

/** A sum of fen: a number while it is a safe integer, else its exact decimal string (as the report's). */
function fenTotal(v: bigint): number | string {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

export interface FeedProgress {
  readonly rows: number;
  /** Rows of the batches finished so far (a batch counts once it has recorded all its rows). */
  readonly rowsDone: number;
  readonly counts: Record<RowOutcome, number>;
  readonly claimsFiled: number;
  /** The feed's claims not decided yet (RECEIVED, PENDING_REVIEW, RETURNED, FAILED), by the status index. */
  readonly claimsUndecided: number;
  /** The feed's claims still being decided by the workflow (RECEIVED): while any, the feed is not done. */
  readonly claimsReceived: number;
  /** The filed rows' figures so far, from the summaries (payouts are the full report's: they need the claims). */
  readonly filed: {
    readonly rows: number;
    readonly totalCost: number | string;
    readonly byHospital: readonly { hospitalCode: string; rows: number; totalCost: number | string }[];
  };
}

/** Progress: O(batches + the feed's undecided claims) per read (see the top of this file). */
export async function feedProgress(feed: MedicalFeedRecord, opts: { consistent?: boolean } = {}): Promise<FeedProgress> {
  const [summaries, received, otherUndecided] = await Promise.all([
    batchSummaries(feed.feedId, opts.consistent),
    feedClaimsIn(feed, ['RECEIVED']),
    feedClaimsIn(
      feed,
      UNDECIDED_STATUSES.filter((s) => s !== 'RECEIVED'),
    ),
  ]);
  const counts = Object.fromEntries(ROW_OUTCOMES.map((o) => [o, 0])) as Record<RowOutcome, number>;
  const hospitals = new Map<string, { rows: number; totalCost: bigint }>();
  let rowsDone = 0;
  let filedRows = 0;
  let totalCost = 0n;
  for (const s of summaries) {
    rowsDone += s.rows;
    for (const o of ROW_OUTCOMES) counts[o] += s.counts[o];
    filedRows += s.filedRows;
    totalCost += BigInt(s.totalCost);
    for (const [code, h] of Object.entries(s.byHospital)) {
      const sum = hospitals.get(code) ?? { rows: 0, totalCost: 0n };
      hospitals.set(code, { rows: sum.rows + h.rows, totalCost: sum.totalCost + BigInt(h.totalCost) });
    }
  }
  return {
    rows: feed.rows,
    rowsDone,
    counts,
    claimsFiled: counts.FILED,
    claimsUndecided: received + otherUndecided,
    claimsReceived: received,
    filed: {
      rows: filedRows,
      totalCost: fenTotal(totalCost),
      byHospital: [...hospitals]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([hospitalCode, h]) => ({ hospitalCode, rows: h.rows, totalCost: fenTotal(h.totalCost) })),
    },
  };
}
