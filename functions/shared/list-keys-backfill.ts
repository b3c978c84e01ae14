/**
 * The list index keys of items stored before their index existed, written afterwards (`npm run reports -- rebuild`).
 * Each sparse index reads only items that carry its key, so an item from an older version stays out of its list
 * until it is given the key:
 * - `listScheme` on a feed's FEED item (GET /medical-feeds) and on a sample's SAMPLE item, with its `claimCount`
 *   (GET /audit-samples);
 * - `insurerStatus` on a settlement (an insurer's GET /settlements?status=);
 * - `schemeShard` on a household (GET /households, the monitoring job's slices) and `fanoutShard` (the slices an
 *   index event fans out over: without it a household gets no index claim);
 * - `warnedScheme` on a household with open warnings (GET /monitoring/warnings).
 *
 * Each key is derived from the item itself, as the code that writes new items derives it, and written under a
 * condition that the item is still as read (no key yet, the same status or scheme): a move that commits meanwhile
 * writes its own key and the backfill leaves that item alone. Running it again writes nothing. An offline tool: it
 * scans each table once, filtered on the missing key.
 */
import { ScanCommand, UpdateCommand, type ScanCommandInput, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { fanoutShardOf, schemeShardOf } from '#core/index.js';
import { documentClient, tableName } from './aws.js';
import { insurerStatusKey, type Settlement } from './settlements-repo.js';

/** One index key's backfill: items found without it, and how many this run gave it (0 when only counting). */
export interface ListKeyBackfill {
  readonly key: 'listScheme' | 'insurerStatus' | 'schemeShard' | 'fanoutShard' | 'warnedScheme';
  readonly what: string;
  readonly missing: number;
  readonly written: number;
}

type Item = Record<string, unknown>;

async function scanEach(input: ScanCommandInput, each: (item: Item) => Promise<void>): Promise<void> {
  let start: Record<string, unknown> | undefined;
  do {
    const out = await documentClient().send(new ScanCommand({ ...input, ExclusiveStartKey: start }));
    for (const item of out.Items ?? []) await each(item as Item);
    start = out.LastEvaluatedKey;
  } while (start);
}

/** A conditional update that answers whether it wrote (false: the item moved on since it was read). */
async function writeIf(input: UpdateCommandInput): Promise<boolean> {
  try {
    await documentClient().send(new UpdateCommand(input));
    return true;
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException) return false;
    throw err;
  }
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

async function feeds(write: boolean): Promise<ListKeyBackfill> {
  let missing = 0;
  let written = 0;
  await scanEach(
    {
      TableName: tableName('medicalFeeds'),
      FilterExpression: '#i = :feed AND attribute_not_exists(listScheme)',
      ExpressionAttributeNames: { '#i': 'item' },
      ExpressionAttributeValues: { ':feed': 'FEED' },
      ProjectionExpression: 'feedId, #i, schemeId',
    },
    async (item) => {
      const schemeId = str(item.schemeId);
      if (!schemeId) return;
      missing++;
      if (
        write &&
        (await writeIf({
          TableName: tableName('medicalFeeds'),
          Key: { feedId: item.feedId, item: 'FEED' },
          UpdateExpression: 'SET listScheme = :s',
          ConditionExpression: 'attribute_not_exists(listScheme) AND schemeId = :s',
          ExpressionAttributeValues: { ':s': schemeId },
        }))
      )
        written++;
    },
  );
  return { key: 'listScheme', what: 'medical feeds', missing, written };
}

async function samples(write: boolean): Promise<ListKeyBackfill> {
  let missing = 0;
  let written = 0;
  await scanEach(
    {
      TableName: tableName('auditSamples'),
      FilterExpression: 'sk = :sample AND attribute_not_exists(listScheme)',
      ExpressionAttributeValues: { ':sample': 'SAMPLE' },
      ProjectionExpression: 'pk, sk, schemeId, claims',
    },
    async (item) => {
      const schemeId = str(item.schemeId);
      if (!schemeId || !Array.isArray(item.claims)) return;
      missing++;
      if (
        write &&
        (await writeIf({
          TableName: tableName('auditSamples'),
          Key: { pk: item.pk, sk: 'SAMPLE' },
          // The list shows claimCount (the index does not carry the claim list): as sampleItem writes it.
          UpdateExpression: 'SET listScheme = :s, claimCount = :n',
          ConditionExpression: 'attribute_not_exists(listScheme) AND schemeId = :s',
          ExpressionAttributeValues: { ':s': schemeId, ':n': item.claims.length },
        }))
      )
        written++;
    },
  );
  return { key: 'listScheme', what: 'audit samples', missing, written };
}

const SETTLEMENT_STATUSES: ReadonlySet<string> = new Set<Settlement['status']>(['PENDING', 'CONFIRMED', 'WITHDRAWN']);

async function settlements(write: boolean): Promise<ListKeyBackfill> {
  let missing = 0;
  let written = 0;
  await scanEach(
    {
      TableName: tableName('settlements'),
      FilterExpression: 'attribute_not_exists(insurerStatus)',
      ExpressionAttributeNames: { '#st': 'status' },
      ProjectionExpression: 'settlementId, insurerId, #st',
    },
    async (item) => {
      const insurerId = str(item.insurerId);
      const status = str(item.status);
      if (!insurerId || !status || !SETTLEMENT_STATUSES.has(status)) return;
      missing++;
      if (
        write &&
        (await writeIf({
          TableName: tableName('settlements'),
          Key: { settlementId: item.settlementId },
          UpdateExpression: 'SET insurerStatus = :k',
          // A confirmation or withdrawal meanwhile writes its own key (settlements-repo.ts): left as it is.
          ConditionExpression: 'attribute_not_exists(insurerStatus) AND #st = :status',
          ExpressionAttributeNames: { '#st': 'status' },
          ExpressionAttributeValues: { ':k': insurerStatusKey(insurerId, status as Settlement['status']), ':status': status },
        }))
      )
        written++;
    },
  );
  return { key: 'insurerStatus', what: 'settlements', missing, written };
}

/** A household's slice key, when it lacks it: written as an import would, while the fields it derives from are as read. */
async function shardKey(item: Item, key: 'schemeShard' | 'fanoutShard', value: string, write: boolean): Promise<boolean> {
  return (
    write &&
    writeIf({
      TableName: tableName('registry'),
      Key: { householdId: item.householdId },
      UpdateExpression: `SET ${key} = :k`,
      ConditionExpression: `attribute_not_exists(${key}) AND schemeId = :s AND county = :c`,
      ExpressionAttributeValues: { ':k': value, ':s': item.schemeId, ':c': item.county },
    })
  );
}

async function households(write: boolean): Promise<ListKeyBackfill[]> {
  const tally = { schemeShard: { missing: 0, written: 0 }, fanoutShard: { missing: 0, written: 0 }, warnedScheme: { missing: 0, written: 0 } };
  await scanEach(
    {
      TableName: tableName('registry'),
      FilterExpression:
        'attribute_not_exists(schemeShard) OR attribute_not_exists(fanoutShard) OR (attribute_not_exists(warnedScheme) AND size(openWarnings) > :zero)',
      ExpressionAttributeValues: { ':zero': 0 },
      ProjectionExpression: 'householdId, schemeId, county, schemeShard, fanoutShard, warnedScheme, openWarnings',
    },
    async (item) => {
      const householdId = str(item.householdId);
      const schemeId = str(item.schemeId);
      const county = str(item.county);
      if (!householdId || !schemeId || !county) return;
      const h = { householdId, schemeId, county };
      if (item.schemeShard === undefined) {
        tally.schemeShard.missing++;
        if (await shardKey(item, 'schemeShard', schemeShardOf(h), write)) tally.schemeShard.written++;
      }
      if (item.fanoutShard === undefined) {
        tally.fanoutShard.missing++;
        if (await shardKey(item, 'fanoutShard', fanoutShardOf(h), write)) tally.fanoutShard.written++;
      }
      if (item.warnedScheme === undefined && Array.isArray(item.openWarnings) && item.openWarnings.length > 0) {
        tally.warnedScheme.missing++;
        if (
          write &&
          (await writeIf({
            TableName: tableName('registry'),
            Key: { householdId },
            // As monitoring writes it: the household's own schemeId, while it has an open warning.
            UpdateExpression: 'SET warnedScheme = schemeId',
            ConditionExpression: 'attribute_not_exists(warnedScheme) AND size(openWarnings) > :zero',
            ExpressionAttributeValues: { ':zero': 0 },
          }))
        )
          tally.warnedScheme.written++;
      }
    },
  );
  const what = { schemeShard: 'households', fanoutShard: 'households', warnedScheme: 'households with open warnings' } as const;
  return (Object.keys(tally) as (keyof typeof tally)[]).map((key) => ({
    key,
    what: what[key],
    ...tally[key],
  }));
}

/** Finds (and with `write`, fills in) every missing list index key; one entry per key and kind of item. */
export async function backfillListKeys(opts: { write: boolean; progress?: (line: string) => void }): Promise<ListKeyBackfill[]> {
  const out: ListKeyBackfill[] = [];
  for (const run of [feeds, samples, settlements, households]) {
    const got = await run(opts.write);
    for (const b of Array.isArray(got) ? got : [got]) {
      out.push(b);
      opts.progress?.(`${b.what}: ${b.missing} without ${b.key}${opts.write ? `, ${b.written} given it` : ''}`);
    }
  }
  return out;
}
