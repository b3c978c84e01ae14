/**
 * Ids this browser opened lately, for screens whose API has no list to browse (medical feeds, audit samples): the
 * newest first, at most ten. Kept in localStorage: ids, never content.
 */
const MAX = 10;

export function recentIds(kind: 'feeds' | 'samples'): string[] {
  try {
    const v: unknown = JSON.parse(window.localStorage.getItem(`fangpin.recent.${kind}`) ?? '[]');
    return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, MAX) : [];
  } catch {
    return [];
  }
}

export function rememberId(kind: 'feeds' | 'samples', id: string): void {
  const ids = [id, ...recentIds(kind).filter((x) => x !== id)].slice(0, MAX);
  window.localStorage.setItem(`fangpin.recent.${kind}`, JSON.stringify(ids));
}
