/**
 * Every page of a Query, as one list (the store hands back at most 1 MB a call); every page of a Scan, page by page;
 * every key of a BatchGetItem, however many.
 */
import { BatchGetCommand, QueryCommand, ScanCommand, type QueryCommandInput, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import { documentClient } from './aws.js';
import { pool } from './pool.js';

export async function queryAll<T>(input: Omit<QueryCommandInput, 'ExclusiveStartKey'>): Promise<T[]> {
  const items: T[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await documentClient().send(new QueryCommand({ ...input, ExclusiveStartKey: start }));
    items.push(...((out.Items ?? []) as T[]));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

/** How many items a Query matches, over every page (`Select: 'COUNT'`: the store still reads each page's items). */
export async function countAll(input: Omit<QueryCommandInput, 'ExclusiveStartKey' | 'Select'>): Promise<number> {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const out = await documentClient().send(new QueryCommand({ ...input, Select: 'COUNT', ExclusiveStartKey: start }));
    count += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  return count;
}

/** Every page of a Scan handed to `each` in turn (offline tools: a table too big to hold as one list). */
export async function scanPages(
  input: Omit<ScanCommandInput, 'ExclusiveStartKey'>,
  each: (items: Array<Record<string, unknown>>) => Promise<void> | void,
): Promise<void> {
  let start: Record<string, unknown> | undefined;
  do {
    const out = await documentClient().send(new ScanCommand({ ...input, ExclusiveStartKey: start }));
    await each((out.Items ?? []) as Array<Record<string, unknown>>);
    start = out.LastEvaluatedKey;
  } while (start);
}

/** One read of one partition of an index, as the claim listings make it (claims-repo.ts, claim-keys-repo.ts). */
export interface IndexPageRead {
  readonly indexName: string;
  readonly keyCondition: string;
  readonly values: Record<string, unknown>;
  readonly names: Record<string, string>;
  readonly filter: string | undefined;
  readonly forward: boolean;
  readonly limit: number;
  readonly start: Record<string, unknown> | undefined;
}

/** The Query for `q` on `table`'s index (names sent only when the expressions use some). */
export function indexPage(table: string, q: IndexPageRead) {
  return documentClient().send(
    new QueryCommand({
      TableName: table,
      IndexName: q.indexName,
      KeyConditionExpression: q.keyCondition,
      FilterExpression: q.filter,
      ExpressionAttributeNames: Object.keys(q.names).length ? q.names : undefined,
      ExpressionAttributeValues: q.values,
      ScanIndexForward: q.forward,
      Limit: q.limit,
      ExclusiveStartKey: q.start,
    }),
  );
}

/** BatchGetItem's limit of keys a call. */
const BATCH_GET_KEYS = 100;

/**
 * Consistent reads of `keys` of one table, 100 keys a BatchGetItem, `atOnce` requests in flight; keys the store
 * leaves unprocessed are asked again with a growing pause (up to 8 times a request, then an error naming `what`,
 * made by `fail` when the caller's workflow classifies it: e.g. a WorkflowError). Answers the items found, in no
 * particular order (keys that do not exist are simply not there).
 */
export async function batchGetAll(
  table: string,
  keys: readonly Record<string, unknown>[],
  opts: { what: string; atOnce?: number; projection?: string; names?: Record<string, string>; fail?: (message: string) => Error },
): Promise<Array<Record<string, unknown>>> {
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < keys.length; i += BATCH_GET_KEYS) chunks.push(keys.slice(i, i + BATCH_GET_KEYS));
  const found: Array<Record<string, unknown>> = [];
  await pool(chunks, opts.atOnce ?? 1, async (chunk) => {
    let asked = chunk;
    for (let attempt = 0; asked.length > 0; attempt++) {
      if (attempt > 8) throw (opts.fail ?? ((m: string) => new Error(m)))(`${opts.what} reads kept coming back unprocessed`);
      if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));
      const res = await documentClient().send(
        new BatchGetCommand({
          RequestItems: {
            [table]: { Keys: asked, ConsistentRead: true, ProjectionExpression: opts.projection, ExpressionAttributeNames: opts.names },
          },
        }),
      );
      found.push(...((res.Responses?.[table] ?? []) as Array<Record<string, unknown>>));
      asked = (res.UnprocessedKeys?.[table]?.Keys ?? []) as Record<string, unknown>[];
    }
  });
  return found;
}
