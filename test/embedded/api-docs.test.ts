/**
 * /openapi.json and /docs/ on the embedded server (embedded/api-docs.ts): public, the committed document, only the
 * listed files, the console's Content-Security-Policy; and the page renders the API in Chromium under that policy
 * with no request leaving this origin.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { startHttpServer } from '../../embedded/http-server.js';
import { CONSOLE_CSP } from '../../embedded/console-static.js';
import { launchChromium } from '../support/browser.js';

let server: Awaited<ReturnType<typeof startHttpServer>>;
beforeAll(async () => {
  server = await startHttpServer({
    port: 0,
    host: '127.0.0.1',
    tokenSecret: 'test-secret-test-secret-test-secret',
    loadModule: () => Promise.reject(new Error('no API module is loaded by these tests')),
  });
});
afterAll(() => server.close());

describe('the OpenAPI document and the reference page', () => {
  it('serves docs/openapi.json at /openapi.json without a token', async () => {
    const res = await fetch(`${server.url}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(await res.text()).toBe(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'));
  });

  it('serves the page and its listed files under the console CSP, and nothing else', async () => {
    const redirect = await fetch(`${server.url}/docs`, { redirect: 'manual' });
    expect([redirect.status, redirect.headers.get('location')]).toEqual([308, '/docs/']);
    const page = await fetch(`${server.url}/docs/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect(await page.text()).toContain('<script src="./init.js"></script>');
    for (const file of ['init.js', 'swagger-ui-bundle.js', 'swagger-ui.css'])
      expect((await fetch(`${server.url}/docs/${file}`)).status, file).toBe(200);
    for (const file of ['README.md', 'package.json', 'swagger-initializer.js', '%2e%2e/package.json'])
      expect((await fetch(`${server.url}/docs/${file}`)).status, file).toBe(404);
    expect((await fetch(`${server.url}/openapi.json`, { method: 'POST' })).status).toBe(405);
  });

  it('leaves the API routes behind the token', async () => {
    const res = await fetch(`${server.url}/claims`);
    expect(res.status).toBe(401);
  });

  it('renders the API in Chromium under the CSP, with no request leaving this origin', async () => {
    let browser: Browser | undefined;
    try {
      browser = await launchChromium();
      const page = await browser.newPage();
      const elsewhere: string[] = [];
      const errors: string[] = [];
      page.on('request', (r) => {
        if (!r.url().startsWith(server.url) && !r.url().startsWith('data:')) elsewhere.push(r.url());
      });
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${server.url}/docs/`);
      await page.getByText('Submit a claim', { exact: false }).first().waitFor({ timeout: 30_000 });
      expect(await page.getByText('fangpin 防贫保 API').count()).toBeGreaterThan(0);
      expect(elsewhere).toEqual([]);
      expect(errors).toEqual([]);
    } finally {
      await browser?.close();
    }
  });
});
