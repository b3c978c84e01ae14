/**
 * Sentences in both languages: the catalogue is complete and consistent, every key the core writes exists,
 * and the README's worked example (Dawu, 9,600.00 元) reads exactly as the core renders it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decideClaim, type Decision } from '../../core/index.js';
import { CATALOGUE, LANGS, negotiateLang, render, renderText, type Lang, type Message } from '../../core/i18n/index.js';
import { claim, DAWU, household, LISHUI, scheme, XIAOGAN } from './fixtures.js';
import { filesUnder } from '../support/source-files.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const placeholders = (text: string) =>
  [...text.matchAll(/\{\{\s*([^,}\s]+)\s*(?:,\s*([^}\s]+))?\s*\}\}/g)].map((m) => `${m[1]}:${m[2] ?? ''}`).sort();

describe('the message catalogue', () => {
  it('has the same keys in zh-CN and en', () => {
    expect(Object.keys(CATALOGUE['zh-CN']).sort()).toEqual(Object.keys(CATALOGUE.en).sort());
  });

  it('has the same placeholders, with the same formats, in both languages', () => {
    for (const key of Object.keys(CATALOGUE.en)) {
      expect(placeholders(CATALOGUE['zh-CN'][key] ?? ''), key).toEqual(placeholders(CATALOGUE.en[key] ?? ''));
    }
  });

  it('has every key the core writes (message(...) and capLabel in core/)', () => {
    const used = new Set<string>();
    for (const f of filesUnder(join(ROOT, 'core'), '.ts')) {
      const src = readFileSync(f, 'utf8');
      for (const m of src.matchAll(/message\(\s*'([^']+)'/g)) used.add(m[1]!);
      for (const m of src.matchAll(/capLabel: '([^']+)'/g)) used.add(m[1]!);
      for (const m of src.matchAll(/\? '(explain\.[^']+)' : '(explain\.[^']+)'/g)) used.add(m[1]!).add(m[2]!);
    }
    expect(used.size).toBeGreaterThan(30);
    for (const key of used) expect(Object.keys(CATALOGUE.en), key).toContain(key);
  });
});

describe('Accept-Language', () => {
  it.each<[string | undefined, Lang]>([
    [undefined, 'zh-CN'],
    ['', 'zh-CN'],
    ['fr-FR', 'zh-CN'],
    ['en', 'en'],
    ['en-US,en;q=0.9', 'en'],
    ['zh-CN,zh;q=0.9,en;q=0.8', 'zh-CN'],
    ['fr;q=1, en;q=0.5, zh;q=0.7', 'zh-CN'],
    ['de, en-GB;q=0.8', 'en'],
    ['zh-Hans', 'zh-CN'],
    ['en;q=0', 'zh-CN'],
  ])('%j → %s', (header, lang) => expect(negotiateLang(header)).toBe(lang));
});

function steps(d: Decision, lang: Lang): string[] {
  if (d.status === 'REJECTED') throw new Error(`rejected: ${d.reasonCode}`);
  return d.assessment.describe().map((m) => render(m, lang));
}

const dawu = () =>
  decideClaim({
    claim: claim('MEDICAL', { hospitalCode: 'H', invoiceNo: 'I', totalCost: 4_000_000, basicInsurancePaid: 2_000_000, criticalIllnessPaid: 500_000 }),
    scheme: scheme(XIAOGAN),
    household: household({ county: DAWU }),
    ytd: {},
  });

describe("the README's worked example (Dawu, 9,600.00 元)", () => {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');

  it('is explained in Chinese word for word as the README shows it', () => {
    const zh = steps(dawu(), 'zh-CN');
    expect(zh.at(-1)).toBe('赔付金额 = min(9,600.00 元, 96,000.00 元) = 9,600.00 元');
    expect(readme).toContain(['```text', ...zh, '```'].join('\n'));
  });

  it('is explained in English with the same figures', () => {
    const en = steps(dawu(), 'en');
    expect(en.at(-1)).toBe('payout = min(9,600.00, 96,000.00) = 9,600.00 yuan');
    expect(readme).toContain(['```text', ...en, '```'].join('\n'));
    const figures = (lines: string[]) => lines.join(' ').match(/\d[\d,]*\.\d\d/g);
    expect(figures(steps(dawu(), 'zh-CN'))).toEqual(figures(en));
  });
});

describe('every product explains itself in both languages, with nothing left unrendered', () => {
  const cases: [string, Decision][] = [
    ['MEDICAL', dawu()],
    [
      'ACCIDENT outpatient',
      decideClaim({
        claim: claim('ACCIDENT', { kind: 'OUTPATIENT', expense: 50_000 }),
        scheme: scheme(LISHUI),
        household: household({ schemeId: LISHUI, county: '331102' }),
        ytd: {},
      }),
    ],
    [
      'ACCIDENT disability',
      decideClaim({
        claim: claim('ACCIDENT', { kind: 'DISABILITY', grade: 5 }),
        scheme: scheme(LISHUI),
        household: household({ schemeId: LISHUI, county: '331102' }),
        ytd: {},
      }),
    ],
    [
      'EDUCATION',
      decideClaim({
        claim: claim('EDUCATION', { stage: 'PRIMARY', expense: 100_000 }),
        scheme: scheme(XIAOGAN),
        household: household({ products: ['EDUCATION'] }),
        ytd: {},
      }),
    ],
    [
      'DISASTER',
      decideClaim({
        claim: claim('DISASTER', { cause: 'FLOOD', damage: 'COLLAPSE', assessedLoss: 1_000_000 }),
        scheme: scheme(XIAOGAN),
        household: household(),
        ytd: {},
      }),
    ],
    [
      'INDUSTRY',
      decideClaim({
        claim: claim('INDUSTRY', { kind: 'INDEMNITY', assessedLoss: 300_000 }),
        scheme: scheme(XIAOGAN),
        household: household(),
        ytd: {},
      }),
    ],
    [
      'LOAN_GUARANTEE',
      decideClaim({
        claim: claim('LOAN_GUARANTEE', { loanId: 'L', bankId: 'B', outstandingPrincipal: 1_000_000, unpaidInterest: 5_000, recoveries: 0 }),
        scheme: scheme(LISHUI),
        household: household({ schemeId: LISHUI, county: '331102' }),
        ytd: {},
      }),
    ],
  ];
  it.each(cases)('%s', (_name, d) => {
    for (const lang of LANGS) {
      const lines = steps(d, lang);
      expect(lines.length).toBeGreaterThan(1);
      for (const line of lines) {
        expect(line).not.toMatch(/\{\{|\}\}|^explain\./);
        if (lang === 'zh-CN') expect(line).toMatch(/[\u4e00-\u9fff]/);
      }
    }
  });

  it('a rejection says why in both languages, codes translated in Chinese', () => {
    const d = decideClaim({
      claim: claim('EDUCATION', { stage: 'HIGHER', expense: 100_000 }),
      scheme: scheme(XIAOGAN),
      household: household({ products: ['EDUCATION'] }),
      ytd: {},
    });
    if (d.status !== 'REJECTED') throw new Error('expected a rejection');
    expect(d.reasonCode).toBe('STAGE_NOT_ELIGIBLE');
    expect(render(d.detail, 'en')).toBe('stage HIGHER is not covered; covered: PRIMARY, JUNIOR_SECONDARY');
    expect(render(d.detail, 'zh-CN')).toBe('学段“高等教育”不在保障范围内；保障范围：小学、初中');
  });

  it('text stored before messages existed reads as it was', () => {
    const legacy: unknown = 'payout = min(1.00, 2.00) = 1.00 yuan';
    expect(renderText(legacy, 'zh-CN')).toBe(legacy);
    const m: Message = { key: 'reason.DUPLICATE_INVOICE' };
    expect(renderText(m, 'zh-CN')).toBe('该医院发票已申请过理赔');
  });
});
