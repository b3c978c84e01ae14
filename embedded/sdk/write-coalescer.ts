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
 *   next merged request. Except additions: unconditional updates that only ADD integers (the report's counters,
 *   report-aggregates.ts) to one item go as ONE update adding the sums. ADD commutes, so the item ends as it
 *   would after each in turn, and the merged transaction is still all-or-nothing. Without this, the claims of a
 *   merged request that count into the same report shard would wait for one merged request each.
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
  /** Per item: what it adds, when it is an addition that may share its item with others (else undefined). */
  readonly additions: readonly (Addition | undefined)[];
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

/** What an addition adds: attribute name → integer. */
type Addition = ReadonlyMap<string, number | bigint>;

/**
 * The integers an update adds, when it is an addition that may be merged with others on its item: no condition,
 * an update expression of only `ADD #name :value` pairs over placeholders, each value an integer, no attribute
 * twice. Anything else (SET, REMOVE, a set ADD, a condition) is undefined: it keeps its item to itself.
 */
export function additionOf(item: TxItem): Addition | undefined {
  const u = item.Update;
  if (!u || u.ConditionExpression || u.ReturnValuesOnConditionCheckFailure || !u.UpdateExpression) return undefined;
  const m = /^\s*ADD\s+(.+?)\s*$/s.exec(u.UpdateExpression);
  if (!m?.[1]) return undefined;
  const out = new Map<string, number | bigint>();
  for (const pair of m[1].split(',')) {
    const p = /^\s*(#[A-Za-z0-9_]+)\s+(:[A-Za-z0-9_]+)\s*$/.exec(pair);
    if (!p?.[1] || !p[2]) return undefined;
    const name = u.ExpressionAttributeNames?.[p[1]];
    const value: unknown = u.ExpressionAttributeValues?.[p[2]];
    const integer = (typeof value === 'number' && Number.isSafeInteger(value)) || typeof value === 'bigint';
    if (name === undefined || !integer || out.has(name)) return undefined;
    out.set(name, value as number | bigint);
  }
  return out;
}

/** Distinct attributes one merged addition may carry: its expression stays far under DynamoDB's 4 KB. */
const MAX_ADDED_ATTRIBUTES = 100;

/** One update adding every addition's integers (summed exactly: a sum past 2^53 goes as a BigInt). */
export function mergedAddition(first: TxItem, additions: readonly Addition[]): TxItem {
  const sums = new Map<string, bigint>();
  for (const a of additions) for (const [k, v] of a) sums.set(k, (sums.get(k) ?? 0n) + BigInt(v));
  const names: Record<string, string> = {};
  const values: Record<string, number | bigint> = {};
  const pairs = [...sums].map(([k, v], i) => {
    names[`#a${i}`] = k;
    values[`:a${i}`] = v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
    return `#a${i} :a${i}`;
  });
  const u = first.Update as NonNullable<TxItem['Update']>;
  return {
    Update: {
      TableName: u.TableName,
      Key: u.Key,
      UpdateExpression: `ADD ${pairs.join(', ')}`,
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    },
  };
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

/**
 * Packs the waiting writes into batches of at most 100 items (counted before additions merge), the writes to one
 * item in the order they came, with no item written twice in one batch. Except additions (`additions[i]` set):
 * they share an item with other additions only, up to MAX_ADDED_ATTRIBUTES distinct attributes on it.
 */
export function packBatches<
  T extends { readonly items: readonly unknown[]; readonly keys: readonly string[]; readonly additions?: readonly (Addition | undefined)[] },
>(waiting: readonly T[]): T[][] {
  const batches: T[][] = [];
  let rest = waiting;
  while (rest.length > 0) {
    const batch: T[] = [];
    /** Item key → 'alone' (written by a non-addition), or the attributes the additions on it add so far. */
    const used = new Map<string, 'alone' | Set<string>>();
    /** Items a write left for a later batch: no later write to them may go before it. */
    const blocked = new Set<string>();
    const later: T[] = [];
    let size = 0;
    for (const p of rest) {
      const fits =
        size + p.items.length <= MAX_ITEMS &&
        !p.keys.some((k) => blocked.has(k)) &&
        p.keys.every((k, i) => {
          const u = used.get(k);
          const add = p.additions?.[i];
          if (u === undefined) return true;
          if (u === 'alone' || !add) return false;
          let n = u.size;
          for (const a of add.keys()) if (!u.has(a)) n++;
          return n <= MAX_ADDED_ATTRIBUTES;
        });
      if (!fits) {
        later.push(p);
        for (const k of p.keys) blocked.add(k);
        continue;
      }
      batch.push(p);
      size += p.items.length;
      p.keys.forEach((k, i) => {
        const add = p.additions?.[i];
        if (!add) {
          used.set(k, 'alone');
          return;
        }
        const u = used.get(k);
        const attrs = u instanceof Set ? u : new Set<string>();
        for (const a of add.keys()) attrs.add(a);
        used.set(k, attrs);
      });
    }
    batches.push(batch);
    rest = later;
  }
  return batches;
}

/** A batch's items as one transaction: the additions to one item merged into one update, in the first one's place. */
function transactionItems(batch: readonly Pending[]): TxItem[] {
  const out: TxItem[] = [];
  const added = new Map<string, { at: number; additions: Addition[] }>();
  for (const p of batch) {
    p.items.forEach((item, i) => {
      const add = p.additions[i];
      const seen = add && added.get(p.keys[i] as string);
      if (seen) seen.additions.push(add);
      else {
        if (add) added.set(p.keys[i] as string, { at: out.length, additions: [add] });
        out.push(item);
      }
    });
  }
  for (const { at, additions } of added.values()) if (additions.length > 1) out[at] = mergedAddition(out[at] as TxItem, additions);
  return out;
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
      send(new TransactWriteCommand({ TransactItems: transactionItems(batch) })).then(
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
    // A request naming one item twice is invalid on its own: none of its items may merge (it fails as it would alone).
    const repeats = new Set(keys).size !== keys.length;
    const additions = items.map((i) => (repeats ? undefined : additionOf(i)));
    return new Promise((resolve, reject) => {
      if (queue.length === 0) setImmediate(flush);
      queue.push({ command, items, keys: keys as string[], additions, resolve, reject });
    });
  };
}
