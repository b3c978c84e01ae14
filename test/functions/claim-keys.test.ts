/**
 * A claim's search keys (table claimKeys, functions/shared/claim-keys-repo.ts) against DynamoDB Local: written once
 * with the claim, given the county a move sets when the claim was filed without one, given to claims stored before
 * the table existed (the backfill, and the embedded start's upgrade of an older data directory, which also deletes
 * the claims table's retired indexes).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { useStore } from '../support/store.js';
import { localDynamoClientConfig, startDynamoDbLocal } from '../../embedded/dynamodb-local.js';
import { ensureTables, tableNamesEnv } from '../../embedded/create-tables.js';
import { RETIRED_CLAIM_INDEXES, tableSpec } from '../../functions/shared/tables.js';
import type { ClaimRecord } from '../../functions/shared/claim-record.js';

let aws: typeof import('../../functions/shared/aws.js');
let claimsRepo: typeof import('../../functions/shared/claims-repo.js');
let keysRepo: typeof import('../../functions/shared/claim-keys-repo.js');

beforeAll(async () => {
  await useStore('claimkeys');
  aws = await import('../../functions/shared/aws.js');
  claimsRepo = await import('../../functions/shared/claims-repo.js');
  keysRepo = await import('../../functions/shared/claim-keys-repo.js');
});

const CREATED = '2031-05-03T08:00:00.000Z';

function claim(claimId: string, county: string | null): ClaimRecord {
  return {
    claimId,
    submission: {
      schemeId: 'xiaogan-2024',
      product: 'ACCIDENT',
      householdId: 'H-CK-1',
      personId: 'P-1',
      incidentDate: '2031-05-01',
      details: { kind: 'DEATH' },
    } as unknown as ClaimRecord['submission'],
    householdId: 'H-CK-1',
    schemeId: 'xiaogan-2024',
    product: 'ACCIDENT',
    ...(county ? { county } : {}),
    status: 'RECEIVED',
    submittedBy: 'test',
    createdAt: CREATED,
    updatedAt: CREATED,
  } as ClaimRecord;
}

const keysOf = async (claimId: string) =>
  (await aws.documentClient().send(new GetCommand({ TableName: aws.tableName('claimKeys'), Key: { claimId }, ConsistentRead: true }))).Item;

describe('claim keys written with the claim', () => {
  it('filing writes the keys item (only the keys), once: a repeat writes nothing', async () => {
    expect(await claimsRepo.createClaim(claim('C-CK-1', '420922'))).toBe(true);
    const keys = {
      claimId: 'C-CK-1',
      householdId: 'H-CK-1',
      schemeId: 'xiaogan-2024',
      product: 'ACCIDENT',
      createdAt: CREATED,
      county: '420922',
      schemeCounty: 'xiaogan-2024#420922',
    };
    expect(await keysOf('C-CK-1')).toEqual(keys);
    expect(await claimsRepo.createClaim({ ...claim('C-CK-1', '420923'), createdAt: '2031-06-01T00:00:00.000Z' })).toBe(false);
    expect(await keysOf('C-CK-1')).toEqual(keys);
  });

  it('a move that gives the claim its county gives the keys item the county; a move that keeps it writes no keys', async () => {
    await claimsRepo.createClaim(claim('C-CK-2', null));
    expect(await keysOf('C-CK-2')).not.toHaveProperty('schemeCounty');
    const before = await claimsRepo.loadClaim('C-CK-2');
    const items = await claimsRepo.moveClaim(before, ['RECEIVED'], { county: '420902' });
    expect(items.filter((i) => (i.Update ?? i.Put)?.TableName === aws.tableName('claimKeys'))).toHaveLength(1);
    await aws.documentClient().send(new TransactWriteCommand({ TransactItems: items }));
    expect(await keysOf('C-CK-2')).toMatchObject({ county: '420902', schemeCounty: 'xiaogan-2024#420902', createdAt: CREATED });

    const moved = await claimsRepo.loadClaim('C-CK-2');
    expect(moved.schemeCounty).toBe('xiaogan-2024#420902');
    const again = await claimsRepo.moveClaim(moved, ['RECEIVED'], { county: '420902' });
    expect(again.filter((i) => (i.Update ?? i.Put)?.TableName === aws.tableName('claimKeys'))).toEqual([]);
  });

  it('a claim stored before the table existed gets a whole keys item from the move that sets its county', async () => {
    await aws.documentClient().send(new PutCommand({ TableName: aws.tableName('claims'), Item: claim('C-CK-3', null) }));
    const before = await claimsRepo.loadClaim('C-CK-3');
    await aws
      .documentClient()
      .send(new TransactWriteCommand({ TransactItems: await claimsRepo.moveClaim(before, ['RECEIVED'], { county: '420921' }) }));
    expect(await keysOf('C-CK-3')).toEqual({
      claimId: 'C-CK-3',
      householdId: 'H-CK-1',
      schemeId: 'xiaogan-2024',
      product: 'ACCIDENT',
      createdAt: CREATED,
      county: '420921',
      schemeCounty: 'xiaogan-2024#420921',
    });
  });

  it('the backfill gives every claim without keys its item, conditionally; a second run finds none missing', async () => {
    for (const id of ['C-CK-4', 'C-CK-5', 'C-CK-6'])
      await aws.documentClient().send(new PutCommand({ TableName: aws.tableName('claims'), Item: claim(id, id === 'C-CK-6' ? null : '420922') }));
    expect(await keysRepo.indexAllClaimKeys({ write: false })).toMatchObject({ missing: 3, written: 0 });
    expect(await keysOf('C-CK-4')).toBeUndefined();
    expect(await keysRepo.indexAllClaimKeys({ write: true })).toMatchObject({ missing: 3, written: 3 });
    expect(await keysOf('C-CK-4')).toMatchObject({ householdId: 'H-CK-1', schemeCounty: 'xiaogan-2024#420922', createdAt: CREATED });
    expect(await keysOf('C-CK-6')).not.toHaveProperty('schemeCounty');
    expect(await keysRepo.indexAllClaimKeys({ write: true })).toMatchObject({ missing: 0, written: 0 });
  });
});

describe('what is read is checked', () => {
  it('a malformed keys item in a listing, or a claim the backfill cannot make keys of, is an error naming it', async () => {
    const badKeys = {
      claimId: 'C-CK-BADK',
      householdId: 'H-CK-BADK',
      schemeId: 'xiaogan-2024',
      product: 'ACCIDENT',
      createdAt: CREATED,
      county: 420902,
    };
    await aws.documentClient().send(new PutCommand({ TableName: aws.tableName('claimKeys'), Item: badKeys }));
    await expect(
      keysRepo.readClaimKeysIndex({
        indexName: 'byHousehold',
        keyCondition: 'householdId = :pk',
        values: { ':pk': 'H-CK-BADK' },
        names: {},
        filter: undefined,
        keep: undefined,
        forward: true,
        limit: 10,
        start: undefined,
        parse: claimsRepo.parseStoredClaim,
      }),
    ).rejects.toThrow(/^claimKeys table: C-CK-BADK is not a valid claim keys: .*county/);

    const { householdId: _, ...noHousehold } = claim('C-CK-BADC', '420922');
    await aws.documentClient().send(new PutCommand({ TableName: aws.tableName('claims'), Item: noHousehold }));
    await expect(keysRepo.indexAllClaimKeys({ write: true })).rejects.toThrow(
      /^claims table: C-CK-BADC is not a valid claim \(its search keys\): .*householdId/,
    );
    expect(await keysOf('C-CK-BADC')).toBeUndefined();
  });
});

describe("an older data directory's upgrade at start (embedded/claim-keys-upgrade.ts)", () => {
  it('gives the claims their keys, then deletes the retired indexes; a second start does nothing', async () => {
    // A store as an older version left it: the claims table with the search indexes, claims without keys items. In a
    // DynamoDB Local of its own, as the embedded runtime has: the suite's shared one queues index deletions behind
    // the other files' table and index work (minutes, under the whole suite), where a start has nothing else queued.
    const store = await startDynamoDbLocal({ log: () => undefined });
    const prefix = 'claimkeysold-';
    const client = new DynamoDBClient(localDynamoClientConfig(store.endpoint));
    const spec = tableSpec('claims');
    const indexes = [...spec.indexes, ...RETIRED_CLAIM_INDEXES];
    const names = [...new Map(indexes.flatMap((i) => [i.partitionKey, ...(i.sortKey ? [i.sortKey] : [])]).map((a) => [a.name, a])).values()];
    await client.send(
      new CreateTableCommand({
        TableName: `${prefix}claims`,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'claimId', AttributeType: 'S' },
          ...names.map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
        ],
        KeySchema: [{ AttributeName: 'claimId', KeyType: 'HASH' }],
        GlobalSecondaryIndexes: indexes.map((i) => ({
          IndexName: i.indexName,
          KeySchema: [
            { AttributeName: i.partitionKey.name, KeyType: 'HASH' as const },
            ...(i.sortKey ? [{ AttributeName: i.sortKey.name, KeyType: 'RANGE' as const }] : []),
          ],
          Projection: i.include ? { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...i.include] } : { ProjectionType: 'ALL' as const },
        })),
      }),
    );
    // The other tables, as a start creates them (the claims table exists: kept as it is).
    Object.assign(process.env, { AWS_ENDPOINT_URL_DYNAMODB: store.endpoint, ...tableNamesEnv(prefix) });
    await ensureTables(client, prefix);
    aws.resetClients();
    for (const id of ['C-OLD-1', 'C-OLD-2'])
      await aws.documentClient().send(new PutCommand({ TableName: `${prefix}claims`, Item: claim(id, '420902') }));
    const { upgradeClaimKeysIfNeeded } = await import('../../embedded/claim-keys-upgrade.js');
    const log: string[] = [];
    expect(await upgradeClaimKeysIfNeeded(client, `${prefix}claims`, (l) => log.push(l))).toBe(2);
    expect(await keysOf('C-OLD-1')).toMatchObject({ schemeCounty: 'xiaogan-2024#420902' });
    const left = (await client.send(new DescribeTableCommand({ TableName: `${prefix}claims` }))).Table?.GlobalSecondaryIndexes ?? [];
    expect(left.map((g) => g.IndexName).sort()).toEqual(spec.indexes.map((i) => i.indexName).sort());
    expect(log.join('\n')).toMatch(
      /gave 2 of 2 claim\(s\) their search keys[\s\S]*deleted the claims table's retired index\(es\) byHousehold, bySchemeCounty, byScheme, byProduct, byIndexEvent/,
    );
    expect(await upgradeClaimKeysIfNeeded(client, `${prefix}claims`, () => undefined)).toBe(0);
    client.destroy();
    await store.stop();
  }, 120_000);
});
