import { describe, expect, it } from 'vitest';
import { ClaimSubmission, parseScheme, prepareReplay, replay, type Household } from '../../core/index.js';
import { BUNDLED_SCHEMES_DIR, catalogueIn } from '../../core/catalogue.js';

const schemes = () => catalogueIn(BUNDLED_SCHEMES_DIR);

const xiaogan = schemes().get('xiaogan-2024')!;
const household = (id: string, county: string): Household => ({
  householdId: id,
  schemeId: 'xiaogan-2024',
  county,
  category: 'LIFTED_OUT',
  verifiedYear: 2024,
  exitedOn: null,
  members: [{ personId: `${id}-P` }],
  enrollment: { products: ['MEDICAL', 'DISASTER'], start: '2024-01-01', end: '2024-12-31', insured: {} },
});
const medical = (h: Household, invoiceNo: string, totalCost: number, date = '2024-03-01') => ({
  claim: ClaimSubmission.parse({
    schemeId: 'xiaogan-2024',
    product: 'MEDICAL',
    householdId: h.householdId,
    personId: `${h.householdId}-P`,
    incidentDate: date,
    details: { hospitalCode: 'H', invoiceNo, totalCost },
  }),
  household: h,
});

describe('replay', () => {
  it('re-decides a year with accumulators, duplicates and unknown households, totalling by product and county', () => {
    const a = household('A', '420902');
    const b = household('B', '420922');
    const items = [
      medical(a, 'I1', 1_500_000), // x = 1,000,000 × 80% = 800,000
      medical(a, 'I2', 1_500_000), // S 3,000,000: benefit 2,000,000 × 80% + 500,000 × 70% = 1,950,000 − 800,000 = 1,150,000
      medical(a, 'I2', 1_500_000), // the same invoice again: rejected
      medical(b, 'I3', 1_500_000), // Dawu uplift 120%: 960,000
      { claim: medical(a, 'I4', 1_000).claim, household: undefined }, // unknown household: rejected
    ];
    const t = replay(items, xiaogan);
    expect(t).toMatchObject({ claims: 5, rejected: 2, paid: 800_000 + 1_150_000 + 960_000 });
    expect(t.byCounty).toEqual({ '420902': { claims: 2, payout: 1_950_000 }, '420922': { claims: 1, payout: 960_000 } });
    expect(t.byProduct).toEqual({ MEDICAL: { claims: 3, payout: 2_910_000 } });
  });

  it('shows what a lower deductible would have paid', () => {
    // biome-ignore lint/suspicious/noExplicitAny: a modified copy of the scheme's JSON, checked by parseScheme
    const raw = JSON.parse(JSON.stringify(xiaogan)) as Record<string, any>;
    raw.products.MEDICAL.deductible = 300_000;
    const whatIf = parseScheme(raw);
    const a = household('A', '420902');
    // x = 1,500,000 − 300,000 = 1,200,000 × 80% = 960,000 instead of 800,000
    expect(replay([medical(a, 'I1', 1_500_000)], whatIf).paid).toBe(960_000);
  });
});

describe('prepared replay', () => {
  it('a prepared year replays the same under each scheme, any number of times (no state carried between runs)', () => {
    // biome-ignore lint/suspicious/noExplicitAny: a modified copy of the scheme's JSON, checked by parseScheme
    const raw = JSON.parse(JSON.stringify(xiaogan)) as Record<string, any>;
    raw.products.MEDICAL.deductible = 300_000;
    const whatIf = parseScheme(raw);
    const a = household('A', '420902');
    const b = household('B', '420922');
    const items = [
      medical(a, 'I1', 1_500_000),
      medical(b, 'I1', 900_000),
      medical(a, 'I2', 2_500_000, '2024-05-01'),
      medical(a, 'I1', 1_500_000, '2024-06-01'),
    ];
    const prepared = prepareReplay(items);
    expect(prepared.accumulators).toBe(2);
    expect(prepared.invoices).toBe(2);
    const first = [replay(prepared, xiaogan), replay(prepared, whatIf)];
    expect([replay(prepared, xiaogan), replay(prepared, whatIf)]).toEqual(first);
    expect(replay(items, xiaogan)).toEqual(first[0]);
    // I1 is consumed by the first claim: the second and the fourth are duplicates.
    expect(first[0]).toMatchObject({ claims: 4, rejected: 2 });
    expect(first[1]!.paid).toBeGreaterThan(first[0]!.paid);
  });
});
