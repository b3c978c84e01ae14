/**
 * Coalesced writes answer each caller exactly what its own request would have answered: successes, failed
 * conditions (as ConditionalCheckFailedException for a put, TransactionCanceledException for a transaction),
 * writes to the same item in one turn, and more than 100 items; and they do go as fewer requests. Additions (the
 * report's counters) to one item in one turn go as one update of the sums, and still all or nothing.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ConditionalCheckFailedException, DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { inject } from 'vitest';
import { useStore } from '../support/store.js';
import { tableName } from '../../functions/shared/aws.js';
import { localDynamoClientConfig } from '../../embedded/dynamodb-local.js';
import { additionOf, coalesceWrites, packBatches } from '../../embedded/sdk/write-coalescer.js';

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
    // A write left for the next batch for want of room keeps the later writes to its item behind it.
    const sized = packBatches([op(60, 'a'), op(50, 'b'), op(1, 'b'), op(1, 'c')]);
    expect(sized.map((b) => b.map((o) => o.items.length))).toEqual([[60, 1], [50], [1]]);
  });
});

describe('additions', () => {
  const update = (expr: string, values: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    Update: {
      TableName: 't',
      Key: { pk: 'R' },
      UpdateExpression: expr,
      ExpressionAttributeNames: { '#a': 'x', '#b': 'y' },
      ExpressionAttributeValues: values,
      ...extra,
    },
  });
  it('are unconditional updates that only ADD integers, each attribute once', () => {
    expect(additionOf(update('ADD #a :a, #b :b', { ':a': 1, ':b': -2 }))).toEqual(
      new Map([
        ['x', 1],
        ['y', -2],
      ]),
    );
    expect(additionOf(update('ADD #a :a', { ':a': 2n ** 60n }))).toEqual(new Map([['x', 2n ** 60n]]));
    expect(additionOf(update('ADD #a :a', { ':a': 1.5 }))).toBeUndefined();
    expect(additionOf(update('ADD #a :a', { ':a': new Set(['s']) }))).toBeUndefined();
    expect(additionOf(update('ADD #a :a, #a :b', { ':a': 1, ':b': 1 }))).toBeUndefined();
    expect(additionOf(update('SET #a = :a', { ':a': 1 }))).toBeUndefined();
    expect(additionOf(update('ADD #a :a SET #b = :a', { ':a': 1 }))).toBeUndefined();
    expect(additionOf(update('ADD #a :a', { ':a': 1 }, { ConditionExpression: 'attribute_exists(pk)' }))).toBeUndefined();
    expect(additionOf({ Put: { TableName: 't', Item: { pk: 'R' } } })).toBeUndefined();
  });
  it('share a batch with other additions to their item, not with any other write to it', () => {
    const add = (key: string, ...attrs: string[]) => ({ items: [0], keys: [key], additions: [new Map(attrs.map((a) => [a, 1]))], key });
    const write = (key: string) => ({ items: [0], keys: [key], additions: [undefined], key });
    const batches = packBatches([add('r', 'a'), add('r', 'b'), write('r'), add('r', 'a'), add('s', 'a')]);
    expect(batches.map((b) => b.map((o) => o.key))).toEqual([['r', 'r', 's'], ['r'], ['r']]);
  });
  it('stop sharing an item at 100 distinct attributes', () => {
    const add = (from: number) => ({
      items: [0],
      keys: ['r'],
      additions: [new Map(Array.from({ length: 40 }, (_, i) => [`c${from + i}`, 1]))],
    });
    expect(packBatches([add(0), add(40), add(80), add(0)]).map((b) => b.length)).toEqual([2, 2]);
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

  it('additions to one item in one turn go as one update of the sums, with the other writes, in one transaction', async () => {
    const key = { householdId: 'WC-R' };
    const add = (counters: Record<string, number>) => {
      const names: Record<string, string> = {};
      const values: Record<string, number> = {};
      const pairs = Object.entries(counters).map(([k, v], i) => {
        names[`#c${i}`] = k;
        values[`:c${i}`] = v;
        return `#c${i} :c${i}`;
      });
      return {
        Update: {
          TableName: tableName('registry'),
          Key: key,
          UpdateExpression: `ADD ${pairs.join(', ')}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      };
    };
    const before = sent.TransactWriteItemsCommand ?? 0;
    const results = await Promise.all([
      outcome(coalesced.send(new TransactWriteCommand({ TransactItems: [add({ received: 1, paid: 100 })] }))),
      outcome(
        coalesced.send(new TransactWriteCommand({ TransactItems: [add({ received: -1, approved: 1 }), { Put: put('WC-R-1', 1).input as never }] })),
      ),
      outcome(coalesced.send(new TransactWriteCommand({ TransactItems: [add({ paid: 9_007_199_254_740_000 })] }))),
    ]);
    expect(results).toEqual(['ok', 'ok', 'ok']);
    expect((sent.TransactWriteItemsCommand ?? 0) - before).toBe(1);
    expect(await read('WC-R')).toEqual({ householdId: 'WC-R', received: 0, approved: 1, paid: 9_007_199_254_740_100 });
    expect(await read('WC-R-1')).toEqual({ householdId: 'WC-R-1', n: 1 });
  });

  it('a failed transaction among additions fails alone; the others add once', async () => {
    await plain.send(put('WC-S-taken', 1));
    const key = { householdId: 'WC-S' };
    const add = (n: number) => ({
      Update: {
        TableName: tableName('registry'),
        Key: key,
        UpdateExpression: 'ADD #n :n',
        ExpressionAttributeNames: { '#n': 'n' },
        ExpressionAttributeValues: { ':n': n },
      },
    });
    const results = await Promise.all([
      outcome(coalesced.send(new TransactWriteCommand({ TransactItems: [add(1)] }))),
      outcome(coalesced.send(new TransactWriteCommand({ TransactItems: [add(10), { Put: put('WC-S-taken', 2).input as never }] }))),
      outcome(coalesced.send(new TransactWriteCommand({ TransactItems: [add(100)] }))),
    ]);
    expect(results).toEqual(['ok', TransactionCanceledException.name, 'ok']);
    expect(await read('WC-S')).toEqual({ householdId: 'WC-S', n: 101 });
  });
});
