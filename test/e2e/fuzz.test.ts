/**
 * Hostile input: thousands of malformed requests (wrong types, missing fields, negative, fractional and huge
 * money, deep nesting, wrong content types, unknown routes, bad tokens). No answer is a 5xx, every 4xx is
 * problem+json with at least one named field or a clear detail, and no claim is created.
 */
import { sendHostile } from '../support/hostile.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Embedded } from '../../embedded/runtime.js';
import { DEMO_HOUSEHOLDS } from '../../embedded/demo.js';
import { client, startTestSystem } from '../support/server.js';

let system: Embedded;
let api: ReturnType<typeof client>;
const REQUESTS = Number(process.env.FANGPIN_FUZZ_REQUESTS ?? 1500);

beforeAll(async () => {
  system = await startTestSystem('fuzz');
  api = client(system);
  expect((await api.call('POST', '/households', { role: 'admin', body: DEMO_HOUSEHOLDS })).status).toBe(200);
});

afterAll(async () => {
  await system?.stop();
});

describe('fuzz', () => {
  it(`${REQUESTS} hostile requests: no 5xx, problem+json 4xx, nothing created by a refused request`, { timeout: 240_000 }, async () => {
    const before = (await api.call('GET', '/claims?limit=100', { role: 'auditor' })).body.items.length;
    const { failures, accepted } = await sendHostile(api.call, REQUESTS);
    expect(failures.slice(0, 10)).toEqual([]);
    const after = (await api.call('GET', '/claims?limit=100', { role: 'auditor' })).body.items.length;
    expect(after - before).toBe(accepted);
    expect(accepted).toBeLessThan(REQUESTS / 20);
  });
});
