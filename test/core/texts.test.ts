/**
 * Every sentence the API and the embedded server write for people (problem details, field errors, the request
 * schemas' own messages) has its Chinese, and none is written as a JavaScript template string, whose words
 * could not be looked up: sentences with figures go through `text('… {{name}} …', { name })`.
 *
 * Not scanned, on purpose: embedded/sfn and embedded/sdk (they answer as the AWS APIs they stand in for, in
 * AWS's English), core/scheme.ts (scheme files are the operator's data, checked when the server starts) and the
 * configuration modules (their messages stop a start, for whoever set the environment).
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as z from 'zod';
import { describe, expect, it } from 'vitest';
import { render, say, text, TEXTS_ZH } from '../../core/i18n/index.js';
import { ClaimSubmission } from '../../core/index.js';
import { fieldErrors, problem, validationError } from '../../functions/api/http.js';
import { PROJECT_ROOT } from '../../lib/lambda.js';
import { filesUnder } from '../support/source-files.js';

const SCANNED = [
  ...filesUnder(join(PROJECT_ROOT, 'functions'), '.ts'),
  ...filesUnder(join(PROJECT_ROOT, 'embedded'), '.ts').filter((f) => !/embedded[/\\](sfn|sdk)[/\\]/.test(f)),
  ...['household.ts', 'claim.ts', 'index-event.ts', 'medical-feed.ts', 'review-authority.ts'].map((f) => join(PROJECT_ROOT, 'core', f)),
].filter((f) => !f.endsWith('claims-repo.ts') && !f.endsWith('config.ts')); // claims-repo.ts raises the SDK's own ConditionalCheckFailedException

/** A quoted string at a place where a sentence for people goes; group 1 the quote, group 2 the words. */
const PLACES: readonly RegExp[] = [
  // HttpError(404, 'Title', 'detail'), problem(…), sendProblem(res, …), also with a title chosen by a condition
  /(?:HttpError|problem)\(\s*(?:res,\s*)?\d{3},\s*(?:'[^']*'|[^,'`]*\?\s*'[^']*'\s*:\s*'[^']*'),\s*(['`])((?:(?!\1)[^\\]|\\.)*)\1/g,
  // { path, message: '…' } and zod's { message: '…' }
  /\bmessage:\s*(['`])((?:(?!\1)[^\\]|\\.)*)\1/g,
  // zod's .regex(re, '…') and .refine(fn, '…')
  /\.(?:regex|refine|min|max|length|nonempty)\([^\n]*?,\s*(['`])((?:(?!\1)[^\\]|\\.)*)\1\)/g,
  // claims.ts's bad('field', '…')
  /\bbad\(\s*'[^']*',\s*(['`])((?:(?!\1)[^\\]|\\.)*)\1/g,
  // text('…') (imported as sentence() where a module has its own `text`): the key must be in the table too
  /\b(?:text|sentence)\(\s*(['"`])((?:(?!\1)[^\\]|\\.)*)\1/g,
];

function sentences(): { file: string; quote: string; words: string }[] {
  const found: { file: string; quote: string; words: string }[] = [];
  for (const file of SCANNED) {
    const src = readFileSync(file, 'utf8');
    for (const re of PLACES)
      for (const m of src.matchAll(re)) found.push({ file: relative(PROJECT_ROOT, file), quote: m[1]!, words: m[2]!.replace(/\\'/g, "'") });
  }
  return found;
}

const placeholders = (s: string) => [...s.matchAll(/\{\{\s*([^}]+?)\s*\}\}/g)].map((m) => m[1]).sort();

describe('the sentences the API writes', () => {
  const found = sentences();

  it('finds them (the scan itself works)', () => {
    expect(found.length).toBeGreaterThan(80);
    expect(found.map((f) => f.words)).toContain('no claim {{claimId}}');
    expect(found.map((f) => f.words)).toContain('expected a date YYYY-MM-DD');
  });

  it('writes none as a template string: sentences with figures use text() and {{placeholders}}', () => {
    const templated = found.filter((f) => f.quote === '`' && f.words.includes('${'));
    expect(templated.map((f) => `${f.file}: ${f.words}`)).toEqual([]);
  });

  it('has the Chinese of every one (core/i18n/texts.ts)', () => {
    const missing = [...new Set(found.filter((f) => !(f.words in TEXTS_ZH)).map((f) => `${f.file}: ${f.words}`))];
    expect(missing, 'add these to core/i18n/texts.ts').toEqual([]);
  });

  it('keeps every placeholder in the Chinese, and no Chinese left untranslated', () => {
    for (const [english, chinese] of Object.entries(TEXTS_ZH)) {
      expect(placeholders(chinese), english).toEqual(placeholders(english));
      expect(chinese, english).not.toBe(english);
    }
  });
});

describe('rendering', () => {
  it('renders a call site sentence in either language, with its figures; an unknown one stays in English', () => {
    expect(say(text('no claim {{claimId}}', { claimId: 'C-1' }), 'zh-CN')).toBe('没有理赔 C-1');
    expect(say(text('no claim {{claimId}}', { claimId: 'C-1' }), 'en')).toBe('no claim C-1');
    expect(say('unknown scheme', 'zh-CN')).toBe('未知的方案');
    expect(say('unknown scheme', 'en')).toBe('unknown scheme');
    expect(say('a sentence nobody translated', 'zh-CN')).toBe('a sentence nobody translated');
    expect(render(text('integer 1..{{max}}', { max: 100 }), 'en')).toBe('integer 1..100');
  });

  it('writes a validation problem in the reader language: the detail, zod own messages and the schemas own', () => {
    const parsed = ClaimSubmission.safeParse({
      schemeId: 'xiaogan-2024',
      product: 'MEDICAL',
      householdId: 'H1',
      personId: 'P1',
      incidentDate: '2024-02-30',
      details: {},
    });
    expect(parsed.success).toBe(false);
    const err = validationError(fieldErrors(parsed.success ? new z.ZodError([]) : parsed.error));
    const zh = JSON.parse(problem(err.status, err.title, err.detail, err.errors, {}, 'zh-CN').body as string);
    const en = JSON.parse(problem(err.status, err.title, err.detail, err.errors, {}, 'en').body as string);
    expect(zh.title).toBe('校验未通过');
    expect(en.title).toBe('Validation failed');
    // The same paths in both languages, in the same order.
    expect(zh.errors.map((e: { path: string }) => e.path)).toEqual(en.errors.map((e: { path: string }) => e.path));
    const zhByPath = Object.fromEntries(zh.errors.map((e: { path: string; message: string }) => [e.path, e.message]));
    const enByPath = Object.fromEntries(en.errors.map((e: { path: string; message: string }) => [e.path, e.message]));
    expect(enByPath.incidentDate).toBe('not a calendar date');
    expect(zhByPath.incidentDate).toBe('不是有效的日历日期');
    // zod's own message, through zod's zh-CN locale: the type received is named without keeping the value.
    const missing = Object.keys(enByPath).find((p) => /received undefined/.test(enByPath[p]));
    expect(missing, JSON.stringify(enByPath)).toBeDefined();
    expect(zhByPath[missing!]).toMatch(/^无效输入：期望 .+，实际接收 undefined$/);
    expect(zh.detail).toBe(`${zh.errors[0].path}：${zh.errors[0].message}`);
    expect(en.detail).toBe(`${en.errors[0].path}: ${en.errors[0].message}`);
    expect(JSON.stringify(zh)).not.toMatch(/Invalid input|expected a|not a calendar/);
  });

  it('names the type received by zod in Chinese without the value', () => {
    const parsed = z.object({ n: z.number() }).safeParse({ n: 'secret-value' });
    const [e] = fieldErrors(parsed.success ? new z.ZodError([]) : parsed.error);
    expect(say(e!.message, 'zh-CN')).toBe('无效输入：期望 数字，实际接收 string');
    expect(say(e!.message, 'zh-CN')).not.toContain('secret');
  });
});
