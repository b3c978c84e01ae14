/**
 * The list index keys of items stored before their index existed, written afterwards (`npm run reports -- rebuild`).
 * Each sparse index reads only items that carry its key, so an item from an older version stays out of its list
 * until it is given the key:
 * - `listScheme` on a feed's FEED item (GET /medical-feeds) and on a sample's SAMPLE item, with its `claimCount`
 *   (GET /audit-samples);
 * - `insurerStatus` on a settlement (an insurer's GET /settlements?status=);
 * - `schemeShard` on a household (GET /households, the monitoring job's slices) and `fanoutShard` (the slices an
 *   index event fans out over: without it a household gets no index claim);
 * - `warnedScheme` on a household with open warnings (GET /monitoring/warnings);
 * - a claim's item in table claimKeys (GET /claims by household, scheme, county or product: claim-keys-repo.ts).
 *
 * Each key is derived from the item itself, as the code that writes new items derives it, and written under a
 * condition that the item is still as read (no key yet, the same status or scheme): a move that commits meanwhile
 * writes its own key and the backfill leaves that item alone. Running it again writes nothing. An offline tool: it
 * scans each table once, filtered on the missing key.
 */
import { UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { fanoutShardOf, schemeShardOf } from '#core/index.js';
import { tableName, documentClient } from './aws.js';
import { scanPages } from './query-all.js';
import { insurerStatusKey, type Settlement } from './settlements-repo.js';
import type { TableId } from './tables.js';
import { indexAllClaimKeys } from './claim-keys-repo.js';

type KeyName = 'listScheme' | 'insurerStatus' | 'schemeShard' | 'fanoutShard' | 'warnedScheme' | 'claimKeys';

/** One index key's backfill: items found without it, and how many this run gave it (0 when only counting). */
export interface ListKeyBackfill {
  readonly key: KeyName;
  readonly what: string;
  readonly missing: number;
  readonly written: number;
}

type Item = Record<string, unknown>;

/**
 * One index key of one kind of item: which items lack it (`lacks`, also the scan's filter), and the conditional
 * update that gives it to an item as read (undefined: the item is not one the key applies to).
 */
interface KeySpec {
  readonly key: KeyName;
  readonly what: string;
  readonly lacks: (item: Item) => boolean;
  readonly update: (item: Item) => Omit<UpdateCommandInput, 'TableName'> | undefined;
}

/** A table's scan (filtered on any of its keys missing) and the keys it backfills from what it reads. */
interface TableSpec {
  readonly table: TableId;
  readonly scan: { FilterExpression: string; ProjectionExpression: string } & Pick<
    UpdateCommandInput,
    'ExpressionAttributeNames' | 'ExpressionAttributeValues'
  >;
  readonly keys: readonly KeySpec[];
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

const SETTLEMENT_STATUSES: ReadonlySet<string> = new Set<Settlement['status']>(['PENDING', 'CONFIRMED', 'WITHDRAWN']);

/** A household's slice key, written as an import would, while the fields it derives from are as read. */
function householdShard(key: 'schemeShard' | 'fanoutShard', of: typeof fanoutShardOf): KeySpec {
  return {
    key,
    what: 'households',
    lacks: (item) => item[key] === undefined,
    update: (item) => {
      const householdId = str(item.householdId);
      const schemeId = str(item.schemeId);
      const county = str(item.county);
      if (!householdId || !schemeId || !county) return undefined;
      return {
        Key: { householdId },
        UpdateExpression: `SET ${key} = :k`,
        ConditionExpression: `attribute_not_exists(${key}) AND schemeId = :s AND county = :c`,
        ExpressionAttributeValues: { ':k': of({ householdId, schemeId, county }), ':s': schemeId, ':c': county },
      };
    },
  };
}

const TABLE_SPECS: readonly TableSpec[] = [
  {
    table: 'medicalFeeds',
    scan: {
      FilterExpression: '#i = :feed AND attribute_not_exists(listScheme)',
      ExpressionAttributeNames: { '#i': 'item' },
      ExpressionAttributeValues: { ':feed': 'FEED' },
      ProjectionExpression: 'feedId, #i, schemeId',
    },
    keys: [
      {
        key: 'listScheme',
        what: 'medical feeds',
        lacks: () => true,
        update: (item) => {
          const schemeId = str(item.schemeId);
          if (!schemeId) return undefined;
          return {
            Key: { feedId: item.feedId, item: 'FEED' },
            UpdateExpression: 'SET listScheme = :s',
            ConditionExpression: 'attribute_not_exists(listScheme) AND schemeId = :s',
            ExpressionAttributeValues: { ':s': schemeId },
          };
        },
      },
    ],
  },
  {
    table: 'auditSamples',
    scan: {
      FilterExpression: 'sk = :sample AND attribute_not_exists(listScheme)',
      ExpressionAttributeValues: { ':sample': 'SAMPLE' },
      ProjectionExpression: 'pk, sk, schemeId, claims',
    },
    keys: [
      {
        key: 'listScheme',
        what: 'audit samples',
        lacks: () => true,
        update: (item) => {
          const schemeId = str(item.schemeId);
          if (!schemeId || !Array.isArray(item.claims)) return undefined;
          return {
            Key: { pk: item.pk, sk: 'SAMPLE' },
            // The list shows claimCount (the index does not carry the claim list): as sampleItem writes it.
            UpdateExpression: 'SET listScheme = :s, claimCount = :n',
            ConditionExpression: 'attribute_not_exists(listScheme) AND schemeId = :s',
            ExpressionAttributeValues: { ':s': schemeId, ':n': item.claims.length },
          };
        },
      },
    ],
  },
  {
    table: 'settlements',
    scan: {
      FilterExpression: 'attribute_not_exists(insurerStatus)',
      ExpressionAttributeNames: { '#st': 'status' },
      ProjectionExpression: 'settlementId, insurerId, #st',
    },
    keys: [
      {
        key: 'insurerStatus',
        what: 'settlements',
        lacks: () => true,
        update: (item) => {
          const insurerId = str(item.insurerId);
          const status = str(item.status);
          if (!insurerId || !status || !SETTLEMENT_STATUSES.has(status)) return undefined;
          return {
            Key: { settlementId: item.settlementId },
            UpdateExpression: 'SET insurerStatus = :k',
            // A confirmation or withdrawal meanwhile writes its own key (settlements-repo.ts): left as it is.
            ConditionExpression: 'attribute_not_exists(insurerStatus) AND #st = :status',
            ExpressionAttributeNames: { '#st': 'status' },
            ExpressionAttributeValues: { ':k': insurerStatusKey(insurerId, status as Settlement['status']), ':status': status },
          };
        },
      },
    ],
  },
  {
    table: 'registry',
    scan: {
      FilterExpression:
        'attribute_not_exists(schemeShard) OR attribute_not_exists(fanoutShard) OR (attribute_not_exists(warnedScheme) AND size(openWarnings) > :zero)',
      ExpressionAttributeValues: { ':zero': 0 },
      ProjectionExpression: 'householdId, schemeId, county, schemeShard, fanoutShard, warnedScheme, openWarnings',
    },
    keys: [
      householdShard('schemeShard', schemeShardOf),
      householdShard('fanoutShard', fanoutShardOf),
      {
        key: 'warnedScheme',
        what: 'households with open warnings',
        lacks: (item) => item.warnedScheme === undefined && Array.isArray(item.openWarnings) && item.openWarnings.length > 0,
        update: (item) => {
          const householdId = str(item.householdId);
          if (!householdId || !str(item.schemeId)) return undefined;
          return {
            Key: { householdId },
            // As monitoring writes it: the household's own schemeId, while it has an open warning.
            UpdateExpression: 'SET warnedScheme = schemeId',
            ConditionExpression: 'attribute_not_exists(warnedScheme) AND size(openWarnings) > :zero',
            ExpressionAttributeValues: { ':zero': 0 },
          };
        },
      },
    ],
  },
];

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

/** Finds (and with `write`, fills in) every missing list index key; one entry per key and kind of item. */
export async function backfillListKeys(opts: { write: boolean; progress?: (line: string) => void }): Promise<ListKeyBackfill[]> {
  const out: ListKeyBackfill[] = [];
  for (const spec of TABLE_SPECS) {
    const tally = spec.keys.map(() => ({ missing: 0, written: 0 }));
    await scanPages({ TableName: tableName(spec.table), ...spec.scan }, async (items) => {
      for (const item of items)
        for (const [k, key] of spec.keys.entries()) {
          const update = key.lacks(item) ? key.update(item) : undefined;
          if (!update) continue;
          const t = tally[k] as { missing: number; written: number };
          t.missing++;
          if (opts.write && (await writeIf({ TableName: tableName(spec.table), ...update }))) t.written++;
        }
    });
    for (const [k, key] of spec.keys.entries()) {
      const b: ListKeyBackfill = { key: key.key, what: key.what, ...(tally[k] as { missing: number; written: number }) };
      out.push(b);
      opts.progress?.(`${b.what}: ${b.missing} without ${b.key}${opts.write ? `, ${b.written} given it` : ''}`);
    }
  }
  const keys = await indexAllClaimKeys({ write: opts.write });
  out.push({ key: 'claimKeys', what: 'claims', missing: keys.missing, written: keys.written });
  opts.progress?.(`claims: ${keys.missing} without claimKeys${opts.write ? `, ${keys.written} given it` : ''}`);
  return out;
}
