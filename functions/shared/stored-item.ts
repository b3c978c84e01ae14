/**
 * Checking what a store module reads against the zod schema of its item. A malformed item is an error naming the
 * table, the item's key and the fields at fault, never a value passed on as if it were well-formed.
 *
 * The item handed back is the item as stored, not zod's parse result: zod rebuilds an object in its schema's key
 * order, and items reach clients as they were read (API answers, signed webhook bodies), so a rebuilt one would
 * change those bytes; it would also cost an object copy per read on the hot paths. The schemas are therefore plain
 * validators (no defaults, no transforms), so an item they accept is their output type.
 *
 * A schema may check only the fields the code relies on (cheaper on the hot paths) while the module's type names
 * the item's whole shape: the module then passes that type as `T`, saying "checked where it matters, the rest as
 * stored". Every such schema says which fields it leaves out and why.
 */
import type * as z from 'zod';
import type { TableId } from './tables.js';

/** Where an item was read: the table, its key (as a readable string) and what it should be. */
export interface ItemPlace {
  readonly table: TableId;
  readonly key: string;
  readonly what: string;
}

export class MalformedItem extends Error {
  override readonly name = 'MalformedItem';
}

/** The item, once `schema` accepts it; else MalformedItem naming the table, the key and each field at fault. */
export function checkedItem<S extends z.ZodType, T = z.output<S>>(schema: S, item: unknown, place: ItemPlace): T {
  const out = schema.safeParse(item);
  if (accepted<T>(out, item)) return item;
  const issues = out.error?.issues ?? [];
  throw new MalformedItem(
    `${place.table} table: ${place.key} is not a valid ${place.what}: ${issues.map((i) => `${i.path.join('.') || '(item)'}: ${i.message}`).join('; ')}`,
  );
}

/** Every item of a list read, checked; `keyOf` names each for the error. */
export function checkedItems<S extends z.ZodType, T = z.output<S>>(
  schema: S,
  items: readonly unknown[] | undefined,
  place: Omit<ItemPlace, 'key'>,
  keyOf: (item: Record<string, unknown>) => unknown,
): T[] {
  return (items ?? []).map((item) => checkedItem<S, T>(schema, item, { ...place, key: isRecord(item) ? String(keyOf(item)) : 'an item' }));
}

/** The item is the schema's output type (or the module's wider type) when the schema accepted it. */
function accepted<T>(result: { readonly success: boolean }, _item: unknown): _item is T {
  return result.success;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}
