/**
 * A data directory from before an index existed: `npm start` (ensureTables) adds the missing GSIs to the tables
 * that exist, as the medicalFeeds and auditSamples tables gained `byScheme` (GET /medical-feeds, GET /audit-samples).
 * An item stored before lacks the index attribute and stays out of the index; one written with it is found.
 *
 * Its own DynamoDB Local on a data directory, as `npm start` runs: on the suite's shared in-memory store, among the
 * tables of every other suite and their traffic, the index once stayed CREATING past the test's timeout.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ensureTables } from '../../embedded/create-tables.js';
import { localDynamoClientConfig, startDynamoDbLocal, type DynamoDbLocal } from '../../embedded/dynamodb-local.js';
import { tableSpec } from '../../functions/shared/tables.js';

const dataDir = mkdtempSync(join(tmpdir(), 'fangpin-oldidx-'));
let store: DynamoDbLocal;
let client: DynamoDBClient;
let doc: DynamoDBDocumentClient;

beforeAll(async () => {
  store = await startDynamoDbLocal({ dataDir });
  client = new DynamoDBClient(localDynamoClientConfig(store.endpoint));
  doc = DynamoDBDocumentClient.from(client);
}, 60_000);

afterAll(async () => {
  client?.destroy();
  await store?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('ensureTables on an older data directory', () => {
  it('adds byScheme to medicalFeeds and auditSamples, with their key schema and projection', async () => {
    const prefix = 'fangpin-';
    // The two tables as an older version created them: their keys, no index.
    for (const id of ['medicalFeeds', 'auditSamples'] as const) {
      const spec = tableSpec(id);
      await client.send(
        new CreateTableCommand({
          TableName: `${prefix}${id}`,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [
            { AttributeName: spec.partitionKey.name, AttributeType: 'S' },
            { AttributeName: spec.sortKey!.name, AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: spec.partitionKey.name, KeyType: 'HASH' },
            { AttributeName: spec.sortKey!.name, KeyType: 'RANGE' },
          ],
        }),
      );
    }
    const feeds = `${prefix}medicalFeeds`;
    await doc.send(
      new PutCommand({ TableName: feeds, Item: { feedId: 'MF-old', item: 'FEED', schemeId: 'xiaogan-2024', createdAt: '2026-11-30T08:00:00Z' } }),
    );

    await ensureTables(client, prefix);

    for (const id of ['medicalFeeds', 'auditSamples'] as const) {
      const table = (await client.send(new DescribeTableCommand({ TableName: `${prefix}${id}` }))).Table;
      const gsi = table?.GlobalSecondaryIndexes?.find((g) => g.IndexName === 'byScheme');
      const spec = tableSpec(id).indexes.find((i) => i.indexName === 'byScheme')!;
      expect(gsi?.KeySchema, id).toEqual([
        { AttributeName: 'listScheme', KeyType: 'HASH' },
        { AttributeName: spec.sortKey!.name, KeyType: 'RANGE' },
      ]);
      expect(gsi?.Projection?.ProjectionType, id).toBe(spec.include ? 'INCLUDE' : 'ALL');
    }

    await doc.send(
      new PutCommand({
        TableName: feeds,
        Item: { feedId: 'MF-new', item: 'FEED', schemeId: 'xiaogan-2024', listScheme: 'xiaogan-2024', createdAt: '2026-12-01T08:00:00Z' },
      }),
    );
    await doc.send(new PutCommand({ TableName: feeds, Item: { feedId: 'MF-new', item: 'ROW#000000002', outcome: 'FILED' } }));
    const listed = await doc.send(
      new QueryCommand({
        TableName: feeds,
        IndexName: 'byScheme',
        KeyConditionExpression: 'listScheme = :s',
        ExpressionAttributeValues: { ':s': 'xiaogan-2024' },
      }),
    );
    // The feed stored before the index is not in it until `npm run reports -- rebuild` gives it listScheme
    // (test/functions/list-keys-backfill.test.ts); the row items never are.
    expect(listed.Items?.map((i) => `${i.feedId}/${i.item}`)).toEqual(['MF-new/FEED']);
  });
});
