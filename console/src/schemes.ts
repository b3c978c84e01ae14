/** The catalogue's scheme ids (GET /schemes), for a list's scheme filter. */
import { useEffect, useState } from 'react';
import { api } from './api';

/** Empty until read; a failure leaves it empty (the filter then offers "all" only, and the list still reads). */
export function useSchemeIds(token: string): string[] {
  const [ids, setIds] = useState<string[]>([]);
  useEffect(() => {
    void api<{ items: { schemeId: string }[] }>(token, 'GET', '/schemes').then(
      ({ items }) => setIds(items.map((s) => s.schemeId)),
      () => setIds([]),
    );
  }, [token]);
  return ids;
}
