/** The household registry: stored with hashed and masked identity numbers only. */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { fanoutShardOf, maskIdNumber, type Household, type HouseholdInput } from '#core/index.js';
import { documentClient, tableName } from './aws.js';
import { hashIdNumber } from './identity.js';

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
  return { ...input, members, fanoutShard: fanoutShardOf(input), updatedAt: new Date().toISOString() };
}

/** Upsert; answers whether the household was new. */
export async function putHousehold(h: StoredHousehold): Promise<'created' | 'updated'> {
  const out = await documentClient().send(new PutCommand({ TableName: tableName('registry'), Item: h, ReturnValues: 'ALL_OLD' }));
  return out.Attributes ? 'updated' : 'created';
}

/** The API view: masked identity numbers, never the hash either. */
export function householdView(h: StoredHousehold) {
  const { fanoutShard: _shard, ...rest } = h;
  return { ...rest, members: h.members.map(({ idHash: _hash, ...m }) => m) };
}
