/** Creates the project's tables in DynamoDB Local from the same specs the CDK app uses. */
import { CreateTableCommand, DescribeTableCommand, ListTablesCommand, UpdateTimeToLiveCommand, type AttributeDefinition, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { TABLES, type TableSpec } from '../functions/shared/tables.js';

export function tableNamesEnv(prefix: string): Record<string, string> {
  return Object.fromEntries(TABLES.map((t) => [t.envVar, `${prefix}${t.id}`]));
}

function attributes(spec: TableSpec): AttributeDefinition[] {
  const all = [spec.partitionKey, spec.sortKey, ...spec.indexes.flatMap((i) => [i.partitionKey, i.sortKey])].filter((a) => a !== undefined);
  const seen = new Map(all.map((a) => [a.name, a.type]));
  return [...seen].map(([AttributeName, AttributeType]) => ({ AttributeName, AttributeType }));
}

export async function ensureTables(client: DynamoDBClient, prefix: string): Promise<void> {
  const existing = new Set<string>();
  let start: string | undefined;
  do {
    const out = await client.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    for (const n of out.TableNames ?? []) existing.add(n);
    start = out.LastEvaluatedTableName;
  } while (start);
  for (const spec of TABLES) {
    const TableName = `${prefix}${spec.id}`;
    if (existing.has(TableName)) continue;
    await client.send(
      new CreateTableCommand({
        TableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: attributes(spec),
        KeySchema: [
          { AttributeName: spec.partitionKey.name, KeyType: 'HASH' },
          ...(spec.sortKey ? [{ AttributeName: spec.sortKey.name, KeyType: 'RANGE' as const }] : []),
        ],
        GlobalSecondaryIndexes: spec.indexes.length
          ? spec.indexes.map((i) => ({
              IndexName: i.indexName,
              KeySchema: [
                { AttributeName: i.partitionKey.name, KeyType: 'HASH' as const },
                ...(i.sortKey ? [{ AttributeName: i.sortKey.name, KeyType: 'RANGE' as const }] : []),
              ],
              Projection: { ProjectionType: 'ALL' as const },
            }))
          : undefined,
      }),
    );
    await client.send(new DescribeTableCommand({ TableName }));
    if (spec.ttlAttribute) {
      await client.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { AttributeName: spec.ttlAttribute, Enabled: true } })).catch(() => undefined);
    }
  }
}
