/**
 * problem+json in the reader's language: the title is translated, the `type` URI that clients branch on is
 * the same in every language, and every title the API can send has both forms.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../core/i18n/index.js';
import { problem, problemType } from '../../functions/api/http.js';
import { PROJECT_ROOT } from '../../lib/lambda.js';
import { filesUnder } from '../support/source-files.js';

describe('problem+json titles', () => {
  it('has a Chinese and an English title for every title the API writes', () => {
    const titles = new Set<string>();
    // The handlers' titles, and those of the embedded server's own layers (routing, token, console, API reference).
    for (const f of [...filesUnder(join(PROJECT_ROOT, 'functions'), '.ts'), ...filesUnder(join(PROJECT_ROOT, 'embedded'), '.ts')]) {
      const src = readFileSync(f, 'utf8');
      for (const m of src.matchAll(/(?:HttpError|problem)\(\s*(?:res,\s*)?\d{3},\s*'([^']+)'/g)) titles.add(m[1]!);
      // Titles chosen by a condition: HttpError(403, cond ? 'A' : 'B', …)
      for (const m of src.matchAll(/HttpError\(\s*\d{3},\s*[^,'`]*\?\s*'([^']+)'\s*:\s*'([^']+)'/g)) titles.add(m[1]!).add(m[2]!);
    }
    expect(titles.size).toBeGreaterThan(15);
    const missing = [...titles].filter((t) => !(`problem.${t}` in CATALOGUE['zh-CN']) || !(`problem.${t}` in CATALOGUE.en));
    expect(missing, 'add these titles to core/i18n/catalogue.ts (problem.*) in both languages').toEqual([]);
  });

  it('writes the title in the reader language and keeps the type the same', () => {
    const zh = problem(409, 'Not ready', 'the claim is being decided', [], {}, 'zh-CN');
    const en = problem(409, 'Not ready', 'the claim is being decided', [], {}, 'en');
    const zhBody = JSON.parse(zh.body as string);
    const enBody = JSON.parse(en.body as string);
    expect(zhBody).toMatchObject({ type: 'https://fangpin.dev/problems/not-ready', title: '尚未就绪', status: 409 });
    expect(enBody).toMatchObject({ type: 'https://fangpin.dev/problems/not-ready', title: 'Not ready', status: 409 });
    expect(zh.headers?.['content-language']).toBe('zh-CN');
    expect(en.headers?.['content-language']).toBe('en');
    expect(zh.headers?.['content-type']).toBe('application/problem+json');
  });

  it('names each kind of problem by a URI derived from its English title', () => {
    expect(problemType('Idempotency key reused')).toBe('https://fangpin.dev/problems/idempotency-key-reused');
    expect(problemType('Bad Idempotency-Key')).toBe('https://fangpin.dev/problems/bad-idempotency-key');
    expect(problemType('Validation failed')).toBe('https://fangpin.dev/problems/validation-failed');
  });
});
