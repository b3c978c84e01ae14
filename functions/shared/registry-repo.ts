/** The household registry: stored with hashed and masked identity numbers only. */
import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  FANOUT_SHARDS,
  fanoutShardKey,
  fanoutShardOf,
  schemeShardKey,
  schemeShardOf,
  HouseholdInput,
  maskIdNumber,
  type ClosedWarning,
  type OpenWarning,
} from '#core/index.js';
import { documentClient, tableName } from './aws.js';
import { storedHousehold, storedHouseholds, type StoredHousehold, type StoredMember } from './household-record.js';
import { fullPage, type PageCursor } from './full-page.js';
import { batchGetAll, queryAll } from './query-all.js';
import { hashIdNumber } from './identity.js';
import { commitWithAudit, type TxItem } from './audit.js';
import { indexMembers, unindexDroppedMembers } from './identities-repo.js';
import { countHouseholdImport } from './report-aggregates.js';

export type { StoredHousehold, StoredMember } from './household-record.js';

export async function getHousehold(householdId: string): Promise<StoredHousehold | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: tableName('registry'), Key: { householdId }, ConsistentRead: true }));
  return out.Item === undefined ? undefined : storedHousehold(out.Item, householdId);
}

/**
 * Consistent reads of households by id, 100 keys a BatchGetItem; keys the store leaves unprocessed are asked again
 * with a growing pause. Households that do not exist are simply not in the answer.
 */
export async function householdsByIds(ids: readonly string[]): Promise<Map<string, StoredHousehold>> {
  const items = await batchGetAll(
    tableName('registry'),
    ids.map((householdId) => ({ householdId })),
    { what: 'registry' },
  );
  return new Map(storedHouseholds(items).map((h) => [h.householdId, h]));
}

/** One page of an index event's slice: the households of a scheme and county in slice `shard` (index byFanoutShard). */
export async function householdsInFanoutSlice(
  schemeId: string,
  county: string,
  shard: number,
  limit: number,
  cursor: Record<string, unknown> | undefined,
): Promise<{ households: StoredHousehold[]; last: Record<string, unknown> | undefined }> {
  const page = await documentClient().send(
    new QueryCommand({
      TableName: tableName('registry'),
      IndexName: 'byFanoutShard',
      KeyConditionExpression: 'fanoutShard = :k',
      ExpressionAttributeValues: { ':k': fanoutShardKey(schemeId, county, shard) },
      Limit: limit,
      ExclusiveStartKey: cursor,
    }),
  );
  return { households: storedHouseholds(page.Items), last: page.LastEvaluatedKey };
}

/**
 * One page of a scheme's slice `shard` (index bySchemeShard), as a monitoring job reads it: eventually consistent,
 * since a job looks at the registry as it stands and a household imported meanwhile is met by the next job.
 */
export async function householdsInSchemeSlice(
  schemeId: string,
  shard: number,
  limit: number,
  cursor: Record<string, unknown> | undefined,
): Promise<{ households: StoredHousehold[]; last: Record<string, unknown> | undefined }> {
  const page = await documentClient().send(
    new QueryCommand({
      TableName: tableName('registry'),
      IndexName: 'bySchemeShard',
      KeyConditionExpression: 'schemeShard = :k',
      ExpressionAttributeValues: { ':k': schemeShardKey(schemeId, shard) },
      Limit: limit,
      ExclusiveStartKey: cursor,
      ConsistentRead: false,
    }),
  );
  return { households: storedHouseholds(page.Items), last: page.LastEvaluatedKey };
}

/**
 * A page of the registry for GET /households: the schemes in the order given, each slice after slice (index
 * bySchemeShard), full unless it is the last (full-page.ts).
 */
export async function householdsPage(
  schemeIds: readonly string[],
  limit: number,
  cursor: PageCursor | undefined,
): Promise<{ items: StoredHousehold[]; next: PageCursor | undefined }> {
  const partitions = schemeIds.flatMap((id) =>
    Array.from({ length: FANOUT_SHARDS }, (_, shard) => ({
      TableName: tableName('registry'),
      IndexName: 'bySchemeShard',
      KeyConditionExpression: 'schemeShard = :k',
      ExpressionAttributeValues: { ':k': schemeShardKey(id, shard) },
    })),
  );
  const page = await fullPage<Record<string, unknown>>(
    partitions,
    limit,
    (h) => ({ householdId: h.householdId, schemeShard: h.schemeShard }),
    cursor,
  );
  return { items: storedHouseholds(page.items), next: page.next };
}

/** The households of a scheme with at least one open monitoring warning (the sparse index byOpenWarning). */
export async function householdsWithOpenWarnings(schemeId: string): Promise<StoredHousehold[]> {
  const items = await queryAll<unknown>({
    TableName: tableName('registry'),
    IndexName: 'byOpenWarning',
    KeyConditionExpression: 'warnedScheme = :s',
    ExpressionAttributeValues: { ':s': schemeId },
  });
  return storedHouseholds(items);
}

/** The registry entry in the form the stored item has after hashing; the raw number is dropped here. */
export async function toStoredHousehold(input: HouseholdInput): Promise<StoredHousehold> {
  const members = await Promise.all(
    input.members.map(async (m) => {
      const stored: StoredMember = { personId: m.personId };
      if (m.name !== undefined) stored.name = m.name;
      if (m.birthDate !== undefined) stored.birthDate = m.birthDate;
      if (m.idNumber !== undefined) {
        stored.idMasked = maskIdNumber(m.idNumber);
        stored.idHash = await hashIdNumber(m.idNumber);
      }
      return stored;
    }),
  );
  return { ...input, members, fanoutShard: fanoutShardOf(input), schemeShard: schemeShardOf(input), updatedAt: new Date().toISOString() };
}

/** Attributes an import owns: every registry input field and what toStoredHousehold derives from it. */
const IMPORTED_ATTRIBUTES: readonly string[] = [...Object.keys(HouseholdInput.shape), 'fanoutShard', 'schemeShard', 'updatedAt'];
/** Attributes the monitoring module owns; an import leaves them as they are. */
const WARNING_ATTRIBUTES: ReadonlySet<string> = new Set(['openWarnings', 'closedWarnings', 'warningIds', 'warnedScheme']);

/**
 * Upsert; answers whether the household was new. One UpdateItem replaces every imported attribute (SET when
 * given, REMOVE when the new entry leaves an optional one out) and keeps the warning attributes, so a registry
 * re-import neither loses nor races with open or closed monitoring warnings. The report's premium totals move
 * in the same transaction (report-aggregates.ts), conditional on the entry being the one read (its updatedAt),
 * so a repeated or concurrent import counts the household once. The identity index (identities-repo.ts) is
 * written around it: members indexed before, members dropped unindexed after (from the members the update
 * replaced), so a current member is always findable by identity number.
 */
export async function putHousehold(h: StoredHousehold): Promise<'created' | 'updated'> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const set: string[] = [];
  const remove: string[] = [];
  let i = 0;
  for (const attr of new Set([...IMPORTED_ATTRIBUTES, ...Object.keys(h)])) {
    if (attr === 'householdId' || WARNING_ATTRIBUTES.has(attr)) continue;
    const value = (h as Record<string, unknown>)[attr];
    names[`#a${i}`] = attr;
    if (value === undefined) remove.push(`#a${i}`);
    else {
      values[`:v${i}`] = value;
      set.push(`#a${i} = :v${i}`);
    }
    i++;
  }
  await indexMembers(h);
  for (let attempt = 0; attempt < 10; attempt++) {
    const before = await getHousehold(h.householdId);
    const condition: { ConditionExpression: string; names: Record<string, string>; values: Record<string, unknown> } = before
      ? { ConditionExpression: '#was = :was', names: { '#was': 'updatedAt' }, values: { ':was': before.updatedAt } }
      : { ConditionExpression: 'attribute_not_exists(householdId)', names: {}, values: {} };
    try {
      await documentClient().send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: tableName('registry'),
                Key: { householdId: h.householdId },
                UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
                ConditionExpression: condition.ConditionExpression,
                ExpressionAttributeNames: { ...names, ...condition.names },
                ExpressionAttributeValues: { ...values, ...condition.values },
              },
            },
            ...countHouseholdImport(h.householdId, before ?? null, h),
          ],
        }),
      );
      await unindexDroppedMembers(h, before);
      return before ? 'updated' : 'created';
    } catch (err) {
      if (!(err instanceof TransactionCanceledException)) throw err;
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 20))); // changed meanwhile: read it again
    }
  }
  throw new Error(`import of household ${h.householdId} kept conflicting`);
}

/**
 * Opens a warning once per warningId, with its audit record on the household's chain in the same transaction
 * (who opened it, on what evidence). False when the household is gone or the warning was opened before.
 * `also`: items committed with it (a monitoring job's progress counter).
 */
export async function openHouseholdWarning(
  householdId: string,
  warning: OpenWarning,
  openedBy: string,
  also: readonly TxItem[] = [],
): Promise<boolean> {
  const record = await commitWithAudit(
    [
      {
        Update: {
          TableName: tableName('registry'),
          Key: { householdId },
          // warnedScheme (the open-warnings index key) is the household's own schemeId.
          UpdateExpression: 'SET openWarnings = list_append(if_not_exists(openWarnings, :empty), :w), warnedScheme = schemeId ADD warningIds :ids',
          ConditionExpression: 'attribute_exists(householdId) AND NOT contains(warningIds, :id)',
          ExpressionAttributeValues: { ':empty': [], ':w': [warning], ':ids': new Set([warning.warningId]), ':id': warning.warningId },
        },
      },
      ...also,
    ],
    {
      claimId: `HOUSEHOLD#${householdId}`,
      step: 'WarningOpened',
      actor: openedBy,
      input: { evidence: warning.evidence },
      output: { warningId: warning.warningId, level: warning.level },
      decision: 'OPEN',
    },
  );
  return record !== null;
}

export type CloseWarningResult = { closed: ClosedWarning } | { error: 'NO_HOUSEHOLD' | 'NOT_OPEN' };

/**
 * Moves an open warning to closedWarnings, with its audit record in the same transaction. The write is
 * conditional on the warning still sitting at the index it was read at; if the list moved in between, read again.
 */
export async function closeHouseholdWarning(
  householdId: string,
  warningId: string,
  closure: Pick<ClosedWarning, 'closedAt' | 'closedBy' | 'note'>,
): Promise<CloseWarningResult> {
  for (let attempt = 0; attempt < 10; attempt++) {
    const h = await getHousehold(householdId);
    if (!h) return { error: 'NO_HOUSEHOLD' };
    const index = (h.openWarnings ?? []).findIndex((w) => w.warningId === warningId);
    const open = h.openWarnings?.[index];
    if (!open) return { error: 'NOT_OPEN' };
    const closed: ClosedWarning = { ...open, ...closure };
    // The last open warning takes the household out of the open-warnings index (warnedScheme) with it.
    const last = (h.openWarnings ?? []).length === 1;
    const record = await commitWithAudit(
      [
        {
          Update: {
            TableName: tableName('registry'),
            Key: { householdId },
            UpdateExpression: `SET closedWarnings = list_append(if_not_exists(closedWarnings, :empty), :c) REMOVE openWarnings[${index}]${last ? ', warnedScheme' : ''}`,
            ConditionExpression: `openWarnings[${index}].warningId = :id AND size(openWarnings) = :n`,
            ExpressionAttributeValues: { ':empty': [], ':c': [closed], ':id': warningId, ':n': (h.openWarnings ?? []).length },
          },
        },
      ],
      {
        claimId: `HOUSEHOLD#${householdId}`,
        step: 'WarningClosed',
        actor: closure.closedBy,
        input: { note: closure.note },
        output: { warningId },
        decision: 'CLOSED',
      },
    );
    if (record) return { closed };
  }
  throw new Error(`closing warning ${warningId} of ${householdId} kept conflicting`);
}

/** The API view: masked identity numbers, never the hash either. */
export function householdView(h: StoredHousehold) {
  const { fanoutShard: _shard, schemeShard: _slice, warnedScheme: _warned, warningIds: _ids, ...rest } = h;
  return {
    ...rest,
    members: h.members.map(({ idHash: _hash, ...m }) => m),
    openWarnings: h.openWarnings ?? [],
    closedWarnings: h.closedWarnings ?? [],
  };
}
