/**
 * No floating point touches money (spec 3): every .ts under core/ is scanned, after stripping comments and
 * string, template and regex literals (template ${…} expressions are kept and scanned), for parseFloat, toFixed,
 * Math.round( (allowed only in core/household.ts, which converts mu to hundredths) and decimal literals.
 */
import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { filesUnder } from '../support/source-files.js';

const CORE = fileURLToPath(new URL('../../core/', import.meta.url));

const REGEX_PREV = new Set(['', '(', ',', '=', ':', '[', '!', '&', '|', '?', '{', '}', ';', '+', '-', '*', '%', '<', '>', '~', '^']);
const REGEX_KEYWORDS = /(?:^|[^\w$])(?:return|typeof|case|in|of|delete|void|throw|new|instanceof|yield|await)$/;

/** Replace comments and literal text by spaces; keep code, including template expressions. */
function stripLiterals(src: string): string {
  let i = 0;
  const blank = (s: string) => s.replace(/[^\n]/g, ' ');

  function code(untilBrace: boolean): string {
    let out = '';
    let depth = 0;
    while (i < src.length) {
      const c = src[i] as string;
      const n = src[i + 1];
      if (c === '/' && n === '/') {
        const end = src.indexOf('\n', i);
        const stop = end === -1 ? src.length : end;
        out += blank(src.slice(i, stop));
        i = stop;
      } else if (c === '/' && n === '*') {
        const end = src.indexOf('*/', i + 2);
        const stop = end === -1 ? src.length : end + 2;
        out += blank(src.slice(i, stop));
        i = stop;
      } else if (c === '/') {
        const before = out.trimEnd();
        const prev = before.slice(-1);
        if (REGEX_PREV.has(prev) || REGEX_KEYWORDS.test(before)) {
          const start = i;
          i++;
          let inClass = false;
          while (i < src.length) {
            const r = src[i];
            if (r === '\\') i += 2;
            else if (r === '[' || r === ']') {
              inClass = r === '[';
              i++;
            } else if (r === '/' && !inClass) break;
            else if (r === '\n') break;
            else i++;
          }
          i++;
          while (i < src.length && /[a-z]/i.test(src[i] as string)) i++;
          out += blank(src.slice(start, i));
        } else {
          out += c;
          i++;
        }
      } else if (c === '"' || c === "'") {
        const start = i;
        i++;
        while (i < src.length && src[i] !== c && src[i] !== '\n') i += src[i] === '\\' ? 2 : 1;
        i++;
        out += blank(src.slice(start, i));
      } else if (c === '`') {
        out += template();
      } else if (c === '{') {
        depth++;
        out += c;
        i++;
      } else if (c === '}') {
        if (untilBrace && depth === 0) return out;
        depth--;
        out += c;
        i++;
      } else {
        out += c;
        i++;
      }
    }
    return out;
  }

  function template(): string {
    let out = ' ';
    i++; // opening backtick
    while (i < src.length) {
      const c = src[i];
      if (c === '\\') {
        out += blank(src.slice(i, i + 2));
        i += 2;
      } else if (c === '`') {
        i++;
        return `${out} `;
      } else if (c === '$' && src[i + 1] === '{') {
        i += 2;
        out += `  ${code(true)}`;
        i++; // closing brace
        out += ' ';
      } else {
        out += c === '\n' ? '\n' : ' ';
        i++;
      }
    }
    return out;
  }

  return code(false);
}

describe('the stripper', () => {
  it.each<[string, string, boolean]>([
    ['comment', 'const a = 1; // 1.5 yuan\n', false],
    ['block comment', '/* 0.8 */ const a = 1;', false],
    ['string', "const s = '1.5';", false],
    ['double-quoted string', 'const s = "2.25 // not a comment";', false],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: source text with a template literal, for the stripper
    ['template text', 'const s = `rate 0.8 and ${a} 1.2`;', false],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: source text with a template literal, for the stripper
    ['template expression', 'const s = `rate ${a * 0.8}`;', true],
    // biome-ignore lint/suspicious/noTemplateCurlyInString: source text with a template literal, for the stripper
    ['nested template', 'const s = `a ${`b ${x + 1.5}`}`;', true],
    ['regex literal', "const r = /\\d+\\.\\d+/; const t = 'x';", false],
    ['regex with quote', "const r = /'/g; const y = 2.5;", true],
    ['division is not a regex', 'const a = b / 2.5 / c;', true],
    ['code', 'const a = 0.5;', true],
  ])('%s', (_n, src, hasDecimal) => {
    expect(/\b\d+\.\d+\b/.test(stripLiterals(src))).toBe(hasDecimal);
  });
});

describe('no floating point in core/', () => {
  const files = filesUnder(CORE, '.ts');

  it('finds the core sources, and stripping keeps the code (same length and lines)', () => {
    expect(files.length).toBeGreaterThanOrEqual(15);
    for (const f of files) {
      const src = readFileSync(f, 'utf8');
      const stripped = stripLiterals(src);
      expect(stripped.length).toBe(src.length);
      expect(stripped.split('\n').length).toBe(src.split('\n').length);
    }
    const money = stripLiterals(readFileSync(join(CORE, 'money.ts'), 'utf8'));
    expect(money).toContain('export function mulDivFloor(a: number, b: number, c: number): number');
    expect(money).toContain('export function formatYuan(fen: number | bigint): string');
  });

  it.each(files.map((f) => [relative(CORE, f).split(sep).join('/'), f]))('%s', (name, file) => {
    const stripped = stripLiterals(readFileSync(file, 'utf8'));
    const problems: string[] = [];
    stripped.split('\n').forEach((line, n) => {
      if (/\bparseFloat\b/.test(line)) problems.push(`${name}:${n + 1}: parseFloat`);
      if (/\btoFixed\b/.test(line)) problems.push(`${name}:${n + 1}: toFixed`);
      if (name !== 'household.ts' && /\bMath\.round\s*\(/.test(line)) problems.push(`${name}:${n + 1}: Math.round(`);
      const dec = line.match(/\b\d+\.\d+\b/);
      if (dec) problems.push(`${name}:${n + 1}: decimal literal ${dec[0]}`);
    });
    expect(problems).toEqual([]);
  });
});
