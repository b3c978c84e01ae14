/**
 * The registry's identity lookup (table `identityLookup`, tables.ts): finds the insured person an identity number
 * belongs to without the number ever being stored. One item per scheme and keyed hash, `<schemeId>#<idHash>`, with
 * one attribute per household member holding that number: `m:["<householdId>","<personId>"]`. The household item
 * stays the truth: every hit is checked against it, so a member left behind (a member removed, a number corrected,
 * a crash between the writes) never matches anyone; the writes here only have to make sure current members are
 * findable.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { documentClient, tableName } from './aws.js';
import { batchGetAll, scanPages } from './query-all.js';
import { hashIdNumber } from './identity.js';
import { householdsByIds } from './registry-repo.js';
import { storedHouseholds, type StoredHousehold, type StoredMember } from './household-record.js';

const lookupKey = (schemeId: string, idHash: string) => `${schemeId}#${idHash}`;
const MEMBER_PREFIX = 'm:';
/** The attribute naming one member on a lookup item (JSON: ids may hold any character). */
const memberAttribute = (householdId: string, personId: string) => `${MEMBER_PREFIX}${JSON.stringify([householdId, personId])}`;
const MemberIds = z.tuple([z.string().min(1), z.string().min(1)]);

/** A registry member found by identity number (masked for reports; the hash and the number stay inside). */
export interface InsuredPerson {
  readonly householdId: string;
  readonly personId: string;
  readonly idMasked: string | null;
  /** The household's county as the registry has it now (read anyway to check the member): a feed claim is filed with it. */
  readonly county: string;
}

/**
 * Makes the household's current members findable: names each member with a number on its lookup item, unless it
 * is named there already (a conditional write that fails is a no-op: re-imports of an unchanged registry write
 * nothing). Called before the household item is written, so a member is never in the registry unfindable.
 */
export async function indexMembers(h: Pick<StoredHousehold, 'householdId' | 'schemeId' | 'members'>): Promise<void> {
  await Promise.all(
    h.members
      .filter((m): m is StoredMember & { idHash: string } => typeof m.idHash === 'string')
      .map((m) => changeLookup(lookupKey(h.schemeId, m.idHash), memberAttribute(h.householdId, m.personId), 'name')),
  );
}

/**
 * After the household item was replaced: takes its members off the lookup items of numbers they no longer have
 * there (a member removed, a number corrected, the household moved to another scheme). Two imports of one household
 * at the same moment, one dropping a member the other keeps, can leave that member off the lookup, as they could
 * with the index before it: the household item stays the truth for every hit, so such a member is reported
 * NOT_IN_REGISTRY (never matched to anyone else) until the household is imported again.
 */
export async function unindexDroppedMembers(
  h: Pick<StoredHousehold, 'householdId' | 'schemeId' | 'members'>,
  before: Pick<StoredHousehold, 'schemeId' | 'members'> | undefined,
): Promise<void> {
  if (!before) return;
  const current = new Map(h.members.map((m) => [m.personId, m.idHash]));
  const dropped = before.members.filter(
    (m): m is StoredMember & { idHash: string } => m.idHash !== undefined && (before.schemeId !== h.schemeId || current.get(m.personId) !== m.idHash),
  );
  await Promise.all(dropped.map((m) => changeLookup(lookupKey(before.schemeId, m.idHash), memberAttribute(h.householdId, m.personId), 'drop')));
}

/** Names a member on a lookup item, or takes it off: conditional, and a condition that fails means it was so already. */
async function changeLookup(lookup: string, member: string, change: 'name' | 'drop'): Promise<void> {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: tableName('identityLookup'),
        Key: { lookup },
        UpdateExpression: change === 'name' ? 'SET #m = :t' : 'REMOVE #m',
        ConditionExpression: change === 'name' ? 'attribute_not_exists(#m)' : 'attribute_exists(#m)',
        ExpressionAttributeNames: { '#m': member },
        ...(change === 'name' ? { ExpressionAttributeValues: { ':t': true } } : {}),
      }),
    );
  } catch (err) {
    if (!(err instanceof ConditionalCheckFailedException)) throw err;
  }
}

/**
 * The insured members of `schemeId` with this identity number, checked against their household items. Usually
 * one; none when the bureau's file names someone outside the registry; more than one only if the registry lists
 * the same person in two households of the scheme (a registry error the caller reports, never guesses at).
 */
export async function findInsuredByIdentity(schemeId: string, idNumber: string): Promise<InsuredPerson[]> {
  return (await findInsuredByIdentities(schemeId, [idNumber]))[0] ?? [];
}

/**
 * `findInsuredByIdentity` for many numbers (a feed's batch of rows), answered in their order: their lookup items in
 * one BatchGetItem (per 100 numbers), then every household they point at in one more.
 */
export async function findInsuredByIdentities(schemeId: string, idNumbers: readonly string[]): Promise<InsuredPerson[][]> {
  const hashes = await Promise.all(idNumbers.map((n) => hashIdNumber(n)));
  const keys = [...new Set(hashes.map((h) => lookupKey(schemeId, h)))];
  const items = await batchGetAll(
    tableName('identityLookup'),
    keys.map((lookup) => ({ lookup })),
    { what: 'identity lookup', atOnce: 4 },
  );
  const named = new Map<string, Array<{ householdId: string; personId: string }>>();
  for (const item of items) {
    const members: Array<{ householdId: string; personId: string }> = [];
    for (const attr of Object.keys(item)) {
      if (!attr.startsWith(MEMBER_PREFIX)) continue;
      let ids: unknown;
      try {
        ids = JSON.parse(attr.slice(MEMBER_PREFIX.length));
      } catch {
        ids = undefined;
      }
      const parsed = MemberIds.safeParse(ids);
      if (!parsed.success) throw new Error(`identity lookup item ${String(item.lookup)}: attribute ${attr} names no member`);
      members.push({ householdId: parsed.data[0], personId: parsed.data[1] });
    }
    named.set(String(item.lookup), members);
  }
  const candidatesOf = (idHash: string) => named.get(lookupKey(schemeId, idHash)) ?? [];
  const households = await householdsByIds([...new Set(hashes.flatMap((h) => candidatesOf(h).map((c) => c.householdId)))]);
  return hashes.map((idHash) => {
    const found: InsuredPerson[] = [];
    for (const c of candidatesOf(idHash)) {
      const h = households.get(c.householdId);
      const member = h?.schemeId === schemeId ? h.members.find((m) => m.personId === c.personId && m.idHash === idHash) : undefined;
      if (member && h) found.push({ householdId: c.householdId, personId: c.personId, idMasked: member.idMasked ?? null, county: h.county });
    }
    // By household, then person: a lookup item's attributes come in no set order, and the answer must not follow it.
    return found.sort((x, y) => (x.householdId !== y.householdId ? (x.householdId < y.householdId ? -1 : 1) : x.personId < y.personId ? -1 : 1));
  });
}

/**
 * Indexes every registry entry (a data directory or table from before the index existed). Idempotent: members
 * already indexed are not written again. Answers how many households it read.
 */
export async function indexWholeRegistry(): Promise<number> {
  let read = 0;
  await scanPages({ TableName: tableName('registry'), ConsistentRead: true }, async (items) => {
    for (const h of storedHouseholds(items)) await indexMembers(h);
    read += items.length;
  });
  return read;
}
