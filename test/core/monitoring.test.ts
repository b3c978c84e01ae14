/** Monitoring signals (spec 7): the pure warning computation, at its edges. */
import { describe, expect, it } from 'vitest';
import { computeWarnings, HouseholdInput, nextMonth, type Household, type MonitoredClaim } from '../../core/index.js';
import { claim, household, medicalClaim } from './fixtures.js';

const AS_OF = '2030-12-31';
let seq = 0;

/** A stored-claim-like record around a submission. */
function rec(
  submission: MonitoredClaim['submission'],
  status = 'CLOSED_NO_PAYOUT',
  reasonCode: string | null = null,
  createdAt?: string,
): MonitoredClaim {
  seq++;
  return {
    claimId: `C-${String(seq).padStart(5, '0')}`,
    status,
    reasonCode,
    createdAt: createdAt ?? `2024-01-01T00:00:${String(seq % 60).padStart(2, '0')}.${String(seq).padStart(3, '0')}Z`,
    submission,
  };
}

/** A medical claim whose covered self-pay is `selfPay`, admitted on `date`. */
function med(
  selfPay: number,
  date: string,
  o: { status?: string; reasonCode?: string | null; hospitalCode?: string; invoiceNo?: string; householdId?: string; createdAt?: string } = {},
): MonitoredClaim {
  const details: Record<string, unknown> = { totalCost: selfPay };
  if (o.hospitalCode) details.hospitalCode = o.hospitalCode;
  if (o.invoiceNo) details.invoiceNo = o.invoiceNo;
  return rec(medicalClaim(details, { incidentDate: date, householdId: o.householdId ?? 'H1' }), o.status, o.reasonCode ?? null, o.createdAt);
}

function hh(o: { monthlyIncome?: number; previousMonthlyIncome?: number; area_mu?: number } = {}): Household {
  const base = household({ area_mu: o.area_mu ?? 12 });
  return {
    ...base,
    ...(o.monthlyIncome !== undefined ? { monthlyIncome: o.monthlyIncome } : {}),
    ...(o.previousMonthlyIncome !== undefined ? { previousMonthlyIncome: o.previousMonthlyIncome } : {}),
  };
}

const health = (h: Household, claims: MonitoredClaim[], asOf = AS_OF) => computeWarnings(h, claims, asOf).filter((w) => w.type === 'HEALTH');
const industry = (h: Household, claims: MonitoredClaim[], asOf = AS_OF) => computeWarnings(h, claims, asOf).filter((w) => w.type === 'INDUSTRY');

describe('HEALTH: medical costs above 50% of monthly income in two consecutive months', () => {
  const income = 100_000; // 1,000 yuan a month; half is 50,000 fen

  it('two consecutive months just above half: one MEDIUM warning named after the first month, with exact figures', () => {
    const a = med(50_001, '2024-05-03');
    const b = med(50_001, '2024-06-30');
    const ws = health(hh({ monthlyIncome: income }), [a, b]);
    expect(ws).toEqual([
      {
        warningId: 'HEALTH-2024-05',
        type: 'HEALTH',
        householdId: 'H1',
        level: 'MEDIUM',
        followUp: 'PHONE_CHECK',
        evidence: {
          monthlyIncome: income,
          thresholdBp: 5000,
          months: [
            { month: '2024-05', medicalCost: 50_001, claimIds: [a.claimId] },
            { month: '2024-06', medicalCost: 50_001, claimIds: [b.claimId] },
          ],
        },
      },
    ]);
  });

  it('exactly 50% is not a warning (strictly above)', () => {
    expect(health(hh({ monthlyIncome: income }), [med(50_000, '2024-05-03'), med(50_001, '2024-06-03')])).toEqual([]);
    expect(health(hh({ monthlyIncome: income }), [med(50_001, '2024-05-03'), med(50_000, '2024-06-03')])).toEqual([]);
  });

  it('exactness with an odd income: 50,001 × 10000 > 100,001 × 5000 is true, 50,000 is not', () => {
    expect(health(hh({ monthlyIncome: 100_001 }), [med(50_001, '2024-05-03'), med(50_001, '2024-06-03')])).toHaveLength(1);
    expect(health(hh({ monthlyIncome: 100_001 }), [med(50_000, '2024-05-03'), med(50_001, '2024-06-03')])).toEqual([]);
  });

  it('one costly month only is not a warning', () => {
    expect(health(hh({ monthlyIncome: income }), [med(900_000, '2024-05-03')])).toEqual([]);
    expect(health(hh({ monthlyIncome: income }), [med(900_000, '2024-05-03'), med(10_000, '2024-06-03')])).toEqual([]);
  });

  it('two costly months that are not consecutive are not a warning', () => {
    expect(health(hh({ monthlyIncome: income }), [med(90_000, '2024-05-03'), med(90_000, '2024-07-03')])).toEqual([]);
    // the same month number a year apart
    expect(health(hh({ monthlyIncome: income }), [med(90_000, '2023-05-03'), med(90_000, '2024-06-03')])).toEqual([]);
  });

  it('December → January of the next year is consecutive', () => {
    const ws = health(hh({ monthlyIncome: income }), [med(60_000, '2024-12-31'), med(60_000, '2025-01-01')]);
    expect(ws.map((w) => w.warningId)).toEqual(['HEALTH-2024-12']);
    expect(ws[0]?.type === 'HEALTH' && ws[0].evidence.months.map((m) => m.month)).toEqual(['2024-12', '2025-01']);
    expect(nextMonth('2024-12')).toBe('2025-01');
    expect(nextMonth('2024-09')).toBe('2024-10');
  });

  it('three costly months in a row: one warning per pair', () => {
    const ws = health(hh({ monthlyIncome: income }), [med(60_000, '2024-03-01'), med(60_000, '2024-04-01'), med(60_000, '2024-05-01')]);
    expect(ws.map((w) => w.warningId)).toEqual(['HEALTH-2024-03', 'HEALTH-2024-04']);
  });

  it('a month is the sum of its claims (several people, several bills)', () => {
    const may = [med(25_000, '2024-05-01'), { ...med(25_001, '2024-05-31') }];
    const ws = health(hh({ monthlyIncome: income }), [...may, med(50_001, '2024-06-15')]);
    expect(ws).toHaveLength(1);
    expect(ws[0]?.type === 'HEALTH' && ws[0].evidence.months[0].medicalCost).toBe(50_001);
    expect(health(hh({ monthlyIncome: income }), [med(25_000, '2024-05-01'), med(25_000, '2024-05-31'), med(50_001, '2024-06-15')])).toEqual([]);
  });

  it('covered self-pay is what counts: reimbursements and non-covered cost are deducted', () => {
    const c = rec(medicalClaim({ totalCost: 200_000, basicInsurancePaid: 100_000, nonCoveredCost: 49_999 }, { incidentDate: '2024-05-02' })); // self-pay 50,001
    expect(health(hh({ monthlyIncome: income }), [c, med(50_001, '2024-06-02')])).toHaveLength(1);
    const d = rec(medicalClaim({ totalCost: 200_000, basicInsurancePaid: 100_000, nonCoveredCost: 50_000 }, { incidentDate: '2024-05-02' })); // self-pay 50,000
    expect(health(hh({ monthlyIncome: income }), [d, med(50_001, '2024-06-02')])).toEqual([]);
  });

  it('HIGH (on-site visit) only when both months exceed the whole income', () => {
    const high = health(hh({ monthlyIncome: income }), [med(100_001, '2024-05-03'), med(100_001, '2024-06-03')]);
    expect(high[0]).toMatchObject({ level: 'HIGH', followUp: 'ON_SITE_VISIT' });
    const equal = health(hh({ monthlyIncome: income }), [med(100_000, '2024-05-03'), med(100_001, '2024-06-03')]);
    expect(equal[0]).toMatchObject({ level: 'MEDIUM', followUp: 'PHONE_CHECK' });
  });

  it('missing monthly income: no HEALTH warning; an income of 0 makes any positive cost exceed it', () => {
    expect(health(hh(), [med(9_000_000, '2024-05-03'), med(9_000_000, '2024-06-03')])).toEqual([]);
    expect(health(hh({ monthlyIncome: 0 }), [med(1, '2024-05-03'), med(1, '2024-06-03')])).toHaveLength(1);
    expect(health(hh({ monthlyIncome: 0 }), [med(0, '2024-05-03'), med(1, '2024-06-03')])).toEqual([]);
  });

  it('ignores claims rejected as DUPLICATE_INVOICE, HOUSEHOLD_NOT_FOUND or PERSON_NOT_IN_HOUSEHOLD; counts other rejections', () => {
    const june = med(60_000, '2024-06-03');
    for (const reasonCode of ['DUPLICATE_INVOICE', 'HOUSEHOLD_NOT_FOUND', 'PERSON_NOT_IN_HOUSEHOLD']) {
      expect(health(hh({ monthlyIncome: income }), [med(60_000, '2024-05-03', { status: 'REJECTED', reasonCode }), june]), reasonCode).toEqual([]);
    }
    for (const reasonCode of ['OUTSIDE_POLICY_PERIOD', 'NOT_ENROLLED', 'REVIEW_REJECTED']) {
      expect(health(hh({ monthlyIncome: income }), [med(60_000, '2024-05-03', { status: 'REJECTED', reasonCode }), june]), reasonCode).toHaveLength(
        1,
      );
    }
    for (const status of ['RECEIVED', 'PENDING_REVIEW', 'APPROVED', 'SETTLING', 'PAID', 'CLOSED_NO_PAYOUT', 'FAILED']) {
      expect(health(hh({ monthlyIncome: income }), [med(60_000, '2024-05-03', { status }), june]), status).toHaveLength(1);
    }
  });

  it('one invoice (hospital + number) counts once: the earliest claim carrying it', () => {
    const first = med(30_000, '2024-05-03', { hospitalCode: 'HX', invoiceNo: 'I-1', createdAt: '2024-05-04T00:00:00.000Z' });
    const again = med(30_000, '2024-05-03', { hospitalCode: 'HX', invoiceNo: 'I-1', createdAt: '2024-05-05T00:00:00.000Z' });
    const june = med(60_000, '2024-06-03');
    const ws = health(hh({ monthlyIncome: income }), [again, first, june]);
    expect(ws).toEqual([]); // 30,000 once is below half
    // the same number at another hospital is another invoice
    const other = med(30_000, '2024-05-03', { hospitalCode: 'HY', invoiceNo: 'I-1' });
    const w2 = health(hh({ monthlyIncome: income }), [first, other, again, june]);
    expect(w2).toHaveLength(1);
    expect(w2[0]?.type === 'HEALTH' && w2[0].evidence.months[0].claimIds).toEqual([first.claimId, other.claimId].sort());
  });

  it('the month is the incident (admission) date, not the discharge date', () => {
    const c = rec(medicalClaim({ totalCost: 60_000, admissionDate: '2024-05-30', dischargeDate: '2024-06-10' }, { incidentDate: '2024-05-30' }));
    expect(health(hh({ monthlyIncome: income }), [c, med(60_000, '2024-07-01')])).toEqual([]);
    expect(health(hh({ monthlyIncome: income }), [c, med(60_000, '2024-06-01')]).map((w) => w.warningId)).toEqual(['HEALTH-2024-05']);
  });

  it('ignores other households, other products and incidents after asOf', () => {
    const h = hh({ monthlyIncome: income });
    expect(health(h, [med(60_000, '2024-05-03'), med(60_000, '2024-06-03', { householdId: 'H2' })])).toEqual([]);
    expect(
      health(h, [
        med(60_000, '2024-05-03'),
        rec(claim('EDUCATION', { stage: 'PRIMARY', expense: 900_000 }, { incidentDate: '2024-06-03' }), 'SETTLING'),
      ]),
    ).toEqual([]);
    const pair = [med(60_000, '2024-05-03'), med(60_000, '2024-06-03')];
    expect(health(h, pair, '2024-06-02')).toEqual([]);
    expect(health(h, pair, '2024-06-03')).toHaveLength(1);
    expect(health(h, pair, '2024-06-03T08:00:00.000Z')).toHaveLength(1);
  });

  it('is exact beyond 2^53: sums in BigInt, figures above 2^53 − 1 as decimal strings', () => {
    const big = Number.MAX_SAFE_INTEGER;
    const ws = health(hh({ monthlyIncome: big }), [med(big - 1000, '2024-05-01'), med(big - 1000, '2024-05-02'), med(big - 1000, '2024-06-01')]);
    expect(ws).toHaveLength(1);
    expect(ws[0]?.type === 'HEALTH' && ws[0].evidence.months[0].medicalCost).toBe(String(2n * (BigInt(big) - 1000n)));
    expect(ws[0]?.type === 'HEALTH' && ws[0].evidence.months[1].medicalCost).toBe(big - 1000);
    // half of 2^53 − 1 is 4503599627370495.5: 4503599627370495 is below it, 4503599627370496 above
    expect(health(hh({ monthlyIncome: big }), [med(4503599627370495, '2024-05-01'), med(big, '2024-06-01')])).toEqual([]);
    expect(health(hh({ monthlyIncome: big }), [med(4503599627370496, '2024-05-01'), med(big, '2024-06-01')])).toHaveLength(1);
  });
});

describe('INDUSTRY: affected crop area over 30 mu and income down by 40% or more', () => {
  const ind = (status = 'SETTLING', date = '2024-07-01', householdId = 'H1') =>
    rec(claim('INDUSTRY', { kind: 'INDEMNITY', assessedLoss: 100_000 }, { incidentDate: date, householdId }), status);
  const h = (area_mu: number | undefined, previousMonthlyIncome: number | undefined, monthlyIncome: number | undefined) => {
    const base = household(area_mu === undefined ? {} : { area_mu });
    return {
      ...base,
      ...(monthlyIncome !== undefined ? { monthlyIncome } : {}),
      ...(previousMonthlyIncome !== undefined ? { previousMonthlyIncome } : {}),
    };
  };

  it('30.01 mu and a 40% drop: one MEDIUM warning for the year, with exact figures', () => {
    const c = ind();
    expect(industry(h(30.01, 100_000, 60_000), [c])).toEqual([
      {
        warningId: 'INDUSTRY-2024',
        type: 'INDUSTRY',
        householdId: 'H1',
        level: 'MEDIUM',
        followUp: 'PHONE_CHECK',
        evidence: {
          year: 2024,
          affectedCentiMu: 3001,
          areaThresholdCentiMu: 3000,
          claimIds: [c.claimId],
          previousMonthlyIncome: 100_000,
          monthlyIncome: 60_000,
          incomeDropBp: 4000,
          dropThresholdBp: 4000,
        },
      },
    ]);
  });

  it('30.00 mu is not over 30 mu', () => {
    expect(industry(h(30, 100_000, 10_000), [ind()])).toEqual([]);
    expect(industry(h(30.0, 100_000, 10_000), [ind()])).toEqual([]);
    expect(industry(h(29.99, 100_000, 10_000), [ind()])).toEqual([]);
  });

  it('a drop of exactly 40% counts; 39.99% does not', () => {
    expect(industry(h(31, 1_000_000, 600_000), [ind()])).toHaveLength(1); // 40.00%
    expect(industry(h(31, 1_000_000, 600_100), [ind()])).toEqual([]); // 39.99%
    // 5 → 3 is exactly 40%; 5 → 4 is 20%
    expect(industry(h(31, 5, 3), [ind()])).toHaveLength(1);
    expect(industry(h(31, 5, 4), [ind()])).toEqual([]);
    // odd figures: (100,001 − 60,000) × 10000 ≥ 100,001 × 4000 ⇔ 40,001 ≥ 40,000.4 — yes; 60,001 → 40,000 < 40,000.4 — no
    expect(industry(h(31, 100_001, 60_000), [ind()])).toHaveLength(1);
    expect(industry(h(31, 100_001, 60_001), [ind()])).toEqual([]);
  });

  it('HIGH (on-site visit) from a 60% drop', () => {
    expect(industry(h(31, 100_000, 40_000), [ind()])[0]).toMatchObject({
      level: 'HIGH',
      followUp: 'ON_SITE_VISIT',
      evidence: { incomeDropBp: 6000 },
    });
    expect(industry(h(31, 100_000, 40_001), [ind()])[0]).toMatchObject({
      level: 'MEDIUM',
      followUp: 'PHONE_CHECK',
      evidence: { incomeDropBp: 5999 },
    });
    expect(industry(h(31, 100_000, 0), [ind()])[0]).toMatchObject({ level: 'HIGH', evidence: { incomeDropBp: 10000 } });
  });

  it('missing incomes, a previous income of 0 or a rise: no warning', () => {
    expect(industry(h(31, undefined, 10_000), [ind()])).toEqual([]);
    expect(industry(h(31, 100_000, undefined), [ind()])).toEqual([]);
    expect(industry(h(31, undefined, undefined), [ind()])).toEqual([]);
    expect(industry(h(31, 0, 0), [ind()])).toEqual([]);
    expect(industry(h(31, 100_000, 200_000), [ind()])).toEqual([]);
  });

  it('no insured area, or no triggered INDUSTRY claim that year: no warning', () => {
    expect(industry(h(undefined, 100_000, 10_000), [ind()])).toEqual([]);
    expect(industry(h(31, 100_000, 10_000), [])).toEqual([]);
    for (const status of ['RECEIVED', 'REJECTED', 'CLOSED_NO_PAYOUT', 'FAILED'])
      expect(industry(h(31, 100_000, 10_000), [ind(status)]), status).toEqual([]);
    for (const status of ['PENDING_REVIEW', 'APPROVED', 'SETTLING', 'PAID'])
      expect(industry(h(31, 100_000, 10_000), [ind(status)]), status).toHaveLength(1);
    // a disaster (house) claim is not crop damage; another household's claim is not this one's
    const disaster = rec(claim('DISASTER', { cause: 'FLOOD', damage: 'PARTIAL', assessedLoss: 100_000 }, { incidentDate: '2024-07-01' }), 'SETTLING');
    expect(industry(h(31, 100_000, 10_000), [disaster, ind('SETTLING', '2024-07-01', 'H2')])).toEqual([]);
  });

  it('one warning per policy year with a triggered claim; incidents after asOf ignored', () => {
    const claims = [ind('PAID', '2023-08-01'), ind('SETTLING', '2024-07-01'), ind('PENDING_REVIEW', '2024-09-01')];
    const ws = industry(h(31, 100_000, 10_000), claims);
    expect(ws.map((w) => w.warningId)).toEqual(['INDUSTRY-2023', 'INDUSTRY-2024']);
    expect(ws[1]?.type === 'INDUSTRY' && ws[1].evidence.claimIds).toEqual([claims[1]?.claimId, claims[2]?.claimId].sort());
    expect(industry(h(31, 100_000, 10_000), claims, '2024-06-30').map((w) => w.warningId)).toEqual(['INDUSTRY-2023']);
  });
});

describe('computeWarnings as a whole', () => {
  it('both kinds, sorted by warningId, the same answer every time', () => {
    const base = { ...household({ area_mu: 40 }), monthlyIncome: 50_000, previousMonthlyIncome: 100_000 };
    const claims = [
      med(30_000, '2024-02-01'),
      med(30_000, '2024-03-01'),
      rec(claim('INDUSTRY', { kind: 'INDEMNITY', assessedLoss: 1 }, { incidentDate: '2024-05-01' }), 'SETTLING'),
    ];
    const ws = computeWarnings(base, claims, AS_OF);
    expect(ws.map((w) => w.warningId)).toEqual(['HEALTH-2024-02', 'INDUSTRY-2024']);
    expect(computeWarnings(base, [...claims].reverse(), AS_OF)).toEqual(ws);
  });

  it('previousMonthlyIncome is part of the registry input (integer fen, optional)', () => {
    const row = {
      householdId: 'H',
      schemeId: 'xiaogan-2024',
      county: '420902',
      category: 'LIFTED_OUT',
      verifiedYear: 2024,
      members: [{ personId: 'P' }],
      enrollment: { products: ['MEDICAL'], start: '2024-01-01', end: '2024-12-31' },
    };
    expect(HouseholdInput.parse({ ...row, previousMonthlyIncome: 100_000 }).previousMonthlyIncome).toBe(100_000);
    expect(HouseholdInput.parse(row).previousMonthlyIncome).toBeUndefined();
    expect(HouseholdInput.safeParse({ ...row, previousMonthlyIncome: 1.5 }).success).toBe(false);
    expect(HouseholdInput.safeParse({ ...row, previousMonthlyIncome: -1 }).success).toBe(false);
  });
});
