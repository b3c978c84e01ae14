/**
 * A page of a list kept in several index partitions (one per scheme), merged newest first: each partition is read
 * from where the previous page left it, up to `limit + 1` items (so a page is full unless it is the last, and a
 * cursor never leads to an empty page), and the partitions' items are merged by their sort key, descending. The
 * merge takes from each partition a prefix of what DynamoDB answered, in DynamoDB's order, so the cursor (each
 * partition's last item taken, as an ExclusiveStartKey) resumes every partition exactly after what was listed,
 * never skipping nor repeating an item. Equal sort keys across partitions are ordered by partition name.
 *
 * Unlike full-page.ts (partition after partition), a reader sees one timeline; the price is reading up to
 * `limit + 1` items from every partition for each page, which is right for lists of few partitions (the
 * catalogue's schemes) and few items (feeds, audit samples).
 */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from './aws.js';
import type { PartitionQuery } from './full-page.js';

/** A partition to read (descending): its name (the cursor's key for it) and its query. */
export interface NamedPartition {
  readonly name: string;
  readonly query: PartitionQuery;
}

/** Each partition's position: the key of its last item listed, or null once it has nothing more. Absent: not read yet. */
export type MergedCursor = {
  readonly m: Readonly<Record<string, Record<string, string> | null>>;
};

/**
 * Reads a cursor handed out by mergedPage, checking each position is a key of the index (exactly `keyAttrs`, all
 * strings, the partition attribute equal to the partition's name): anything else is 'bad', for the caller to
 * refuse with a 400, never a malformed ExclusiveStartKey sent to DynamoDB.
 */
export function mergedCursorOf(
  raw: Record<string, unknown> | undefined,
  keyAttrs: readonly string[],
  partitionAttr: string,
): MergedCursor | undefined | 'bad' {
  if (raw === undefined) return undefined;
  const m = raw.m;
  if (Object.keys(raw).length !== 1 || typeof m !== 'object' || m === null || Array.isArray(m)) return 'bad';
  const wanted = [...keyAttrs].sort().join(',');
  for (const [name, pos] of Object.entries(m)) {
    if (pos === null) continue;
    if (typeof pos !== 'object' || Array.isArray(pos)) return 'bad';
    const key = pos as Record<string, unknown>;
    if (Object.keys(key).sort().join(',') !== wanted) return 'bad';
    if (!Object.values(key).every((v) => typeof v === 'string' && v.length > 0 && v.length <= 256)) return 'bad';
    if (key[partitionAttr] !== name) return 'bad';
  }
  return { m: m as MergedCursor['m'] };
}

interface Read<T> {
  readonly items: T[];
  /** Items of the partition beyond those read (DynamoDB's LastEvaluatedKey after the last read). */
  readonly more: boolean;
}

async function readPartition<T>(query: PartitionQuery, want: number, start: Record<string, unknown> | undefined): Promise<Read<T>> {
  const items: T[] = [];
  let from = start;
  // A FilterExpression (a status, say) may leave a read short: read on until `want` items or the partition's end.
  do {
    const out = await documentClient().send(
      new QueryCommand({ ...query, ScanIndexForward: false, ExclusiveStartKey: from, Limit: want - items.length }),
    );
    items.push(...((out.Items ?? []) as T[]));
    from = out.LastEvaluatedKey;
  } while (from && items.length < want);
  return { items, more: from !== undefined };
}

/**
 * The next page: `sortOf` gives an item's sort key (an ISO instant: they compare as strings), `keyOf` its index
 * key (table key and index key), which becomes the partition's position in the cursor.
 */
export async function mergedPage<T>(
  partitions: readonly NamedPartition[],
  limit: number,
  sortOf: (item: T) => string,
  keyOf: (item: T) => Record<string, string>,
  cursor?: MergedCursor,
): Promise<{ items: T[]; next: MergedCursor | undefined }> {
  const live = partitions.filter((p) => cursor?.m[p.name] !== null);
  const reads = await Promise.all(live.map((p) => readPartition<T>(p.query, limit + 1, cursor?.m[p.name] ?? undefined)));
  const heads = reads.map(() => 0);
  const taken: T[] = [];
  while (taken.length < limit) {
    let best = -1;
    for (let i = 0; i < reads.length; i++) {
      const item = reads[i]!.items[heads[i]!];
      if (item === undefined) continue;
      // Newest first; among equal instants, the partition listed first (names sorted by the caller) goes first.
      if (best < 0 || sortOf(item) > sortOf(reads[best]!.items[heads[best]!]!)) best = i;
    }
    if (best < 0) break;
    taken.push(reads[best]!.items[heads[best]!]!);
    heads[best] = heads[best]! + 1;
  }
  const more = reads.some((r, i) => heads[i]! < r.items.length || r.more);
  if (!more) return { items: taken, next: undefined };
  const m: Record<string, Record<string, string> | null> = { ...cursor?.m };
  live.forEach((p, i) => {
    const r = reads[i]!;
    const h = heads[i]!;
    if (h > 0) m[p.name] = h === r.items.length && !r.more ? null : keyOf(r.items[h - 1]!);
    else if (r.items.length === 0 && !r.more) m[p.name] = null;
  });
  return { items: taken, next: { m } };
}
