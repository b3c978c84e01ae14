/** Eligibility reason codes in the order of spec 9, and the review flags (registry not verified, monitoring warning). */
import { describe, expect, it } from 'vitest';
import { decideClaim, type Decision, type Household } from '../../core/index.js';
import { LISHUI, XIAOGAN, claim, household, scheme, selfPayClaim } from './fixtures.js';

// A Xiaogan medical bill of 2500000 self-pay pays 1600000 in a non-uplift county (x = 2000000 × 0.8): below the
// review threshold, so any flag is visible on its own.
const PAYING_SELF_PAY = 2500000;

function decideMed(
  h: Household | undefined,
  opts: { incidentDate?: string; personId?: string; invoiceConsumed?: boolean; openWarning?: boolean; selfPay?: number } = {},
): Decision {
  const c = selfPayClaim(opts.selfPay ?? PAYING_SELF_PAY, { incidentDate: opts.incidentDate ?? '2024-06-15', personId: opts.personId ?? 'P1' });
  return decideClaim({
    claim: c,
    scheme: scheme(XIAOGAN),
    household: h,
    ytd: {},
    invoiceConsumed: opts.invoiceConsumed ?? false,
    openWarning: opts.openWarning ?? false,
  });
}

function reason(d: Decision): string {
  return d.status === 'REJECTED' ? d.reasonCode : d.status;
}

describe('eligibility reason codes, one at a time', () => {
  it('HOUSEHOLD_NOT_FOUND when the household is undefined', () => {
    expect(reason(decideMed(undefined))).toBe('HOUSEHOLD_NOT_FOUND');
  });

  it('PERSON_NOT_IN_HOUSEHOLD', () => {
    expect(reason(decideMed(household(), { personId: 'STRANGER' }))).toBe('PERSON_NOT_IN_HOUSEHOLD');
  });

  it('CATEGORY_NOT_ELIGIBLE: a Lishui category on a Xiaogan claim', () => {
    expect(reason(decideMed(household({ category: 'DIBAO' })))).toBe('CATEGORY_NOT_ELIGIBLE');
  });

  it('NOT_ENROLLED: product not in the enrolment', () => {
    expect(reason(decideMed(household({ products: ['EDUCATION'] })))).toBe('NOT_ENROLLED');
  });

  it('NOT_ENROLLED: household enrolled in another scheme (with a category valid here)', () => {
    expect(reason(decideMed(household({ schemeId: LISHUI, category: 'LIFTED_OUT', products: ['MEDICAL'] })))).toBe('NOT_ENROLLED');
  });

  it.each<[string, string]>([
    ['2024-03-01', 'APPROVED'], // start day is covered
    ['2024-09-30', 'APPROVED'], // end day is covered
    ['2024-02-29', 'OUTSIDE_POLICY_PERIOD'], // day before start
    ['2024-10-01', 'OUTSIDE_POLICY_PERIOD'], // day after end
  ])('policy period 2024-03-01..2024-09-30, incident %s → %s', (incidentDate, expected) => {
    expect(reason(decideMed(household({ start: '2024-03-01', end: '2024-09-30' }), { incidentDate }))).toBe(expected);
  });

  it.each<[string, string]>([
    ['2024-07-09', 'APPROVED'], // the day before D is covered
    ['2024-07-10', 'HOUSEHOLD_EXITED'], // D itself is not
    ['2024-07-11', 'HOUSEHOLD_EXITED'],
  ])('exitedOn 2024-07-10, incident %s → %s', (incidentDate, expected) => {
    expect(reason(decideMed(household({ exitedOn: '2024-07-10' }), { incidentDate }))).toBe(expected);
  });

  it('DUPLICATE_INVOICE when the invoice is consumed', () => {
    expect(reason(decideMed(household(), { invoiceConsumed: true }))).toBe('DUPLICATE_INVOICE');
  });

  it('an eligible claim is approved (baseline for the table below)', () => {
    const d = decideMed(household());
    expect(d.status).toBe('APPROVED');
    if (d.status !== 'REJECTED') expect(d.assessment.payout).toBe(1600000);
  });
});

describe('the first failing check wins', () => {
  // Each row breaks the named check and every later one.
  const allBroken = { exitedOn: '2024-01-02', start: '2024-07-01', end: '2024-07-31' };
  it.each<[string, () => Decision, string]>([
    ['unknown household, everything else broken too', () => decideMed(undefined, { personId: 'X', invoiceConsumed: true }), 'HOUSEHOLD_NOT_FOUND'],
    [
      'stranger + wrong category + not enrolled + outside period + exited + duplicate',
      () => decideMed(household({ category: 'DIBAO', products: ['EDUCATION'], ...allBroken }), { personId: 'X', invoiceConsumed: true }),
      'PERSON_NOT_IN_HOUSEHOLD',
    ],
    [
      'wrong category + not enrolled + outside + exited + duplicate',
      () => decideMed(household({ category: 'DIBAO', products: ['EDUCATION'], ...allBroken }), { invoiceConsumed: true }),
      'CATEGORY_NOT_ELIGIBLE',
    ],
    [
      'not enrolled + outside + exited + duplicate',
      () => decideMed(household({ products: ['EDUCATION'], ...allBroken }), { invoiceConsumed: true }),
      'NOT_ENROLLED',
    ],
    ['outside + exited + duplicate', () => decideMed(household(allBroken), { invoiceConsumed: true }), 'OUTSIDE_POLICY_PERIOD'],
    ['exited + duplicate', () => decideMed(household({ exitedOn: '2024-01-02' }), { invoiceConsumed: true }), 'HOUSEHOLD_EXITED'],
  ])('%s', (_n, run, expected) => {
    expect(reason(run())).toBe(expected);
  });

  it('eligibility comes before product rules: a not-enrolled household with an ineligible stage is NOT_ENROLLED', () => {
    const d = decideClaim({
      claim: claim('EDUCATION', { stage: 'HIGHER', expense: 1000 }),
      scheme: scheme(XIAOGAN),
      household: household({ products: ['MEDICAL'] }),
      ytd: {},
    });
    expect(reason(d)).toBe('NOT_ENROLLED');
  });

  it('duplicate invoice comes before product rules: a duplicate bill below the deductible is DUPLICATE_INVOICE, not closed', () => {
    expect(reason(decideMed(household(), { invoiceConsumed: true, selfPay: 100 }))).toBe('DUPLICATE_INVOICE');
  });
});

describe('review flags', () => {
  it('registry verified before the incident year and payout > 0 → PENDING_REVIEW with REGISTRY_NOT_VERIFIED', () => {
    const d = decideMed(household({ verifiedYear: 2023 }));
    expect(d.status).toBe('PENDING_REVIEW');
    if (d.status === 'PENDING_REVIEW') {
      expect(d.reviewReasons).toEqual(['REGISTRY_NOT_VERIFIED']);
      expect(d.assessment.payout).toBe(1600000);
    }
  });

  it('registry verified in the incident year → APPROVED; a later year too', () => {
    expect(decideMed(household({ verifiedYear: 2024 })).status).toBe('APPROVED');
    expect(decideMed(household({ verifiedYear: 2025 })).status).toBe('APPROVED');
  });

  it('registry not verified but payout 0 → CLOSED_NO_PAYOUT', () => {
    // self-pay 300000 < deductible 500000 → 0.
    expect(decideMed(household({ verifiedYear: 2023 }), { selfPay: 300000 }).status).toBe('CLOSED_NO_PAYOUT');
  });

  it('open warning → PENDING_REVIEW with MONITORING_WARNING', () => {
    const d = decideMed(household(), { openWarning: true });
    expect(d.status).toBe('PENDING_REVIEW');
    if (d.status === 'PENDING_REVIEW') expect(d.reviewReasons).toEqual(['MONITORING_WARNING']);
  });

  it('open warning with payout 0 → CLOSED_NO_PAYOUT', () => {
    expect(decideMed(household(), { openWarning: true, selfPay: 500000 }).status).toBe('CLOSED_NO_PAYOUT');
  });

  it('several flags at once are all listed; allocations still computed', () => {
    // self-pay 5500000 → x = 5000000 → 3700000 (> 2000000).
    const d = decideMed(household({ verifiedYear: 2023 }), { openWarning: true, selfPay: 5500000 });
    expect(d.status).toBe('PENDING_REVIEW');
    if (d.status === 'PENDING_REVIEW') {
      expect([...d.reviewReasons].sort()).toEqual(['ABOVE_THRESHOLD', 'MONITORING_WARNING', 'REGISTRY_NOT_VERIFIED']);
      // 3700000 × 0.40 = 1480000, × 0.35 = 1295000, × 0.25 = 925000.
      expect(d.allocations.map((a) => a.amount)).toEqual([1480000, 1295000, 925000]);
    }
  });
});
