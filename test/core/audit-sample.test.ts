/** After-payment audit sampling (core/audit-sample.ts), the public notice's masking and CSV cells, the GB18030 encoder. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { inRandomShare, pickSample, sampleDraw } from '../../core/audit-sample.js';
import { csvCell, cstDayRange, maskName, yuanPlain } from '../../core/public-notice.js';
import { encodeGb18030 } from '../../core/gb18030.js';

const claimId = fc.stringMatching(/^C-[0-9a-f]{8,32}$/);
const candidates = fc.uniqueArray(fc.record({ claimId, payout: fc.integer({ min: 0, max: 10_000_000 }) }), {
  selector: (c) => c.claimId,
  maxLength: 60,
});
const params = fc.record({
  randomBp: fc.integer({ min: 0, max: 10_000 }),
  minPayout: fc.integer({ min: 0, max: 10_000_000 }),
  seed: fc.string({ minLength: 1, maxLength: 20 }),
});

describe('sample draw', () => {
  it('is the first 8 bytes of SHA-256(seed:claimId), big-endian, mod 10000', () => {
    const h = createHash('sha256').update('2026-Q4:C-abc').digest();
    expect(sampleDraw('2026-Q4', 'C-abc')).toBe(Number(h.readBigUInt64BE(0) % 10000n));
    expect(sampleDraw('2026-Q4', 'C-abc')).toBe(sampleDraw('2026-Q4', 'C-abc'));
  });
  it('0 bp picks nothing, 10000 bp everything', () => {
    fc.assert(fc.property(fc.string(), claimId, (seed, id) => !inRandomShare(seed, id, 0) && inRandomShare(seed, id, 10_000)));
  });
  it('a random share of about randomBp (2,000 claims, 25%: within 3 points)', () => {
    const ids = Array.from({ length: 2000 }, (_, i) => `C-${i}`);
    const share = ids.filter((id) => inRandomShare('audit-2026', id, 2500)).length / ids.length;
    expect(share).toBeGreaterThan(0.22);
    expect(share).toBeLessThan(0.28);
  });
});

describe('pickSample', () => {
  it('every claim at or above minPayout; below it exactly those whose draw is under randomBp; each once, sorted', () => {
    fc.assert(
      fc.property(candidates, params, (cs, p) => {
        const sample = pickSample(cs, p);
        const ids = sample.map((s) => s.claimId);
        expect(ids).toEqual([...ids].sort());
        expect(new Set(ids).size).toBe(ids.length);
        for (const c of cs) {
          const entry = sample.find((s) => s.claimId === c.claimId);
          if (c.payout >= p.minPayout) expect(entry?.reasons).toEqual(['AMOUNT']);
          else if (sampleDraw(p.seed, c.claimId) < p.randomBp) expect(entry?.reasons).toEqual(['RANDOM']);
          else expect(entry).toBeUndefined();
        }
      }),
    );
  });
  it('does not depend on the order of the claims (re-derivable from the record)', () => {
    fc.assert(
      fc.property(candidates, params, (cs, p) => {
        expect(pickSample([...cs].reverse(), p)).toEqual(pickSample(cs, p));
      }),
    );
  });
  it('a larger randomBp only adds claims; another seed draws others', () => {
    fc.assert(
      fc.property(candidates, params, fc.integer({ min: 0, max: 10_000 }), (cs, p, more) => {
        const small = new Set(pickSample(cs, p).map((s) => s.claimId));
        const big = new Set(pickSample(cs, { ...p, randomBp: Math.max(p.randomBp, more) }).map((s) => s.claimId));
        for (const id of small) expect(big.has(id)).toBe(true);
      }),
    );
    const cs = Array.from({ length: 200 }, (_, i) => ({ claimId: `C-${i}`, payout: 100 }));
    const a = pickSample(cs, { randomBp: 1000, minPayout: 1_000_000, seed: 'a' }).map((s) => s.claimId);
    const b = pickSample(cs, { randomBp: 1000, minPayout: 1_000_000, seed: 'b' }).map((s) => s.claimId);
    expect(a).not.toEqual(b);
  });
  it('objected claims are in, whatever their amount and draw, with OBJECTION among their reasons', () => {
    const sample = pickSample(
      [
        { claimId: 'C-1', payout: 5 },
        { claimId: 'C-2', payout: 9_000_000 },
      ],
      { randomBp: 0, minPayout: 1_000_000, seed: 's' },
      ['C-1', 'C-2', 'C-9'],
    );
    expect(sample).toEqual([
      { claimId: 'C-1', reasons: ['OBJECTION'] },
      { claimId: 'C-2', reasons: ['AMOUNT', 'OBJECTION'] },
      { claimId: 'C-9', reasons: ['OBJECTION'] },
    ]);
  });
});

describe('public notice', () => {
  it('masks a name to its first character and one *', () => {
    expect(maskName('张三')).toBe('张*');
    expect(maskName('欧阳娜娜')).toBe('欧*');
    expect(maskName('𠀀明')).toBe('𠀀*'); // a character outside the BMP stays whole
    expect(maskName(undefined)).toBe('*');
    expect(maskName('  ')).toBe('*');
    fc.assert(fc.property(fc.string({ minLength: 2 }), (n) => !maskName(n).includes(n.trim()) || Array.from(n.trim()).length <= 1));
  });
  it('a period is China days: [from 00:00 +08:00, the day after to 00:00 +08:00)', () => {
    expect(cstDayRange('2026-11-01', '2026-11-30')).toEqual({ start: '2026-10-31T16:00:00.000Z', end: '2026-11-30T16:00:00.000Z' });
  });
  it('CSV cells: quoted when needed, formulas defused; yuan from fen exactly', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('=1+1')).toBe("'=1+1");
    expect(csvCell(null)).toBe('');
    expect(yuanPlain(960000)).toBe('9600.00');
    expect(yuanPlain(5)).toBe('0.05');
    expect(yuanPlain(Number.MAX_SAFE_INTEGER)).toBe('90071992547409.91');
  });
});

describe('GB18030 encoder', () => {
  const decode = (b: Uint8Array) => new TextDecoder('gb18030').decode(b);
  it("encodes the notice's words as a Chinese Windows reads them", () => {
    expect(Buffer.from(encodeGb18030('张*,大悟县')).toString('hex')).toBe('d5c52a2cb4f3cef2cfd8');
    expect(decode(encodeGb18030('赔案号,姓名,区县,险种,赔付金额（元）,审批日期\r\n'))).toBe('赔案号,姓名,区县,险种,赔付金额（元）,审批日期\r\n');
  });
  it('round-trips any text without private-use characters or lone surrogates', () => {
    const text = fc.string({
      unit: fc.oneof(
        fc.constantFrom(...'张王李欧阳娜€·—　'),
        fc
          .integer({ min: 0x20, max: 0x10ffff })
          .filter((c) => (c < 0xd800 || c > 0xdfff) && (c < 0xe000 || c > 0xf8ff))
          .map((c) => String.fromCodePoint(c)),
      ),
    });
    fc.assert(fc.property(text, (t) => decode(encodeGb18030(t)) === t));
  });
});
