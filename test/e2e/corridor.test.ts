/**
 * The MEDICAL risk adjustment balance mechanism in GET /reports/summary (spec 8, core/corridor.ts): Lishui's
 * corridor (illustrative 8500/10500 bp) read against MEDICAL's premium and incurred claims as claims arrive, in JSON
 * and CSV; Xiaogan configures none (riskCorridor null, no CSV rows).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Embedded } from '../../embedded/runtime.js';
import { client, startTestSystem } from '../support/server.js';

let system: Embedded;
let api: ReturnType<typeof client>;
let invoice = 0;

const enrollment = (products: string[]) => ({ products, start: '2024-01-01', end: '2024-12-31' });
// MEDICAL premium (Lishui: 100 yuan per person, a rule covering MEDICAL only): 3 persons = 30,000 fen.
// Corridor amounts: floor(30,000 × 8500 / 10000) = 25,500; floor(30,000 × 10500 / 10000) = 31,500.
const HOUSEHOLDS = [
  {
    householdId: 'H-331102-9001',
    schemeId: 'lishui-2017',
    county: '331102',
    category: 'DIBAO',
    verifiedYear: 2024,
    exitedOn: null,
    members: [{ personId: 'P-9001' }, { personId: 'P-9002' }],
    enrollment: enrollment(['MEDICAL', 'ACCIDENT']),
  },
  {
    householdId: 'H-331102-9002',
    schemeId: 'lishui-2017',
    county: '331102',
    category: 'LOW_INCOME_4600',
    verifiedYear: 2024,
    exitedOn: null,
    members: [{ personId: 'P-9003' }],
    enrollment: enrollment(['MEDICAL']),
  },
  // No MEDICAL: its ACCIDENT premium and claims stay out of the corridor.
  {
    householdId: 'H-331102-9003',
    schemeId: 'lishui-2017',
    county: '331102',
    category: 'DIBAO',
    verifiedYear: 2024,
    exitedOn: null,
    members: [{ personId: 'P-9004' }],
    enrollment: enrollment(['ACCIDENT']),
  },
  {
    householdId: 'H-420902-9004',
    schemeId: 'xiaogan-2024',
    county: '420902',
    category: 'LIFTED_OUT',
    verifiedYear: 2024,
    exitedOn: null,
    members: [{ personId: 'P-9005' }],
    enrollment: enrollment(['MEDICAL']),
  },
];

const medical = (householdId: string, personId: string, selfPay: number) => ({
  schemeId: 'lishui-2017',
  product: 'MEDICAL',
  householdId,
  personId,
  incidentDate: '2024-06-01',
  details: {
    hospitalCode: 'HOSP-LS',
    invoiceNo: `INV-C-${++invoice}`,
    totalCost: selfPay,
    basicInsurancePaid: 0,
    criticalIllnessPaid: 0,
    payee: 'HOSPITAL',
  },
});

async function settle(body: unknown, payout: number): Promise<{ claimId: string; settlements: Array<{ settlementId: string; insurerId: string }> }> {
  const r = await api.call('POST', '/claims', { role: 'submitter', body });
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  const claim = (await api.waitForStatus(r.body.claimId, ['SETTLING'])).body;
  expect(claim.assessment.payout).toBe(payout);
  return claim;
}

async function report(schemeId: string, year = 2024) {
  const r = await api.call('GET', `/reports/summary?schemeId=${schemeId}&year=${year}`, { role: 'auditor' });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

const corridor = (premium: number, incurred: number, lossRatioBp: number | null, returnToFund: number, topUp: number) => ({
  premium,
  incurred,
  lossRatioBp,
  lowerLossRatioBp: 8500,
  upperLossRatioBp: 10500,
  returnToFund,
  topUp,
});

beforeAll(async () => {
  system = await startTestSystem('corridor');
  api = client(system);
  const r = await api.call('POST', '/households', { role: 'admin', body: HOUSEHOLDS });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
});

afterAll(async () => {
  await system?.stop();
});

describe('GET /reports/summary riskCorridor (Lishui MEDICAL, illustrative 8500/10500 bp)', () => {
  it('no claims yet: the insurer returns floor(premium × 85%) to the fund', async () => {
    const r = await report('lishui-2017');
    expect(r.riskCorridor).toEqual(corridor(30_000, 0, 0, 25_500, 0));
    // The existing sections are unchanged: all Lishui premiums (MEDICAL 30,000 + ACCIDENT 3 × 2,000).
    expect(r.premiums.premium).toBe(36_000);
  });

  it('below the corridor: returnToFund = 25,500 − incurred; an ACCIDENT claim does not count', async () => {
    // self-pay 20,000 fen in the first band (90%): 18,000
    await settle(medical('H-331102-9001', 'P-9001', 20_000), 18_000);
    // outpatient (30,000 − 10,000) × 80% = 16,000, on the ACCIDENT books
    await settle(
      {
        schemeId: 'lishui-2017',
        product: 'ACCIDENT',
        householdId: 'H-331102-9003',
        personId: 'P-9004',
        incidentDate: '2024-06-01',
        details: { kind: 'OUTPATIENT', expense: 30_000 },
      },
      16_000,
    );
    const r = await report('lishui-2017');
    expect(r.byProduct.MEDICAL.payout).toBe(18_000);
    expect(r.losses.incurred).toBe(34_000);
    expect(r.riskCorridor).toEqual(corridor(30_000, 18_000, 6000, 7_500, 0));
  });

  it('inside the corridor nothing moves; on the upper bound exactly, still nothing', async () => {
    // 9,000 fen more (self-pay 10,000 × 90%): incurred 27,000 = 90%
    await settle(medical('H-331102-9001', 'P-9002', 10_000), 9_000);
    expect((await report('lishui-2017')).riskCorridor).toEqual(corridor(30_000, 27_000, 9000, 0, 0));
    // 4,500 more (self-pay 5,000 × 90%): incurred 31,500 = exactly 105%
    await settle(medical('H-331102-9002', 'P-9003', 5_000), 4_500);
    expect((await report('lishui-2017')).riskCorridor).toEqual(corridor(30_000, 31_500, 10500, 0, 0));
  });

  it('above the corridor: the fund tops up incurred − 31,500; PAID claims count like SETTLING ones', async () => {
    // self-pay 10 fen × 90% = 9 fen: incurred 31,509, ratio 10503 bp, top-up 9
    const claim = await settle(medical('H-331102-9002', 'P-9003', 10), 9);
    for (const s of claim.settlements) {
      const c = await api.call('POST', `/settlements/${s.settlementId}/confirm`, {
        role: 'insurer',
        insurerId: s.insurerId,
        body: { paidAt: new Date().toISOString(), reference: 'BANK-LS-1' },
      });
      expect(c.status, JSON.stringify(c.body)).toBe(200);
    }
    await api.waitForStatus(claim.claimId, ['PAID']);
    const r = await report('lishui-2017');
    expect(r.byProduct.MEDICAL.byStatus).toEqual({ SETTLING: 3, PAID: 1 });
    expect(r.riskCorridor).toEqual(corridor(30_000, 31_509, 10503, 0, 9));

    const csv = await api.call('GET', '/reports/summary?schemeId=lishui-2017&year=2024&format=csv', { role: 'auditor' });
    expect(csv.status).toBe(200);
    const rows = (csv.body as string).split('\n').filter((l) => l.startsWith('riskCorridor,'));
    expect(rows).toEqual([
      'riskCorridor,premium,,30000',
      'riskCorridor,incurred,,31509',
      'riskCorridor,lossRatioBp,,10503',
      'riskCorridor,lowerLossRatioBp,,8500',
      'riskCorridor,upperLossRatioBp,,10500',
      'riskCorridor,returnToFund,,0',
      'riskCorridor,topUp,,9',
    ]);
  });

  it('a year with no enrolment: premium 0, loss ratio null (empty CSV cell)', async () => {
    expect((await report('lishui-2017', 2019)).riskCorridor).toEqual(corridor(0, 0, null, 0, 0));
    const csv = await api.call('GET', '/reports/summary?schemeId=lishui-2017&year=2019&format=csv', { role: 'auditor' });
    expect(csv.body).toContain('riskCorridor,lossRatioBp,,\n');
  });

  it('Xiaogan configures no corridor: riskCorridor null and no CSV rows', async () => {
    const r = await report('xiaogan-2024');
    expect(r.riskCorridor).toBeNull();
    expect(r.premiums.premium).toBe(12_000);
    const csv = await api.call('GET', '/reports/summary?schemeId=xiaogan-2024&year=2024&format=csv', { role: 'auditor' });
    expect(csv.status).toBe(200);
    expect(csv.body).not.toContain('riskCorridor');
  });

  it('the scheme read-out shows the corridor to insurers', async () => {
    const s = await api.call('GET', '/schemes/lishui-2017', { role: 'insurer', insurerId: 'LS-MED-INSURER' });
    expect(s.status).toBe(200);
    expect(s.body.products.MEDICAL.riskCorridor).toMatchObject({ lowerLossRatioBp: 8500, upperLossRatioBp: 10500 });
    // Its notes for people in the reader's language (Chinese by default); the figures are the same.
    expect(s.body.products.MEDICAL.riskCorridor.note).toMatch(/^示例参数：.*风险调节平衡机制/);
    expect(s.body.notes.every((n: unknown) => typeof n === 'string' && /[\u4e00-\u9fff]/.test(n))).toBe(true);
    expect(s.headers.get('content-language')).toBe('zh-CN');
    const en = await api.call('GET', '/schemes/lishui-2017', { role: 'insurer', insurerId: 'LS-MED-INSURER', headers: { 'accept-language': 'en' } });
    expect(en.body.products.MEDICAL.riskCorridor.note).toMatch(/^Illustrative: the seed/);
    expect(en.body.notes[0]).toMatch(/^Seed figures:/);
    expect({ ...en.body, notes: null, products: null }).toEqual({ ...s.body, notes: null, products: null });
  });
});
