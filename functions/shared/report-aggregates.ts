/**
 * The report's running totals in the store (core/report-aggregates.ts says what is counted). Items of the
 * reports table, `REPORT#<schemeId>#<year>#<shard>`, one attribute per counter. Every claim move adds its
 * delta to one shard in the same transaction as the move (the claim's condition guards both), so a retried step
 * that finds the claim moved adds nothing. Why shards: every claim of a scheme and year would otherwise update
 * the same item, and two writes to one item are serialised (DynamoDB's transaction conflicts on AWS, one write
 * per item per merged transaction when the embedded runtime batches writes), which would make a county's fan-out single file.
 * A claim always writes to the shard its id hashes to; the report reads every shard and sums.
 */
import { createHash } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import {
  addInto,
  claimTallyDeltas,
  householdTallyDeltas,
  type ClaimFacts,
  type Counters,
  type EnrolledHousehold,
  type TallyDelta,
} from '#core/report-aggregates.js';
import { schemes } from './catalogue.js';
import { documentClient, tableName } from './aws.js';
import { settingValue } from './config.js';
import type { TxItem } from './audit.js';
import type { ClaimRecord } from './claim-record.js';

/**
 * Shard items per scheme and year that the report reads and sums. Moves are written to the first
 * `FANGPIN_REPORT_SHARDS` of them: 64 on AWS, where concurrent Lambdas then rarely meet on one item; 4 embedded,
 * where the runtime sends the writes of many claims as one request and adds up the counts that meet on an item
 * (docs/architecture.md, section 1).
 */
export const REPORT_SHARDS = 64;
export const REPORT_KEY_PREFIX = 'REPORT#';

export function reportItemKey(schemeId: string, year: string, shard: number): string {
  return `${REPORT_KEY_PREFIX}${schemeId}#${year}#${shard}`;
}

/**
 * The shard a claim (or household) writes to: a hash of its id over the shards written, so its moves always land on
 * one item. Which shard holds a count changes no figure (the report sums every shard); `npm run reports -- check`
 * compares the sums per scheme and year, and `rebuild` puts each count where this says.
 */
export function shardOf(id: string): number {
  return createHash('sha256').update(id).digest().readUInt32BE(0) % Math.min(REPORT_SHARDS, settingValue('FANGPIN_REPORT_SHARDS'));
}

/** The fields of a stored claim its report contribution depends on. */
export function claimFacts(c: ClaimRecord): ClaimFacts {
  return {
    schemeId: c.schemeId,
    product: c.product,
    incidentDate: c.submission.incidentDate,
    county: c.county ?? null,
    status: c.status,
    payout: c.assessment?.payout ?? null,
    createdAt: c.createdAt,
    paidAt: c.paidAt ?? null,
  };
}

const holidaysOf = (schemeId: string) => schemes().get(schemeId)?.holidays ?? [];

/** ADD each counter of the delta on the shard's item: an unconditional add (the claim's own item carries the condition). */
function addItem(delta: TallyDelta, shard: number): TxItem {
  const names: Record<string, string> = {};
  const values: Record<string, number> = {};
  const adds = Object.entries(delta.counters).map(([k, v], i) => {
    names[`#c${i}`] = k;
    values[`:c${i}`] = v;
    return `#c${i} :c${i}`;
  });
  return {
    Update: {
      TableName: tableName('reports'),
      Key: { pk: reportItemKey(delta.schemeId, delta.year, shard) },
      UpdateExpression: `ADD ${adds.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
}

/**
 * The transaction items that count a claim's move (before → after; before null when it is being created): to be
 * committed with the claim's own conditional write. Empty when the move changes no figure.
 */
export function countClaimMove(before: ClaimRecord | null, after: ClaimRecord): TxItem[] {
  return claimTallyDeltas(before ? claimFacts(before) : null, claimFacts(after), holidaysOf).map((d) => addItem(d, shardOf(after.claimId)));
}

/** The transaction items that count a registry import of a household (its premiums), before → after. */
export function countHouseholdImport(householdId: string, before: EnrolledHousehold | null, after: EnrolledHousehold | null): TxItem[] {
  return householdTallyDeltas(before, after, (id) => schemes().get(id)).map((d) => addItem(d, shardOf(householdId)));
}

/** A stored shard: its key and numeric counters (anything else on the item is not ours). */
const ReportShard = z.object({ pk: z.string() }).catchall(z.unknown());
function countersOf(item: unknown): Counters {
  const parsed = ReportShard.parse(item);
  const out: Counters = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (k === 'pk') continue;
    const n = z.number().int().safeParse(v);
    if (!n.success) throw new Error(`report item ${parsed.pk}: counter ${k} is not an integer`);
    out[k] = n.data;
  }
  return out;
}

/** The summed counters of a scheme's year: one consistent read per shard (a fixed cost, whatever the history). */
export async function readReportTotals(schemeId: string, year: string): Promise<Counters> {
  const shards = await Promise.all(
    Array.from({ length: REPORT_SHARDS }, (_, shard) =>
      documentClient().send(
        new GetCommand({ TableName: tableName('reports'), Key: { pk: reportItemKey(schemeId, year, shard) }, ConsistentRead: true }),
      ),
    ),
  );
  const sum: Counters = {};
  for (const out of shards) if (out.Item) addInto(sum, countersOf(out.Item));
  return sum;
}

/** The counters of one stored shard item, for the rebuild's comparison. */
export function storedShardCounters(item: Record<string, unknown>): Counters {
  return countersOf(item);
}
