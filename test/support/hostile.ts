/**
 * Hostile requests for fuzz runs (npm test and npm run soak): broken claims, deep nesting, wrong types and
 * content types, unknown routes, bad tokens. `sendHostile` fires them and reports what broke the contract.
 */
import fc from 'fast-check';
import type { Reply } from './server.js';

const valid = {
  schemeId: 'xiaogan-2024',
  product: 'MEDICAL',
  householdId: 'H-420922-0001',
  personId: 'P-1',
  incidentDate: '2024-05-03',
  details: { hospitalCode: 'H', invoiceNo: 'I', totalCost: 1000 },
};

const money = fc.oneof(
  fc.double(),
  fc.integer({ min: -1e6, max: -1 }),
  fc.constant(2 ** 53),
  fc.constant(1e308),
  fc.string(),
  fc.constant(null),
  fc.boolean(),
  fc.constant(0.1),
);
const anyJson = fc.jsonValue({ maxDepth: 4 });
/** A valid claim with one field broken, removed or replaced. */
const brokenClaim = fc.oneof(
  fc
    .record({ field: fc.constantFrom('schemeId', 'product', 'householdId', 'personId', 'incidentDate', 'details'), value: anyJson })
    .map(({ field, value }) => ({ ...valid, [field]: value })),
  fc
    .record({ field: fc.constantFrom('totalCost', 'basicInsurancePaid', 'nonCoveredCost'), value: money })
    .map(({ field, value }) => ({ ...valid, details: { ...valid.details, [field]: value } })),
  fc.constantFrom('schemeId', 'product', 'details', 'incidentDate').map((f) => Object.fromEntries(Object.entries(valid).filter(([k]) => k !== f))),
  fc.record({ extra: fc.string({ minLength: 1, maxLength: 10 }) }).map(({ extra }) => ({ ...valid, [`x${extra}`]: 1 })),
  anyJson,
);
const deep = fc.integer({ min: 100, max: 5000 }).map((n) => '['.repeat(n) + ']'.repeat(n));
export const hostileRequest = fc.oneof(
  brokenClaim.map((body) => ({ method: 'POST', path: '/claims', role: 'submitter' as const, raw: JSON.stringify(body) })),
  deep.map((raw) => ({ method: 'POST', path: '/claims', role: 'submitter' as const, raw })),
  fc.string().map((raw) => ({ method: 'POST', path: '/claims', role: 'submitter' as const, raw })),
  anyJson.map((body) => ({ method: 'POST', path: '/households', role: 'admin' as const, raw: JSON.stringify(body) })),
  fc.array(anyJson, { maxLength: 3 }).map((rows) => ({ method: 'POST', path: '/households', role: 'admin' as const, raw: JSON.stringify(rows) })),
  anyJson.map((body) => ({ method: 'POST', path: '/claims/C-x/review', role: 'reviewer' as const, raw: JSON.stringify(body) })),
  fc
    .record({ decision: fc.constantFrom('APPROVE', 'REJECT', 'RETURN'), reasonCode: anyJson, note: anyJson })
    .map((body) => ({ method: 'POST', path: '/claims/C-x/review', role: 'reviewer' as const, raw: JSON.stringify(body) })),
  anyJson.map((body) => ({ method: 'POST', path: '/claims/C-x/amend', role: 'submitter' as const, raw: JSON.stringify(body) })),
  fc
    .record({ details: anyJson, incidentDate: anyJson })
    .map((body) => ({ method: 'POST', path: '/claims/C-x/amend', role: 'submitter' as const, raw: JSON.stringify(body) })),
  anyJson.map((body) => ({ method: 'POST', path: '/settlements/S-x/confirm', role: 'insurer' as const, raw: JSON.stringify(body) })),
  anyJson.map((body) => ({ method: 'POST', path: '/webhook-endpoints', role: 'admin' as const, raw: JSON.stringify(body) })),
  fc.string().map((q) => ({
    method: 'GET',
    path: `/claims?limit=${encodeURIComponent(q)}&cursor=${encodeURIComponent(q)}&status=${encodeURIComponent(q)}`,
    role: 'auditor' as const,
  })),
  fc.string().map((q) => ({
    method: 'GET',
    path: `/reports/summary?schemeId=${encodeURIComponent(q)}&year=${encodeURIComponent(q)}`,
    role: 'auditor' as const,
  })),
  fc.webPath().map((p) => ({ method: 'GET', path: p || '/', role: 'admin' as const })),
  fc.string().map((id) => ({ method: 'GET', path: `/claims/${encodeURIComponent(id) || 'x'}`, role: 'auditor' as const })),
  fc.string().map((token) => ({ method: 'GET', path: '/claims', token })),
  fc
    .constantFrom('text/plain', 'application/xml', 'multipart/form-data', '')
    .map((type) => ({ method: 'POST', path: '/claims', role: 'submitter' as const, raw: JSON.stringify(valid), type })),
);

export interface HostileOutcome {
  readonly failures: string[];
  /** POST /claims answered 202: a mutation can still be a valid claim (any string is a household id). */
  readonly accepted: number;
  readonly fiveHundreds: number;
}

type Call = (
  method: string,
  path: string,
  opts: { role?: 'submitter' | 'admin' | 'reviewer' | 'insurer' | 'auditor'; insurerId?: string; raw?: string; headers?: Record<string, string> },
) => Promise<Reply>;

export async function sendHostile(call: Call, count: number, seed = 42, concurrency = 8): Promise<HostileOutcome> {
  const samples = fc.sample(hostileRequest, { numRuns: count, seed });
  const failures: string[] = [];
  let accepted = 0;
  let fiveHundreds = 0;
  let i = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (i < samples.length) {
        const r = samples[i++]!;
        const headers: Record<string, string> = {};
        if ('token' in r) headers.authorization = `Bearer ${r.token}`;
        if ('type' in r) headers['content-type'] = r.type;
        const res = await call(r.method, r.path, {
          role: 'role' in r ? r.role : undefined,
          insurerId: 'role' in r && r.role === 'insurer' ? 'XG-POOL-1' : undefined,
          raw: 'raw' in r ? r.raw : undefined,
          headers,
        });
        if (r.path === '/claims' && r.method === 'POST' && res.status === 202) accepted++;
        if (res.status >= 500) fiveHundreds++;
        const problem = res.headers.get('content-type')?.includes('application/problem+json');
        if (res.status >= 500 || (res.status >= 400 && !problem) || (res.status >= 400 && !(res.body?.detail || res.body?.errors?.length))) {
          failures.push(
            `${r.method} ${r.path} ${'raw' in r ? (r.raw ?? '').slice(0, 80) : ''} → ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`,
          );
        }
      }
    }),
  );
  return { failures, accepted, fiveHundreds };
}
