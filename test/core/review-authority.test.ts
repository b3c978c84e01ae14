/** Authority limits and four eyes: every case of core/review-authority.ts, against the schemes' own limits. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decideReview, lowestLevelFor, parseScheme, reviewLimit, withinLimit, type ReviewLevel } from '../../core/index.js';
import { XIAOGAN, scheme, schemeJson } from './fixtures.js';
import { render } from '../../core/i18n/index.js';

const limits = scheme(XIAOGAN);
const first = (amount: number, submittedBy = 'agent-1') => ({ stage: 'FIRST' as const, amount, submittedBy });
const final = (amount: number, recommendedBy: string, submittedBy = 'agent-1') => ({ stage: 'FINAL' as const, amount, submittedBy, recommendedBy });
const reviewer = (level: ReviewLevel, sub = `rev-${level}`) => ({ sub, level });

describe('review authority', () => {
  it('the schemes carry the illustrative limits: 5,000,000 / 20,000,000 / unlimited fen', () => {
    expect([1, 2, 3].map((l) => reviewLimit(limits, l as ReviewLevel))).toEqual([5_000_000, 20_000_000, null]);
  });

  it.each([
    // level, amount, effect at the first review
    [1, 5_000_000, 'APPROVED'], // on the limit: within
    [1, 5_000_001, 'RECOMMENDED'],
    [2, 5_000_001, 'APPROVED'],
    [2, 20_000_000, 'APPROVED'],
    [2, 20_000_001, 'RECOMMENDED'],
    [3, Number.MAX_SAFE_INTEGER, 'APPROVED'],
  ] as const)('level %i approving %i fen at the first review → %s', (level, amount, effect) => {
    expect(decideReview(limits, reviewer(level), 'APPROVE', first(amount)).effect).toBe(effect);
  });

  it('at the final review an approval above the limit is refused, naming the level needed', () => {
    const v = decideReview(limits, reviewer(2), 'APPROVE', final(20_000_001, 'rev-1'));
    expect(v).toMatchObject({ effect: 'REFUSED', reason: 'ABOVE_AUTHORITY_LIMIT' });
    expect(v.effect === 'REFUSED' && render(v.detail, 'en')).toContain('a level 3 reviewer or higher must approve it');
    expect(v.effect === 'REFUSED' && render(v.detail, 'zh-CN')).toContain('须由 3 级或更高级别的审核人批准');
    expect(decideReview(limits, reviewer(3), 'APPROVE', final(20_000_001, 'rev-1')).effect).toBe('APPROVED');
  });

  it('four eyes: the submitter may not approve, nor recommend; the recommender may not give the final approval', () => {
    expect(decideReview(limits, reviewer(3, 'agent-1'), 'APPROVE', first(100))).toMatchObject({
      effect: 'REFUSED',
      reason: 'SUBMITTER_MAY_NOT_APPROVE',
    });
    expect(decideReview(limits, reviewer(1, 'agent-1'), 'APPROVE', first(9_000_000))).toMatchObject({
      effect: 'REFUSED',
      reason: 'SUBMITTER_MAY_NOT_APPROVE',
    });
    expect(decideReview(limits, reviewer(3, 'rev-1'), 'APPROVE', final(9_000_000, 'rev-1'))).toMatchObject({
      effect: 'REFUSED',
      reason: 'RECOMMENDER_MAY_NOT_APPROVE',
    });
  });

  it('any level may reject or return, at either stage', () => {
    for (const level of [1, 2, 3] as const) {
      expect(decideReview(limits, reviewer(level), 'REJECT', first(99_000_000)).effect).toBe('REJECTED');
      expect(decideReview(limits, reviewer(level), 'RETURN', final(99_000_000, 'x')).effect).toBe('RETURNED');
    }
  });

  it('property: an approval decides exactly when the amount is within the level limit; the lowest covering level is never above', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.constantFrom(1, 2, 3), (amount, level) => {
        const l = level as ReviewLevel;
        const v = decideReview(limits, reviewer(l), 'APPROVE', first(amount));
        expect(v.effect === 'APPROVED').toBe(withinLimit(limits, l, amount));
        const needed = lowestLevelFor(limits, amount);
        expect(needed).not.toBeNull();
        expect(withinLimit(limits, needed as ReviewLevel, amount)).toBe(true);
      }),
    );
  });

  it('a scheme whose levels shrink upwards is refused, naming reviewLimits', () => {
    const j = schemeJson('xiaogan-2024.json');
    j.reviewLimits = { '1': 30_000_000, '2': 20_000_000, '3': null };
    expect(() => parseScheme(j)).toThrow(/reviewLimits/);
    delete j.reviewLimits;
    expect(() => parseScheme(j)).toThrow(/reviewLimits/);
  });
});
