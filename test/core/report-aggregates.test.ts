/**
 * The report's running totals: a claim's moves, added up as deltas, leave exactly the contribution of where the
 * claim ended; a move that changes nothing adds nothing; and the summary from the totals equals the summary
 * counted claim by claim (the way the report route counted before it had totals).
 */
import { describe, expect, it } from 'vitest';
import {
  addInto,
  claimContribution,
  claimTallyDeltas,
  householdContribution,
  householdTallyDeltas,
  summaryFromCounters,
  type ClaimFacts,
  type Counters,
} from '../../core/report-aggregates.js';
import { PAYMENT_TARGET_WORKING_DAYS, mulDivFloor, premiumSplit, medicalCorridor, workingDaysBetween } from '../../core/index.js';
import { DAWU, LIANDU, LISHUI, XIAOGAN, XIAONAN, household, scheme } from './fixtures.js';

const noHolidays = () => [] as string[];
const base: ClaimFacts = {
  schemeId: XIAOGAN,
  product: 'MEDICAL',
  incidentDate: '2024-05-03',
  county: DAWU,
  status: 'RECEIVED',
  payout: null,
  createdAt: '2024-05-06T08:00:00.000Z',
  paidAt: null,
};

function applyAll(sum: Counters, deltas: ReturnType<typeof claimTallyDeltas>): Counters {
  for (const d of deltas) addInto(sum, d.counters);
  return sum;
}
const nonZero = (c: Counters) => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== 0));

describe('report aggregates', () => {
  it('the deltas of a claim’s whole life sum to the contribution of where it ended', () => {
    const path: ClaimFacts[] = [
      base,
      { ...base, status: 'PENDING_REVIEW', payout: 960_000 },
      { ...base, status: 'FAILED', payout: 960_000 },
      { ...base, status: 'PENDING_REVIEW', payout: 960_000 },
      { ...base, status: 'APPROVED', payout: 960_000 },
      { ...base, status: 'SETTLING', payout: 960_000 },
      { ...base, status: 'PAID', payout: 960_000, paidAt: '2024-05-08T10:00:00.000Z' },
    ];
    const sum: Counters = {};
    let before: ClaimFacts | null = null;
    for (const after of path) {
      applyAll(sum, claimTallyDeltas(before, after, noHolidays));
      before = after;
    }
    expect(nonZero(sum)).toEqual(claimContribution(path.at(-1) as ClaimFacts, []));
    expect(claimContribution(path.at(-1) as ClaimFacts, [])).toEqual({
      [`n|MEDICAL|${DAWU}|PAID`]: 1,
      [`a|MEDICAL|${DAWU}|PAID`]: 960_000,
      paid: 1,
      paidAmount: 960_000,
      paidWithinTarget: 1,
    });
  });

  it('a move that changes no figure adds nothing (a split of an APPROVED claim, a stored task token)', () => {
    const approved = { ...base, status: 'APPROVED', payout: 5 };
    expect(claimTallyDeltas(approved, { ...approved }, noHolidays)).toEqual([]);
  });

  it('a county learnt at assessment moves the claim out of UNKNOWN', () => {
    const deltas = claimTallyDeltas({ ...base, county: null }, { ...base, status: 'REJECTED' }, noHolidays);
    expect(deltas).toEqual([{ schemeId: XIAOGAN, year: '2024', counters: { 'n|MEDICAL|UNKNOWN|RECEIVED': -1, [`n|MEDICAL|${DAWU}|REJECTED`]: 1 } }]);
  });

  it('paid past 5 working days counts as paid, not within target', () => {
    const late = { ...base, status: 'PAID', payout: 100, createdAt: '2024-05-06T08:00:00.000Z', paidAt: '2024-05-20T08:00:00.000Z' };
    expect(claimContribution(late, []).paidWithinTarget).toBe(0);
  });

  it('a re-import moves premiums by the difference; an unchanged one by nothing', () => {
    const xg = scheme(XIAOGAN);
    const h1 = { ...household({ members: ['P-1', 'P-2'] }), schemeId: XIAOGAN };
    const h2 = { ...h1, members: [...h1.members, { personId: 'P-3' }] } as typeof h1;
    expect(householdTallyDeltas(h1, h1, () => xg)).toEqual([]);
    const [d] = householdTallyDeltas(h1, h2, () => xg);
    const one = premiumSplit(xg, h2).premium - premiumSplit(xg, h1).premium;
    expect(d?.counters.premium).toBe(one);
    expect(d?.counters.households).toBeUndefined();
  });

  it('the summary from summed contributions equals the summary counted claim by claim', () => {
    for (const schemeId of [XIAOGAN, LISHUI]) {
      const s = scheme(schemeId);
      const county = schemeId === LISHUI ? LIANDU : DAWU;
      const statuses = ['RECEIVED', 'PENDING_REVIEW', 'REJECTED', 'CLOSED_NO_PAYOUT', 'SETTLING', 'PAID', 'FAILED', 'APPROVED'];
      const claims: ClaimFacts[] = [];
      for (let i = 0; i < 60; i++) {
        const status = statuses[i % statuses.length] as string;
        claims.push({
          schemeId,
          product: i % 3 === 0 ? 'ACCIDENT' : 'MEDICAL',
          incidentDate: '2024-03-01',
          county: i % 5 === 0 ? null : i % 2 ? county : XIAONAN,
          status,
          payout: status === 'REJECTED' ? null : 1000 * i + 7,
          createdAt: `2024-03-0${1 + (i % 8)}T08:00:00.000Z`,
          paidAt: status === 'PAID' ? `2024-03-${10 + (i % 9)}T08:00:00.000Z` : null,
        });
      }
      const households = [
        household({ schemeId, county, members: ['P-1', 'P-2'] }),
        household({ schemeId, county, members: ['P-1'], start: '2023-06-01', end: '2024-05-31' }),
      ];
      const sum: Counters = {};
      for (const c of claims) addInto(sum, claimContribution(c, s.holidays));
      for (const h of households) for (const y of householdContribution(h, s)) if (y.year === '2024') addInto(sum, y.counters);
      const fromTotals = summaryFromCounters(s, 2024, sum);

      // Counted the way the route did before the totals existed.
      type B = { count: number; payout: number; byStatus: Record<string, number> };
      const bucket = (): B => ({ count: 0, payout: 0, byStatus: {} });
      const add = (b: B, c: ClaimFacts) => {
        b.count++;
        b.byStatus[c.status] = (b.byStatus[c.status] ?? 0) + 1;
        if (c.status === 'SETTLING' || c.status === 'PAID') b.payout += c.payout ?? 0;
      };
      const total = bucket();
      const byProduct: Record<string, B> = {};
      const byCounty: Record<string, B> = {};
      let paid = 0,
        within = 0,
        paidAmount = 0,
        outstanding = 0;
      for (const c of claims) {
        add(total, c);
        add((byProduct[c.product] ??= bucket()), c);
        add((byCounty[c.county ?? 'UNKNOWN'] ??= bucket()), c);
        if (c.status === 'PAID' && c.paidAt) {
          paid++;
          paidAmount += c.payout ?? 0;
          if (workingDaysBetween(c.createdAt, c.paidAt, s.holidays) <= PAYMENT_TARGET_WORKING_DAYS) within++;
        }
        if (c.status === 'SETTLING') outstanding += c.payout ?? 0;
      }
      const premiums = households.map((h) => premiumSplit(s, h));
      const premium = premiums.reduce((a, p) => a + p.premium, 0);
      expect(fromTotals).toEqual({
        schemeId,
        year: 2024,
        claims: total,
        byProduct,
        byCounty,
        payment: { targetWorkingDays: 5, paid, paidWithinTarget: within, complianceBp: paid ? mulDivFloor(within, 10_000, paid) : null },
        premiums: {
          households: 2,
          premium,
          subsidy: premiums.reduce((a, p) => a + p.subsidy, 0),
          householdPays: premiums.reduce((a, p) => a + p.householdPays, 0),
          riskReserve: premiums.reduce((a, p) => a + p.reserve, 0),
          reserveRateBp: s.reserveRateBp,
        },
        losses: {
          paid: paidAmount,
          outstanding,
          incurred: paidAmount + outstanding,
          lossRatioBp: premium ? mulDivFloor(paidAmount + outstanding, 10_000, premium) : null,
        },
        riskCorridor: medicalCorridor(s, premiums, byProduct.MEDICAL?.payout ?? 0),
      });
      expect(paid).toBeGreaterThan(0);
    }
  });
});
