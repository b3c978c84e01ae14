/**
 * The registry's identity index (table `identities`, GSI `byIdHash`): finds the insured person an identity
 * number belongs to without the number ever being stored. One item per household member with a number:
 * { householdId, personId, idHash, schemeId, idMasked }. The household item stays the truth: every hit is checked
 * against it, so an index item left behind (a member removed, a number corrected, a crash between the writes)
 * never matches anyone; the writes here only have to make sure current members are findable.
 */
import { DeleteCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { documentClient, tableName } from './aws.js';
import { checkedItems } from './stored-item.js';
import { scanPages } from './query-all.js';
import { hashIdNumber } from './identity.js';
import { householdsByIds } from './registry-repo.js';
import { pool } from './pool.js';
import { storedHouseholds, type StoredHousehold, type StoredMember } from './household-record.js';

/** What a search reads of an index entry: which member it points at (the household item then decides). */
const IndexEntry = z.object({ householdId: z.string().min(1), personId: z.string().min(1), idHash: z.string() });

/** A registry member found by identity number (masked for reports; the hash and the number stay inside). */
export interface InsuredPerson {
  readonly householdId: string;
  readonly personId: string;
  readonly idMasked: string | null;
}

/**
 * Makes the household's current members findable: writes an index item for each member with a number, unless it
 * holds that already (a conditional write that fails is a no-op: re-imports of an unchanged registry write
 * nothing). Called before the household item is written, so a member is never in the registry unfindable.
 */
export async function indexMembers(h: Pick<StoredHousehold, 'householdId' | 'schemeId' | 'members'>): Promise<void> {
  await Promise.all(
    h.members
      .filter((m): m is StoredMember & { idHash: string } => typeof m.idHash === 'string')
      .map(async (m) => {
        try {
          await documentClient().send(
            new UpdateCommand({
              TableName: tableName('identities'),
              Key: { householdId: h.householdId, personId: m.personId },
              UpdateExpression: 'SET idHash = :h, schemeId = :s, idMasked = :m',
              ConditionExpression: 'attribute_not_exists(idHash) OR idHash <> :h OR schemeId <> :s OR idMasked <> :m',
              ExpressionAttributeValues: { ':h': m.idHash, ':s': h.schemeId, ':m': m.idMasked ?? null },
            }),
          );
        } catch (err) {
          if (!(err instanceof ConditionalCheckFailedException)) throw err; // already indexed as it is
        }
      }),
  );
}

/**
 * After the household item was replaced: removes the index items of members it no longer has (or whose number
 * it no longer has). Conditional on the hash the old entry had, so an item a concurrent import re-wrote stays.
 */
export async function unindexDroppedMembers(
  h: Pick<StoredHousehold, 'householdId' | 'members'>,
  before: readonly StoredMember[] | undefined,
): Promise<void> {
  const current = new Map(h.members.map((m) => [m.personId, m.idHash]));
  // A member still there with another number was re-keyed by indexMembers (same item key): nothing to remove.
  const dropped = (before ?? []).filter((m) => m.idHash !== undefined && current.get(m.personId) === undefined);
  await Promise.all(
    dropped.map(async (m) => {
      try {
        await documentClient().send(
          new DeleteCommand({
            TableName: tableName('identities'),
            Key: { householdId: h.householdId, personId: m.personId },
            ConditionExpression: 'idHash = :h',
            ExpressionAttributeValues: { ':h': m.idHash },
          }),
        );
      } catch (err) {
        if (!(err instanceof ConditionalCheckFailedException)) throw err;
      }
    }),
  );
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
 * `findInsuredByIdentity` for many numbers (a feed's batch of rows), answered in their order: one index query per
 * number, `concurrency` at a time, then ONE read of every household they point at, not one read per row.
 */
export async function findInsuredByIdentities(schemeId: string, idNumbers: readonly string[], concurrency = 8): Promise<InsuredPerson[][]> {
  const hits = await pool(idNumbers, concurrency, async (idNumber) => {
    const idHash = await hashIdNumber(idNumber);
    const out = await documentClient().send(
      new QueryCommand({
        TableName: tableName('identities'),
        IndexName: 'byIdHash',
        KeyConditionExpression: 'idHash = :h',
        FilterExpression: 'schemeId = :s',
        ExpressionAttributeValues: { ':h': idHash, ':s': schemeId },
      }),
    );
    const candidates = checkedItems(
      IndexEntry,
      out.Items,
      { table: 'identities', what: 'identity index entry' },
      (i) => `${i.householdId}/${i.personId}`,
    );
    return { idHash, candidates };
  });
  const households = await householdsByIds([...new Set(hits.flatMap((h) => h.candidates.map((c) => c.householdId)))]);
  return hits.map(({ idHash, candidates }) => {
    const found: InsuredPerson[] = [];
    for (const c of candidates) {
      const h = households.get(c.householdId);
      const member = h?.schemeId === schemeId ? h.members.find((m) => m.personId === c.personId && m.idHash === idHash) : undefined;
      if (member) found.push({ householdId: c.householdId, personId: c.personId, idMasked: member.idMasked ?? null });
    }
    return found;
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
