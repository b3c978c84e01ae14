/**
 * The write side of the read coalescer. In the embedded runtime thousands of claims are in flight in one process
 * (an index event files a county at once), and each step commits its own small transaction or conditional put.
 * Sent one by one, the fixed cost per request dominates: measured on DynamoDB Local, a 3-item transaction costs
 * about 0.6 ms of Node CPU (SDK middleware, serialisation, signing, HTTP) and a conditional put about the same,
 * against 0.03 ms per item inside one large transaction.
 *
 * So the writes issued in the same turn of the event loop (TransactWriteItems, and PutItem with its condition)
 * go as ONE TransactWriteItems of up to 100 items, and each caller gets the answer its own request would have
 * had:
 * - every item keeps its own condition, and the merged transaction is all-or-nothing, so a success means every
 *   caller's writes (and checks) held;
 * - on ANY error the merged request is abandoned and each caller's request is sent again on its own, exactly as
 *   it was, so each caller sees its own outcome (a failed condition, a conflict, a validation error). A merged
 *   request that failed wrote nothing; one whose answer was lost (a timeout) may have written everything, and the
 *   re-sends then meet their conditions: the same situation as the SDK retrying a request whose answer was lost,
 *   which every step already handles (the fault drills inject exactly that);
 * - two writes to the same item never share a transaction (DynamoDB rejects that): the later one waits for the
 *   next merged request.
 * On AWS a Lambda serves one event at a time, so there is nothing to merge: installed by the
 * embedded runtime only (embedded/sdk/decorators.ts), never part of a Lambda bundle.
 */
import type { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { TABLES } from '../../functions/shared/tables.js';
import type { DocumentCommands } from '../../functions/shared/aws.js';
import { optionalWiring } from '../../functions/shared/config.js';

type WriteCommands = Pick<DocumentCommands, 'PutCommand' | 'TransactWriteCommand'>;

type TxItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];
type Send = (command: unknown, ...rest: unknown[]) => Promise<unknown>;

interface Pending {
  readonly command: unknown;
  readonly items: readonly TxItem[];
  readonly keys: readonly string[];
  readonly resolve: (out: unknown) => void;
  readonly reject: (err: unknown) => void;
}

/** DynamoDB's limit on items per transaction. */
const MAX_ITEMS = 100;

/** Physical table name → its key attribute names, from the tables' own description (tables.ts). */
function keyAttributesByTable(): Map<string, readonly string[]> {
  const map = new Map<string, readonly string[]>();
  for (const spec of TABLES) {
    const name = optionalWiring(spec.envVar);
    if (name) map.set(name, spec.sortKey ? [spec.partitionKey.name, spec.sortKey.name] : [spec.partitionKey.name]);
  }
  return map;
}

/** What one transaction item writes or checks, as a string; undefined when it cannot be told (then not merged). */
function itemKey(item: TxItem, keyAttrs: Map<string, readonly string[]>): string | undefined {
  const op = item.Put ?? item.Update ?? item.Delete ?? item.ConditionCheck;
  if (!op?.TableName) return undefined;
  const attrs = keyAttrs.get(op.TableName);
  if (!attrs) return undefined;
  const source = (item.Put ? item.Put.Item : (op as { Key?: Record<string, unknown> }).Key) as Record<string, unknown> | undefined;
  if (!source) return undefined;
  return `${op.TableName}\u0000${attrs.map((a) => String(source[a])).join('\u0000')}`;
}

/** The transaction items a command stands for, or undefined when it is not one this coalescer may merge. */
function asTransactionItems(command: unknown, { PutCommand, TransactWriteCommand }: WriteCommands): readonly TxItem[] | undefined {
  if (command instanceof TransactWriteCommand) {
    const { TransactItems, ClientRequestToken, ReturnConsumedCapacity, ReturnItemCollectionMetrics } = command.input;
    if (!TransactItems?.length || ClientRequestToken || ReturnConsumedCapacity || ReturnItemCollectionMetrics) return undefined;
    return TransactItems;
  }
  if (command instanceof PutCommand) {
    const i = command.input;
    // A put whose answer carries something (old values, capacity) or uses the legacy condition syntax goes alone.
    if (
      (i.ReturnValues && i.ReturnValues !== 'NONE') ||
      i.ReturnConsumedCapacity ||
      i.ReturnItemCollectionMetrics ||
      i.ReturnValuesOnConditionCheckFailure ||
      i.Expected ||
      i.ConditionalOperator
    )
      return undefined;
    const { TableName, Item, ConditionExpression, ExpressionAttributeNames, ExpressionAttributeValues } = i;
    // Only the members the put has: an absent condition stays absent, not `undefined`.
    return [
      {
        Put: {
          TableName,
          Item,
          ...(ConditionExpression ? { ConditionExpression } : {}),
          ...(ExpressionAttributeNames ? { ExpressionAttributeNames } : {}),
          ...(ExpressionAttributeValues ? { ExpressionAttributeValues } : {}),
        },
      },
    ];
  }
  return undefined;
}

/** Packs the waiting writes into batches of at most 100 items with no item written twice in one batch. */
export function packBatches<T extends { readonly items: readonly unknown[]; readonly keys: readonly string[] }>(waiting: readonly T[]): T[][] {
  const batches: T[][] = [];
  let rest = waiting;
  while (rest.length > 0) {
    const batch: T[] = [];
    const used = new Set<string>();
    const later: T[] = [];
    let size = 0;
    for (const p of rest) {
      if (size + p.items.length <= MAX_ITEMS && !p.keys.some((k) => used.has(k))) {
        batch.push(p);
        size += p.items.length;
        for (const k of p.keys) used.add(k);
      } else {
        later.push(p);
      }
    }
    batches.push(batch);
    rest = later;
  }
  return batches;
}

/** `commands`: the client's own SDK copy's classes (a bundle's client answers `instanceof` only to its own). */
export function coalesceWrites(client: DynamoDBDocumentClient, commands: WriteCommands): void {
  const { TransactWriteCommand } = commands;
  const send = client.send.bind(client) as Send;
  let keyAttrs: Map<string, readonly string[]> | undefined;
  let queue: Pending[] = [];

  const alone = (p: Pending) => send(p.command).then(p.resolve, p.reject);

  const flush = () => {
    const waiting = queue;
    queue = [];
    for (const batch of packBatches(waiting)) {
      if (batch.length === 1) {
        void alone(batch[0] as Pending);
        continue;
      }
      send(new TransactWriteCommand({ TransactItems: batch.flatMap((p) => p.items) })).then(
        (out) => {
          const $metadata = (out as { $metadata?: unknown }).$metadata ?? {};
          for (const p of batch) p.resolve({ $metadata });
        },
        // Each caller's own request, on its own: its own outcome, whatever failed the merged one.
        () => {
          for (const p of batch) void alone(p);
        },
      );
    }
  };

  (client as { send: unknown }).send = (command: unknown, ...rest: unknown[]) => {
    const items = rest.length === 0 ? asTransactionItems(command, commands) : undefined;
    keyAttrs ??= keyAttributesByTable();
    const keys = items?.map((i) => itemKey(i, keyAttrs as Map<string, readonly string[]>));
    if (!items || !keys || items.length > MAX_ITEMS || keys.some((k) => k === undefined)) return send(command, ...rest);
    return new Promise((resolve, reject) => {
      if (queue.length === 0) setImmediate(flush);
      queue.push({ command, items, keys: keys as string[], resolve, reject });
    });
  };
}
