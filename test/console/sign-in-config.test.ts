/**
 * The console's sign-in choice from config.json (console/src/config.ts), and the request oidc-client-ts builds
 * from the console's settings: authorization code with PKCE (S256) to the configured issuer, back to the console's
 * callback route. No browser: the library's request builder runs on Node (Web Crypto is global in Node 20).
 */
import { describe, expect, it } from 'vitest';
import { InMemoryWebStorage, OidcClient, WebStorageStateStore } from 'oidc-client-ts';
import { CALLBACK_ROUTE, DEFAULT_CONFIG, oidcSettings, parseConsoleConfig, signInMethod } from '../../console/src/config.js';
import { CONSOLE_CALLBACK_PATH } from '../../lib/console-hosting.js';
import embeddedConfig from '../../console/public/config.json' with { type: 'json' };

const ISSUER = 'https://idp.example.cn/realms/fangpin';

describe('config.json decides how the console signs in', () => {
  it('embedded (console/public/config.json: no issuer) keeps the token paste box', () => {
    const config = parseConsoleConfig(embeddedConfig);
    expect(config).toEqual({ apiBaseUrl: '', oidc: null });
    expect(signInMethod(config)).toBe('paste-token');
  });

  it('what the stack writes (API URL, issuer, client id) offers the identity provider', () => {
    const config = parseConsoleConfig({
      apiBaseUrl: 'https://abc123.execute-api.cn-northwest-1.amazonaws.com.cn/',
      oidcIssuer: ISSUER,
      oidcClientId: 'fangpin-console',
    });
    expect(config).toEqual({
      apiBaseUrl: 'https://abc123.execute-api.cn-northwest-1.amazonaws.com.cn',
      oidc: { issuer: ISSUER, clientId: 'fangpin-console' },
    });
    expect(signInMethod(config)).toBe('identity-provider');
  });

  it('the stack without fangpin:consoleClientId (API URL only) keeps the paste box', () => {
    expect(signInMethod(parseConsoleConfig({ apiBaseUrl: 'https://abc.execute-api.us-east-1.amazonaws.com' }))).toBe('paste-token');
  });

  it('half a pair, a blank value, a plain-http or malformed issuer is no identity provider', () => {
    for (const body of [
      { apiBaseUrl: '', oidcIssuer: ISSUER },
      { apiBaseUrl: '', oidcClientId: 'fangpin-console' },
      { apiBaseUrl: '', oidcIssuer: ISSUER, oidcClientId: '  ' },
      { apiBaseUrl: '', oidcIssuer: 'http://idp.example.cn/', oidcClientId: 'c' },
      { apiBaseUrl: '', oidcIssuer: 'not a url', oidcClientId: 'c' },
      { apiBaseUrl: '', oidcIssuer: 42, oidcClientId: 'c' },
    ]) {
      expect(signInMethod(parseConsoleConfig(body)), JSON.stringify(body)).toBe('paste-token');
    }
    // A local IdP under test on loopback may be plain http.
    expect(signInMethod(parseConsoleConfig({ oidcIssuer: 'http://127.0.0.1:8080/', oidcClientId: 'c' }))).toBe('identity-provider');
  });

  it('no config.json, or not an object, means the embedded defaults', () => {
    for (const body of [null, undefined, 'x', 3, []]) expect(parseConsoleConfig(body), String(body)).toEqual(DEFAULT_CONFIG);
  });
});

describe('the identity-provider request', () => {
  it('is the authorization code flow with PKCE (S256) to the issuer, back to the route the stack registers', async () => {
    const settings = oidcSettings({ issuer: ISSUER, clientId: 'fangpin-console' }, 'https://console.example.cn', '/console/');
    expect(settings.redirect_uri).toBe(`https://console.example.cn${CONSOLE_CALLBACK_PATH}`);
    expect(CONSOLE_CALLBACK_PATH).toBe(`/console/${CALLBACK_ROUTE}`);
    const store = new WebStorageStateStore({ store: new InMemoryWebStorage() });
    const client = new OidcClient({
      ...settings,
      stateStore: store,
      // Discovery would fetch from the issuer; the endpoints are given instead.
      metadata: {
        issuer: ISSUER,
        authorization_endpoint: `${ISSUER}/protocol/openid-connect/auth`,
        token_endpoint: `${ISSUER}/protocol/openid-connect/token`,
      },
    });
    const request = await client.createSigninRequest({ url_state: '/console/inbox' });
    const url = new URL(request.url);
    expect(`${url.origin}${url.pathname}`).toBe(`${ISSUER}/protocol/openid-connect/auth`);
    const q = url.searchParams;
    expect(q.get('response_type')).toBe('code');
    expect(q.get('client_id')).toBe('fangpin-console');
    expect(q.get('redirect_uri')).toBe(`https://console.example.cn/console/callback`);
    expect(q.get('scope')).toBe('openid');
    expect(q.get('code_challenge_method')).toBe('S256');
    expect(q.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The verifier stays in the state store for the callback, never in the URL.
    const state = q.get('state') ?? '';
    const stored = JSON.parse((await store.get(state.split(';')[0] ?? '')) ?? '{}') as { code_verifier?: string };
    expect(stored.code_verifier).toMatch(/^[A-Za-z0-9._~-]{43,128}$/);
    expect(request.url).not.toContain(stored.code_verifier);
  });
});
