/** A small path router under the console's base (/console/): no library needed for four screens. */
import { startTransition, useEffect, useState } from 'react';

const BASE = import.meta.env.BASE_URL; // '/console/'

export type Route =
  | { name: 'inbox' }
  | { name: 'search' }
  | { name: 'reports' }
  | { name: 'claim'; claimId: string }
  | { name: 'notFound' }
  | ScreenRoute;
/** Issue 15's screens: settlements desk, index events, monitoring, registry, a household's chain, attention. */
export type ScreenRoute =
  | { name: 'desk' }
  | { name: 'indexEvents' }
  | { name: 'indexEvent'; eventId: string }
  | { name: 'monitoring' }
  | { name: 'registry' }
  | { name: 'household'; householdId: string }
  | { name: 'attention' };
const SCREENS: Record<string, ScreenRoute['name']> = {
  settlements: 'desk',
  'index-events': 'indexEvents',
  monitoring: 'monitoring',
  registry: 'registry',
  attention: 'attention',
};

function parse(pathname: string): Route {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname.replace(/^\//, '');
  const parts = rest.split('/').filter(Boolean);
  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'inbox')) return { name: 'inbox' };
  if (parts.length === 1 && parts[0] === 'search') return { name: 'search' };
  if (parts.length === 1 && parts[0] === 'reports') return { name: 'reports' };
  if (parts.length === 2 && parts[0] === 'claims' && parts[1]) return { name: 'claim', claimId: decodeURIComponent(parts[1]) };
  if (parts.length === 1 && parts[0] && SCREENS[parts[0]]) return { name: SCREENS[parts[0]] } as ScreenRoute;
  if (parts.length === 2 && parts[0] === 'index-events' && parts[1]) return { name: 'indexEvent', eventId: decodeURIComponent(parts[1]) };
  if (parts.length === 2 && parts[0] === 'households' && parts[1]) return { name: 'household', householdId: decodeURIComponent(parts[1]) };
  return { name: 'notFound' };
}

export function hrefOf(r: Route): string {
  switch (r.name) {
    case 'inbox':
      return `${BASE}inbox`;
    case 'search':
      return `${BASE}search`;
    case 'reports':
      return `${BASE}reports`;
    case 'claim':
      return `${BASE}claims/${encodeURIComponent(r.claimId)}`;
    case 'indexEvent':
      return `${BASE}index-events/${encodeURIComponent(r.eventId)}`;
    case 'household':
      return `${BASE}households/${encodeURIComponent(r.householdId)}`;
    case 'desk':
    case 'indexEvents':
    case 'monitoring':
    case 'registry':
    case 'attention':
      return `${BASE}${Object.keys(SCREENS).find((k) => SCREENS[k] === r.name) ?? ''}`;
    default:
      return BASE;
  }
}

const listeners = new Set<() => void>();
let path = window.location.pathname;
window.addEventListener('popstate', () => {
  path = window.location.pathname;
  for (const l of listeners) l();
});

export function navigate(to: string): void {
  window.history.pushState(null, '', to + window.location.search);
  path = window.location.pathname;
  for (const l of listeners) l();
}

/** The route of the address the page is at now (outside React: main.tsx, before the first render). */
export function currentRoute(): Route {
  return parse(path);
}

/**
 * The current route. A change of address is rendered as a transition: while the next screen's chunk loads,
 * the screen being left stays up (no spinner in between), and the next one appears as soon as it can rather
 * than after React's minimum display time for a fallback (300 ms).
 */
export function useRoute(): Route {
  const [p, setP] = useState(path);
  useEffect(() => {
    const l = () => startTransition(() => setP(path));
    listeners.add(l);
    l(); // an address changed between the first render and this effect
    return () => {
      listeners.delete(l);
    };
  }, []);
  return parse(p);
}
