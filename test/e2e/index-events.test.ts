/**
 * Index events over HTTP: one observation files a claim for every household it concerns, through the fan-out
 * workflow (a Distributed Map over registry slices) and one claim-workflow execution per household; re-posting files nothing new.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Embedded } from '../../embedded/runtime.js';
import { client, startTestSystem, type Reply } from '../support/server.js';
import { household } from '../core/fixtures.js';

let system: Embedded;
let api: ReturnType<typeof client>;

const ANLU = '420982';
const WUHAN = '420100';
// 40 households in Anlu: areas 1.00..40.00 mu, every fifth without INDUSTRY, one exited before the event, one
// enrolled only in 2023, one with no insured area; and two households in another county.
const households = [
  ...Array.from({ length: 40 }, (_, i) =>
    household({
      householdId: `H-AL-${String(i + 1).padStart(3, '0')}`,
      county: ANLU,
      area_mu: i + 1,
      quantity_kg: 100 * (i + 1),
      products: i % 5 === 4 ? ['MEDICAL'] : ['MEDICAL', 'INDUSTRY'],
      exitedOn: i === 0 ? '2024-07-01' : null,
    }),
  ),
  household({ householdId: 'H-AL-OLD', county: ANLU, area_mu: 5, products: ['INDUSTRY'], start: '2023-01-01', end: '2023-12-31' }),
  household({ householdId: 'H-AL-NOAREA', county: ANLU, products: ['INDUSTRY'] }),
  household({ householdId: 'H-WH-001', county: WUHAN, area_mu: 10, products: ['INDUSTRY'] }),
  household({ householdId: 'H-WH-002', county: WUHAN, area_mu: 12, products: ['INDUSTRY'] }),
];
// Concerned by an Anlu weather event: INDUSTRY, enrolled on the day, with area: 32 (incl. the exited one).
const CONCERNED = households.filter(
  (h) =>
    h.county === ANLU &&
    h.enrollment.products.includes('INDUSTRY') &&
    h.enrollment.start <= '2024-07-03' &&
    h.enrollment.end >= '2024-07-03' &&
    (h.enrollment.insured.area_mu ?? 0) > 0,
);

const weather = { kind: 'WEATHER', schemeId: 'xiaogan-2024', county: ANLU, period: { start: '2024-07-01', end: '2024-07-03' }, rainfallMm: 260 };

async function waitDone(eventId: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let last: Reply | undefined;
  while (Date.now() < deadline) {
    last = await api.call('GET', `/index-events/${eventId}?limit=1000`, { role: 'auditor' });
    if (last.body.done) return last.body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`event ${eventId} not done: ${JSON.stringify(last?.body).slice(0, 500)}`);
}

beforeAll(async () => {
  system = await startTestSystem('ixe');
  api = client(system);
  const r = await api.call('POST', '/households', { role: 'admin', body: households });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
});

afterAll(async () => {
  await system?.stop();
});

describe('weather index event', () => {
  let eventId: string;

  it('files one claim per concerned household and answers them', async () => {
    expect(CONCERNED.length).toBe(32);
    const r = await api.call('POST', '/index-events', { role: 'admin', body: weather });
    expect([201, 202], JSON.stringify(r.body)).toContain(r.status);
    eventId = r.body.eventId;
    expect(eventId).toMatch(/^IX-/);
    const done = await waitDone(eventId);
    expect(done.status).toBe('CREATED');
    expect(done.created).toBe(32);
    expect(done.decided).toBe(32);
    expect(done.claimsFiled).toBe(32);
    expect(done.claims.map((c: { householdId: string }) => c.householdId).sort()).toEqual(CONCERNED.map((h) => h.householdId).sort());
  });

  it('decides each claim by the rainfall band and the household area, one workflow execution each', async () => {
    const ev = (await api.call('GET', `/index-events/${eventId}?limit=1000`, { role: 'admin' })).body;
    const byHousehold = new Map<string, string>(ev.claims.map((c: { householdId: string; claimId: string }) => [c.householdId, c.claimId]));
    // 250–299 mm → 600 yuan/mu. 29 mu: 17,400 yuan (below the 20,000 review threshold); 34 mu: 20,400 → review.
    const settled = (await api.waitForStatus(byHousehold.get('H-AL-029')!, ['SETTLING'])).body;
    expect(settled.assessment.payout).toBe(29 * 60_000);
    expect(settled.details).toMatchObject({ kind: 'WEATHER_INDEX', eventId, rainfallMm: 260 });
    expect(settled.indexEventId).toBe(eventId);
    const review = (await api.waitForStatus(byHousehold.get('H-AL-034')!, ['PENDING_REVIEW'])).body;
    expect(review.assessment.payout).toBe(34 * 60_000);
    const exited = (await api.waitForStatus(byHousehold.get('H-AL-001')!, ['REJECTED'])).body;
    expect(exited.reasonCode).toBe('HOUSEHOLD_EXITED');
    const history = await api.call('GET', `/claims/${byHousehold.get('H-AL-029')}/history`, { role: 'auditor' });
    expect(history.status).toBe(200);
    expect(history.body.events.some((e: { type: string }) => e.type === 'LambdaFunctionSucceeded')).toBe(true);
    const audit = await api.call('GET', `/claims/${byHousehold.get('H-AL-029')}/audit`, { role: 'auditor' });
    expect(audit.body.verified).toBe(true);
    expect(audit.body.records[0]).toMatchObject({ step: 'Submit', actor: `index-event:${eventId}` });
  });

  it('re-posting the same observation files nothing new (also in another spelling)', async () => {
    const again = await api.call('POST', '/index-events', {
      role: 'admin',
      body: { ...weather, kind: undefined, type: 'weather', period: '2024-07-01/2024-07-03' },
    });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body.eventId).toBe(eventId);
    expect(again.body.repeated).toBe(true);
    expect(again.body.created).toBe(32);
    const claims = await api.call('GET', '/claims?householdId=H-AL-029', { role: 'auditor' });
    expect(claims.body.items.filter((c: { indexEventId: string | null }) => c.indexEventId === eventId)).toHaveLength(1);
  });

  it('the same place and period with other figures is a 409 naming the figure, and changes nothing', async () => {
    const r = await api.call('POST', '/index-events', { role: 'admin', body: { ...weather, rainfallMm: 320 } });
    expect(r.status).toBe(409);
    expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(r.body.errors[0].path).toBe('rainfallMm');
    const ev = (await api.call('GET', `/index-events/${eventId}`, { role: 'admin' })).body;
    expect(ev.observation.rainfallMm).toBe(260);
    expect(ev.created).toBe(32);
  });

  it('auditors read the fan-out: its history with one map run, and each registry slice as a child execution', async () => {
    const r = await api.call('GET', `/index-events/${eventId}/history`, { role: 'auditor' });
    expect(r.status, JSON.stringify(r.body).slice(0, 500)).toBe(200);
    expect(r.body.status).toBe('SUCCEEDED');
    const types = r.body.events.map((e: { type: string }) => e.type);
    expect(types.filter((t: string) => t === 'MapRunStarted')).toHaveLength(1);
    expect(types).toContain('MapRunSucceeded');
    expect(types).not.toContain('MapIterationStarted');
    // 16 slices, each its own execution of the map run; together they filed every concerned household once.
    expect(r.body.slices.map((s: { shard: number }) => s.shard)).toEqual(Array.from({ length: 16 }, (_, i) => i));
    for (const slice of r.body.slices) {
      expect(slice.status).toBe('SUCCEEDED');
      expect(slice.executionArn).toMatch(/:execution:[^:]+-index-fanout\/Slice:[0-9a-f-]{36}$/);
    }
    expect(r.body.slices.reduce((n: number, s: { householdsFiled: number }) => n + s.householdsFiled, 0)).toBe(32);
    expect((await api.call('GET', `/index-events/${eventId}/history`, { role: 'insurer', insurerId: 'XG-POOL-1' })).status).toBe(403);
    expect((await api.call('GET', '/index-events/IX-nope/history', { role: 'auditor' })).status).toBe(404);
  });

  it("the event's own audit chain records who posted it and the fan-out's end, once, after the repeats", async () => {
    const trail = await api.call('GET', `/index-events/${eventId}/audit`, { role: 'auditor' });
    expect(trail.status, JSON.stringify(trail.body)).toBe(200);
    expect(trail.body.verified).toBe(true);
    expect(trail.body.records.map((r: { step: string; decision: string }) => `${r.step}:${r.decision}`)).toEqual([
      'IndexEventPosted:FANNING_OUT',
      'FanoutFinished:CREATED',
    ]);
    expect(trail.body.records[0].actor).toMatch(/^admin:/);
    expect((await api.call('GET', `/index-events/${eventId}/audit`, { role: 'reviewer' })).status).toBe(403);
    expect((await api.call('GET', '/index-events/IX-nope/audit', { role: 'auditor' })).status).toBe(404);
  });

  it('rainfall below the first band closes every claim as not triggered', async () => {
    const r = await api.call('POST', '/index-events', { role: 'admin', body: { ...weather, county: WUHAN, rainfallMm: 150 } });
    const done = await waitDone(r.body.eventId);
    expect(done.created).toBe(2);
    // The counts by status read every claim of the event: only on request.
    expect(done.byStatus).toBeUndefined();
    const counted = await api.call('GET', `/index-events/${r.body.eventId}?byStatus=true`, { role: 'auditor' });
    expect(counted.body.byStatus).toEqual({ REJECTED: 2 });
    const bad = await api.call('GET', `/index-events/${r.body.eventId}?byStatus=yes`, { role: 'auditor' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].path).toBe('byStatus');
    const c = (await api.call('GET', `/claims/${done.claims[0].claimId}`, { role: 'auditor' })).body;
    expect(c.reasonCode).toBe('INDEX_NOT_TRIGGERED');
  });
});

describe('price index event', () => {
  it('pays (strike − observed) × enrolled quantity to tea growers', async () => {
    // cost 10,000 fen/kg → strike 8,500; observed 8,000 → 500 fen/kg. H-WH-001 has no quantity: not concerned.
    const r = await api.call('POST', '/index-events', {
      role: 'admin',
      body: {
        kind: 'PRICE',
        schemeId: 'xiaogan-2024',
        county: ANLU,
        period: { start: '2024-05-01', end: '2024-05-31' },
        commodity: 'TEA',
        costPrice: 10_000,
        observedPrice: 8_000,
      },
    });
    expect([201, 202]).toContain(r.status);
    const done = await waitDone(r.body.eventId);
    expect(done.created).toBe(32);
    const c3 = done.claims.find((c: { householdId: string }) => c.householdId === 'H-AL-003');
    const claim = (await api.waitForStatus(c3.claimId, ['SETTLING'])).body;
    expect(claim.assessment.payout).toBe(500 * 300);
  });
});

describe('bad input changes nothing', () => {
  it.each([
    [{ ...weather, rainfallMm: 12.5 }, 'rainfallMm'],
    [{ ...weather, county: '42098' }, 'county'],
    [{ ...weather, period: { start: '2024-07-03', end: '2024-07-01' } }, 'period.end'],
    [{ ...weather, kind: 'SNOWFALL' }, 'kind'],
    [{ ...weather, schemeId: 'nowhere' }, 'schemeId'],
    [{ ...weather, schemeId: 'lishui-2017', county: '331102' }, 'kind'],
    [{ kind: 'PRICE', schemeId: 'xiaogan-2024', county: ANLU, period: '2024-05-01', costPrice: -1, observedPrice: 1 }, 'costPrice'],
  ])('%j → 422 naming %s', async (body, path) => {
    const r = await api.call('POST', '/index-events', { role: 'admin', body });
    expect(r.status, JSON.stringify(r.body)).toBe(422);
    expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(path);
  });

  it('only admins post; auditors read; insurers see nothing', async () => {
    expect((await api.call('POST', '/index-events', { role: 'submitter', body: weather })).status).toBe(403);
    expect((await api.call('GET', '/index-events', { role: 'auditor' })).status).toBe(200);
    expect((await api.call('GET', '/index-events', { role: 'insurer', insurerId: 'XG-POOL-1' })).status).toBe(403);
    expect((await api.call('GET', '/index-events/IX-nope', { role: 'auditor' })).status).toBe(404);
  });
});
