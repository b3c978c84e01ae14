/** Scheme files parse; malformed schemes fail with the field path; the premium split (spec 4) by hand. */
import { describe, expect, it } from 'vitest';
import { parseScheme, premiumSplit } from '../../core/index.js';
import { loadSchemes } from '../../core/catalogue.js';
import { LISHUI, XIAOGAN, household, scheme, schemeJson } from './fixtures.js';

describe('scheme files', () => {
  it('both scheme files parse and the catalogue holds them', () => {
    const all = loadSchemes();
    expect([...all.keys()]).toEqual(expect.arrayContaining([LISHUI, XIAOGAN]));
    expect(parseScheme(schemeJson('xiaogan-2024.json')).schemeId).toBe(XIAOGAN);
    expect(parseScheme(schemeJson('lishui-2017.json')).schemeId).toBe(LISHUI);
  });

  it('the parsed figures are the spec figures', () => {
    const x = scheme(XIAOGAN);
    expect(x.products.MEDICAL?.deductible).toBe(500000);
    expect(x.products.MEDICAL?.cap).toBe(8000000);
    expect(x.products.MEDICAL?.upliftCounties).toEqual({ '420922': 12000, '420921': 12000 });
    expect(x.products.MEDICAL?.underwriters.map((u) => u.shareBp)).toEqual([4000, 3500, 2500]);
    expect(x.products.ACCIDENT).toBeUndefined();
    const l = scheme(LISHUI);
    expect(l.products.MEDICAL?.cap).toBe(10000000);
    expect(l.products.LOAN_GUARANTEE).toMatchObject({ insurerBp: 7000, bankBp: 3000 });
    expect(l.products.DISASTER?.underwriters.map((u) => u.shareBp)).toEqual([5000, 3000, 2000]);
    expect(l.products.EDUCATION).toBeUndefined();
  });
});

describe('malformed schemes are rejected with the field path', () => {
  // biome-ignore lint/suspicious/noExplicitAny: each case breaks the scheme's JSON in its own way
  it.each<[string, (j: any) => void, string]>([
    ['pool shares summing to 9999', (j) => (j.products.MEDICAL.underwriters[2].shareBp = 2499), 'products.MEDICAL.underwriters'],
    ['a band gap', (j) => (j.products.MEDICAL.bands[1].from = 2000001), 'products.MEDICAL.bands.1.from'],
    ['a band overlap', (j) => (j.products.MEDICAL.bands[1].from = 1999999), 'products.MEDICAL.bands.1.from'],
    ['a closed last band', (j) => (j.products.MEDICAL.bands[2].to = 9000000), 'products.MEDICAL.bands.2.to'],
    ['a negative cap', (j) => (j.products.MEDICAL.cap = -1), 'products.MEDICAL.cap'],
    ['a fractional cap', (j) => (j.products.EDUCATION.cap = 2000000.5), 'products.EDUCATION.cap'],
    ['a string where a number is expected', (j) => (j.reviewThreshold = '2000000'), 'reviewThreshold'],
    ['a string band bp', (j) => (j.products.MEDICAL.bands[0].bp = '8000'), 'products.MEDICAL.bands.0.bp'],
    ['an uplift below 10000', (j) => (j.products.MEDICAL.upliftCounties['420922'] = 9000), 'products.MEDICAL.upliftCounties.420922'],
    ['duplicate underwriters', (j) => (j.products.DISASTER.underwriters[1].insurerId = 'XG-POOL-1'), 'products.DISASTER.underwriters'],
    ['weather bands not contiguous', (j) => (j.products.INDUSTRY.weatherIndex.bands[0].maxMm = 240), 'products.INDUSTRY.weatherIndex.bands.0.maxMm'],
    ['a premium subsidy for an unknown category', (j) => (j.premiums[0].subsidyBpByCategory.DIBAO = 10000), 'premiums.0.subsidyBpByCategory.DIBAO'],
    ['a premium for a product not offered', (j) => (j.premiums[0].products = ['ACCIDENT']), 'premiums.0.products.0'],
  ])('Xiaogan with %s', (_n, mutate, path) => {
    const j = schemeJson('xiaogan-2024.json');
    mutate(j);
    expect(() => parseScheme(j)).toThrowError(Error);
    expect(() => parseScheme(j)).toThrowError(path);
  });

  it('Lishui with insurerBp + bankBp ≠ 10000', () => {
    const j = schemeJson('lishui-2017.json');
    j.products.LOAN_GUARANTEE.bankBp = 2999;
    expect(() => parseScheme(j)).toThrowError('products.LOAN_GUARANTEE.bankBp');
  });
});

describe('premiumSplit (spec 4)', () => {
  it('Xiaogan LIFTED_OUT, 3 members, MEDICAL', () => {
    // premium 12000 × 3 = 36000; subsidy 36000 × 8000 / 10000 = 28800; household 36000 − 28800 = 7200;
    // reserve 36000 × 500 / 10000 = 1800.
    const p = premiumSplit(scheme(XIAOGAN), household({ category: 'LIFTED_OUT', products: ['MEDICAL'] }));
    expect({ premium: p.premium, subsidy: p.subsidy, householdPays: p.householdPays, reserve: p.reserve }).toEqual({
      premium: 36000,
      subsidy: 28800,
      householdPays: 7200,
      reserve: 1800,
    });
    expect(p.lines).toHaveLength(1);
    expect(p.lines[0]).toMatchObject({ unit: 'PERSON', units: 3, premium: 36000, subsidyBp: 8000, subsidy: 28800, householdPays: 7200 });
  });

  it('Xiaogan GENERAL_FARMER gets 4000 bp', () => {
    // 36000 × 4000 / 10000 = 14400; pays 21600; reserve 1800.
    const p = premiumSplit(scheme(XIAOGAN), household({ category: 'GENERAL_FARMER', products: ['MEDICAL'] }));
    expect({ premium: p.premium, subsidy: p.subsidy, householdPays: p.householdPays, reserve: p.reserve }).toEqual({
      premium: 36000,
      subsidy: 14400,
      householdPays: 21600,
      reserve: 1800,
    });
  });

  it('Xiaogan EDGE_AT_RISK gets 6000 bp; one premium for several products under the same rule', () => {
    // 36000 × 6000 / 10000 = 21600; pays 14400. MEDICAL + EDUCATION + DISASTER share one 120-yuan rule: not tripled.
    const p = premiumSplit(scheme(XIAOGAN), household({ category: 'EDGE_AT_RISK', products: ['MEDICAL', 'EDUCATION', 'DISASTER'] }));
    expect({ premium: p.premium, subsidy: p.subsidy, householdPays: p.householdPays }).toEqual({
      premium: 36000,
      subsidy: 21600,
      householdPays: 14400,
    });
  });

  it('Xiaogan odd member count: 1 member LIFTED_OUT', () => {
    // 12000 × 0.8 = 9600; pays 2400; reserve 600.
    const p = premiumSplit(scheme(XIAOGAN), household({ members: ['P1'], products: ['MEDICAL'] }));
    expect({ premium: p.premium, subsidy: p.subsidy, householdPays: p.householdPays, reserve: p.reserve }).toEqual({
      premium: 12000,
      subsidy: 9600,
      householdPays: 2400,
      reserve: 600,
    });
  });

  it('Lishui INDUSTRY is subsidised 50%', () => {
    // household unit: 6000; subsidy 6000 × 5000 / 10000 = 3000; pays 3000; reserve 6000 × 500 / 10000 = 300.
    const p = premiumSplit(scheme(LISHUI), household({ schemeId: LISHUI, products: ['INDUSTRY'] }));
    expect({ premium: p.premium, subsidy: p.subsidy, householdPays: p.householdPays, reserve: p.reserve }).toEqual({
      premium: 6000,
      subsidy: 3000,
      householdPays: 3000,
      reserve: 300,
    });
    expect(p.lines[0]).toMatchObject({ unit: 'HOUSEHOLD', units: 1, subsidyBp: 5000 });
  });

  it('Lishui every product, 2 members DIBAO', () => {
    // ACCIDENT 2000 × 2 = 4000 (fully subsidised); MEDICAL 10000 × 2 = 20000 (full); DISASTER 3000 (full);
    // INDUSTRY 6000 (half: 3000); LOAN_GUARANTEE 5000 (full).
    // premium 4000 + 20000 + 3000 + 6000 + 5000 = 38000; subsidy 4000 + 20000 + 3000 + 3000 + 5000 = 35000;
    // household pays 3000; reserve 38000 × 500 / 10000 = 1900.
    const p = premiumSplit(
      scheme(LISHUI),
      household({ schemeId: LISHUI, members: ['P1', 'P2'], products: ['ACCIDENT', 'MEDICAL', 'DISASTER', 'INDUSTRY', 'LOAN_GUARANTEE'] }),
    );
    expect({ premium: p.premium, subsidy: p.subsidy, householdPays: p.householdPays, reserve: p.reserve }).toEqual({
      premium: 38000,
      subsidy: 35000,
      householdPays: 3000,
      reserve: 1900,
    });
    expect(p.lines).toHaveLength(5);
  });
});
