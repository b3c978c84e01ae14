/** ACCIDENT, EDUCATION, DISASTER, INDUSTRY and LOAN_GUARANTEE (spec 3.2–3.6, 9); expected figures by hand. */
import { describe, expect, it } from 'vitest';
import { DISASTER_CAUSES, decideClaim, type Decision, type Product, type YearToDate } from '../../core/index.js';
import { LISHUI, XIAOGAN, claim, household, scheme, type Household } from './fixtures.js';

type Status = Decision['status'];

function decide(schemeId: string, product: Product, details: Record<string, unknown>, ytd: YearToDate = {}, h: Household = household({ schemeId })) {
  return decideClaim({ claim: claim(product, details, { schemeId }), scheme: scheme(schemeId), household: h, ytd });
}

function expectPaid(d: Decision, payout: number, status: Status, accrual?: Record<string, number>) {
  expect(d.status).toBe(status);
  if (d.status === 'REJECTED') return;
  expect(d.assessment.payout).toBe(payout);
  if (accrual) expect(d.assessment.accrual).toEqual(accrual);
  if (d.status === 'PENDING_REVIEW') expect(d.reviewReasons).toEqual(['ABOVE_THRESHOLD']);
  const allocated = d.allocations.reduce((s, a) => s + a.amount, 0);
  expect(allocated).toBe(status === 'CLOSED_NO_PAYOUT' ? 0 : payout);
}

function expectRejected(d: Decision, reasonCode: string) {
  expect(d.status).toBe('REJECTED');
  if (d.status === 'REJECTED') expect(d.reasonCode).toBe(reasonCode);
}

describe('ACCIDENT (Lishui: sum insured 5000000; disability (11 − g) × 1000 bp; outpatient (e − 10000) × 8000 bp, cap 500000)', () => {
  it.each<[string, Record<string, unknown>, YearToDate, number, Status]>([
    // Death pays the sum insured 5000000 (> threshold 2000000 → review).
    ['death', { kind: 'DEATH' }, {}, 5000000, 'PENDING_REVIEW'],
    // g = 10: 1 × 1000 bp → 5000000 × 1000 / 10000 = 500000.
    ['disability grade 10', { kind: 'DISABILITY', grade: 10 }, {}, 500000, 'APPROVED'],
    // g = 8: 3 × 1000 = 3000 bp → 1500000.
    ['disability grade 8', { kind: 'DISABILITY', grade: 8 }, {}, 1500000, 'APPROVED'],
    // g = 5: 6000 bp → 3000000.
    ['disability grade 5', { kind: 'DISABILITY', grade: 5 }, {}, 3000000, 'PENDING_REVIEW'],
    // g = 1: 10 × 1000 = 10000 bp → the whole 5000000.
    ['disability grade 1', { kind: 'DISABILITY', grade: 1 }, {}, 5000000, 'PENDING_REVIEW'],
    // Death after a grade-8 disability paid 1500000: room 5000000 − 1500000 = 3500000.
    ['death after disability', { kind: 'DEATH' }, { lifePaid: 1500000 }, 3500000, 'PENDING_REVIEW'],
    // Grade 8 (1500000) with lifePaid 4000000: room 1000000.
    ['disability limited by the shared sum insured', { kind: 'DISABILITY', grade: 8 }, { lifePaid: 4000000 }, 1000000, 'APPROVED'],
    // lifePaid 5000000: room 0.
    ['death when the sum insured is used up', { kind: 'DEATH' }, { lifePaid: 5000000 }, 0, 'CLOSED_NO_PAYOUT'],
  ])('%s', (_n, details, ytd, payout, status) => {
    expectPaid(decide(LISHUI, 'ACCIDENT', details, ytd), payout, status, { lifePaid: payout });
  });

  it.each<[string, number, YearToDate, number, Status]>([
    // (50000 − 10000) × 8000 / 10000 = 32000.
    ['expense 50000', 50000, {}, 32000, 'APPROVED'],
    // (10003 − 10000) × 0.8 = 2.4 → 2 (floored).
    ['expense 10003', 10003, {}, 2, 'APPROVED'],
    // 1 × 0.8 = 0.8 → 0.
    ['expense 10001', 10001, {}, 0, 'CLOSED_NO_PAYOUT'],
    // exactly the deduction → 0.
    ['expense 10000', 10000, {}, 0, 'CLOSED_NO_PAYOUT'],
    // below the deduction → max(0, 9999 − 10000) = 0.
    ['expense 9999', 9999, {}, 0, 'CLOSED_NO_PAYOUT'],
    ['expense 0', 0, {}, 0, 'CLOSED_NO_PAYOUT'],
    // 32000 against room 500000 − 480000 = 20000 → 20000.
    ['limited by the outpatient cap', 50000, { outpatientPaid: 480000 }, 20000, 'APPROVED'],
    ['outpatient cap used up', 50000, { outpatientPaid: 500000 }, 0, 'CLOSED_NO_PAYOUT'],
    // The outpatient cap is separate from the sum insured: lifePaid 5000000 does not matter → 32000.
    ['independent of lifePaid', 50000, { lifePaid: 5000000 }, 32000, 'APPROVED'],
    // (1000000 − 10000) × 0.8 = 792000 → capped at 500000.
    ['one large bill capped', 1000000, {}, 500000, 'APPROVED'],
  ])('outpatient: %s', (_n, expense, ytd, payout, status) => {
    expectPaid(decide(LISHUI, 'ACCIDENT', { kind: 'OUTPATIENT', expense }, ytd), payout, status, { outpatientPaid: payout });
  });
});

describe('EDUCATION (Xiaogan: 10000 bp, cap 2000000, PRIMARY and JUNIOR_SECONDARY only)', () => {
  it.each<[string, string, number, YearToDate, number, Status]>([
    ['primary', 'PRIMARY', 300000, {}, 300000, 'APPROVED'],
    ['junior secondary', 'JUNIOR_SECONDARY', 150000, {}, 150000, 'APPROVED'],
    // 300000 against room 2000000 − 1900000 = 100000.
    ['limited by the cap', 'PRIMARY', 300000, { paid: 1900000 }, 100000, 'APPROVED'],
    ['cap used up', 'PRIMARY', 300000, { paid: 2000000 }, 0, 'CLOSED_NO_PAYOUT'],
    // min(2500000, 2000000) = 2000000, exactly the review threshold (not strictly above) → approved.
    ['one bill above the cap, payout exactly at the threshold', 'JUNIOR_SECONDARY', 2500000, {}, 2000000, 'APPROVED'],
    ['zero expense', 'PRIMARY', 0, {}, 0, 'CLOSED_NO_PAYOUT'],
  ])('%s', (_n, stage, expense, ytd, payout, status) => {
    expectPaid(decide(XIAOGAN, 'EDUCATION', { stage, expense }, ytd), payout, status, { paid: payout });
  });

  it.each(['PRESCHOOL', 'SENIOR_SECONDARY', 'VOCATIONAL', 'HIGHER'])('%s → STAGE_NOT_ELIGIBLE', (stage) => {
    expectRejected(decide(XIAOGAN, 'EDUCATION', { stage, expense: 100000 }), 'STAGE_NOT_ELIGIBLE');
  });
});

describe('DISASTER (household cap 5000000, ratio 10000 bp)', () => {
  it.each([...DISASTER_CAUSES])('Xiaogan covers PARTIAL damage by %s', (cause) => {
    // 1000000 × 10000 / 10000 = 1000000.
    expectPaid(decide(XIAOGAN, 'DISASTER', { cause, damage: 'PARTIAL', assessedLoss: 1000000 }), 1000000, 'APPROVED', { paid: 1000000 });
  });

  it.each<[string, Record<string, unknown>, YearToDate, number, Status]>([
    ['collapse by earthquake', { cause: 'EARTHQUAKE', damage: 'COLLAPSE', assessedLoss: 1500000 }, {}, 1500000, 'APPROVED'],
    // 1000000 against room 5000000 − 4500000 = 500000.
    ['limited by the household cap', { cause: 'FLOOD', damage: 'COLLAPSE', assessedLoss: 1000000 }, { paid: 4500000 }, 500000, 'APPROVED'],
    ['cap used up', { cause: 'FLOOD', damage: 'COLLAPSE', assessedLoss: 1000000 }, { paid: 5000000 }, 0, 'CLOSED_NO_PAYOUT'],
    // min(6000000, 5000000) = 5000000 > 2000000 → review.
    ['one loss above the cap', { cause: 'TYPHOON', damage: 'COLLAPSE', assessedLoss: 6000000 }, {}, 5000000, 'PENDING_REVIEW'],
    ['zero loss', { cause: 'HAIL', damage: 'PARTIAL', assessedLoss: 0 }, {}, 0, 'CLOSED_NO_PAYOUT'],
  ])('Xiaogan: %s', (_n, details, ytd, payout, status) => {
    expectPaid(decide(XIAOGAN, 'DISASTER', details, ytd), payout, status, { paid: payout });
  });

  it('Lishui: EARTHQUAKE is EXCLUDED_CAUSE, also when the damage is PARTIAL (exclusion checked first)', () => {
    expectRejected(decide(LISHUI, 'DISASTER', { cause: 'EARTHQUAKE', damage: 'PARTIAL', assessedLoss: 1000000 }), 'EXCLUDED_CAUSE');
    expectRejected(decide(LISHUI, 'DISASTER', { cause: 'EARTHQUAKE', damage: 'COLLAPSE', assessedLoss: 1000000 }), 'EXCLUDED_CAUSE');
  });

  it('Lishui: PARTIAL damage → DAMAGE_NOT_COVERED', () => {
    expectRejected(decide(LISHUI, 'DISASTER', { cause: 'FLOOD', damage: 'PARTIAL', assessedLoss: 1000000 }), 'DAMAGE_NOT_COVERED');
  });

  it('Lishui: COLLAPSE by FLOOD is paid and split 5000/3000/2000 over the agricultural pool', () => {
    // 1000000 → 500000 / 300000 / 200000.
    const d = decide(LISHUI, 'DISASTER', { cause: 'FLOOD', damage: 'COLLAPSE', assessedLoss: 1000000 });
    expectPaid(d, 1000000, 'APPROVED', { paid: 1000000 });
    if (d.status !== 'REJECTED') expect(d.allocations.map((a) => a.amount)).toEqual([500000, 300000, 200000]);
  });

  it('Lishui: cap 5000000 per household', () => {
    // 800000 against room 5000000 − 4800000 = 200000.
    expectPaid(decide(LISHUI, 'DISASTER', { cause: 'ACCIDENT', damage: 'COLLAPSE', assessedLoss: 800000 }, { paid: 4800000 }), 200000, 'APPROVED');
  });
});

describe('INDUSTRY (Xiaogan: indemnity 8000 bp, price index 15% drop, weather index, one cap 3000000)', () => {
  const h = household({ area_mu: 12.5, quantity_kg: 5000 });

  it.each<[string, number, YearToDate, number, Status]>([
    // 1000000 × 8000 / 10000 = 800000.
    ['indemnity 1000000', 1000000, {}, 800000, 'APPROVED'],
    // 3 × 0.8 = 2.4 → 2.
    ['indemnity 3 fen', 3, {}, 2, 'APPROVED'],
    // 1 × 0.8 → 0.
    ['indemnity 1 fen', 1, {}, 0, 'CLOSED_NO_PAYOUT'],
    // 800000 against room 3000000 − 2500000 = 500000.
    ['indemnity limited by the cap', 1000000, { paid: 2500000 }, 500000, 'APPROVED'],
  ])('%s', (_n, assessedLoss, ytd, payout, status) => {
    expectPaid(decide(XIAOGAN, 'INDUSTRY', { kind: 'INDEMNITY', assessedLoss }, ytd, h), payout, status, { paid: payout });
  });

  it.each<[string, number, number, number, YearToDate, number | 'INDEX_NOT_TRIGGERED', Status | null]>([
    // cost 2000: strike = floor(2000 × 8500 / 10000) = 1700. (1700 − 1600) × 1000 = 100000.
    ['observed below strike', 2000, 1600, 1000, {}, 100000, 'APPROVED'],
    // observed = strike → (1700 − 1700) × 1000 = 0 → closed with no payout.
    ['observed = strike', 2000, 1700, 1000, {}, 0, 'CLOSED_NO_PAYOUT'],
    ['observed = strike + 1', 2000, 1701, 1000, {}, 'INDEX_NOT_TRIGGERED', null],
    // cost 1999: 1999 × 8500 / 10000 = 1699.15 → strike 1699 (floored). observed 1699 → 0.
    ['floored strike, observed = strike', 1999, 1699, 1000, {}, 0, 'CLOSED_NO_PAYOUT'],
    ['floored strike, observed = 1700', 1999, 1700, 1000, {}, 'INDEX_NOT_TRIGGERED', null],
    // cost 1999, observed 1000: (1699 − 1000) × 1000 = 699000.
    ['floored strike pays from 1699', 1999, 1000, 1000, {}, 699000, 'APPROVED'],
    // quantity 8000 limited to the enrolled 5000 kg: (1700 − 1600) × 5000 = 500000.
    ['quantity limited to the enrolment', 2000, 1600, 8000, {}, 500000, 'APPROVED'],
    // (1700 − 0) × 5000 = 8500000 → capped at 3000000 (> threshold → review).
    ['capped at the household cap', 2000, 0, 5000, {}, 3000000, 'PENDING_REVIEW'],
    // (1700 − 1600) × 1000 = 100000 against room 3000000 − 2950000 = 50000 (shared with other kinds).
    ['shared cap room', 2000, 1600, 1000, { paid: 2950000 }, 50000, 'APPROVED'],
  ])('price index: %s', (_n, costPrice, observedPrice, insuredQuantity, ytd, expected, status) => {
    const d = decide(XIAOGAN, 'INDUSTRY', { kind: 'PRICE_INDEX', costPrice, observedPrice, insuredQuantity }, ytd, h);
    if (expected === 'INDEX_NOT_TRIGGERED') expectRejected(d, 'INDEX_NOT_TRIGGERED');
    else expectPaid(d, expected, status as Status, { paid: expected });
  });

  it('price index: (strike − observed) × quantity above 2^53 stays exact and is capped', () => {
    // cost 2^53 − 1 = 9007199254740991; × 8500 = 76561193665298423500; / 10000 → strike 7656119366529842.
    // × quantity 2000000 = 15312238733059684000000 (> 2^53) → capped at 3000000.
    const big = household({ quantity_kg: 2000000 });
    const d = decide(
      XIAOGAN,
      'INDUSTRY',
      { kind: 'PRICE_INDEX', costPrice: Number.MAX_SAFE_INTEGER, observedPrice: 0, insuredQuantity: 2000000 },
      {},
      big,
    );
    expectPaid(d, 3000000, 'PENDING_REVIEW', { paid: 3000000 });
    if (d.status === 'REJECTED') return;
    expect(d.assessment.figures.strike).toBe(7656119366529842);
    expect(d.assessment.figures.grossIndemnity).toBe('15312238733059684000000');
  });

  it.each<[number, number | 'INDEX_NOT_TRIGGERED', Status | null]>([
    [199, 'INDEX_NOT_TRIGGERED', null],
    // 30000 fen/mu × 12.5 mu = 375000.
    [200, 375000, 'APPROVED'],
    [249, 375000, 'APPROVED'],
    // 60000 × 12.5 = 750000.
    [250, 750000, 'APPROVED'],
    [299, 750000, 'APPROVED'],
    // 100000 × 12.5 = 1250000.
    [300, 1250000, 'APPROVED'],
    [1000, 1250000, 'APPROVED'],
  ])('weather index: rainfall %i mm', (rainfallMm, expected, status) => {
    const d = decide(XIAOGAN, 'INDUSTRY', { kind: 'WEATHER_INDEX', eventId: 'EV-1', rainfallMm }, {}, h);
    if (expected === 'INDEX_NOT_TRIGGERED') expectRejected(d, 'INDEX_NOT_TRIGGERED');
    else expectPaid(d, expected, status as Status, { paid: expected });
  });

  it('one cap across kinds: indemnity 2800000 already paid leaves 200000 for a weather index claim', () => {
    // 1250000 against room 3000000 − 2800000 = 200000.
    expectPaid(decide(XIAOGAN, 'INDUSTRY', { kind: 'WEATHER_INDEX', eventId: 'EV-2', rainfallMm: 320 }, { paid: 2800000 }, h), 200000, 'APPROVED');
    expectPaid(decide(XIAOGAN, 'INDUSTRY', { kind: 'WEATHER_INDEX', eventId: 'EV-3', rainfallMm: 320 }, { paid: 3000000 }, h), 0, 'CLOSED_NO_PAYOUT');
  });

  it('the pool splits 800000 as 320000 / 280000 / 200000', () => {
    const d = decide(XIAOGAN, 'INDUSTRY', { kind: 'INDEMNITY', assessedLoss: 1000000 }, {}, h);
    if (d.status === 'REJECTED') throw new Error('rejected');
    expect(d.allocations.map((a) => [a.insurerId, a.amount])).toEqual([
      ['XG-POOL-1', 320000],
      ['XG-POOL-2', 280000],
      ['XG-POOL-3', 200000],
    ]);
  });
});

describe('LOAN_GUARANTEE (Lishui: insurer floor((loss × 7000 + 5000) / 10000), bank the rest, review above 2000000)', () => {
  const loan = (outstandingPrincipal: number, unpaidInterest: number, recoveries: number) => ({
    loanId: 'L-1',
    bankId: 'BANK-1',
    outstandingPrincipal,
    unpaidInterest,
    recoveries,
  });

  it.each<[number, number, number]>([
    // loss 1: (7000 + 5000) / 10000 = 1.2 → 1; bank 0.
    [1, 1, 0],
    // loss 2: (14000 + 5000) / 10000 = 1.9 → 1; bank 1.
    [2, 1, 1],
    // loss 3: (21000 + 5000) / 10000 = 2.6 → 2; bank 1.
    [3, 2, 1],
    // loss 5: (35000 + 5000) / 10000 = 4.0 → 4; bank 1.
    [5, 4, 1],
    // loss 7: (49000 + 5000) / 10000 = 5.4 → 5; bank 2.
    [7, 5, 2],
    // loss 15: (105000 + 5000) / 10000 = 11.0 → 11; bank 4.
    [15, 11, 4],
    // loss 1000000: 700000 / 300000.
    [1000000, 700000, 300000],
  ])('loss %i fen → insurer %i, bank %i', (loss, insurer, bank) => {
    // Loss built as principal + interest − recoveries: (loss + 10) + 5 − 15 = loss.
    const d = decide(LISHUI, 'LOAN_GUARANTEE', loan(loss + 10, 5, 15));
    expectPaid(d, insurer, 'APPROVED', {});
    if (d.status === 'REJECTED') return;
    expect(d.assessment.bankShare).toBe(bank);
    expect(d.allocations).toEqual([{ insurerId: 'LS-LOAN-GUARANTEE-CENTRE', shareBp: 10000, amount: insurer }]);
  });

  it('recoveries above principal + interest → loss 0 → CLOSED_NO_PAYOUT', () => {
    const d = decide(LISHUI, 'LOAN_GUARANTEE', loan(100000, 5000, 200000));
    expectPaid(d, 0, 'CLOSED_NO_PAYOUT');
    if (d.status !== 'REJECTED') expect(d.assessment.bankShare).toBe(0);
  });

  it('recoveries equal to principal + interest → loss 0', () => {
    expectPaid(decide(LISHUI, 'LOAN_GUARANTEE', loan(100000, 5000, 105000)), 0, 'CLOSED_NO_PAYOUT');
  });

  it('insurer share exactly at the threshold 2000000 → APPROVED', () => {
    // loss 2857143: 2857143 × 7000 = 20000001000; + 5000 = 20000006000; / 10000 → 2000000; bank 857143.
    const d = decide(LISHUI, 'LOAN_GUARANTEE', loan(2857143, 0, 0));
    expectPaid(d, 2000000, 'APPROVED');
    if (d.status !== 'REJECTED') expect(d.assessment.bankShare).toBe(857143);
  });

  it('insurer share above the threshold → PENDING_REVIEW with ABOVE_THRESHOLD', () => {
    // loss 2857144: 20000008000 + 5000 = 20000013000 → 2000001; bank 857143.
    const d = decide(LISHUI, 'LOAN_GUARANTEE', loan(2857144, 0, 0));
    expectPaid(d, 2000001, 'PENDING_REVIEW');
    if (d.status !== 'REJECTED') expect(d.assessment.bankShare).toBe(857143);
  });

  it('a loss of 2^53 − 1 fen stays exact (BigInt)', () => {
    // 9007199254740991 × 7000 = 63050394783186937000; + 5000 = 63050394783186942000; / 10000 → 6305039478318694;
    // bank = 9007199254740991 − 6305039478318694 = 2702159776422297.
    const d = decide(LISHUI, 'LOAN_GUARANTEE', loan(Number.MAX_SAFE_INTEGER - 1000, 1000, 0));
    expectPaid(d, 6305039478318694, 'PENDING_REVIEW', {});
    if (d.status !== 'REJECTED') expect(d.assessment.bankShare).toBe(2702159776422297);
  });

  it('principal + interest above 2^53 − 1 is bad input', () => {
    expect(() => claim('LOAN_GUARANTEE', loan(Number.MAX_SAFE_INTEGER, 1, 0))).toThrow();
  });

  it('no annual cap: a large ytd does not limit the payout', () => {
    // loss 1000000 → 700000 whatever the counters say.
    expectPaid(decide(LISHUI, 'LOAN_GUARANTEE', loan(1000000, 0, 0), { paid: 999999999 }), 700000, 'APPROVED');
  });
});
