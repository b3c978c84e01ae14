/**
 * No overpayment under concurrency, over HTTP through the state machine: 50 simultaneous claims against one
 * person's annual medical cap, and 50 against one household's disaster cap, pay exactly what sequential
 * processing pays. (The household cap also runs with coalescing off and from the bundles: scenarios/core.ts.)
 */
import { afterAll, beforeAll, expect } from 'vitest';
import type { Embedded } from '../../embedded/runtime.js';
import { client, startTestSystem } from '../support/server.js';
import { CAP_HOUSEHOLDS, capScenarios } from './scenarios/core.js';

let system: Embedded;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  system = await startTestSystem('conc');
  api = client(system);
  const r = await api.call('POST', '/households', { role: 'admin', body: CAP_HOUSEHOLDS });
  expect(r.status).toBe(200);
});

afterAll(async () => {
  await system?.stop();
});

capScenarios(() => ({ system, api }), { personCap: true });
