/** DynamoDB Local as the embedded store: lifecycle, table creation from the shared specs, transactions, durability. */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  ListTablesCommand,
  PutItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
  UpdateTableCommand,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { localDynamoClientConfig, startDynamoDbLocal, type DynamoDbLocal } from '../../embedded/dynamodb-local.js';
import { ensureTables, tableNamesEnv } from '../../embedded/create-tables.js';
import { TABLES } from '../../functions/shared/tables.js';
import { LAUNCHER_CLASS, dynamoDbLocalPaths } from '../../scripts/install-dynamodb-local.mjs';

const PREFIX = 'ddbl-test-';

describe('DynamoDB Local in memory', () => {
  let store: DynamoDbLocal;
  let client: DynamoDBClient;

  beforeAll(async () => {
    store = await startDynamoDbLocal();
    client = new DynamoDBClient(localDynamoClientConfig(store.endpoint));
  }, 60_000);

  afterAll(async () => {
    client?.destroy();
    await store?.stop();
  });

  it('answers on a loopback endpoint', () => {
    expect(store.endpoint).toBe(`http://127.0.0.1:${store.port}`);
    expect(store.port).toBeGreaterThan(0);
  });

  it('creates every table from the specs, idempotently, with keys, GSIs and TTL', async () => {
    await ensureTables(client, PREFIX);
    await ensureTables(client, PREFIX);

    const names = (await client.send(new ListTablesCommand({}))).TableNames ?? [];
    expect(names.filter((n) => n.startsWith(PREFIX)).sort()).toEqual(TABLES.map((t) => `${PREFIX}${t.id}`).sort());

    const claims = (await client.send(new DescribeTableCommand({ TableName: `${PREFIX}claims` }))).Table;
    expect(claims?.KeySchema).toEqual([{ AttributeName: 'claimId', KeyType: 'HASH' }]);
    expect(claims?.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.Projection?.ProjectionType]).sort()).toEqual([
      ['approvedByScheme', 'ALL'],
      ['byStatus', 'ALL'],
      ['reviewQueueByPayout', 'ALL'],
    ]);
    // The search's indexes are table claimKeys', written once a claim (tables.ts).
    const keys = (await client.send(new DescribeTableCommand({ TableName: `${PREFIX}claimKeys` }))).Table;
    expect(keys?.GlobalSecondaryIndexes?.map((i) => i.IndexName).sort()).toEqual([
      'byHousehold',
      'byIndexEvent',
      'byProduct',
      'byScheme',
      'bySchemeCounty',
    ]);

    const audit = (await client.send(new DescribeTableCommand({ TableName: `${PREFIX}audit` }))).Table;
    expect(audit?.KeySchema).toEqual([
      { AttributeName: 'claimId', KeyType: 'HASH' },
      { AttributeName: 'seq', KeyType: 'RANGE' },
    ]);
    expect(audit?.AttributeDefinitions).toContainEqual({ AttributeName: 'seq', AttributeType: 'N' });

    const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: `${PREFIX}idempotency` }));
    expect(ttl.TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: 'expiration' });

    expect(tableNamesEnv(PREFIX)).toMatchObject({ CLAIMS_TABLE: `${PREFIX}claims`, AUDIT_TABLE: `${PREFIX}audit` });
    expect(Object.keys(tableNamesEnv(PREFIX))).toHaveLength(TABLES.length);
  });

  it('cancels a transaction whose condition fails, with ConditionalCheckFailed, and applies none of it', async () => {
    await ensureTables(client, PREFIX);
    const accumulators = `${PREFIX}accumulators`;
    const claims = `${PREFIX}claims`;
    await client.send(new PutItemCommand({ TableName: accumulators, Item: { pk: { S: 'ACC#P#s1#p1#MEDICAL#2024' }, paid: { N: '9000' } } }));

    // Pay 2000 more only if that stays within a 10000 cap (paid <= cap - amount), and record the claim.
    const err = await client
      .send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Update: {
                TableName: accumulators,
                Key: { pk: { S: 'ACC#P#s1#p1#MEDICAL#2024' } },
                UpdateExpression: 'SET paid = paid + :amount',
                ConditionExpression: 'paid <= :room',
                ExpressionAttributeValues: { ':amount': { N: '2000' }, ':room': { N: '8000' } },
              },
            },
            {
              Put: {
                TableName: claims,
                Item: { claimId: { S: 'c-1' }, status: { S: 'PAID' } },
                ConditionExpression: 'attribute_not_exists(claimId)',
              },
            },
          ],
        }),
      )
      .then(
        () => undefined,
        (e: unknown) => e,
      );

    expect(err).toBeInstanceOf(TransactionCanceledException);
    const reasons = (err as TransactionCanceledException).CancellationReasons?.map((r) => r.Code);
    expect(reasons).toEqual(['ConditionalCheckFailed', 'None']);

    const acc = await client.send(
      new GetItemCommand({ TableName: accumulators, Key: { pk: { S: 'ACC#P#s1#p1#MEDICAL#2024' } }, ConsistentRead: true }),
    );
    expect(acc.Item?.paid).toEqual({ N: '9000' });
    const claim = await client.send(new GetItemCommand({ TableName: claims, Key: { claimId: { S: 'c-1' } }, ConsistentRead: true }));
    expect(claim.Item).toBeUndefined();
  });

  // DynamoDB Local itself cannot choose its listen address; the launcher built by the install script can.
  const launcher = existsSync(join(dynamoDbLocalPaths().launcherDir, `${LAUNCHER_CLASS}.class`));
  const external = Object.values(networkInterfaces())
    .flat()
    .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
  it.skipIf(!launcher || !external)('is not reachable on a non-loopback address', async () => {
    const outcome = await new Promise<string>((done) => {
      const socket = connect({ host: external, port: store.port });
      socket.setTimeout(2_000, () => {
        socket.destroy();
        done('timeout');
      });
      socket.once('connect', () => {
        socket.destroy();
        done('connected');
      });
      socket.once('error', (e: NodeJS.ErrnoException) => done(e.code ?? 'error'));
    });
    expect(outcome).toBe('ECONNREFUSED');
  });

  // The launcher keeps the table descriptions DynamoDB Local's item operations parse, keyed by their bytes
  // (embedded/dynamodb-local-launcher/TableDescriptionCache.java). These change a table's shape while items are written
  // and read: a description kept by table name, or a stale one, would write index columns or keys of the old shape.
  describe('table descriptions, kept parsed by the launcher', () => {
    const table = `${PREFIX}shape`;

    const create = (keys: Pick<CreateTableCommandInput, 'KeySchema' | 'AttributeDefinitions'>) =>
      client.send(new CreateTableCommand({ TableName: table, BillingMode: 'PAY_PER_REQUEST', ...keys }));
    const hashOnly = {
      KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' as const }],
      AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' as const }],
    };
    const put = (item: Record<string, string>) =>
      client.send(new PutItemCommand({ TableName: table, Item: Object.fromEntries(Object.entries(item).map(([k, v]) => [k, { S: v }])) }));
    const bySCount = async () =>
      (
        await client.send(
          new QueryCommand({ TableName: table, IndexName: 'byS', KeyConditionExpression: 's = :s', ExpressionAttributeValues: { ':s': { S: 'x' } } }),
        )
      ).Count;
    const indexes = async () => (await client.send(new DescribeTableCommand({ TableName: table }))).Table?.GlobalSecondaryIndexes ?? [];
    const until = async (done: () => Promise<boolean>) => {
      for (let i = 0; i < 100 && !(await done()); i++) await new Promise((r) => setTimeout(r, 100));
      expect(await done()).toBe(true);
    };

    it.skipIf(!launcher)('are cached when the launcher runs DynamoDB Local', () => {
      expect(store.descriptionCache).toBe('cached');
    });

    it('follow an index created, an index deleted, and the table made again with other keys', async () => {
      await create(hashOnly);
      await put({ k: '1', s: 'x' });

      // An index created on a table in use: the items written after it (and the backfilled ones) are in it.
      await client.send(
        new UpdateTableCommand({
          TableName: table,
          AttributeDefinitions: [{ AttributeName: 's', AttributeType: 'S' }],
          GlobalSecondaryIndexUpdates: [
            { Create: { IndexName: 'byS', KeySchema: [{ AttributeName: 's', KeyType: 'HASH' }], Projection: { ProjectionType: 'ALL' } } },
          ],
        }),
      );
      await until(async () => (await indexes()).every((i) => i.IndexStatus === 'ACTIVE'));
      await put({ k: '2', s: 'x' });
      expect(await bySCount()).toBe(2);

      // The index deleted: it cannot be read, and writes go on.
      await client.send(new UpdateTableCommand({ TableName: table, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: 'byS' } }] }));
      await until(async () => (await indexes()).length === 0);
      await expect(bySCount()).rejects.toThrow(/index/i);
      await put({ k: '3', s: 'x' });

      // The table made again with a sort key: two items of one partition are two items, not one overwritten.
      await client.send(new DeleteTableCommand({ TableName: table }));
      await create({
        KeySchema: [
          { AttributeName: 'k', KeyType: 'HASH' },
          { AttributeName: 'r', KeyType: 'RANGE' },
        ],
        AttributeDefinitions: [
          { AttributeName: 'k', AttributeType: 'S' },
          { AttributeName: 'r', AttributeType: 'S' },
        ],
      });
      // Its key checked against the new description: an item without the sort key is refused.
      await expect(put({ k: '2' })).rejects.toThrow(/key/i);
      await put({ k: '1', r: 'a' });
      await put({ k: '1', r: 'b' });
      const partition = await client.send(
        new QueryCommand({
          TableName: table,
          KeyConditionExpression: 'k = :k',
          ExpressionAttributeValues: { ':k': { S: '1' } },
          ConsistentRead: true,
        }),
      );
      expect(partition.Items?.map((i) => i.r?.S)).toEqual(['a', 'b']);

      // And again as it was first (the same description as a cached one): one key, the item as written.
      await client.send(new DeleteTableCommand({ TableName: table }));
      await create(hashOnly);
      await put({ k: '1', s: 'y' });
      const got = await client.send(new GetItemCommand({ TableName: table, Key: { k: { S: '1' } }, ConsistentRead: true }));
      expect(got.Item).toEqual({ k: { S: '1' }, s: { S: 'y' } });
    }, 60_000);

    it.skipIf(!launcher)(
      'are not cached with FANGPIN_DYNAMODB_DESCRIPTION_CACHE=0',
      async () => {
        const before = process.env.FANGPIN_DYNAMODB_DESCRIPTION_CACHE;
        process.env.FANGPIN_DYNAMODB_DESCRIPTION_CACHE = '0';
        try {
          const plain = await startDynamoDbLocal();
          await plain.stop();
          expect(plain.descriptionCache).toBe('off');
        } finally {
          if (before === undefined) delete process.env.FANGPIN_DYNAMODB_DESCRIPTION_CACHE;
          else process.env.FANGPIN_DYNAMODB_DESCRIPTION_CACHE = before;
        }
      },
      60_000,
    );
  });
});

describe('DynamoDB Local on disk', () => {
  it('keeps items across a stop and a restart on the same data directory', async () => {
    const root = mkdtempSync(join(tmpdir(), 'fangpin-ddbl-'));
    const dataDir = join(root, 'not', 'yet', 'there');
    const key = { claimId: { S: 'durable-1' } };
    try {
      const first = await startDynamoDbLocal({ dataDir });
      const c1 = new DynamoDBClient(localDynamoClientConfig(first.endpoint));
      try {
        await ensureTables(c1, PREFIX);
        await c1.send(new PutItemCommand({ TableName: `${PREFIX}claims`, Item: { ...key, status: { S: 'RECEIVED' }, amount: { N: '1234.5' } } }));
      } finally {
        c1.destroy();
        await first.stop();
      }
      expect(existsSync(join(dataDir, 'shared-local-instance.db'))).toBe(true);
      // Created in WAL mode (embedded/sqlite-wal.ts): header bytes 18 and 19 are 2.
      expect([...readFileSync(join(dataDir, 'shared-local-instance.db')).subarray(18, 20)]).toEqual([2, 2]);

      // The first instance is gone once stop() resolved: its endpoint refuses connections.
      const dead = new DynamoDBClient({ ...localDynamoClientConfig(first.endpoint), maxAttempts: 1 });
      await expect(dead.send(new ListTablesCommand({}))).rejects.toThrow();
      dead.destroy();

      const second = await startDynamoDbLocal({ dataDir });
      const c2 = new DynamoDBClient(localDynamoClientConfig(second.endpoint));
      try {
        await ensureTables(c2, PREFIX); // finds them all, creates nothing
        const got = await c2.send(new GetItemCommand({ TableName: `${PREFIX}claims`, Key: key, ConsistentRead: true }));
        expect(got.Item).toEqual({ ...key, status: { S: 'RECEIVED' }, amount: { N: '1234.5' } });
      } finally {
        c2.destroy();
        await second.stop();
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }, 60_000);
});
