/**
 * A claim's search keys (table claimKeys, tables.ts): the household, scheme, county, product and creation time of
 * each claim, written once in the transaction that files it, so that GET /claims finds claims by these without the
 * claims table carrying an index for each. The listing reads a page of ids from an index here and the claims
 * themselves by BatchGetItem; what only the claim knows (its status, payout, review reasons) is then checked on
 * the claims read, in code, as a FilterExpression would have.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { documentClient, tableName } from './aws.js';
import type { TxItem } from './audit.js';
import type { ClaimRecord } from './claim-record.js';
import { batchGetAll, indexPage, scanPages, type IndexPageRead } from './query-all.js';
import { pool } from './pool.js';
import { checkedItem, checkedItems } from './stored-item.js';
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)

const key = z.string().min(1);
/** A keys item as stored (and, in a claim, the fields it is made from): what a listing's position is read off. */
const StoredClaimKeys = z.object({
  claimId: key,
  householdId: key,
  schemeId: key,
  product: key,
  createdAt: key,
  county: key.nullish(),
  schemeCounty: key.optional(),
  indexEventId: key.nullish(),
});
type StoredClaimKeys = z.infer<typeof StoredClaimKeys>;

/** The key of index bySchemeCounty (scheme, county, createdAt); absent while the claim has no county. */
export function schemeCountyOf(schemeId: string, county: string | null | undefined): string | undefined {
  return county ? `${schemeId}#${county}` : undefined;
}

/** What the claimKeys item of a claim holds: only what the claim was filed with (its county once known). */
export function claimKeysOf(
  c: Pick<ClaimRecord, 'claimId' | 'householdId' | 'schemeId' | 'product' | 'createdAt'> & { county?: string | null; indexEventId?: string | null },
): Record<string, string> {
  const schemeCounty = schemeCountyOf(c.schemeId, c.county);
  return {
    claimId: c.claimId,
    householdId: c.householdId,
    schemeId: c.schemeId,
    product: c.product,
    createdAt: c.createdAt,
    ...(c.county && schemeCounty ? { county: c.county, schemeCounty } : {}),
    ...(c.indexEventId ? { indexEventId: c.indexEventId } : {}),
  };
}

/** The keys' Put, for the transaction that files the claim (written once: the claim's own Put is conditional too). */
export function claimKeysPut(claim: ClaimRecord): TxItem {
  return { Put: { TableName: tableName('claimKeys'), Item: claimKeysOf(claim), ConditionExpression: 'attribute_not_exists(claimId)' } };
}

/**
 * The keys' update when a move gives the claim a county it was not filed with (the registry had none then, or
 * another since), in the move's transaction. It writes every key, so a claim filed before this table existed and
 * not yet given its item (list-keys-backfill.ts) gets a whole one; the condition keeps it to this claim's item.
 * Undefined when the county is the one the keys already hold.
 */
export function claimKeysCountyUpdate(before: ClaimRecord, county: string | null | undefined): TxItem | undefined {
  const schemeCounty = schemeCountyOf(before.schemeId, county);
  if (!county || !schemeCounty || schemeCounty === before.schemeCounty) return undefined;
  const keys = claimKeysOf({ ...before, county });
  const sets = Object.keys(keys).filter((k) => k !== 'claimId');
  return {
    Update: {
      TableName: tableName('claimKeys'),
      Key: { claimId: before.claimId },
      UpdateExpression: `SET ${sets.map((k) => `#${k} = :${k}`).join(', ')}`,
      ConditionExpression: 'attribute_not_exists(claimId) OR #createdAt = :createdAt',
      ExpressionAttributeNames: Object.fromEntries(sets.map((k) => [`#${k}`, k])),
      ExpressionAttributeValues: Object.fromEntries(sets.map((k) => [`:${k}`, keys[k]])),
    },
  };
}

/**
 * One read of one partition of a claimKeys index for the listing: the keys items the index gives (its key-level
 * filter applied by the store), then those claims read consistently by BatchGetItem, in the index's order, kept
 * when `keep` says so, each with its keys item (a position in the index is read off that, not off the claim).
 * `scanned` counts the keys items the store evaluated, as a query on the claims table counted its claims. A key
 * without its claim (none can be: both are written in one transaction) is skipped.
 */
export async function readClaimKeysIndex(
  q: IndexPageRead & { keep: ((claim: ClaimRecord) => boolean) | undefined; parse: (item: Record<string, unknown>) => ClaimRecord },
): Promise<{ found: Array<{ claim: ClaimRecord; keys: StoredClaimKeys }>; last: Record<string, unknown> | undefined; scanned: number }> {
  const out = await indexPage(tableName('claimKeys'), q);
  const keyItems = checkedItems(StoredClaimKeys, out.Items ?? [], { table: 'claimKeys', what: 'claim keys' }, (i) => i.claimId);
  const ids = keyItems.map((i) => i.claimId);
  // A page holds up to 1,000 ids: ten requests of 100 keys, four in flight.
  const found = await batchGetAll(
    tableName('claims'),
    ids.map((claimId) => ({ claimId })),
    { what: 'claims of a listing', atOnce: 4 },
  );
  const byId = new Map(found.map((item) => [String(item.claimId), item]));
  const kept: Array<{ claim: ClaimRecord; keys: StoredClaimKeys }> = [];
  for (const keys of keyItems) {
    const item = byId.get(keys.claimId);
    if (!item) continue;
    const claim = q.parse(item);
    if (!q.keep || q.keep(claim)) kept.push({ claim, keys });
  }
  return { found: kept, last: out.LastEvaluatedKey, scanned: out.ScannedCount ?? 0 };
}

/**
 * Gives every claim without its claimKeys item one (claims stored before the table existed): a scan of the claims,
 * a conditional Put for each claim whose item is missing. Running it again writes nothing. Used once when an older
 * embedded data directory starts, and by `npm run reports -- rebuild` (list-keys-backfill.ts) on AWS.
 */
export async function indexAllClaimKeys(opts: { write: boolean; onProgress?: (scanned: number) => void }) {
  let missing = 0;
  let written = 0;
  let scanned = 0;
  await scanPages(
    {
      TableName: tableName('claims'),
      ProjectionExpression: 'claimId, householdId, schemeId, product, createdAt, county, indexEventId',
    },
    async (items) => {
      scanned += items.length;
      const ids = items.map((i) => ({ claimId: i.claimId }));
      const have = new Set(
        (await batchGetAll(tableName('claimKeys'), ids, { what: 'claim keys', projection: 'claimId' })).map((k) => String(k.claimId)),
      );
      const lacking = items.filter((i) => !have.has(String(i.claimId)));
      missing += lacking.length;
      if (!opts.write) return;
      await pool(lacking, 8, async (i) => {
        // A claim without what its keys are made of is an error naming it, not a keys item with holes.
        const keys = claimKeysOf(checkedItem(StoredClaimKeys, i, { table: 'claims', key: String(i.claimId), what: 'claim (its search keys)' }));
        try {
          await documentClient().send(
            new PutCommand({ TableName: tableName('claimKeys'), Item: keys, ConditionExpression: 'attribute_not_exists(claimId)' }),
          );
          written++;
        } catch (err) {
          if (!(err instanceof ConditionalCheckFailedException)) throw err; // filed meanwhile, with its keys
        }
      });
      opts.onProgress?.(scanned);
    },
  );
  return { scanned, missing, written };
}
