/** The console's pure parts: every message in both languages, exact money formatting, token decoding. */
import { describe, expect, it } from 'vitest';
import { en, zh } from '../../console/src/i18n/messages.js';
import { formatBp, formatFen } from '../../console/src/money.js';
import { decodeToken, isExpired } from '../../console/src/token.js';
import { issueToken } from '../../embedded/auth.js';

const placeholders = (s: string) => [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();

describe('messages', () => {
  it('every key exists in both languages, none empty, with the same placeholders', () => {
    const zhKeys = Object.keys(zh).sort();
    const enKeys = Object.keys(en).sort();
    expect(enKeys).toEqual(zhKeys);
    for (const k of zhKeys) {
      const z = zh[k as keyof typeof zh];
      const e = en[k as keyof typeof en];
      expect(z.trim(), `zh ${k}`).not.toBe('');
      expect(e.trim(), `en ${k}`).not.toBe('');
      expect(placeholders(e), `placeholders of ${k}`).toEqual(placeholders(z));
    }
  });

  it('uses the policy documents’ terms and the review words the tests look for', () => {
    expect(zh['figure.deductible']).toBe('起付线');
    expect(zh['figure.cap']).toBe('封顶线');
    expect(zh['case.allocations']).toContain('共保体');
    expect(zh['app.title']).toContain('防贫保险');
    expect(zh['case.publicity']).toContain('公示');
    expect([zh['action.approve'], zh['action.reject'], en['action.approve'], en['action.reject']]).toEqual(['批准', '驳回', 'Approve', 'Reject']);
  });
});

describe('money', () => {
  it('formats integer fen as yuan exactly, also past 2^53', () => {
    expect(formatFen(960_000)).toBe('9,600.00');
    expect(formatFen(5)).toBe('0.05');
    expect(formatFen(-123_456)).toBe('-1,234.56');
    expect(formatFen(0)).toBe('0.00');
    expect(formatFen(Number.MAX_SAFE_INTEGER)).toBe('90,071,992,547,409.91');
    expect(formatFen('123456789012345678901')).toBe('1,234,567,890,123,456,789.01');
    expect(formatFen(null)).toBe('—');
    expect(formatFen(0.5)).toBe('0.5'); // not an integer amount: shown as given, never rounded
  });

  it('formats basis points as exact percentages', () => {
    expect(formatBp(8000)).toBe('80%');
    expect(formatBp(12_000)).toBe('120%');
    expect(formatBp(3333)).toBe('33.33%');
    expect(formatBp(3510)).toBe('35.1%');
  });
});

describe('token', () => {
  it('reads role, subject and insurer from an embedded token, and refuses what is not one', async () => {
    const s = decodeToken(await issueToken('x'.repeat(64), 'insurer', 'XG-POOL-1'));
    expect(s).toMatchObject({ role: 'insurer', insurerId: 'XG-POOL-1', sub: 'insurer-XG-POOL-1' });
    expect(isExpired(s!, Date.now())).toBe(false);
    const old = decodeToken(await issueToken('x'.repeat(64), 'reviewer', undefined, -10));
    expect(old?.role).toBe('reviewer');
    expect(isExpired(old!, Date.now())).toBe(true);
    expect(decodeToken(`Bearer ${await issueToken('k', 'auditor')}`)?.role).toBe('auditor');
    expect(decodeToken('not a token')).toBeNull();
    const fake = (payload: object) => `e30.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.sig`;
    expect(decodeToken(fake({ 'fangpin:role': 'root' }))).toBeNull();
    expect(decodeToken(fake({ role: 'admin' }))).toBeNull();
    expect(decodeToken(fake({ 'fangpin:role': 'admin', sub: '管理员' }))?.sub).toBe('管理员');
  });
});
