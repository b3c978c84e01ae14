/**
 * The medical bureau's feeds as stored (table `medicalFeeds`): item `FEED` is the file (scheme, sha256, size,
 * encoding, rows, who sent it, status) and item `ROW#<line>` the outcome of one row. Nothing is a bumped counter:
 * counts and control totals are summed from the row items and the claims they filed when read, so a retried
 * batch can never count a row twice (its outcome item is written once, conditionally). The feed has its own audit
 * chain, `FEED#<feedId>`: FeedReceived (sender, sha256, size, rows) and FeedFinished (counts and totals). Row
 * items hold the identity number masked only; the name in the file is not kept.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { FEED_ENCODINGS, ROW_OUTCOMES, type FeedEncoding, type RowOutcome, type RowProblem } from '#core/index.js';
import { documentClient, tableName } from './aws.js';
import { commitWithAudit } from './audit.js';
import { batchGetAll, queryAll } from './query-all.js';
import { mergedPage, type MergedCursor } from './merged-page.js';
import { checkedItems } from './stored-item.js';
import type { ClaimRecord } from './claim-record.js';

export type FeedStatus = 'FILING' | 'DONE';

export interface MedicalFeedRecord {
  readonly feedId: string;
  readonly item: 'FEED';
  readonly schemeId: string;
  readonly sha256: string;
  readonly bytes: number;
  readonly encoding: FeedEncoding;
  /** Data rows in the file (the header not counted). */
  readonly rows: number;
  readonly sentBy: string;
  readonly createdAt: string;
  status: FeedStatus;
  completedAt?: string | null;
  /** Admin redrives of the feed's workflow so far (absent: none); the latest execution is `<feedId>-r<redrives>`. */
  readonly redrives?: number;
}

/** One row's outcome, as the report lists it. Never the identity number, never the name. */
export interface FeedRowOutcome {
  readonly line: number;
  readonly outcome: RowOutcome;
  readonly hospitalCode?: string | null;
  readonly invoiceNo?: string | null;
  /** The identity number masked (4209**********1234), for rows whose number was well formed. */
  readonly idMasked?: string | null;
  /** The claim the row filed (FILED), or the claim it repeats (DUPLICATE, CONFLICT). */
  readonly claimId?: string | null;
  readonly totalCost?: number | null;
  /**
   * BAD_ROW: each bad field's problem; otherwise why (which line or claim it repeats, a registry error). Kept as
   * data, rendered for each reader (core/medical-feed.ts sayRowProblem); rows recorded before that hold English text.
   */
  readonly problems?: readonly (RowProblem | string)[];
}

const FEED = 'FEED';
/** Row items sort by line: 9 digits cover MAX_FEED_ROWS with room (a multi-line quoted field spans lines). */
export function rowItemKey(line: number): string {
  return `ROW#${String(line).padStart(9, '0')}`;
}

export function feedChainId(feedId: string): string {
  return `FEED#${feedId}`;
}

/**
 * Stores the feed unless it exists, with its FeedReceived audit record in the same transaction. Answers the
 * stored record and whether this call created it: a resent file (same bytes, same scheme → same feedId) gets
 * the feed it already is, and nothing is recorded twice.
 */
export async function recordFeed(rec: Omit<MedicalFeedRecord, 'item' | 'status'>): Promise<{ created: boolean; record: MedicalFeedRecord }> {
  const record: MedicalFeedRecord = { ...rec, item: FEED, status: 'FILING' };
  // `listScheme` puts the FEED item (not its rows) in the index byScheme that GET /medical-feeds reads.
  const item = { ...record, listScheme: rec.schemeId };
  const audit = await commitWithAudit(
    [{ Put: { TableName: tableName('medicalFeeds'), Item: item, ConditionExpression: 'attribute_not_exists(feedId)' } }],
    {
      claimId: feedChainId(rec.feedId),
      step: 'FeedReceived',
      actor: rec.sentBy,
      input: { schemeId: rec.schemeId, sha256: rec.sha256 },
      output: { feedId: rec.feedId },
      decision: 'FILING',
      figures: { schemeId: rec.schemeId, sha256: rec.sha256, bytes: rec.bytes, encoding: rec.encoding, rows: rec.rows },
    },
    null,
  );
  if (audit) return { created: true, record };
  const existing = await getFeed(rec.feedId);
  if (!existing) throw new Error(`feed ${rec.feedId} was neither created nor found`);
  return { created: false, record: existing };
}

/** The feed's workflow execution: named after the feed, and its n-th redrive's `<feedId>-r<n>`. */
export function feedExecutionName(feedId: string, redrive = 0): string {
  return redrive > 0 ? `${feedId}-r${redrive}` : feedId;
}

/**
 * Records an admin's redrive of a feed still FILING: `redrives` raised from `n` (what the caller read) to n + 1,
 * with a FeedRedriven record on the feed's chain in the same transaction. False when the condition failed (another
 * redrive, or this one re-sent after its answer was lost, or the feed finished meanwhile): the caller re-reads.
 */
export async function recordFeedRedrive(feedId: string, n: number, actor: string, note: string): Promise<boolean> {
  const audit = await commitWithAudit(
    [
      {
        Update: {
          TableName: tableName('medicalFeeds'),
          Key: { feedId, item: FEED },
          UpdateExpression: 'SET redrives = :next',
          ConditionExpression: '#s = :filing AND (attribute_not_exists(redrives) OR redrives = :n)',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':next': n + 1, ':filing': 'FILING', ':n': n },
        },
      },
    ],
    {
      claimId: feedChainId(feedId),
      step: 'FeedRedriven',
      actor,
      input: { note },
      output: { feedId, redrives: n + 1, execution: feedExecutionName(feedId, n + 1) },
      decision: 'FILING',
    },
  );
  return audit !== null;
}

export async function getFeed(feedId: string): Promise<MedicalFeedRecord | undefined> {
  const out = await documentClient().send(
    new GetCommand({ TableName: tableName('medicalFeeds'), Key: { feedId, item: FEED }, ConsistentRead: true }),
  );
  return out.Item as MedicalFeedRecord | undefined;
}

/**
 * Records row outcomes, each once: a row whose outcome is stored already keeps it (a retried batch re-derives the
 * same outcome from the same store, and the first one written is the one the report shows).
 */
export async function recordRowOutcomes(feedId: string, outcomes: readonly FeedRowOutcome[], concurrency = 16): Promise<void> {
  const queue = [...outcomes];
  await Promise.all(
    Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      for (let o = queue.shift(); o; o = queue.shift()) {
        try {
          await documentClient().send(
            new PutCommand({
              TableName: tableName('medicalFeeds'),
              Item: { feedId, item: rowItemKey(o.line), ...o },
              ConditionExpression: 'attribute_not_exists(#i)',
              ExpressionAttributeNames: { '#i': 'item' },
            }),
          );
        } catch (err) {
          if (!(err instanceof ConditionalCheckFailedException)) throw err;
        }
      }
    }),
  );
}

/**
 * Ranges of line numbers the full report reads at once. A 10,000-row feed's row items are about 3 MB: query pages
 * of 1 MB read one after another, then its claims. Split by line number, each range reads its rows and then its
 * claims while the others do the same. Four requests in flight at a time, as before the split.
 */
const REPORT_RANGES = 4;

/**
 * Splits every possible line number (rowItemKey's 9 digits) into `parts` ranges, the cuts spread over the data
 * lines of a file of `rows` rows (lines 2 to rows + 1). A file whose records span more lines (quoted line breaks,
 * blank lines) only makes the last range longer: together the ranges still cover every line.
 */
export function lineRanges(rows: number, parts: number): Array<[number, number]> {
  const n = Math.max(1, Math.min(parts, rows));
  const cuts = Array.from({ length: n - 1 }, (_, i) => 2 + Math.ceil(((i + 1) * rows) / n));
  const starts = [0, ...cuts];
  return starts.map((lo, i) => [lo, (cuts[i] ?? 1_000_000_000) - 1]);
}

/** The row outcomes recorded on lines lo to hi, in line order. */
async function rowOutcomesIn(feedId: string, [lo, hi]: [number, number]): Promise<FeedRowOutcome[]> {
  const items = await queryAll<FeedRowOutcome & { feedId?: string; item?: string }>({
    TableName: tableName('medicalFeeds'),
    KeyConditionExpression: 'feedId = :f AND #i BETWEEN :lo AND :hi',
    ExpressionAttributeNames: { '#i': 'item' },
    ExpressionAttributeValues: { ':f': feedId, ':lo': rowItemKey(lo), ':hi': rowItemKey(hi) },
    ConsistentRead: true,
  });
  return items.map(({ feedId: _f, item: _i, ...o }) => o);
}

/** Every row outcome recorded so far, in line order. */
export async function rowOutcomes(feedId: string): Promise<FeedRowOutcome[]> {
  return rowOutcomesIn(feedId, [0, 999_999_999]);
}

/** What a filed claim contributes to the totals: its status and, once decided to pay, its payout. */
interface ClaimFigures {
  readonly claimId: string;
  readonly status: string;
  readonly payout: number | null;
}

/** Statuses whose assessed payout is owed to the hospital (decided to pay; settling or paid). */
const PAYING: ReadonlySet<string> = new Set(['APPROVED', 'SETTLING', 'PAID']);
/** Statuses that are final for the report: no payout will change any more. */
const DECIDED: ReadonlySet<string> = new Set(['APPROVED', 'SETTLING', 'PAID', 'REJECTED', 'CLOSED_NO_PAYOUT']);

/** A range's claims, one BatchGetItem at a time (REPORT_RANGES ranges read together). */
async function claimFigures(claimIds: readonly string[]): Promise<Map<string, ClaimFigures>> {
  const items = await batchGetAll(
    tableName('claims'),
    claimIds.map((claimId) => ({ claimId })),
    { what: 'claim', atOnce: 1, projection: 'claimId, #s, assessment.payout', names: { '#s': 'status' } },
  );
  const out = new Map<string, ClaimFigures>();
  for (const c of items as Pick<ClaimRecord, 'claimId' | 'status' | 'assessment'>[]) {
    out.set(c.claimId, { claimId: c.claimId, status: c.status, payout: c.assessment?.payout ?? null });
  }
  return out;
}

/** A sum of fen: a number while it is a safe integer (always, for real files), else its exact decimal string. */
export type FenTotal = number | string;
function fenTotal(v: bigint): FenTotal {
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

export interface FeedReport {
  readonly feedId: string;
  readonly schemeId: string;
  readonly status: FeedStatus;
  readonly rows: number;
  /** Rows whose outcome is recorded so far (equals `rows` once every batch ran). */
  readonly rowsDone: number;
  readonly counts: Record<RowOutcome, number>;
  readonly claimsByStatus: Record<string, number>;
  /** Filed claims not decided yet (RECEIVED, PENDING_REVIEW, FAILED): until 0, payouts may still change. */
  readonly undecided: number;
  /**
   * For the bureau's reconciliation: `filedRows` and `totalCost` over the rows that filed a claim, `totalPayout`
   * the sum of those claims' payouts (APPROVED, SETTLING, PAID), and the same per hospital. Fen.
   */
  readonly controlTotals: {
    readonly rows: number;
    readonly filedRows: number;
    readonly totalCost: FenTotal;
    readonly totalPayout: FenTotal;
    readonly byHospital: readonly { hospitalCode: string; rows: number; totalCost: FenTotal; payout: FenTotal }[];
  };
  readonly outcomes: readonly FeedRowOutcome[];
}

/** The feed's report, summed from its row items and its claims as they are now. */
export async function feedReport(feed: MedicalFeedRecord): Promise<FeedReport> {
  const parts = await Promise.all(
    lineRanges(feed.rows, REPORT_RANGES).map(async (range) => {
      const rows = await rowOutcomesIn(feed.feedId, range);
      const filed = rows.filter((o) => o.outcome === 'FILED' && o.claimId);
      return { rows, filed, claims: await claimFigures(filed.map((o) => o.claimId as string)) };
    }),
  );
  const outcomes = parts.flatMap((p) => p.rows);
  const counts = Object.fromEntries(ROW_OUTCOMES.map((o) => [o, 0])) as Record<RowOutcome, number>;
  for (const o of outcomes) counts[o.outcome]++;
  const filed = parts.flatMap((p) => p.filed);
  const claims = new Map(parts.flatMap((p) => [...p.claims]));
  const claimsByStatus: Record<string, number> = {};
  let undecided = 0;
  let totalCost = 0n;
  let totalPayout = 0n;
  const hospitals = new Map<string, { rows: number; totalCost: bigint; payout: bigint }>();
  for (const o of filed) {
    const c = claims.get(o.claimId as string);
    const status = c?.status ?? 'MISSING';
    claimsByStatus[status] = (claimsByStatus[status] ?? 0) + 1;
    if (!DECIDED.has(status)) undecided++;
    const payout = c && PAYING.has(c.status) ? BigInt(c.payout ?? 0) : 0n;
    const cost = BigInt(o.totalCost ?? 0);
    totalCost += cost;
    totalPayout += payout;
    const code = o.hospitalCode ?? '';
    const h = hospitals.get(code) ?? { rows: 0, totalCost: 0n, payout: 0n };
    hospitals.set(code, { rows: h.rows + 1, totalCost: h.totalCost + cost, payout: h.payout + payout });
  }
  return {
    feedId: feed.feedId,
    schemeId: feed.schemeId,
    status: feed.status,
    rows: feed.rows,
    rowsDone: outcomes.length,
    counts,
    claimsByStatus,
    undecided,
    controlTotals: {
      rows: feed.rows,
      filedRows: filed.length,
      totalCost: fenTotal(totalCost),
      totalPayout: fenTotal(totalPayout),
      byHospital: [...hospitals]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([hospitalCode, h]) => ({ hospitalCode, rows: h.rows, totalCost: fenTotal(h.totalCost), payout: fenTotal(h.payout) })),
    },
    outcomes,
  };
}

/**
 * Marks the feed DONE (once) and appends FeedFinished with its counts and totals to the feed's chain, in one
 * transaction. Called when every row has its outcome and every claim is decided; a repeated call (a retried
 * step) finds the feed DONE and appends nothing. Answers the report it recorded, or null if it was done already.
 * `computed`: the feed's report just computed by the caller (consistent reads), recorded as it is.
 */
export async function finishFeed(feedId: string, actor: string, computed?: FeedReport): Promise<FeedReport | null> {
  const feed = await getFeed(feedId);
  if (!feed) throw new Error(`feed ${feedId} does not exist`);
  if (feed.status === 'DONE') return null;
  // The caller's report when it has just computed one (SettleFeed: read once, not twice, at the end of a feed).
  const report = computed ?? (await feedReport(feed));
  const { rows, totalCost, totalPayout } = report.controlTotals;
  const audit = await commitWithAudit(
    [
      {
        Update: {
          TableName: tableName('medicalFeeds'),
          Key: { feedId, item: FEED },
          UpdateExpression: 'SET #s = :done, completedAt = :at',
          ConditionExpression: '#s = :filing',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':done': 'DONE', ':filing': 'FILING', ':at': new Date().toISOString() },
        },
      },
    ],
    {
      claimId: feedChainId(feedId),
      step: 'FeedFinished',
      actor,
      input: { feedId },
      output: { counts: report.counts, controlTotals: report.controlTotals },
      decision: 'DONE',
      figures: { rows, counts: report.counts, totalCost, totalPayout, undecided: report.undecided },
    },
  );
  return audit ? { ...report, status: 'DONE' } : null;
}

/** One feed as GET /medical-feeds lists it: the file and its state, no row data. */
export interface FeedListItem {
  readonly feedId: string;
  readonly schemeId: string;
  readonly status: FeedStatus;
  readonly rows: number;
  readonly sentBy: string;
  readonly createdAt: string;
  readonly completedAt: string | null;
  readonly encoding: FeedEncoding;
  readonly bytes: number;
  readonly redrives: number;
}

/** A FEED item read from the index byScheme, checked: the fields a list row shows (sha256 is not shown, not checked). */
const ListedFeed = z.object({
  feedId: z.string().min(1),
  item: z.literal(FEED),
  listScheme: z.string().min(1),
  schemeId: z.string().min(1),
  status: z.enum(['FILING', 'DONE']),
  rows: z.number().int().min(0),
  sentBy: z.string(),
  createdAt: z.string().min(1),
  completedAt: z.string().nullish(),
  encoding: z.enum(FEED_ENCODINGS),
  bytes: z.number().int().min(0),
  redrives: z.number().int().min(0).optional(),
});

/** The index key of a listed feed: its position in the cursor. */
export const FEED_LIST_KEY = ['feedId', 'item', 'listScheme', 'createdAt'] as const;

/**
 * A page of feeds, newest first, of the given schemes (one partition of byScheme each, merged: merged-page.ts),
 * with `status` a filter (a feed's status changes, its place in the index does not, so it is no key).
 */
export async function feedsPage(
  o: { schemeIds: readonly string[]; status?: FeedStatus },
  limit: number,
  cursor?: MergedCursor,
): Promise<{ items: FeedListItem[]; next: MergedCursor | undefined }> {
  const partitions = [...o.schemeIds].sort().map((schemeId) => ({
    name: schemeId,
    query: {
      TableName: tableName('medicalFeeds'),
      IndexName: 'byScheme',
      KeyConditionExpression: 'listScheme = :s',
      ...(o.status
        ? {
            FilterExpression: '#st = :st',
            ExpressionAttributeNames: { '#st': 'status' },
            ExpressionAttributeValues: { ':s': schemeId, ':st': o.status },
          }
        : { ExpressionAttributeValues: { ':s': schemeId } }),
    },
  }));
  const page = await mergedPage<Record<string, unknown>>(
    partitions,
    limit,
    (i) => String(i.createdAt),
    (i) => Object.fromEntries(FEED_LIST_KEY.map((k) => [k, String(i[k])])),
    cursor,
  );
  const items = checkedItems<typeof ListedFeed, z.output<typeof ListedFeed>>(
    ListedFeed,
    page.items,
    { table: 'medicalFeeds', what: 'medical feed (index byScheme)' },
    (i) => `${String(i.feedId)}/${String(i.item)}`,
  ).map((f) => ({
    feedId: f.feedId,
    schemeId: f.schemeId,
    status: f.status,
    rows: f.rows,
    sentBy: f.sentBy,
    createdAt: f.createdAt,
    completedAt: f.completedAt ?? null,
    encoding: f.encoding,
    bytes: f.bytes,
    redrives: f.redrives ?? 0,
  }));
  return { items, next: page.next };
}
