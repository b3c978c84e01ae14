/**
 * Sign-in through the identity provider the API trusts (config.json's oidcIssuer / oidcClientId): authorization
 * code with PKCE by oidc-client-ts. Loaded on demand (a dynamic import from the sign-in page and from main.tsx
 * on the callback route), so the embedded console, which never uses it, does not load it.
 *
 * The access token is what the API's JWT authorizer checks and what carries `fangpin:role`; it goes into the same
 * session store as a pasted token (session.ts). oidc-client-ts keeps its state (PKCE verifier, nonce) in
 * sessionStorage for the round trip only; sign-out clears sessionStorage, and with it the library's copy of the user.
 */
import { UserManager, WebStorageStateStore } from 'oidc-client-ts';
import { CALLBACK_ROUTE, oidcSettings, type OidcConfig } from './config';
import { signIn, type SignInFailure } from './session';
import { decodeToken, isExpired } from './token';

const BASE = import.meta.env.BASE_URL; // '/console/'

function manager(oidc: OidcConfig): UserManager {
  const store = new WebStorageStateStore({ store: window.sessionStorage });
  return new UserManager({ ...oidcSettings(oidc, window.location.origin, BASE), userStore: store, stateStore: store });
}

export function isCallback(pathname: string): boolean {
  return pathname === `${BASE}${CALLBACK_ROUTE}`;
}

/** Leave for the IdP's sign-in page; the console path to come back to rides in the request's state. */
export async function startSignIn(oidc: OidcConfig): Promise<void> {
  const back =
    window.location.pathname.startsWith(BASE) && !isCallback(window.location.pathname) ? window.location.pathname + window.location.search : BASE;
  await manager(oidc).signinRedirect({ url_state: back });
}

/**
 * On the callback route: exchange the code (the library checks state and sends the PKCE verifier), put the access
 * token into the session, and replace the callback URL (code and state) in the address bar and history.
 */
export async function completeSignIn(oidc: OidcConfig): Promise<SignInFailure | null> {
  let back = BASE;
  try {
    const user = await manager(oidc).signinRedirectCallback();
    if (user.url_state?.startsWith(BASE)) back = user.url_state;
    const session = decodeToken(user.access_token);
    if (!session) return { kind: 'no-role' };
    if (isExpired(session, Date.now())) return { kind: 'expired' };
    signIn(session);
    return null;
  } catch (err) {
    return { kind: 'error', message: err instanceof Error ? err.message : String(err) };
  } finally {
    window.history.replaceState(null, '', back);
  }
}
