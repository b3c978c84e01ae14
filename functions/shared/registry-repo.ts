/** The household registry: stored with hashed and masked identity numbers only. */
import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { fanoutShardOf, schemeShardOf, HouseholdInput, maskIdNumber, type ClosedWarning, type Household, type OpenWarning } from '#core/index.js';
import { documentClient, tableName } from './aws.js';
import { hashIdNumber } from './identity.js';
import { commitWithAudit, type TxItem } from './audit.js';
import { indexMembers, unindexDroppedMembers } from './identities-repo.js';
import { countHouseholdImport } from './report-aggregates.js';

export interface StoredMember {
  personId: string;
  name?: string;
  birthDate?: string;
  idMasked?: string;
  idHash?: string;
}

export type StoredHousehold = Omit<Household, 'members'> & {
  members: StoredMember[];
  updatedAt: string;
  /** Key of the registry index an index event fans out over (scheme, county, slice). */
  fanoutShard?: string;
  /** Key of the registry index GET /households and the monitoring job page through (scheme, slice). */
  schemeShard?: string;
  /** The schemeId while the household has an open warning (sparse index byOpenWarning); owned by monitoring. */
  warnedScheme?: string;
  /** Monitoring warnings (spec 7), owned by the monitoring module: a registry import never touches them. */
  openWarnings?: OpenWarning[];
  closedWarnings?: ClosedWarning[];
  /** Every warningId ever opened on this household (a string set), so a warning is never opened twice. */
  warningIds?: Set<string>;
};

export async function getHousehold(householdId: string): Promise<StoredHousehold | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: tableName('registry'), Key: { householdId }, ConsistentRead: true }));
  return out.Item as StoredHousehold | undefined;
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
      await unindexDroppedMembers(h, before?.members);
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
