/** The whole system over HTTP: the embedded server, the synthesized state machine, the handlers, the store. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Embedded } from '../../embedded/runtime.js';
import { DEMO_HOUSEHOLDS } from '../../embedded/demo.js';
import { client, startTestSystem } from '../support/server.js';
import { issueToken } from '../../embedded/auth.js';
import { logger } from '../../functions/shared/step.js';
import { base, CLAIM_HOUSEHOLDS, lishui, medical, productScenarios, reviewScenarios, submit as submitTo, type SystemOf } from './scenarios/core.js';

// Everything the handlers log during this suite, at the most verbose level, scanned for identity numbers at the
// end (privacy test). The level is set before the logger is built: Powertools puts a logger back to its
// constructor level at each invocation, so a setLogLevel here would hold for the first step only.
vi.hoisted(() => {
  process.env.FANGPIN_LOG_LEVEL = 'DEBUG';
});
const logged: string[] = [];
for (const stream of [process.stdout, process.stderr]) {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    logged.push(String(chunk));
    return write(chunk, ...rest);
  }) as typeof stream.write;
}

let system: Embedded;
let api: ReturnType<typeof client>;
const sys: SystemOf = () => ({ system, api });
const submit = (body: unknown, headers: Record<string, string> = {}) => submitTo(api, body, headers);

beforeAll(async () => {
  system = await startTestSystem('e2e');
  api = client(system);
  const r = await api.call('POST', '/households', { role: 'admin', body: CLAIM_HOUSEHOLDS });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
});

afterAll(async () => {
  await system?.stop();
});

// Also run with coalescing off and from the deployed bundles (scenarios/core.ts); reports and privacy below count
// these claims.
productScenarios(sys);

describe('rejections carry the reason code', () => {
  it.each([
    ['HOUSEHOLD_NOT_FOUND', { ...base, householdId: 'H-NOBODY', product: 'EDUCATION', details: { stage: 'PRIMARY', expense: 1000 } }],
    ['PERSON_NOT_IN_HOUSEHOLD', { ...base, personId: 'P-404', product: 'EDUCATION', details: { stage: 'PRIMARY', expense: 1000 } }],
    ['OUTSIDE_POLICY_PERIOD', { ...base, incidentDate: '2025-01-01', product: 'EDUCATION', details: { stage: 'PRIMARY', expense: 1000 } }],
    ['STAGE_NOT_ELIGIBLE', { ...base, personId: 'P-2', product: 'EDUCATION', details: { stage: 'HIGHER', expense: 1000 } }],
    ['EXCLUDED_CAUSE', { ...lishui, product: 'DISASTER', details: { cause: 'EARTHQUAKE', damage: 'COLLAPSE', assessedLoss: 1000 } }],
    ['DAMAGE_NOT_COVERED', { ...lishui, product: 'DISASTER', details: { cause: 'FLOOD', damage: 'PARTIAL', assessedLoss: 1000 } }],
    [
      'INDEX_NOT_TRIGGERED',
      { ...base, product: 'INDUSTRY', details: { kind: 'PRICE_INDEX', costPrice: 1000, observedPrice: 900, insuredQuantity: 10 } },
    ],
  ])('%s', async (code, body) => {
    const id = await submit(body);
    const claim = (await api.waitForStatus(id, ['REJECTED'])).body;
    expect(claim.reasonCode).toBe(code);
    expect(claim.allocations).toEqual([]);
  });
});

reviewScenarios(sys);

describe('history and audit', () => {
  it('GET /claims/{id}/history shows every step in the GetExecutionHistory shape', async () => {
    const id = await submit(medical(1_000_000));
    await api.waitForStatus(id, ['SETTLING']);
    // The claim is SETTLING as soon as the Payout step has written it; the execution ends a moment later.
    let h = await api.call('GET', `/claims/${id}/history`, { role: 'auditor' });
    for (let i = 0; i < 200 && h.body.status === 'RUNNING'; i++) {
      await new Promise((r) => setTimeout(r, 25));
      h = await api.call('GET', `/claims/${id}/history`, { role: 'auditor' });
    }
    expect(h.status).toBe(200);
    expect(h.body.status).toBe('SUCCEEDED');
    const events = h.body.events as Array<{ id: number; previousEventId: number; type: string; stateEnteredEventDetails?: { name: string } }>;
    expect(events[0]?.type).toBe('ExecutionStarted');
    expect(events.at(-1)?.type).toBe('ExecutionSucceeded');
    for (const [i, e] of events.entries()) expect(e.id).toBe(i + 1);
    const entered = events.filter((e) => e.type === 'TaskStateEntered').map((e) => e.stateEnteredEventDetails?.name);
    expect(entered).toEqual(['Intake', 'Eligibility', 'Assessment', 'Split', 'Payout']);
    expect(events.filter((e) => e.type === 'LambdaFunctionSucceeded')).toHaveLength(5);
  });
});

describe('bad input changes nothing', () => {
  it.each([
    ['a fractional amount', medical(100.5), 'details.totalCost'],
    ['a negative amount', medical(-1), 'details.totalCost'],
    ['an amount above 2^53', medical(2 ** 53), 'details.totalCost'],
    ['a missing field', { ...base, product: 'MEDICAL', details: { hospitalCode: 'H', invoiceNo: 'I' } }, 'details.totalCost'],
    ['an unknown scheme', { ...medical(1000), schemeId: 'nowhere' }, 'schemeId'],
    [
      'a product the scheme does not offer',
      { ...base, product: 'LOAN_GUARANTEE', details: { loanId: 'L', bankId: 'B', outstandingPrincipal: 1, unpaidInterest: 0, recoveries: 0 } },
      'product',
    ],
    ['negative self-pay', medical(1000, { basicInsurancePaid: 2000 }), 'details.totalCost'],
    ['a bad date', { ...medical(1000), incidentDate: '2024-02-30' }, 'incidentDate'],
    [
      'more than the enrolled quantity',
      { ...base, product: 'INDUSTRY', details: { kind: 'PRICE_INDEX', costPrice: 1000, observedPrice: 700, insuredQuantity: 501 } },
      'details.insuredQuantity',
    ],
  ])('%s → 422 naming %s', async (_name, body, path) => {
    const before = await api.call('GET', '/claims?limit=100', { role: 'auditor' });
    const r = await api.call('POST', '/claims', { role: 'submitter', body });
    expect(r.status).toBe(422);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    // The title in the reader's language (Chinese by default); the type URI is what clients branch on.
    expect(r.body).toMatchObject({ type: 'https://fangpin.dev/problems/validation-failed', title: '校验未通过', status: 422 });
    const after = await api.call('GET', '/claims?limit=100', { role: 'auditor' });
    expect(after.body.items.length).toBe(before.body.items.length);
  });

  it('malformed JSON → 400, wrong content type → 415, no token → 401, wrong role → 403', async () => {
    expect((await api.call('POST', '/claims', { role: 'submitter', raw: '{"a":' })).status).toBe(400);
    const en = await api.call('POST', '/claims', { role: 'submitter', raw: '{"a":', headers: { 'accept-language': 'en' } });
    expect(en.body).toMatchObject({ type: 'https://fangpin.dev/problems/malformed-json', title: 'Malformed JSON', status: 400 });
    expect(en.headers.get('content-language')).toBe('en');
    // The detail and the field errors follow the language too; the paths do not.
    expect(en.body).toMatchObject({ detail: 'the body is not valid JSON', errors: [{ path: '(body)', message: 'not valid JSON' }] });
    expect((await api.call('POST', '/claims', { role: 'submitter', raw: '{"a":' })).body).toMatchObject({
      detail: '请求体不是有效的 JSON',
      errors: [{ path: '(body)', message: '不是有效的 JSON' }],
    });
    const noClaim = await api.call('GET', '/claims/C-NOPE', { role: 'auditor' });
    expect(noClaim.body).toMatchObject({ status: 404, detail: '没有理赔 C-NOPE' });
    expect((await api.call('GET', '/claims/C-NOPE', { role: 'auditor', headers: { 'accept-language': 'en' } })).body.detail).toBe('no claim C-NOPE');
    const badDate = await api.call('POST', '/claims', { role: 'submitter', body: { ...medical(1000), incidentDate: '2024-02-30' } });
    expect(badDate.body.errors).toContainEqual({ path: 'incidentDate', message: '不是有效的日历日期' });
    expect(badDate.body.detail).toBe('incidentDate：不是有效的日历日期');
    expect((await api.call('POST', '/claims', { role: 'submitter', raw: 'x=1', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    expect((await api.call('POST', '/claims', { body: medical(1000) })).status).toBe(401);
    // The embedded server's own token check answers in the reader's language too, with the same type URI.
    const unauthorized = await api.call('POST', '/claims', { body: medical(1000), headers: { 'accept-language': 'en' } });
    expect(unauthorized.body).toMatchObject({ type: 'https://fangpin.dev/problems/unauthorized', title: 'Unauthorized', status: 401 });
    expect((await api.call('POST', '/claims', { body: medical(1000) })).body.title).toBe('未认证');
    expect((await api.call('POST', '/claims', { role: 'auditor', body: medical(1000) })).status).toBe(403);
    expect((await api.call('GET', '/claims', { headers: { authorization: 'Bearer not.a.token' } })).status).toBe(401);
    const expired = await system.token('auditor', undefined, -60);
    expect((await api.call('GET', '/claims', { headers: { authorization: `Bearer ${expired}` } })).status).toBe(401);
    const forged = await issueToken('not-the-server-secret', 'admin');
    expect((await api.call('GET', '/claims', { headers: { authorization: `Bearer ${forged}` } })).status).toBe(401);
    const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from('{"fangpin:role":"admin","sub":"x"}').toString('base64url')}.`;
    expect((await api.call('GET', '/claims', { headers: { authorization: `Bearer ${unsigned}` } })).status).toBe(401);
  });
});

describe('idempotency and isolation', () => {
  it('100 concurrent submissions with the same Idempotency-Key and body give one claim; another body gets 409', async () => {
    const body = medical(700_000);
    const ids = await Promise.all(Array.from({ length: 100 }, () => submit(body, { 'idempotency-key': 'k-123' })));
    expect(new Set(ids).size).toBe(1);
    const r = await api.call('POST', '/claims', { role: 'submitter', body: medical(800_000), headers: { 'idempotency-key': 'k-123' } });
    expect(r.status).toBe(409);
  });

  it('an insurer sees and confirms only its own settlements', async () => {
    const id = await submit(medical(1_200_000));
    const claim = (await api.waitForStatus(id, ['SETTLING'])).body;
    const mine = await api.call('GET', '/settlements', { role: 'insurer', insurerId: 'XG-POOL-2' });
    expect(mine.status).toBe(200);
    expect(mine.body.items.length).toBeGreaterThan(0);
    expect(mine.body.items.every((s: { insurerId: string }) => s.insurerId === 'XG-POOL-2')).toBe(true);
    const other = claim.settlements.find((s: { insurerId: string }) => s.insurerId === 'XG-POOL-1');
    const r = await api.call('POST', `/settlements/${other.settlementId}/confirm`, {
      role: 'insurer',
      insurerId: 'XG-POOL-2',
      body: { paidAt: '2024-05-20T08:00:00Z', reference: 'X' },
    });
    expect(r.status).toBe(404);
  });

  it('households are returned with masked identity numbers only', async () => {
    const r = await api.call('GET', '/households/H-420922-0001', { role: 'auditor' });
    expect(r.status).toBe(200);
    expect(JSON.stringify(r.body)).not.toContain('420922199001011234');
    expect(r.body.members[0].idMasked).toBe('4209**********1234');
  });
});

describe('audit trail', () => {
  it('GET /claims/{id}/audit returns a verifying chain with one record per executed step', async () => {
    const id = await submit(medical(900_000));
    await api.waitForStatus(id, ['SETTLING']);
    const a = await api.call('GET', `/claims/${id}/audit`, { role: 'auditor' });
    expect(a.status).toBe(200);
    expect(a.body.verified).toBe(true);
    expect(a.body.records.map((r: { step: string }) => r.step)).toEqual(['Submit', 'Intake', 'Eligibility', 'Assessment', 'Split', 'Payout']);
    expect(a.body.head).toBe(a.body.records.at(-1).hash);
  });
});

describe('reports', () => {
  it('GET /reports/summary counts claims, the 5-working-day target, premiums, reserve and loss ratio', async () => {
    const r = await api.call('GET', '/reports/summary?schemeId=xiaogan-2024&year=2024', { role: 'auditor' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.claims.count).toBeGreaterThan(5);
    expect(r.body.byProduct.MEDICAL.count).toBeGreaterThan(0);
    expect(r.body.byCounty['420922'].count).toBeGreaterThan(0);
    // The MEDICAL claim confirmed the same day it was submitted is the one PAID claim, within target.
    expect(r.body.payment).toEqual({ targetWorkingDays: 5, paid: 1, paidWithinTarget: 1, complianceBp: 10000 });
    // Premiums: 2 members × 120 yuan (LIFTED_OUT, 80% subsidy) + three 1-member EDGE_AT_RISK households (60%):
    // 24,000 + 3 × 12,000 = 60,000 fen; subsidy 19,200 + 3 × 7,200 = 40,800; reserve 5% = 3,000.
    expect(r.body.premiums).toEqual({
      households: 4,
      premium: 60_000,
      subsidy: 40_800,
      householdPays: 19_200,
      riskReserve: 3_000,
      reserveRateBp: 500,
    });
    const incurred = r.body.losses.paid + r.body.losses.outstanding;
    expect(r.body.losses.incurred).toBe(incurred);
    expect(r.body.losses.lossRatioBp).toBe(Math.floor((incurred * 10_000) / 60_000));
    expect((await api.call('GET', '/reports/summary?schemeId=xiaogan-2024&year=20x4', { role: 'auditor' })).status).toBe(400);
    const csv = await api.call('GET', '/reports/summary?schemeId=xiaogan-2024&year=2024&format=csv', { role: 'auditor' });
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.body).toContain('premiums,premium,,60000');
    // For a Chinese Excel: a BOM, column names in the reader's language (the rows keep the JSON's names), or GB18030.
    const raw = await fetch(`${system.url}/reports/summary?schemeId=xiaogan-2024&year=2024&format=csv`, {
      headers: { authorization: `Bearer ${await system.token('auditor')}` },
    });
    const bytes = Buffer.from(await raw.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString('utf8').split('\n')[0]).toBe('分类,项目,件数,金额（分）或数值');
    const enCsv = await api.call('GET', '/reports/summary?schemeId=xiaogan-2024&year=2024&format=csv', {
      role: 'auditor',
      headers: { 'accept-language': 'en' },
    });
    expect((enCsv.body as string).replace(/^\uFEFF/, '').split('\n')[0]).toBe('section,key,claims,amount_fen_or_value');
    const gb = await fetch(`${system.url}/reports/summary?schemeId=xiaogan-2024&year=2024&format=csv&encoding=gb18030`, {
      headers: { authorization: `Bearer ${await system.token('auditor')}` },
    });
    expect(gb.headers.get('content-type')).toBe('text/csv; charset=gb18030');
    const gbText = new TextDecoder('gb18030').decode(await gb.arrayBuffer());
    expect(gbText).toBe(bytes.subarray(3).toString('utf8'));
    expect((await api.call('GET', '/reports/summary?schemeId=xiaogan-2024&year=2024&encoding=gb18030', { role: 'auditor' })).status).toBe(400);
    expect(csv.body).toContain(`product,MEDICAL,${r.body.byProduct.MEDICAL.count},${r.body.byProduct.MEDICAL.payout}`);
    expect((await api.call('GET', '/reports/summary?schemeId=xiaogan-2024&year=2024&format=xml', { role: 'auditor' })).status).toBe(400);
    expect((await api.call('GET', '/reports/summary?schemeId=xiaogan-2024&year=2024', { role: 'submitter' })).status).toBe(403);
  });
});

describe('lists', () => {
  it('a listed SETTLING or PAID claim shows the settlements GET /claims/{id} shows, not an empty list', async () => {
    const listed = await api.call('GET', '/claims?householdId=H-420922-0001&limit=100', { role: 'auditor' });
    expect(listed.status).toBe(200);
    const settled = (listed.body.items as Array<{ claimId: string; status: string; settlements: unknown[] }>).filter(
      (c) => c.status === 'SETTLING' || c.status === 'PAID',
    );
    expect(settled.length).toBeGreaterThan(0);
    for (const c of settled) {
      const one = await api.call('GET', `/claims/${c.claimId}`, { role: 'auditor' });
      expect(c.settlements.length, c.claimId).toBeGreaterThan(0);
      expect(c.settlements).toEqual(one.body.settlements);
    }
  });
});

describe('privacy', () => {
  it('no raw identity number appears in any claim, history, audit, household or settlement answer, nor in the logs', async () => {
    const raw = DEMO_HOUSEHOLDS.flatMap((h) => h.members.map((m) => ('idNumber' in m ? m.idNumber : undefined))).filter((x): x is string => !!x);
    expect(raw.length).toBeGreaterThan(2);
    const bodies: string[] = [];
    const claims = await api.call('GET', '/claims?limit=100', { role: 'auditor' });
    bodies.push(JSON.stringify(claims.body));
    for (const c of claims.body.items.slice(0, 20)) {
      for (const path of [`/claims/${c.claimId}`, `/claims/${c.claimId}/history`, `/claims/${c.claimId}/audit`])
        bodies.push(JSON.stringify((await api.call('GET', path, { role: 'auditor' })).body));
    }
    for (const h of DEMO_HOUSEHOLDS) bodies.push(JSON.stringify((await api.call('GET', `/households/${h.householdId}`, { role: 'admin' })).body));
    bodies.push(JSON.stringify((await api.call('GET', '/settlements', { role: 'auditor' })).body));
    // Every step of every claim of the suite was logged, not just the first one.
    expect(logger.getLevelName()).toBe('DEBUG');
    expect(logged.join('').length).toBeGreaterThan(0);
    const payoutLines = logged.filter((l) => l.includes('"message":"payout done"'));
    expect(payoutLines.length).toBeGreaterThan(5);
    // Each step logs under its own function's name, though all of them (and the webhook dispatcher, every half
    // second) share this process.
    let checked = 0;
    for (const chunk of logged) {
      for (const line of chunk.split('\n')) {
        const step = /"message":"([a-z-]+) done"/.exec(line)?.[1];
        if (!step) continue;
        expect(line).toContain(`"function_name":"${step}"`); // one function per step module, as deployed
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20);
    bodies.push(...logged);
    const all = bodies.join('\n');
    for (const id of raw) expect(all).not.toContain(id);
    expect(all).toContain('4209**********1234');
  });
});
