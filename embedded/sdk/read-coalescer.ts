/**
 * Many claims in flight in one process (the embedded runtime) each read single items by key. Sent one by one,
 * the fixed cost per request of the SDK (middleware, signing, HTTP) and of the store dominates. Reads issued in
 * the same turn of the event loop are sent as one consistent BatchGetItem instead (up to 100 keys), and each
 * caller gets what its GetItem would have answered. On AWS a Lambda serves one event at a time, so there is
 * nothing to coalesce: the embedded runtime alone installs this (embedded/sdk/decorators.ts), never a Lambda bundle.
 */
import type { DynamoDBDocumentClient, GetCommandOutput } from '@aws-sdk/lib-dynamodb';
import type { DocumentCommands } from '../../functions/shared/aws.js';

type Key = Record<string, unknown>;
interface Waiting {
  readonly table: string;
  readonly key: Key;
  readonly resolve: (out: GetCommandOutput) => void;
  readonly reject: (err: unknown) => void;
}

const MAX_KEYS = 100;

function keyId(table: string, key: Key): string {
  return `${table}\u0000${Object.keys(key)
    .sort()
    .map((k) => `${k}=${String(key[k])}`)
    .join('\u0000')}`;
}

/** `commands`: the client's own SDK copy's classes (a bundle's client answers `instanceof` only to its own). */
export function coalesceReads(
  client: DynamoDBDocumentClient,
  { GetCommand, BatchGetCommand }: Pick<DocumentCommands, 'GetCommand' | 'BatchGetCommand'>,
): void {
  const send = client.send.bind(client) as (cmd: unknown) => Promise<unknown>;
  let queue: Waiting[] = [];

  const flush = () => {
    const waiting = queue;
    queue = [];
    for (let i = 0; i < waiting.length; i += MAX_KEYS) void sendBatch(waiting.slice(i, i + MAX_KEYS));
  };

  async function sendBatch(batch: Waiting[]): Promise<void> {
    if (batch.length === 1) {
      const [w] = batch as [Waiting];
      send(new GetCommand({ TableName: w.table, Key: w.key, ConsistentRead: true })).then((out) => w.resolve(out as GetCommandOutput), w.reject);
      return;
    }
    try {
      const found = new Map<string, Record<string, unknown>>();
      let pending = new Map<string, { table: string; key: Key }>();
      for (const w of batch) pending.set(keyId(w.table, w.key), { table: w.table, key: w.key });
      for (let round = 0; pending.size > 0; round++) {
        if (round > 0) await new Promise((r) => setTimeout(r, Math.min(200, 10 * 2 ** round)));
        if (round >= 8)
          throw Object.assign(new Error('BatchGetItem kept leaving keys unprocessed'), { name: 'ProvisionedThroughputExceededException' });
        const requestItems: Record<string, { Keys: Key[]; ConsistentRead: true }> = {};
        for (const { table, key } of pending.values()) (requestItems[table] ??= { Keys: [], ConsistentRead: true }).Keys.push(key);
        const out = (await send(new BatchGetCommand({ RequestItems: requestItems }))) as {
          Responses?: Record<string, Array<Record<string, unknown>>>;
          UnprocessedKeys?: Record<string, { Keys?: Key[] }>;
        };
        const next = new Map<string, { table: string; key: Key }>();
        for (const [table, r] of Object.entries(out.UnprocessedKeys ?? {}))
          for (const key of r.Keys ?? []) next.set(keyId(table, key), { table, key });
        for (const [table, items] of Object.entries(out.Responses ?? {})) {
          for (const item of items) {
            // The item answers every pending key of its table whose attributes it carries.
            for (const [id, p] of pending) if (p.table === table && Object.keys(p.key).every((k) => item[k] === p.key[k])) found.set(id, item);
          }
        }
        pending = next;
      }
      for (const w of batch) w.resolve({ Item: found.get(keyId(w.table, w.key)), $metadata: {} } as GetCommandOutput);
    } catch (err) {
      for (const w of batch) w.reject(err);
    }
  }

  (client as { send: unknown }).send = (command: unknown, ...rest: unknown[]) => {
    const input = command instanceof GetCommand ? command.input : undefined;
    // Plain key reads only; anything with a projection, options or a callback goes as it is.
    if (
      !input ||
      rest.length > 0 ||
      input.ProjectionExpression ||
      input.AttributesToGet ||
      input.ExpressionAttributeNames ||
      input.ReturnConsumedCapacity
    ) {
      return (send as (c: unknown, ...r: unknown[]) => Promise<unknown>)(command, ...rest);
    }
    return new Promise<GetCommandOutput>((resolve, reject) => {
      if (queue.length === 0) setImmediate(flush);
      queue.push({ table: String(input.TableName), key: input.Key as Key, resolve, reject });
    });
  };
}
