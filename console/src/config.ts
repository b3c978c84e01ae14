/**
 * config.json beside the console's files tells it where the API is and how to sign in. Embedded
 * (console/public/config.json) it names only `apiBaseUrl: ""` (same origin): the sign-in page takes a pasted token
 * or the `#token=` link npm start prints. On AWS the stack writes it at deploy time (lib/console-hosting.ts) with
 * the API's URL and, when `fangpin:consoleClientId` is set, the OIDC issuer the API trusts and the console's
 * client id: the sign-in page then signs in through the identity provider (authorization code + PKCE).
 *
 * Pure (no DOM, no Vite): test/console/sign-in-config.test.ts runs it under Node.
 */
export interface OidcConfig {
  readonly issuer: string;
  readonly clientId: string;
}

export interface ConsoleConfig {
  /** '' = the same origin as the console (embedded). */
  readonly apiBaseUrl: string;
  /** Present only when config.json names both an issuer (https) and a client id. */
  readonly oidc: OidcConfig | null;
}

export const DEFAULT_CONFIG: ConsoleConfig = { apiBaseUrl: '', oidc: null };

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/**
 * The configuration a config.json body describes. Anything malformed falls back to the embedded defaults rather
 * than failing: a console that cannot sign in through an IdP can still take a pasted token. An issuer must be an
 * https URL (http only for a loopback host, a local IdP under test); a half-given pair (issuer without client id
 * or the reverse) is no IdP.
 */
export function parseConsoleConfig(body: unknown): ConsoleConfig {
  if (typeof body !== 'object' || body === null) return DEFAULT_CONFIG;
  const b = body as Record<string, unknown>;
  const apiBaseUrl = typeof b.apiBaseUrl === 'string' ? b.apiBaseUrl.trim().replace(/\/+$/, '') : '';
  const issuer = text(b.oidcIssuer);
  const clientId = text(b.oidcClientId);
  return { apiBaseUrl, oidc: issuer && clientId && acceptableIssuer(issuer) ? { issuer, clientId } : null };
}

function acceptableIssuer(issuer: string): boolean {
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    return false;
  }
  if (url.protocol === 'https:') return true;
  return url.protocol === 'http:' && (url.hostname === 'localhost' || url.hostname === '127.0.0.1' || url.hostname === '[::1]');
}

export type SignInMethod = 'identity-provider' | 'paste-token';

/** What the sign-in page offers: the IdP redirect when config.json names one, otherwise the token paste box. */
export function signInMethod(config: ConsoleConfig): SignInMethod {
  return config.oidc ? 'identity-provider' : 'paste-token';
}

/** The callback route under the console's base, registered at the IdP as the redirect URI (lib/console-hosting.ts). */
export const CALLBACK_ROUTE = 'callback';

/**
 * oidc-client-ts settings for the code flow with PKCE (its default for `response_type: 'code'`; never implicit).
 * Storage is added by the caller (sessionStorage in the browser). No silent renew (it would need an iframe, which
 * the CSP's frame-src and the IdP's frame-ancestors both refuse): an expired token means signing in again, which
 * the IdP's own session usually makes one redirect.
 */
export function oidcSettings(oidc: OidcConfig, origin: string, base: string) {
  return {
    authority: oidc.issuer,
    client_id: oidc.clientId,
    redirect_uri: `${origin}${base}${CALLBACK_ROUTE}`,
    response_type: 'code',
    scope: 'openid',
    loadUserInfo: false,
    automaticSilentRenew: false,
    monitorSession: false,
  } as const;
}
