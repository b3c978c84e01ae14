import { useSyncExternalStore } from 'react';
import { decodeToken, type Session } from './token';

const KEY = 'fangpin.token';
let current: Session | null = null;
const listeners = new Set<() => void>();

function emit() {
  for (const l of listeners) l();
}

/**
 * At start: a token in the URL fragment (`#token=...`, the link npm start prints) wins; it is stored in
 * sessionStorage and removed from the address bar (and so from history) at once.
 */
export function initSession(): void {
  const hash = new URLSearchParams(window.location.hash.replace(/^#/, ''));
  const fromHash = hash.get('token');
  if (fromHash !== null) {
    const url = new URL(window.location.href);
    url.hash = '';
    window.history.replaceState(window.history.state, '', url.pathname + url.search);
    const s = decodeToken(fromHash);
    if (s) window.sessionStorage.setItem(KEY, s.token);
  }
  const stored = window.sessionStorage.getItem(KEY);
  current = stored ? decodeToken(stored) : null;
}

export function signIn(s: Session): void {
  window.sessionStorage.setItem(KEY, s.token);
  current = s;
  emit();
}

/** Why a sign-in through the identity provider came back without a session (oidc.ts); shown on the sign-in page. */
export type SignInFailure = { kind: 'no-role' } | { kind: 'expired' } | { kind: 'error'; message: string };
let failure: SignInFailure | null = null;

export function reportSignInFailure(f: SignInFailure | null): void {
  failure = f;
}

export function signInFailure(): SignInFailure | null {
  return failure;
}

export function signOut(): void {
  window.sessionStorage.clear();
  current = null;
  emit();
}

function subscribe(l: () => void) {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** The session now (outside React: main.tsx, before the first render). */
export function currentSession(): Session | null {
  return current;
}

export function useSession(): Session | null {
  return useSyncExternalStore(subscribe, () => current);
}
