/**
 * The query of the newest-first lists kept per scheme (GET /medical-feeds, GET /audit-samples): `schemeId`
 * (optional: without it every scheme of the catalogue, merged), `limit` and `cursor` as the other list routes take
 * them (items + nextCursor; a cursor this API did not hand out is a 400 naming `cursor`). A bad query is a 400
 * naming the parameter, as on the other list routes.
 */
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { decodeCursor, fieldErrors, HttpError, parseLimit } from './http.js';
import { mergedCursorOf, type MergedCursor } from '../shared/merged-page.js';
import { schemes } from '../shared/catalogue.js';
import { text } from '#core/i18n/index.js';

/** The filters every such list takes (a route extends it with its own). */
export const SchemeListFilters = z.object({ schemeId: z.string().min(1).max(64).optional() });

export interface SchemeListQuery<F> {
  readonly filters: F;
  readonly schemeIds: readonly string[];
  readonly limit: number;
  readonly cursor: MergedCursor | undefined;
}

export function schemeListQuery<S extends typeof SchemeListFilters>(
  schema: S,
  query: Record<string, string | undefined>,
  keyAttrs: readonly string[],
): SchemeListQuery<z.output<S>> {
  const q = schema.safeParse(Object.fromEntries(Object.keys(schema.shape).map((k) => [k, query[k]])));
  if (!q.success) throw new HttpError(400, 'Bad query', fieldErrors(q.error)[0]?.message ?? 'bad query', fieldErrors(q.error));
  const schemeId = q.data.schemeId;
  if (schemeId !== undefined && !schemes().has(schemeId)) {
    const message = text('unknown scheme; known: {{schemes}}', { schemes: [...schemes().keys()].join(', ') });
    throw new HttpError(400, 'Bad query', message, [{ path: 'schemeId', message }]);
  }
  const limit = parseLimit(query.limit);
  const cursor = mergedCursorOf(decodeCursor(query.cursor), keyAttrs, 'listScheme');
  if (cursor === 'bad') throw new HttpError(400, 'Bad cursor', 'cursor is not one this API handed out', [{ path: 'cursor', message: 'invalid' }]);
  return { filters: q.data, schemeIds: schemeId !== undefined ? [schemeId] : [...schemes().keys()], limit, cursor };
}
