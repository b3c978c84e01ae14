/** Coalesced reads answer exactly what single GetItems answer: found, missing, duplicate keys, two tables, > 100 keys. */
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { useStore } from '../support/store.js';
import { tableName } from '../../functions/shared/aws.js';
import { localDynamoClientConfig } from '../../embedded/dynamodb-local.js';
import { coalesceReads } from '../../embedded/sdk/read-coalescer.js';

let plain: DynamoDBDocumentClient;
let coalesced: DynamoDBDocumentClient;
let batches = 0;

beforeAll(async () => {
  await useStore('coalesce');
  const make = () => DynamoDBDocumentClient.from(new DynamoDBClient(localDynamoClientConfig(inject('dynamoEndpoint'))));
  plain = make();
  coalesced = make();
  coalesced.middlewareStack.add(
    (next, ctx) => async (args) => {
      if (ctx.commandName === 'BatchGetItemCommand') batches++;
      return next(args);
    },
    { step: 'initialize', name: 'countBatches' },
  );
  coalesceReads(coalesced, { GetCommand, BatchGetCommand });
  for (let i = 0; i < 150; i += 2) await plain.send(new PutCommand({ TableName: tableName('registry'), Item: { householdId: `H-${i}`, n: i } }));
  await plain.send(new PutCommand({ TableName: tableName('audit'), Item: { claimId: 'C-1', seq: 3, step: 'Intake' } }));
});

describe('read coalescing', () => {
  it('concurrent reads of one turn go as batches and answer like GetItem, missing items included', async () => {
    const keys = [...Array.from({ length: 150 }, (_, i) => `H-${i}`), 'H-2', 'H-2', 'H-nope'];
    const before = batches;
    const got = await Promise.all(
      keys.map((householdId) => coalesced.send(new GetCommand({ TableName: tableName('registry'), Key: { householdId } }))),
    );
    const want = await Promise.all(
      keys.map((householdId) => plain.send(new GetCommand({ TableName: tableName('registry'), Key: { householdId }, ConsistentRead: true }))),
    );
    expect(got.map((o) => o.Item ?? null)).toEqual(want.map((o) => o.Item ?? null));
    expect(got.filter((o) => o.Item).length).toBe(77);
    expect(batches - before).toBe(2); // 153 reads of one turn: 100 + 53 keys
  });

  it('mixes tables and numeric sort keys in one batch', async () => {
    const [a, b, c] = await Promise.all([
      coalesced.send(new GetCommand({ TableName: tableName('audit'), Key: { claimId: 'C-1', seq: 3 } })),
      coalesced.send(new GetCommand({ TableName: tableName('audit'), Key: { claimId: 'C-1', seq: 4 } })),
      coalesced.send(new GetCommand({ TableName: tableName('registry'), Key: { householdId: 'H-4' } })),
    ]);
    expect(a.Item).toMatchObject({ step: 'Intake' });
    expect(b.Item).toBeUndefined();
    expect(c.Item).toMatchObject({ n: 4 });
  });

  it('a lone read, and reads with a projection, go as plain GetItem', async () => {
    const before = batches;
    expect((await coalesced.send(new GetCommand({ TableName: tableName('registry'), Key: { householdId: 'H-6' } }))).Item).toMatchObject({ n: 6 });
    const projected = await coalesced.send(
      new GetCommand({ TableName: tableName('registry'), Key: { householdId: 'H-8' }, ProjectionExpression: 'n' }),
    );
    expect(projected.Item).toEqual({ n: 8 });
    expect(batches).toBe(before);
  });

  it('a failing batch rejects every read in it', async () => {
    const reads = ['H-1', 'H-3'].map((householdId) => coalesced.send(new GetCommand({ TableName: 'no-such-table', Key: { householdId } })));
    for (const r of reads) await expect(r).rejects.toThrow();
  });
});
