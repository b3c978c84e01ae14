/** Every page of a Query, as one list (the store hands back at most 1 MB a call); every page of a Scan, page by page. */
import { QueryCommand, ScanCommand, type QueryCommandInput, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import { documentClient } from './aws.js';

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
