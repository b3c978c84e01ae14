/**
 * MEDICAL (spec 3.1, 9), every expected figure computed by hand in the comments.
 * benefit(S) = min(S, floor(Σ overlap(x, band) × band.bp × uplift / 10^8)), x = max(0, S − deductible);
 * payout = min(benefit(S_before + selfPay) − benefit(S_before), max(0, cap_u − paidBefore)).
 */
import { describe, expect, it } from 'vitest';
import { ClaimSubmission, decideClaim, parseScheme, type Decision, type YearToDate } from '../../core/index.js';
import { DAWU, LIANDU, LISHUI, XIAOCHANG, XIAOGAN, XIAONAN, household, scheme, schemeJson, selfPayClaim, medicalClaim } from './fixtures.js';

type Status = Decision['status'];

function decideMedical(schemeId: string, county: string, selfPay: number, ytd: YearToDate) {
  const s = schemeId === XIAOGAN || schemeId === LISHUI ? scheme(schemeId) : undefined;
  if (!s) throw new Error('unknown scheme');
  return decideClaim({ claim: selfPayClaim(selfPay, { schemeId }), scheme: s, household: household({ schemeId, county }), ytd });
}

function payoutOf(d: Decision): number {
  if (d.status === 'REJECTED') throw new Error(`unexpected rejection ${d.reasonCode}`);
  return d.assessment.payout;
}

describe('MEDICAL Xiaogan (deductible 500000, bands 8000/7000/6000 from 0/2000000/5000000 above it, cap 8000000)', () => {
  // Non-uplift county 420902: uplift 10000, so benefit = floor(Σ overlap × bp / 10000).
  it.each<[string, number, number, number, number, Status]>([
    // name, S_before, paidBefore, selfPay, expected payout, status
    // S = 300000 < 500000 → x = 0 → benefit 0 → payout 0.
    ['below the deductible', 0, 0, 300000, 0, 'CLOSED_NO_PAYOUT'],
    // S = 500000 → x = 0 → 0.
    ['exactly at the deductible', 0, 0, 500000, 0, 'CLOSED_NO_PAYOUT'],
    // S = 500001 → x = 1 → floor(1 × 8000 / 10000) = floor(0.8) = 0.
    ['one fen over the deductible', 0, 0, 500001, 0, 'CLOSED_NO_PAYOUT'],
    // S = 500002 → x = 2 → floor(16000 / 10000) = 1.
    ['two fen over the deductible', 0, 0, 500002, 1, 'APPROVED'],
    // x = 1999999 → floor(1999999 × 8000 / 10000) = floor(1599999.2) = 1599999.
    ['first band edge − 1 fen', 0, 0, 2499999, 1599999, 'APPROVED'],
    // x = 2000000 → 2000000 × 0.8 = 1600000.
    ['first band edge', 0, 0, 2500000, 1600000, 'APPROVED'],
    // x = 2000001 → (16000000000 + 1 × 7000) / 10000 = 1600000.7 → 1600000.
    ['first band edge + 1 fen', 0, 0, 2500001, 1600000, 'APPROVED'],
    // x = 4999999 → (16000000000 + 2999999 × 7000 = 20999993000) = 36999993000 / 10000 → 3699999; > 2000000 → review.
    ['second band edge − 1 fen', 0, 0, 5499999, 3699999, 'PENDING_REVIEW'],
    // x = 5000000 → 16e9 + 21e9 = 37e9 / 10000 = 3700000.
    ['second band edge', 0, 0, 5500000, 3700000, 'PENDING_REVIEW'],
    // x = 5000001 → 37e9 + 6000 = 37000006000 / 10000 = 3700000.6 → 3700000.
    ['second band edge + 1 fen', 0, 0, 5500001, 3700000, 'PENDING_REVIEW'],
    // before: S = 2000000, x = 1500000 → 1200000 (paid 1200000). after: S = 3000000, x = 2500000 →
    // 2000000 × 8000 + 500000 × 7000 = 19.5e9 / 10000 = 1950000. increment 750000, cap room 6800000 → 750000.
    ['a bill crossing two bands', 2000000, 1200000, 1000000, 750000, 'APPROVED'],
    // before: S = 400000 → 0. after: S = 700000, x = 200000 → 160000.
    ['deductible crossed with a prior ytd', 400000, 0, 300000, 160000, 'APPROVED'],
    // before: S = 450000; after S = 500000 → still x = 0.
    ['prior ytd reaching exactly the deductible', 450000, 0, 50000, 0, 'CLOSED_NO_PAYOUT'],
    // before: S = 12000000, x = 11500000 → 16e9 + 21e9 + 6500000 × 6000 (39e9) = 76e9 → 7600000 (paid).
    // after: S = 14000000, x = 13500000 → 76e9 + 2000000 × 6000 = 88e9 → 8800000; increment 1200000;
    // cap room 8000000 − 7600000 = 400000 → payout 400000 (limited by the cap).
    ['cap exhaustion limited by cap room', 12000000, 7600000, 2000000, 400000, 'APPROVED'],
    // paidBefore = cap 8000000 → room 0 → payout 0 whatever the increment.
    ['cap room 0', 14000000, 8000000, 2000000, 0, 'CLOSED_NO_PAYOUT'],
    // paidBefore above the cap (should not happen) still gives room max(0, …) = 0.
    ['paid above the cap', 14000000, 8000001, 2000000, 0, 'CLOSED_NO_PAYOUT'],
  ])('%s', (_name, sBefore, paidBefore, selfPay, expected, status) => {
    const d = decideMedical(XIAOGAN, XIAONAN, selfPay, { selfPay: sBefore, paid: paidBefore });
    expect(d.status).toBe(status);
    expect(payoutOf(d)).toBe(expected);
    if (d.status === 'REJECTED') return;
    // The self-pay counts toward S also when nothing is paid; paid accrues the payout.
    expect(d.assessment.accrual).toEqual({ selfPay, paid: expected });
    if (d.status === 'PENDING_REVIEW') expect(d.reviewReasons).toEqual(['ABOVE_THRESHOLD']);
    if (status === 'CLOSED_NO_PAYOUT') expect(d.allocations).toEqual([]);
  });

  it('the pool splits an approved payout 4000/3500/2500', () => {
    // 1600000 × 0.40 = 640000, × 0.35 = 560000, × 0.25 = 400000; no remainders.
    const d = decideMedical(XIAOGAN, XIAONAN, 2500000, {});
    expect(d.status).toBe('APPROVED');
    if (d.status === 'REJECTED') return;
    expect(d.allocations.map((a) => [a.insurerId, a.amount])).toEqual([
      ['XG-POOL-1', 640000],
      ['XG-POOL-2', 560000],
      ['XG-POOL-3', 400000],
    ]);
  });

  it('extraFigures().bands shows the per-band detail of a bill crossing two bands', () => {
    // S 2000000 → 3000000: x 1500000 → 2500000. Band [0,2000000): 1500000 → 2000000 (500000 this claim);
    // band [2000000,5000000): 0 → 500000 (500000); band [5000000,∞): 0.
    const d = decideMedical(XIAOGAN, XIAONAN, 1000000, { selfPay: 2000000, paid: 1200000 });
    if (d.status === 'REJECTED') throw new Error('rejected');
    const extra = d.assessment.extraFigures?.() as { bands: unknown[] } | undefined;
    expect(extra?.bands).toEqual([
      { from: 0, to: 2000000, bp: 8000, overlapBefore: 1500000, overlapAfter: 2000000, thisClaim: 500000 },
      { from: 2000000, to: 5000000, bp: 7000, overlapBefore: 0, overlapAfter: 500000, thisClaim: 500000 },
      { from: 5000000, to: null, bp: 6000, overlapBefore: 0, overlapAfter: 0, thisClaim: 0 },
    ]);
    expect(d.assessment.figures.benefitBefore).toBe(1200000);
    expect(d.assessment.figures.benefitAfter).toBe(1950000);
    expect(d.assessment.describe().length).toBeGreaterThan(0);
  });

  it('self-pay subtracts every reimbursement and the non-covered cost', () => {
    // 1000000 − 100000 − 50000 − 30000 − 20000 − 0 nonCovered... = 1000000 − 100000 − 50000 − 30000 − 20000 − 100000 = 700000
    // x = 700000 − 500000 = 200000 → 160000.
    const c = medicalClaim({
      totalCost: 1000000,
      basicInsurancePaid: 100000,
      criticalIllnessPaid: 50000,
      medicalAssistancePaid: 30000,
      otherReimbursement: 20000,
      nonCoveredCost: 100000,
    });
    const d = decideClaim({ claim: c, scheme: scheme(XIAOGAN), household: household(), ytd: {} });
    expect(d.status).toBe('APPROVED');
    if (d.status === 'REJECTED') return;
    expect(d.assessment.payout).toBe(160000);
    expect(d.assessment.accrual).toEqual({ selfPay: 700000, paid: 160000 });
  });

  it('a negative self-pay is rejected by ClaimSubmission at details.totalCost', () => {
    const r = ClaimSubmission.safeParse({
      schemeId: XIAOGAN,
      householdId: 'H1',
      personId: 'P1',
      incidentDate: '2024-06-15',
      product: 'MEDICAL',
      details: { hospitalCode: 'HOSP-1', invoiceNo: 'NEG-1', totalCost: 100, basicInsurancePaid: 60, nonCoveredCost: 41 },
    });
    expect(r.success).toBe(false);
    expect(r.error?.issues.some((i) => i.path.join('.') === 'details.totalCost')).toBe(true);
  });

  it.each<[string, Record<string, unknown>]>([
    ['a fractional amount', { totalCost: 100.5 }],
    ['an amount above 2^53 − 1', { totalCost: 2 ** 53 }],
    ['a negative amount', { totalCost: -1 }],
    ['a string amount', { totalCost: '100' }],
    ['an empty invoice number', { totalCost: 100, invoiceNo: '' }],
    ['an invoice number of 129 characters', { totalCost: 100, invoiceNo: 'x'.repeat(129) }],
  ])('bad input (spec 9 input limits): %s', (_n, details) => {
    const r = ClaimSubmission.safeParse({
      schemeId: XIAOGAN,
      householdId: 'H1',
      personId: 'P1',
      incidentDate: '2024-06-15',
      product: 'MEDICAL',
      details: { hospitalCode: 'HOSP-1', invoiceNo: 'BAD-1', ...details },
    });
    expect(r.success).toBe(false);
  });

  it('the largest money value 2^53 − 1 is accepted', () => {
    // x = 9007199254740991 − 500000 is in the last band; benefit far above the cap → payout = cap 8000000.
    const d = decideMedical(XIAOGAN, XIAONAN, Number.MAX_SAFE_INTEGER, {});
    expect(payoutOf(d)).toBe(8000000);
  });

  it('self-pay exactly 0 (total = reimbursements) is accepted and closes with no payout', () => {
    const c = medicalClaim({ totalCost: 100, basicInsurancePaid: 100 });
    const d = decideClaim({ claim: c, scheme: scheme(XIAOGAN), household: household(), ytd: {} });
    expect(d.status).toBe('CLOSED_NO_PAYOUT');
  });
});

describe('MEDICAL Xiaogan uplift counties (12000 bp, cap uplifted to floor(8000000 × 12000 / 10000) = 9600000)', () => {
  it.each<[string, string, number, number, number, number]>([
    // name, county, S_before, paidBefore, selfPay, payout
    // x = 7: uplift 7 × 8000 × 12000 / 10^8 = 6.72 → 6; non-uplift 7 × 8000 / 10^4 = 5.6 → 5.
    ['x = 7 fen, Dawu', DAWU, 0, 0, 500007, 6],
    ['x = 7 fen, Xiaochang', XIAOCHANG, 0, 0, 500007, 6],
    ['x = 7 fen, Xiaonan (no uplift)', XIAONAN, 0, 0, 500007, 5],
    // x = 2000000: 2000000 × 8000 × 12000 / 10^8 = 1920000; non-uplift 1600000.
    ['x = 2000000, Dawu', DAWU, 0, 0, 2500000, 1920000],
    ['x = 2000000, Xiaonan', XIAONAN, 0, 0, 2500000, 1600000],
    // before S = 11000000, x = 10500000: 16e9 + 21e9 + 5500000 × 6000 (33e9) = 70e9;
    //   uplift: 70e9 × 12000 / 10^8 = 8400000 (paid); after S = 13000000, x = 12500000: 82e9 → 9840000;
    //   increment 1440000, room 9600000 − 8400000 = 1200000 → 1200000 (the uplifted cap binds).
    ['uplifted cap binds, Dawu', DAWU, 11000000, 8400000, 2000000, 1200000],
    // non-uplift: before 70e9 / 10^4 = 7000000 (paid), after 8200000, increment 1200000, room 8000000 − 7000000 = 1000000.
    ['cap binds, Xiaonan', XIAONAN, 11000000, 7000000, 2000000, 1000000],
    // paid 9000000 in Dawu is still below the uplifted cap: room 600000 (a non-uplift county would have room 0).
    ['Dawu room above the plain cap', DAWU, 13000000, 9000000, 2000000, 600000],
    ['Xiaonan room 0 at the same figures', XIAONAN, 13000000, 9000000, 2000000, 0],
  ])('%s', (_name, county, sBefore, paidBefore, selfPay, expected) => {
    const d = decideMedical(XIAOGAN, county, selfPay, { selfPay: sBefore, paid: paidBefore });
    expect(payoutOf(d)).toBe(expected);
    if (d.status !== 'REJECTED' && county === DAWU) expect(d.assessment.figures.capUplifted).toBe(9600000);
  });
});

describe('MEDICAL Lishui (deductible 0, bands 9000/8000/7000/6000 from 0/1000000/3000000/6000000, cap 10000000)', () => {
  it.each<[string, number, number, number, number, Status]>([
    // S = 0: nothing.
    ['a zero bill', 0, 0, 0, 0, 'CLOSED_NO_PAYOUT'],
    // 1 × 9000 / 10000 = 0.9 → 0.
    ['one fen', 0, 0, 1, 0, 'CLOSED_NO_PAYOUT'],
    // 2 × 0.9 = 1.8 → 1.
    ['two fen', 0, 0, 2, 1, 'APPROVED'],
    // 999999 × 0.9 = 899999.1 → 899999.
    ['first edge − 1', 0, 0, 999999, 899999, 'APPROVED'],
    // 1000000 × 0.9 = 900000.
    ['first edge', 0, 0, 1000000, 900000, 'APPROVED'],
    // 9e9 + 8000 = 9000008000 / 10^4 = 900000.8 → 900000.
    ['first edge + 1', 0, 0, 1000001, 900000, 'APPROVED'],
    // 9e9 + 1999999 × 8000 (15999992000) = 24999992000 → 2499999.2 → 2499999 (> 2000000 → review).
    ['second edge − 1', 0, 0, 2999999, 2499999, 'PENDING_REVIEW'],
    // 9e9 + 16e9 = 25e9 → 2500000.
    ['second edge', 0, 0, 3000000, 2500000, 'PENDING_REVIEW'],
    // 25e9 + 7000 → 2500000.7 → 2500000.
    ['second edge + 1', 0, 0, 3000001, 2500000, 'PENDING_REVIEW'],
    // 25e9 + 2999999 × 7000 (20999993000) = 45999993000 → 4599999.3 → 4599999.
    ['third edge − 1', 0, 0, 5999999, 4599999, 'PENDING_REVIEW'],
    // 25e9 + 21e9 = 46e9 → 4600000.
    ['third edge', 0, 0, 6000000, 4600000, 'PENDING_REVIEW'],
    // 46e9 + 6000 → 4600000.6 → 4600000.
    ['third edge + 1', 0, 0, 6000001, 4600000, 'PENDING_REVIEW'],
    // before S = 500000 → 450000 (paid); after S = 1500000 → 9e9 + 500000 × 8000 (4e9) = 13e9 → 1300000; increment 850000.
    ['a bill crossing two bands', 500000, 450000, 1000000, 850000, 'APPROVED'],
    // before S = 14000000 → 46e9 + 8000000 × 6000 (48e9) = 94e9 → 9400000 (paid);
    // after S = 16000000 → 46e9 + 60e9 = 106e9 → 10600000; increment 1200000; room 10000000 − 9400000 = 600000.
    ['cap exhaustion', 14000000, 9400000, 2000000, 600000, 'APPROVED'],
    ['cap room 0', 16000000, 10000000, 2000000, 0, 'CLOSED_NO_PAYOUT'],
  ])('%s', (_name, sBefore, paidBefore, selfPay, expected, status) => {
    const d = decideMedical(LISHUI, LIANDU, selfPay, { selfPay: sBefore, paid: paidBefore });
    expect(d.status).toBe(status);
    expect(payoutOf(d)).toBe(expected);
    if (d.status !== 'REJECTED') expect(d.assessment.accrual).toEqual({ selfPay, paid: expected });
  });

  it('the single Lishui medical insurer carries the whole payout', () => {
    const d = decideMedical(LISHUI, LIANDU, 1000000, {});
    if (d.status === 'REJECTED') throw new Error('rejected');
    expect(d.allocations).toEqual([{ insurerId: 'LS-MED-INSURER', shareBp: 10000, amount: 900000 }]);
  });
});

describe('MEDICAL custom scheme: uplift 20000 and first band 9000, where min(S, …) binds', () => {
  const json = schemeJson('xiaogan-2024.json');
  json.products.MEDICAL.upliftCounties = { [DAWU]: 20000 };
  json.products.MEDICAL.bands[0].bp = 9000;
  const custom = parseScheme(json, 'custom');

  function decide(sBefore: number, paidBefore: number, selfPay: number) {
    return decideClaim({
      claim: selfPayClaim(selfPay),
      scheme: custom,
      household: household({ county: DAWU }),
      ytd: { selfPay: sBefore, paid: paidBefore },
    });
  }

  it.each<[string, number, number, number, number]>([
    // S = 1000000, x = 500000: 500000 × 9000 × 20000 / 10^8 = 900000 < S → 900000.
    ['min does not bind', 0, 0, 1000000, 900000],
    // S = 1500000, x = 1000000: 1000000 × 9000 × 20000 / 10^8 = 1800000 > S = 1500000 → benefit 1500000.
    ['min(S, …) binds', 0, 0, 1500000, 1500000],
    // Crossover: 1.8x = 500000 + x at x = 625000 (S = 1125000): raw 1125000 = S → 1125000.
    ['at the crossover', 0, 0, 1125000, 1125000],
    // before S = 1500000 → 1500000 (paid); after S = 1600000, x = 1100000 → raw 1980000 > 1600000 → 1600000;
    // increment 100000 = the whole bill.
    ['min binds before and after', 1500000, 1500000, 100000, 100000],
    // cap_u = floor(8000000 × 20000 / 10000) = 16000000; with paid 15950000 the room is 50000.
    ['cap uplifted to 16000000', 1500000, 15950000, 100000, 50000],
  ])('%s', (_name, sBefore, paidBefore, selfPay, expected) => {
    const d = decide(sBefore, paidBefore, selfPay);
    expect(payoutOf(d)).toBe(expected);
    if (d.status !== 'REJECTED') expect(d.assessment.figures.capUplifted).toBe(16000000);
  });

  it('a non-listed county of the custom scheme gets no uplift', () => {
    // Xiaochang is not in the custom uplift list: S = 1500000, x = 1000000 → 1000000 × 0.9 = 900000.
    const d = decideClaim({ claim: selfPayClaim(1500000), scheme: custom, household: household({ county: XIAOCHANG }), ytd: {} });
    expect(payoutOf(d)).toBe(900000);
  });
});
