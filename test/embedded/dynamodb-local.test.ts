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
  ConditionalCheckFailedException,
  UpdateItemCommand,
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

  // The launcher's stand-in for DynamoDB Local's expression parser keeps each expression's parse, keyed by the string
  // and the grammar rule (embedded/dynamodb-local-launcher/expression-cache/). The names and values a request binds
  // must still be its own; an expression with an error must be refused every time; one string parsed under two
  // rules must be parsed under each.
  describe('expressions, parsed once by the launcher', () => {
    const table = `${PREFIX}expressions`;
    const key = (k: string) => ({ k: { S: k } });
    const read = async (k: string) => (await client.send(new GetItemCommand({ TableName: table, Key: key(k), ConsistentRead: true }))).Item;

    beforeAll(async () => {
      await client.send(
        new CreateTableCommand({
          TableName: table,
          BillingMode: 'PAY_PER_REQUEST',
          KeySchema: [{ AttributeName: 'k', KeyType: 'HASH' }],
          AttributeDefinitions: [{ AttributeName: 'k', AttributeType: 'S' }],
        }),
      );
    });

    it.skipIf(!launcher)('are cached when the launcher runs DynamoDB Local', () => {
      expect(store.expressionCache).toBe('cached');
    });

    it('bind the names and values of each request to an expression parsed before, also many at once', async () => {
      // One update expression, 40 concurrent requests, each naming another attribute and value.
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          client.send(
            new UpdateItemCommand({
              TableName: table,
              Key: key('bound'),
              UpdateExpression: 'SET #a = :v',
              ExpressionAttributeNames: { '#a': `a${i}` },
              ExpressionAttributeValues: { ':v': { N: String(i) } },
            }),
          ),
        ),
      );
      const item = await read('bound');
      expect(Object.keys(item ?? {}).length).toBe(41);
      for (let i = 0; i < 40; i++) expect(item?.[`a${i}`]).toEqual({ N: String(i) });

      // One condition, true for one request's value and false for the other's.
      const putIf = (v: string) =>
        client.send(
          new PutItemCommand({
            TableName: table,
            Item: { ...key('bound'), a0: { N: v } },
            ConditionExpression: '#a = :v',
            ExpressionAttributeNames: { '#a': 'a0' },
            ExpressionAttributeValues: { ':v': { N: v } },
          }),
        );
      await expect(putIf('7')).rejects.toThrow(ConditionalCheckFailedException);
      await putIf('0');
      expect(await read('bound')).toEqual({ ...key('bound'), a0: { N: '0' } });

      // One projection, two attributes named.
      const project = async (name: string) =>
        (
          await client.send(
            new GetItemCommand({ TableName: table, Key: key('bound'), ProjectionExpression: '#p', ExpressionAttributeNames: { '#p': name } }),
          )
        ).Item;
      expect(await project('a0')).toEqual({ a0: { N: '0' } });
      expect(await project('k')).toEqual(key('bound'));
    });

    it('refuse an expression with an error every time, and a name key with an error every time', async () => {
      const update = (expression: string) =>
        client.send(
          new UpdateItemCommand({
            TableName: table,
            Key: key('errors'),
            UpdateExpression: expression,
            ExpressionAttributeValues: { ':v': { N: '1' } },
          }),
        );
      await update('SET a = :v');
      for (let i = 0; i < 3; i++) await expect(update('SET a = = :v')).rejects.toThrow(/syntax error/i);
      const named = (nameKey: string) =>
        client.send(
          new UpdateItemCommand({
            TableName: table,
            Key: key('errors'),
            UpdateExpression: 'SET b = :v',
            ExpressionAttributeNames: { [nameKey]: 'b' },
            ExpressionAttributeValues: { ':v': { N: '2' } },
          }),
        );
      for (let i = 0; i < 3; i++) await expect(named('#b-c')).rejects.toThrow(/ExpressionAttributeNames/i);
      for (let i = 0; i < 3; i++) await expect(named('b')).rejects.toThrow(/ExpressionAttributeNames/i);
      expect(await read('errors')).toEqual({ ...key('errors'), a: { N: '1' } });
    });

    it('parse one string under each rule it is used with', async () => {
      // `a` is a projection; as a condition it is not one (a condition needs a comparison or a function).
      await client.send(new PutItemCommand({ TableName: table, Item: { ...key('rules'), a: { S: 'x' } } }));
      const got = await client.send(new GetItemCommand({ TableName: table, Key: key('rules'), ProjectionExpression: 'a' }));
      expect(got.Item).toEqual({ a: { S: 'x' } });
      for (let i = 0; i < 2; i++)
        await expect(
          client.send(new PutItemCommand({ TableName: table, Item: { ...key('rules'), a: { S: 'y' } }, ConditionExpression: 'a' })),
        ).rejects.toThrow(/syntax error|invalid/i);
      expect(await read('rules')).toEqual({ ...key('rules'), a: { S: 'x' } });
    });

    it.skipIf(!launcher)(
      'are parsed as DynamoDB Local ships with FANGPIN_DYNAMODB_EXPRESSION_CACHE=0',
      async () => {
        const before = process.env.FANGPIN_DYNAMODB_EXPRESSION_CACHE;
        process.env.FANGPIN_DYNAMODB_EXPRESSION_CACHE = '0';
        try {
          const plain = await startDynamoDbLocal();
          await plain.stop();
          expect(plain.expressionCache).toBe('off');
        } finally {
          if (before === undefined) delete process.env.FANGPIN_DYNAMODB_EXPRESSION_CACHE;
          else process.env.FANGPIN_DYNAMODB_EXPRESSION_CACHE = before;
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
