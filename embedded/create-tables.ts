/** Creates the project's tables in DynamoDB Local from the same specs the CDK app uses (functions/shared/tables.ts). */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  UpdateTableCommand,
  type Projection,
  ListTablesCommand,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
  type AttributeDefinition,
  type DynamoDBClient,
  type KeySchemaElement,
} from '@aws-sdk/client-dynamodb';
import { TABLES, type IndexSpec, type KeyAttr, type TableSpec } from '../functions/shared/tables.js';

/** Environment for the handlers: each spec's envVar → its physical table name. */
export function tableNamesEnv(prefix: string): Record<string, string> {
  return Object.fromEntries(TABLES.map((t) => [t.envVar, `${prefix}${t.id}`]));
}

function attributes(spec: TableSpec): AttributeDefinition[] {
  const all = [spec.partitionKey, spec.sortKey, ...spec.indexes.flatMap((i) => [i.partitionKey, i.sortKey])].filter(
    (a): a is KeyAttr => a !== undefined,
  );
  const types = new Map<string, 'S' | 'N'>();
  for (const a of all) {
    const seen = types.get(a.name);
    if (seen && seen !== a.type) throw new Error(`table ${spec.id}: attribute ${a.name} is both ${seen} and ${a.type}`);
    types.set(a.name, a.type);
  }
  return [...types].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType }));
}

function keySchema(pk: KeyAttr, sk: KeyAttr | undefined): KeySchemaElement[] {
  return [{ AttributeName: pk.name, KeyType: 'HASH' }, ...(sk ? [{ AttributeName: sk.name, KeyType: 'RANGE' as const }] : [])];
}

function projection(i: IndexSpec): Projection {
  return i.include ? { ProjectionType: 'INCLUDE', NonKeyAttributes: [...i.include] } : { ProjectionType: 'ALL' };
}

/**
 * Waits until the index is ACTIVE. DynamoDB Local answers every write to the table with InternalFailure while an
 * index it is adding is CREATING (about a second, measured with 1.25), and DynamoDB takes one index creation at a
 * time: so a restart serves nothing before its new indexes are ready.
 */
async function indexActive(client: DynamoDBClient, TableName: string, IndexName: string, maxWaitMs = 120_000): Promise<void> {
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    const described = await client.send(new DescribeTableCommand({ TableName }));
    const status = described.Table?.GlobalSecondaryIndexes?.find((g) => g.IndexName === IndexName)?.IndexStatus;
    if (status === 'ACTIVE') return;
    if (Date.now() > deadline) throw new Error(`table ${TableName}: index ${IndexName} is still ${status ?? 'absent'} after ${maxWaitMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A data directory from an older version lacks indexes added since: add them (DynamoDB backfills them). */
async function ensureIndexes(client: DynamoDBClient, spec: TableSpec, TableName: string): Promise<void> {
  const described = await client.send(new DescribeTableCommand({ TableName }));
  const have = new Set((described.Table?.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName));
  for (const i of spec.indexes) {
    if (have.has(i.indexName)) continue;
    await client.send(
      new UpdateTableCommand({
        TableName,
        AttributeDefinitions: attributes(spec),
        GlobalSecondaryIndexUpdates: [
          { Create: { IndexName: i.indexName, KeySchema: keySchema(i.partitionKey, i.sortKey), Projection: projection(i) } },
        ],
      }),
    );
    await indexActive(client, TableName, i.indexName);
  }
}

async function existingTables(client: DynamoDBClient): Promise<Set<string>> {
  const names = new Set<string>();
  let start: string | undefined;
  do {
    const out = await client.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    for (const n of out.TableNames ?? []) names.add(n);
    start = out.LastEvaluatedTableName;
  } while (start);
  return names;
}

async function createTable(client: DynamoDBClient, spec: TableSpec, TableName: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: attributes(spec),
        KeySchema: keySchema(spec.partitionKey, spec.sortKey),
        GlobalSecondaryIndexes: spec.indexes.length
          ? spec.indexes.map((i) => ({ IndexName: i.indexName, KeySchema: keySchema(i.partitionKey, i.sortKey), Projection: projection(i) }))
          : undefined,
      }),
    );
  } catch (err) {
    // Someone else (another suite, another runtime on the same store) created it between ListTables and now.
    if ((err as { name?: string }).name !== 'ResourceInUseException') throw err;
  }
  // DynamoDB Local makes tables ACTIVE at once; the waiter only matters for a slower store.
  await waitUntilTableExists({ client, maxWaitTime: 60, minDelay: 1, maxDelay: 2 }, { TableName });
}

/** TTL where the spec asks for it. DynamoDB Local 1.25 supports it (and deletes expired items within ~1 s). */
async function ensureTtl(client: DynamoDBClient, TableName: string, AttributeName: string): Promise<void> {
  try {
    const now = await client.send(new DescribeTimeToLiveCommand({ TableName }));
    const d = now.TimeToLiveDescription;
    if (d?.AttributeName === AttributeName && (d.TimeToLiveStatus === 'ENABLED' || d.TimeToLiveStatus === 'ENABLING')) return;
    await client.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { AttributeName, Enabled: true } }));
  } catch {
    // A store without TTL support: ignored (expired items then stay until overwritten or deleted).
  }
}

/** Creates every table of TABLES as `${prefix}${id}` unless it exists. Idempotent and safe to run concurrently. */
export async function ensureTables(client: DynamoDBClient, prefix: string): Promise<void> {
  const existing = await existingTables(client);
  // New tables one at a time (a fresh store); the checks of existing ones, every restart, all at once: one at a
  // time they were about 40 round trips to a JVM just started, seconds of a restart on a loaded machine.
  for (const spec of TABLES) if (!existing.has(`${prefix}${spec.id}`)) await createTable(client, spec, `${prefix}${spec.id}`);
  await Promise.all(
    TABLES.map(async (spec) => {
      const TableName = `${prefix}${spec.id}`;
      if (existing.has(TableName)) await ensureIndexes(client, spec, TableName);
      if (spec.ttlAttribute) await ensureTtl(client, TableName, spec.ttlAttribute);
    }),
  );
}
