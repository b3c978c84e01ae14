/**
 * A list read page by page with the API's cursor (`{ items, nextCursor }`): the first page on mount and whenever
 * the query changes, "load more" appends the next. One hook for the screens that list this way (settlements desk,
 * index events, registry) instead of a copy of the same state and loader in each.
 */
import { useCallback, useEffect, useState, type Dispatch, type SetStateAction } from 'react';
import { api, query, type Page } from './api';
import { useErrorText } from './components/errors';

export interface CursorPages<T> {
  readonly items: T[];
  readonly setItems: Dispatch<SetStateAction<T[]>>;
  /** The next page's cursor, or null when the list is complete. */
  readonly cursor: string | null;
  readonly loading: boolean;
  readonly error: string | null;
  /** `null` reads the first page again (replacing the items); a cursor appends the page it names. */
  readonly load: (from: string | null) => Promise<void>;
}

export function useCursorPages<T>(
  token: string,
  path: string,
  params: Record<string, string | number | undefined | null>,
  pageSize = 25,
): CursorPages<T> {
  const errorText = useErrorText();
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // The query as text: a stable dependency whatever object the caller builds on each render.
  const filters = query(params);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `filters` stands for `params` (the same content, as text)
  const load = useCallback(
    async (from: string | null) => {
      setLoading(true);
      setError(null);
      try {
        const page = await api<Page<T>>(token, 'GET', `${path}${query({ ...params, limit: pageSize, cursor: from })}`);
        setItems((prev) => [...(from ? prev : []), ...page.items]);
        setCursor(page.nextCursor);
      } catch (err) {
        setError(errorText(err));
      } finally {
        setLoading(false);
      }
    },
    [token, path, filters, pageSize, errorText],
  );
  useEffect(() => {
    void load(null);
  }, [load]);

  return { items, setItems, cursor, loading, error, load };
}
