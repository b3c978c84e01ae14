/**
 * A page of a list read from one or more index partitions in order, always full unless it is the last: Query
 * after Query (partition after partition) until `limit` items are found, reading one item more to know whether
 * another page exists. So a caller never gets an empty page followed by more, nor a cursor that leads to an
 * empty page. The cursor is the partition's position and the key of the page's last item (an
 * ExclusiveStartKey: table key and index key), so paging resumes exactly after it.
 */
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { documentClient } from './aws.js';

export type PartitionQuery = Omit<QueryCommandInput, 'ExclusiveStartKey' | 'Limit'>;

export interface PageCursor {
  /** Index of the partition in the caller's list. */
  readonly p: number;
  readonly k?: Record<string, unknown>;
}

/** Reads a cursor handed out by fullPage (anything else: undefined, for the caller to refuse). */
export function pageCursorOf(raw: Record<string, unknown> | undefined): PageCursor | undefined | 'bad' {
  if (raw === undefined) return undefined;
  const p = raw.p;
  const k = raw.k;
  if (typeof p !== 'number' || !Number.isInteger(p) || p < 0) return 'bad';
  if (k !== undefined && (typeof k !== 'object' || k === null || Array.isArray(k))) return 'bad';
  return { p, ...(k ? { k: k as Record<string, unknown> } : {}) };
}

export async function fullPage<T extends Record<string, unknown>>(
  partitions: readonly PartitionQuery[],
  limit: number,
  keyOf: (item: T) => Record<string, unknown>,
  from?: PageCursor,
): Promise<{ items: T[]; next: PageCursor | undefined }> {
  const found: Array<{ item: T; p: number }> = [];
  let p = from?.p ?? 0;
  let start = from?.k;
  while (p < partitions.length && found.length <= limit) {
    const out = await documentClient().send(new QueryCommand({ ...partitions[p]!, ExclusiveStartKey: start, Limit: limit + 1 - found.length }));
    for (const item of (out.Items ?? []) as T[]) found.push({ item, p });
    if (out.LastEvaluatedKey) start = out.LastEvaluatedKey;
    else {
      p++;
      start = undefined;
    }
  }
  if (found.length <= limit) return { items: found.map((f) => f.item), next: undefined };
  const page = found.slice(0, limit);
  const last = page[page.length - 1]!;
  return { items: page.map((f) => f.item), next: { p: last.p, k: keyOf(last.item) } };
}
