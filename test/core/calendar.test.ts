import { describe, expect, it } from 'vitest';
import { cstDate, workingDaysBetween } from '../../core/calendar.js';

describe('working days (China Standard Time)', () => {
  it.each([
    // Mon 2024-06-03 → Mon 2024-06-10: Tue..Fri (4) + Mon (1) = 5
    ['2024-06-03T02:00:00Z', '2024-06-10T02:00:00Z', [], 5],
    // same day → 0
    ['2024-06-03T02:00:00Z', '2024-06-03T09:00:00Z', [], 0],
    // Fri → Mon: the weekend does not count
    ['2024-06-07T02:00:00Z', '2024-06-10T02:00:00Z', [], 1],
    // 2024-06-10 is the Dragon Boat holiday in the Xiaogan file: Fri → Tue counts Tue only
    ['2024-06-07T02:00:00Z', '2024-06-11T02:00:00Z', ['2024-06-10'], 1],
    // 17:00 UTC on Sunday is already Monday 01:00 in China
    ['2024-06-02T17:00:00Z', '2024-06-03T03:00:00Z', [], 0],
  ])('%s → %s with holidays %j: %i', (from, to, holidays, expected) => {
    expect(workingDaysBetween(from, to, holidays)).toBe(expected);
  });

  it('converts instants to the China calendar date', () => {
    expect(cstDate('2024-12-31T16:00:00Z')).toBe('2025-01-01');
    expect(cstDate('2024-12-31T15:59:59Z')).toBe('2024-12-31');
  });
});
