/**
 * Monitoring warnings over HTTP (spec 7): run the signals, list the warnings, a claim of a household with an open
 * warning goes to review (MONITORING_WARNING), closing the warning lifts that, a registry re-import keeps the
 * warnings, and the roles of the three routes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Embedded } from '../../embedded/runtime.js';
import { client, startTestSystem } from '../support/server.js';

let system: Embedded;
let api: ReturnType<typeof client>;

const SCHEME = 'xiaogan-2024';
const HEALTH_H = 'H-MON-0001';
const INDUSTRY_H = 'H-MON-0002';
const CONTROL_H = 'H-MON-0003';
const ID_NUMBERS = ['420902199001019999', '420902198502021111', '420902197703035555'];

const row = <E extends Record<string, unknown>>(
  householdId: string,
  personId: string,
  idNumber: string,
  extra: E,
  insured: Record<string, unknown>,
) => ({
  householdId,
  schemeId: SCHEME,
  county: '420902',
  category: 'LIFTED_OUT',
  verifiedYear: 2024,
  exitedOn: null,
  members: [{ personId, name: '测试', idNumber }],
  enrollment: { products: ['MEDICAL', 'INDUSTRY'], start: '2024-01-01', end: '2024-12-31', insured },
  ...extra,
});
// 1,000 yuan a month; two months of 600 yuan self-pay each are above half of it.
const healthRow = row(HEALTH_H, 'P-M1', ID_NUMBERS[0]!, { monthlyIncome: 100_000 }, { area_mu: 12, quantity_kg: 500 });
// 30.01 mu, income 1,000 → 600 yuan (exactly 40% down).
const industryRow = row(
  INDUSTRY_H,
  'P-M2',
  ID_NUMBERS[1]!,
  { monthlyIncome: 60_000, previousMonthlyIncome: 100_000 },
  { area_mu: 30.01, quantity_kg: 500 },
);
// The same, on exactly 30 mu: no warning.
const controlRow = row(
  CONTROL_H,
  'P-M3',
  ID_NUMBERS[2]!,
  { monthlyIncome: 60_000, previousMonthlyIncome: 100_000 },
  { area_mu: 30, quantity_kg: 500 },
);

let n = 0;
const medical = (householdId: string, personId: string, incidentDate: string, totalCost: number) => ({
  schemeId: SCHEME,
  product: 'MEDICAL',
  householdId,
  personId,
  incidentDate,
  details: { hospitalCode: 'HOSP-MON', invoiceNo: `MON-${++n}`, totalCost, payee: 'HOSPITAL' },
});
// strike = floor(1000 × 8500 / 10000) = 850; (850 − 700) × 500 kg = 75,000 fen: below the review threshold.
const priceIndex = (householdId: string, personId: string) => ({
  schemeId: SCHEME,
  product: 'INDUSTRY',
  householdId,
  personId,
  incidentDate: '2024-08-01',
  details: { kind: 'PRICE_INDEX', costPrice: 1000, observedPrice: 700, insuredQuantity: 500 },
});

async function submit(body: unknown) {
  const r = await api.call('POST', '/claims', { role: 'submitter', body });
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  return r.body.claimId as string;
}

function noIdentity(body: unknown) {
  const text = JSON.stringify(body);
  for (const id of ID_NUMBERS) expect(text).not.toContain(id);
  expect(text).not.toContain('idHash');
}

beforeAll(async () => {
  system = await startTestSystem('e2e-monitoring');
  api = client(system);
  // The incomes arrive with a later import (below): a claim's decision opens a warning in its own transaction
  // when the incomes are known (see the last test), so only a run opens one for incomes that arrive after the
  // claims were decided; that run is what the tests below exercise.
  const { monthlyIncome: _later, ...healthWithoutIncome } = healthRow;
  const { previousMonthlyIncome: _before, ...industryWithoutDrop } = industryRow;
  const r = await api.call('POST', '/households', { role: 'admin', body: [healthWithoutIncome, industryWithoutDrop, controlRow] });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  // Below the 5,000-yuan deductible: closed with no payout, but the costs are the household's.
  const may = await submit(medical(HEALTH_H, 'P-M1', '2024-05-20', 60_000));
  const june = await submit(medical(HEALTH_H, 'P-M1', '2024-06-02', 60_000));
  const crop = await submit(priceIndex(INDUSTRY_H, 'P-M2'));
  const control = await submit(priceIndex(CONTROL_H, 'P-M3'));
  for (const id of [may, june]) await api.waitForStatus(id, ['CLOSED_NO_PAYOUT']);
  for (const id of [crop, control]) await api.waitForStatus(id, ['SETTLING']);
  const income = await api.call('POST', '/households', { role: 'admin', body: [healthRow, industryRow] });
  expect(income.status, JSON.stringify(income.body)).toBe(200);
});

afterAll(async () => {
  await system?.stop();
});

describe('monitoring warnings', () => {
  it('only admin runs the signals; no token is 401', async () => {
    for (const role of ['submitter', 'reviewer', 'auditor'] as const)
      expect((await api.call('POST', '/monitoring/run', { role, body: {} })).status, role).toBe(403);
    expect((await api.call('POST', '/monitoring/run', { role: 'insurer', insurerId: 'XG-POOL-1', body: {} })).status).toBe(403);
    expect((await api.call('POST', '/monitoring/run', { body: {} })).status).toBe(401);
    // bad input changes nothing
    expect((await api.call('POST', '/monitoring/run', { role: 'admin', body: { schemeId: 'nowhere' } })).status).toBe(404);
    expect((await api.call('POST', '/monitoring/run', { role: 'admin', body: { asOf: '2024-02-30' } })).status).toBe(422);
    expect((await api.call('POST', '/monitoring/run', { role: 'admin', body: { extra: 1 } })).status).toBe(422);
    expect((await api.call('POST', '/monitoring/run', { role: 'admin', raw: '{' })).status).toBe(400);
    expect((await api.call('GET', '/monitoring/warnings', { role: 'admin' })).body.count).toBe(0);
  });

  it('a run opens a HEALTH and an INDUSTRY warning, with figures and follow-up; a second run opens nothing', async () => {
    const r = await api.call('POST', '/monitoring/run', { role: 'admin', body: { schemeId: SCHEME } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    noIdentity(r.body);
    expect(r.body).toMatchObject({ schemeId: SCHEME, households: 3, opened: 2, open: 2 });
    const byId = Object.fromEntries(r.body.warnings.map((w: { warningId: string }) => [w.warningId, w]));
    expect(Object.keys(byId).sort()).toEqual(['HEALTH-2024-05', 'INDUSTRY-2024']);
    expect(byId['HEALTH-2024-05']).toMatchObject({
      householdId: HEALTH_H,
      type: 'HEALTH',
      level: 'MEDIUM',
      followUp: 'PHONE_CHECK',
      evidence: {
        monthlyIncome: 100_000,
        thresholdBp: 5000,
        months: [
          { month: '2024-05', medicalCost: 60_000 },
          { month: '2024-06', medicalCost: 60_000 },
        ],
      },
    });
    expect(byId['INDUSTRY-2024']).toMatchObject({
      householdId: INDUSTRY_H,
      type: 'INDUSTRY',
      level: 'MEDIUM',
      followUp: 'PHONE_CHECK',
      evidence: { year: 2024, affectedCentiMu: 3001, previousMonthlyIncome: 100_000, monthlyIncome: 60_000, incomeDropBp: 4000 },
    });
    expect(typeof byId['HEALTH-2024-05'].openedAt).toBe('string');

    const again = await api.call('POST', '/monitoring/run', { role: 'admin' });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body).toMatchObject({ opened: 0, open: 2, warnings: [] });
    const byQuery = await api.call('POST', `/monitoring/run?schemeId=${SCHEME}`, { role: 'admin' });
    expect(byQuery.body).toMatchObject({ schemeId: SCHEME, opened: 0, open: 2 });
  });

  it('lists open warnings for admin, auditor and reviewer, filtered by scheme and type', async () => {
    for (const role of ['admin', 'auditor', 'reviewer'] as const) {
      const r = await api.call('GET', `/monitoring/warnings?schemeId=${SCHEME}`, { role });
      expect(r.status, role).toBe(200);
      noIdentity(r.body);
      expect(r.body.count).toBe(2);
      expect(r.body.warnings.map((w: { householdId: string; warningId: string }) => `${w.householdId}/${w.warningId}`)).toEqual([
        `${HEALTH_H}/HEALTH-2024-05`,
        `${INDUSTRY_H}/INDUSTRY-2024`,
      ]);
    }
    const health = await api.call('GET', '/monitoring/warnings?type=HEALTH', { role: 'reviewer' });
    expect(health.body.warnings.map((w: { warningId: string }) => w.warningId)).toEqual(['HEALTH-2024-05']);
    expect((await api.call('GET', '/monitoring/warnings?schemeId=lishui-2017', { role: 'reviewer' })).body.count).toBe(0);
    expect((await api.call('GET', '/monitoring/warnings?type=WEATHER', { role: 'reviewer' })).status).toBe(400);
    expect((await api.call('GET', '/monitoring/warnings?schemeId=nowhere', { role: 'reviewer' })).status).toBe(404);
    expect((await api.call('GET', '/monitoring/warnings', { role: 'submitter' })).status).toBe(403);
    expect((await api.call('GET', '/monitoring/warnings', { role: 'insurer', insurerId: 'XG-POOL-1' })).status).toBe(403);
    expect((await api.call('GET', '/monitoring/warnings')).status).toBe(401);
  });

  it('GET /households/{id} shows the warnings, identity numbers masked; a registry re-import keeps them', async () => {
    const before = await api.call('GET', `/households/${HEALTH_H}`, { role: 'auditor' });
    expect(before.status).toBe(200);
    noIdentity(before.body);
    expect(before.body.members[0].idMasked).toBe('4209**********9999');
    expect(before.body.openWarnings.map((w: { warningId: string }) => w.warningId)).toEqual(['HEALTH-2024-05']);
    expect(before.body.closedWarnings).toEqual([]);
    expect(before.body.warningIds).toBeUndefined();

    // Re-import with a new income, and the industry household without its previous income.
    const { previousMonthlyIncome: _gone, ...industryWithout } = industryRow;
    const r = await api.call('POST', '/households', { role: 'admin', body: [{ ...healthRow, monthlyIncome: 120_000 }, industryWithout] });
    expect(r.body, JSON.stringify(r.body)).toMatchObject({ created: 0, updated: 2, errors: [] });
    const after = (await api.call('GET', `/households/${HEALTH_H}`, { role: 'admin' })).body;
    expect(after.monthlyIncome).toBe(120_000);
    expect(after.openWarnings).toEqual(before.body.openWarnings);
    const industry = (await api.call('GET', `/households/${INDUSTRY_H}`, { role: 'admin' })).body;
    expect(industry.previousMonthlyIncome).toBeUndefined(); // an attribute the new entry leaves out is removed
    expect(industry.openWarnings.map((w: { warningId: string }) => w.warningId)).toEqual(['INDUSTRY-2024']);
    expect((await api.call('GET', '/monitoring/warnings', { role: 'admin' })).body.count).toBe(2);
  });

  it('a claim of a household with an open warning goes to review (MONITORING_WARNING); closing the warning lifts it', async () => {
    const held = await submit(priceIndex(HEALTH_H, 'P-M1'));
    const pending = (await api.waitForStatus(held, ['PENDING_REVIEW'])).body;
    expect(pending.assessment.payout).toBe(75_000);
    expect(pending.assessment.reviewReasons).toEqual(['MONITORING_WARNING']);
    const asReviewer = await api.call('GET', `/claims/${held}`, { role: 'reviewer' });
    expect(asReviewer.body.assessment.reviewReasons).toEqual(['MONITORING_WARNING']);

    const path = `/households/${HEALTH_H}/warnings/HEALTH-2024-05/close`;
    for (const role of ['submitter', 'auditor'] as const)
      expect((await api.call('POST', path, { role, body: { note: 'x' } })).status, role).toBe(403);
    expect((await api.call('POST', path, { role: 'insurer', insurerId: 'XG-POOL-1', body: { note: 'x' } })).status).toBe(403);
    expect((await api.call('POST', path, { body: { note: 'x' } })).status).toBe(401);
    expect((await api.call('POST', path, { role: 'reviewer', body: {} })).status).toBe(422);
    expect((await api.call('POST', path, { role: 'reviewer', body: { note: '   ' } })).status).toBe(422);
    expect((await api.call('POST', '/households/H-NOBODY/warnings/HEALTH-2024-05/close', { role: 'reviewer', body: { note: 'x' } })).status).toBe(
      404,
    );
    const unknown = await api.call('POST', `/households/${HEALTH_H}/warnings/HEALTH-1999-01/close`, { role: 'reviewer', body: { note: 'x' } });
    expect(unknown.status).toBe(409);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');

    const closed = await api.call('POST', path, { role: 'reviewer', body: { note: 'phone check done: hospital stay over, income back' } });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    noIdentity(closed.body);
    expect(closed.body.warning).toMatchObject({
      warningId: 'HEALTH-2024-05',
      type: 'HEALTH',
      note: 'phone check done: hospital stay over, income back',
    });
    expect(closed.body.warning.closedBy).toMatch(/^reviewer:/);
    expect((await api.call('POST', path, { role: 'reviewer', body: { note: 'again' } })).status).toBe(409);

    const h = (await api.call('GET', `/households/${HEALTH_H}`, { role: 'auditor' })).body;
    expect(h.openWarnings).toEqual([]);
    // The household's audit chain holds the warning's life beside its registry changes, and verifies.
    const trail = await api.call('GET', `/households/${HEALTH_H}/audit`, { role: 'auditor' });
    expect(trail.status, JSON.stringify(trail.body)).toBe(200);
    expect(trail.body.verified).toBe(true);
    const steps = trail.body.records.map((r: { step: string; decision: string; actor: string }) => `${r.step}:${r.decision}`);
    expect(steps.filter((x: string) => x.startsWith('Warning'))).toEqual(['WarningOpened:OPEN', 'WarningClosed:CLOSED']);
    expect(steps[0]).toBe('RegistryChange:UPSERT');
    expect(trail.body.records.at(-1).actor).toMatch(/^reviewer:/);
    noIdentity(trail.body);
    expect((await api.call('GET', `/households/${HEALTH_H}/audit`, { role: 'reviewer' })).status).toBe(403);
    expect((await api.call('GET', '/households/H-NOBODY/audit', { role: 'auditor' })).status).toBe(404);
    expect(h.closedWarnings.map((w: { warningId: string; closedAt: string }) => w.warningId)).toEqual(['HEALTH-2024-05']);

    const free = await submit(priceIndex(HEALTH_H, 'P-M1'));
    const settled = (await api.waitForStatus(free, ['SETTLING', 'PENDING_REVIEW'])).body;
    expect(settled.status).toBe('SETTLING');
    expect(settled.assessment.reviewReasons).toEqual([]);
  });

  it('a closed warning is not opened again; a re-import keeps closed warnings too', async () => {
    const r = await api.call('POST', '/monitoring/run', { role: 'admin', body: { schemeId: SCHEME } });
    expect(r.body).toMatchObject({ opened: 0, open: 1, warnings: [] });
    expect(
      (await api.call('GET', '/monitoring/warnings', { role: 'reviewer' })).body.warnings.map((w: { warningId: string }) => w.warningId),
    ).toEqual(['INDUSTRY-2024']);
    await api.call('POST', '/households', { role: 'admin', body: [healthRow] });
    const h = (await api.call('GET', `/households/${HEALTH_H}`, { role: 'auditor' })).body;
    expect(h.monthlyIncome).toBe(100_000);
    expect(h.closedWarnings.map((w: { warningId: string }) => w.warningId)).toEqual(['HEALTH-2024-05']);
    expect(h.openWarnings).toEqual([]);
  });

  it('the industry household (admin closes) and an admin-only run leave the control household alone', async () => {
    const closed = await api.call('POST', `/households/${INDUSTRY_H}/warnings/INDUSTRY-2024/close`, {
      role: 'admin',
      body: { note: 'on-site visit booked' },
    });
    expect(closed.status).toBe(200);
    expect(closed.body.warning.closedBy).toMatch(/^admin:/);
    const control = (await api.call('GET', `/households/${CONTROL_H}`, { role: 'admin' })).body;
    expect(control.openWarnings).toEqual([]);
    expect(control.closedWarnings).toEqual([]);
    expect((await api.call('GET', '/monitoring/warnings', { role: 'auditor' })).body.count).toBe(0);
  });

  it('a decision that makes a signal true opens the warning in its own transaction, with its record on the household chain', async () => {
    const H = 'H-MON-0004';
    const I = 'H-MON-0005';
    const r = await api.call('POST', '/households', {
      role: 'admin',
      body: [
        row(H, 'P-M4', '420902199001014444', { monthlyIncome: 100_000 }, { area_mu: 12, quantity_kg: 500 }),
        row(I, 'P-M5', '420902199001015555', { monthlyIncome: 60_000, previousMonthlyIncome: 100_000 }, { area_mu: 30.01, quantity_kg: 500 }),
      ],
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const may = await submit(medical(H, 'P-M4', '2024-05-20', 60_000));
    await api.waitForStatus(may, ['CLOSED_NO_PAYOUT']);
    expect((await api.call('GET', `/households/${H}`, { role: 'admin' })).body.openWarnings).toEqual([]); // one month is no pair
    const june = await submit(medical(H, 'P-M4', '2024-06-02', 60_000));
    await api.waitForStatus(june, ['CLOSED_NO_PAYOUT']);
    const h = (await api.call('GET', `/households/${H}`, { role: 'admin' })).body;
    expect(h.openWarnings).toHaveLength(1);
    expect(h.openWarnings[0]).toMatchObject({
      warningId: 'HEALTH-2024-05',
      level: 'MEDIUM',
      openedBy: `claim:${june}`,
      evidence: {
        monthlyIncome: 100_000,
        months: [
          { month: '2024-05', medicalCost: 60_000, claimIds: [may] },
          { month: '2024-06', medicalCost: 60_000, claimIds: [june] },
        ],
      },
    });
    const trail = (await api.call('GET', `/households/${H}/audit`, { role: 'auditor' })).body;
    expect(trail.verified).toBe(true);
    expect(trail.records.map((x: { step: string }) => x.step)).toEqual(['RegistryChange', 'WarningOpened']);

    const crop = await submit(priceIndex(I, 'P-M5'));
    await api.waitForStatus(crop, ['SETTLING']);
    const ih = (await api.call('GET', `/households/${I}`, { role: 'admin' })).body;
    expect(ih.openWarnings.map((w: { warningId: string; openedBy: string }) => `${w.warningId} ${w.openedBy}`)).toEqual([
      `INDUSTRY-2024 claim:${crop}`,
    ]);
    // A run finds nothing more to open for them.
    const again = await api.call('POST', '/monitoring/run', { role: 'admin', body: { schemeId: SCHEME } });
    expect(again.body).toMatchObject({ opened: 0 });
  });

  it('a run as an asynchronous job: 202 with its progress at Location, then SUCCEEDED with every slice done', async () => {
    const started = await api.call('POST', '/monitoring/run', { role: 'admin', body: { schemeId: SCHEME }, headers: { prefer: 'respond-async' } });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    expect(started.headers.get('location')).toBe(`/monitoring/jobs/${started.body.jobId}`);
    expect(started.body).toMatchObject({ status: 'RUNNING', schemeId: SCHEME, slices: 16 });
    let job = started.body;
    for (let i = 0; i < 100 && job.status === 'RUNNING'; i++) {
      await new Promise((r) => setTimeout(r, 200));
      const r = await api.call('GET', started.headers.get('location') ?? '', { role: 'admin' });
      expect(r.status).toBe(200);
      job = r.body;
    }
    expect(job).toMatchObject({ status: 'SUCCEEDED', slicesDone: 16, households: 5, opened: 0, error: null });
    for (const role of ['submitter', 'reviewer', 'auditor'] as const)
      expect((await api.call('GET', `/monitoring/jobs/${job.jobId}`, { role })).status, role).toBe(403);
    expect((await api.call('GET', '/monitoring/jobs/M-00000000000000000-00000000', { role: 'admin' })).status).toBe(404);
    expect((await api.call('GET', '/monitoring/jobs/nonsense', { role: 'admin' })).status).toBe(404);
  });
});
