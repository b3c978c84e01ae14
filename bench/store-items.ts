/**
 * Counts the DynamoDB items the process's document client writes and reads, by table, from the requests the
 * store actually receives (the embedded coalescers' merged requests included: the counter sits in the client's
 * middleware stack, under them). DynamoDB Local's time follows the items it touches per claim (per-table locks,
 * a schema lookup per item: docs/performance.md), so this is the figure the time follows from.
 *
 * - written: each Put, Update, Delete (alone or inside a transaction) and each BatchWrite request item;
 * - read: each key of a GetItem / BatchGetItem, each ConditionCheck inside a transaction (the store reads that
 *   item), and the items a Query or Scan evaluated (`ScannedCount`, at least 1: an empty query still costs).
 * A request the SDK re-sends (a timeout, a coalesced transaction re-sent alone after an error) counts again: the
 * store did the work again.
 */
import { documentClient } from '../functions/shared/aws.js';

export interface StoreItems {
  readonly written: number;
  readonly read: number;
  /** `<write|read> <table>` → items, table names without the `fangpin-` prefix. */
  readonly byTable: Record<string, number>;
  /** Requests the store received (a transaction or a batch is one): its fixed cost per request is the other half of its time. */
  readonly requests: number;
}

export interface StoreItemCounter {
  /** Zeroes the counts (start of a measured window). */
  reset(): void;
  /** The counts since the last reset. */
  snapshot(): StoreItems;
}

type Input = {
  TableName?: string;
  Key?: unknown;
  TransactItems?: Array<Record<string, { TableName?: string } | undefined>>;
  RequestItems?: Record<string, { Keys?: unknown[] } | unknown[]>;
};

const WRITE_OPS = new Set(['Put', 'Update', 'Delete']);

/** Installs the counter on the document client of this process (build it after the embedded runtime started). */
export function countStoreItems(): StoreItemCounter {
  let byTable: Record<string, number> = {};
  let written = 0;
  let read = 0;
  let requests = 0;
  const add = (kind: 'write' | 'read', table: string | undefined, k: number) => {
    const key = `${kind} ${(table ?? '?').replace(/^fangpin-/, '')}`;
    byTable[key] = (byTable[key] ?? 0) + k;
    if (kind === 'write') written += k;
    else read += k;
  };
  documentClient().middlewareStack.add(
    (next, context) => async (args) => {
      const name = (context.commandName ?? '').replace(/Command$/, '');
      const input = args.input as Input;
      requests++;
      if (input.TransactItems) {
        for (const t of input.TransactItems) for (const [op, v] of Object.entries(t)) add(WRITE_OPS.has(op) ? 'write' : 'read', v?.TableName, 1);
      } else if (input.RequestItems) {
        for (const [table, r] of Object.entries(input.RequestItems))
          add(name === 'BatchGetItem' ? 'read' : 'write', table, Array.isArray(r) ? r.length : (r.Keys?.length ?? 0));
      } else if (/^(Put|Update|Delete)Item$/.test(name)) add('write', input.TableName, 1);
      else if (name === 'GetItem') add('read', input.TableName, 1);
      const out = await next(args);
      if (name === 'Query' || name === 'Scan') {
        const o = out.output as { ScannedCount?: number; Count?: number };
        add('read', input.TableName, Math.max(1, o.ScannedCount ?? o.Count ?? 0));
      }
      return out;
    },
    { step: 'initialize', name: 'fangpinStoreItemCounter' },
  );
  return {
    reset() {
      byTable = {};
      written = 0;
      read = 0;
      requests = 0;
    },
    snapshot() {
      return { written, read, requests, byTable: { ...byTable } };
    },
  };
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** Items per claim: written, read, their sum, and each table's share, largest first. */
export function perClaim(
  items: StoreItems,
  claims: number,
): { total: number; written: number; read: number; requests: number; byTable: Record<string, number> } {
  return {
    total: round1((items.written + items.read) / claims),
    written: round1(items.written / claims),
    read: round1(items.read / claims),
    requests: round1(items.requests / claims),
    byTable: Object.fromEntries(
      Object.entries(items.byTable)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => [k, Math.round((v / claims) * 100) / 100]),
    ),
  };
}
