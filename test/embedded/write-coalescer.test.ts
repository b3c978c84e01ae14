/**
 * Coalesced writes answer each caller exactly what its own request would have answered: successes, failed
 * conditions (as ConditionalCheckFailedException for a put, TransactionCanceledException for a transaction),
 * writes to the same item in one turn, and more than 100 items; and they do go as fewer requests.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ConditionalCheckFailedException, DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { useStore } from '../support/store.js';
import { tableName } from '../../functions/shared/aws.js';
import { localDynamoClientConfig } from '../../embedded/dynamodb-local.js';
import { coalesceWrites, packBatches } from '../../embedded/sdk/write-coalescer.js';

let plain: DynamoDBDocumentClient;
let coalesced: DynamoDBDocumentClient;
const sent: Record<string, number> = {};

const put = (householdId: string, n: number) =>
  new PutCommand({ TableName: tableName('registry'), Item: { householdId, n }, ConditionExpression: 'attribute_not_exists(householdId)' });
const read = async (householdId: string) =>
  (await plain.send(new GetCommand({ TableName: tableName('registry'), Key: { householdId }, ConsistentRead: true }))).Item;
const outcome = (p: Promise<unknown>) =>
  p.then(
    () => 'ok',
    (e: Error) => e.name,
  );

beforeAll(async () => {
  await useStore('wcoalesce');
  const make = () => DynamoDBDocumentClient.from(new DynamoDBClient(localDynamoClientConfig(inject('dynamoEndpoint'))));
  plain = make();
  coalesced = make();
  coalesced.middlewareStack.add(
    (next, ctx) => async (args) => {
      sent[ctx.commandName ?? '?'] = (sent[ctx.commandName ?? '?'] ?? 0) + 1;
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  coalesceWrites(coalesced, { PutCommand, TransactWriteCommand });
});

describe('packing', () => {
  const op = (n: number, ...keys: string[]) => ({ items: Array.from({ length: n }), keys, n });
  it('fills batches up to 100 items and never puts one item twice in a batch', () => {
    const batches = packBatches([op(60, 'a'), op(30, 'b'), op(20, 'c'), op(5, 'a'), op(10, 'd')]);
    expect(batches.map((b) => b.map((o) => o.keys[0]))).toEqual([
      ['a', 'b', 'd'],
      ['c', 'a'],
    ]);
    expect(batches.every((b) => b.reduce((s, o) => s + o.items.length, 0) <= 100)).toBe(true);
  });
  it('keeps the order of the writes to one item across batches', () => {
    const batches = packBatches([op(1, 'x'), op(1, 'x'), op(1, 'y'), op(1, 'x')]);
    expect(batches.map((b) => b.map((o) => o.keys[0]))).toEqual([['x', 'y'], ['x'], ['x']]);
  });
});

describe('write coalescing against the store', () => {
  it('writes of one turn go as one transaction and each caller sees success', async () => {
    const before = { ...sent };
    const results = await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => outcome(coalesced.send(put(`WC-A-${i}`, i)))),
      outcome(
        coalesced.send(
          new TransactWriteCommand({
            TransactItems: [
              { Put: { TableName: tableName('registry'), Item: { householdId: 'WC-T-1', n: 1 } } },
              { Put: { TableName: tableName('registry'), Item: { householdId: 'WC-T-2', n: 2 } } },
            ],
          }),
        ),
      ),
    ]);
    expect(results.every((r) => r === 'ok')).toBe(true);
    expect((sent.TransactWriteItemsCommand ?? 0) - (before.TransactWriteItemsCommand ?? 0)).toBe(1);
    expect((sent.PutItemCommand ?? 0) - (before.PutItemCommand ?? 0)).toBe(0);
    expect(await read('WC-A-7')).toEqual({ householdId: 'WC-A-7', n: 7 });
    expect(await read('WC-T-2')).toEqual({ householdId: 'WC-T-2', n: 2 });
  });

  it('one failed condition fails only its own caller, with the error its own request gives', async () => {
    await plain.send(put('WC-B-3', 99));
    const results = await Promise.all([
      ...Array.from({ length: 6 }, (_, i) => outcome(coalesced.send(put(`WC-B-${i}`, i)))),
      outcome(
        coalesced.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                ConditionCheck: {
                  TableName: tableName('registry'),
                  Key: { householdId: 'WC-B-3' },
                  ConditionExpression: 'n = :n',
                  ExpressionAttributeValues: { ':n': 1 },
                },
              },
              { Put: { TableName: tableName('registry'), Item: { householdId: 'WC-B-T', n: 0 } } },
            ],
          }),
        ),
      ),
    ]);
    expect(results).toEqual(['ok', 'ok', 'ok', ConditionalCheckFailedException.name, 'ok', 'ok', TransactionCanceledException.name]);
    expect(await read('WC-B-3')).toEqual({ householdId: 'WC-B-3', n: 99 }); // untouched
    expect(await read('WC-B-4')).toEqual({ householdId: 'WC-B-4', n: 4 });
    expect(await read('WC-B-T')).toBeUndefined(); // the failed transaction wrote nothing
  });

  it('two conditional creates of one item in one turn: exactly one wins', async () => {
    const results = await Promise.all([
      outcome(coalesced.send(put('WC-C', 1))),
      outcome(coalesced.send(put('WC-C', 2))),
      outcome(coalesced.send(put('WC-D', 1))),
    ]);
    expect(results.filter((r) => r === 'ok')).toHaveLength(2);
    expect(results[0] === 'ok' ? results[1] : results[0]).toBe(ConditionalCheckFailedException.name);
    expect(results[2]).toBe('ok');
  });

  it('more than 100 items in one turn go as several transactions, all written', async () => {
    const before = sent.TransactWriteItemsCommand ?? 0;
    const results = await Promise.all(Array.from({ length: 250 }, (_, i) => outcome(coalesced.send(put(`WC-E-${i}`, i)))));
    expect(results.every((r) => r === 'ok')).toBe(true);
    expect((sent.TransactWriteItemsCommand ?? 0) - before).toBe(3);
    expect(await read('WC-E-249')).toEqual({ householdId: 'WC-E-249', n: 249 });
  });

  it('unconditional puts merge too, and overwrite as PutItem does', async () => {
    await plain.send(put('WC-G', 1));
    const plainPut = (householdId: string, n: number) => new PutCommand({ TableName: tableName('registry'), Item: { householdId, n } });
    const results = await Promise.all([outcome(coalesced.send(plainPut('WC-G', 2))), outcome(coalesced.send(plainPut('WC-H', 3)))]);
    expect(results).toEqual(['ok', 'ok']);
    expect(await read('WC-G')).toEqual({ householdId: 'WC-G', n: 2 });
    expect(await read('WC-H')).toEqual({ householdId: 'WC-H', n: 3 });
  });

  it('puts that ask for old values go alone, as asked', async () => {
    await plain.send(put('WC-F', 1));
    const out = await coalesced.send(
      new PutCommand({ TableName: tableName('registry'), Item: { householdId: 'WC-F', n: 2 }, ReturnValues: 'ALL_OLD' }),
    );
    expect(out.Attributes).toEqual({ householdId: 'WC-F', n: 1 });
  });
});
