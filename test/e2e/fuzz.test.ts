/**
 * Hostile input: thousands of malformed requests (wrong types, missing fields, negative, fractional and huge
 * money, deep nesting, wrong content types, unknown routes, bad tokens). No answer is a 5xx, every 4xx is
 * problem+json with at least one named field or a clear detail, and no claim is created.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Embedded } from '../../embedded/runtime.js';
import { DEMO_HOUSEHOLDS } from '../../embedded/demo.js';
import { client, startTestSystem } from '../support/server.js';

let system: Embedded;
let api: ReturnType<typeof client>;
const REQUESTS = Number(process.env.FANGPIN_FUZZ_REQUESTS ?? 1500);

const valid = { schemeId: 'xiaogan-2024', product: 'MEDICAL', householdId: 'H-420922-0001', personId: 'P-1', incidentDate: '2024-05-03', details: { hospitalCode: 'H', invoiceNo: 'I', totalCost: 1000 } };

const money = fc.oneof(fc.double(), fc.integer({ min: -1e6, max: -1 }), fc.constant(2 ** 53), fc.constant(1e308), fc.string(), fc.constant(null), fc.boolean(), fc.constant(0.1));
const anyJson = fc.jsonValue({ maxDepth: 4 });
/** A valid claim with one field broken, removed or replaced. */
const brokenClaim = fc.oneof(
  fc.record({ field: fc.constantFrom('schemeId', 'product', 'householdId', 'personId', 'incidentDate', 'details'), value: anyJson }).map(({ field, value }) => ({ ...valid, [field]: value })),
  fc.record({ field: fc.constantFrom('totalCost', 'basicInsurancePaid', 'nonCoveredCost'), value: money }).map(({ field, value }) => ({ ...valid, details: { ...valid.details, [field]: value } })),
  fc.constantFrom('schemeId', 'product', 'details', 'incidentDate').map((f) => Object.fromEntries(Object.entries(valid).filter(([k]) => k !== f))),
  fc.record({ extra: fc.string({ minLength: 1, maxLength: 10 }) }).map(({ extra }) => ({ ...valid, [`x${extra}`]: 1 })),
  anyJson,
);
const deep = fc.integer({ min: 100, max: 5000 }).map((n) => '['.repeat(n) + ']'.repeat(n));
const request = fc.oneof(
  brokenClaim.map((body) => ({ method: 'POST', path: '/claims', role: 'submitter' as const, raw: JSON.stringify(body) })),
  deep.map((raw) => ({ method: 'POST', path: '/claims', role: 'submitter' as const, raw })),
  fc.string().map((raw) => ({ method: 'POST', path: '/claims', role: 'submitter' as const, raw })),
  anyJson.map((body) => ({ method: 'POST', path: '/households', role: 'admin' as const, raw: JSON.stringify(body) })),
  fc.array(anyJson, { maxLength: 3 }).map((rows) => ({ method: 'POST', path: '/households', role: 'admin' as const, raw: JSON.stringify(rows) })),
  anyJson.map((body) => ({ method: 'POST', path: '/claims/C-x/review', role: 'reviewer' as const, raw: JSON.stringify(body) })),
  anyJson.map((body) => ({ method: 'POST', path: '/settlements/S-x/confirm', role: 'insurer' as const, raw: JSON.stringify(body) })),
  anyJson.map((body) => ({ method: 'POST', path: '/webhook-endpoints', role: 'admin' as const, raw: JSON.stringify(body) })),
  fc.string().map((q) => ({ method: 'GET', path: `/claims?limit=${encodeURIComponent(q)}&cursor=${encodeURIComponent(q)}&status=${encodeURIComponent(q)}`, role: 'auditor' as const })),
  fc.string().map((q) => ({ method: 'GET', path: `/reports/summary?schemeId=${encodeURIComponent(q)}&year=${encodeURIComponent(q)}`, role: 'auditor' as const })),
  fc.webPath().map((p) => ({ method: 'GET', path: p || '/', role: 'admin' as const })),
  fc.string().map((id) => ({ method: 'GET', path: `/claims/${encodeURIComponent(id) || 'x'}`, role: 'auditor' as const })),
  fc.string().map((token) => ({ method: 'GET', path: '/claims', token })),
  fc.constantFrom('text/plain', 'application/xml', 'multipart/form-data', '').map((type) => ({ method: 'POST', path: '/claims', role: 'submitter' as const, raw: JSON.stringify(valid), type })),
);

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
    const samples = fc.sample(request, { numRuns: REQUESTS, seed: 42 });
    const failures: string[] = [];
    let accepted = 0; // a mutation can still be a valid claim (any string is a household id): those are accepted
    let i = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (i < samples.length) {
          const r = samples[i++]!;
          const headers: Record<string, string> = {};
          if ('token' in r) headers.authorization = `Bearer ${r.token}`;
          if ('type' in r) headers['content-type'] = r.type;
          const res = await api.call(r.method, r.path, { role: 'role' in r ? r.role : undefined, insurerId: 'role' in r && r.role === 'insurer' ? 'XG-POOL-1' : undefined, raw: 'raw' in r ? r.raw : undefined, headers });
          if (r.path === '/claims' && r.method === 'POST' && res.status === 202) accepted++;
          const problem = res.headers.get('content-type')?.includes('application/problem+json');
          if (res.status >= 500 || (res.status >= 400 && !problem) || (res.status >= 400 && !(res.body?.detail || res.body?.errors?.length))) {
            failures.push(`${r.method} ${r.path} ${'raw' in r ? r.raw?.slice(0, 80) : ''} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
          }
        }
      }),
    );
    expect(failures.slice(0, 10)).toEqual([]);
    const after = (await api.call('GET', '/claims?limit=100', { role: 'auditor' })).body.items.length;
    expect(after - before).toBe(accepted);
    expect(accepted).toBeLessThan(REQUESTS / 20);
  });
});
