import { describe, expect, it } from 'vitest';
import { cstDate, workingDaysBetween } from '../../core/calendar.js';
import { isCalendarDate } from '../../core/household.js';

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

describe('calendar dates', () => {
  it('isCalendarDate agrees with the JavaScript calendar on every month/day pair of 1896–2104, and on 0000 and 9999', () => {
    const byDate = (s: string) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
    const years = [0, 1, 100, 400, 1900, 2000, 9999, ...Array.from({ length: 209 }, (_, i) => 1896 + i)];
    let checked = 0;
    let valid = 0;
    for (const y of years)
      for (let m = 0; m <= 13; m++)
        for (let d = 0; d <= 32; d++) {
          const s = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
          expect(isCalendarDate(s), s).toBe(byDate(s));
          checked++;
          if (byDate(s)) valid++;
        }
    expect(checked).toBe(years.length * 14 * 33);
    expect(valid).toBeGreaterThan(years.length * 365);
  });

  it('rejects 29 February outside leap years and 31 in 30-day months', () => {
    expect(isCalendarDate('2024-02-29')).toBe(true);
    expect(isCalendarDate('2023-02-29')).toBe(false);
    expect(isCalendarDate('1900-02-29')).toBe(false);
    expect(isCalendarDate('2000-02-29')).toBe(true);
    expect(isCalendarDate('2024-04-31')).toBe(false);
  });
});

describe('the payment target of a claim not yet paid (working days left)', () => {
  const xiaoganDragonBoat = ['2024-06-10'];
  it.each([
    // Submitted Fri 2024-06-07 (China); Mon 06-10 is a holiday: Tue 11 (1), Wed (2), Thu (3), Fri 14 (4), Mon 17 (5).
    ['2024-06-07T02:00:00Z', '2024-06-07T09:00:00Z', xiaoganDragonBoat, 5, '2024-06-17', 'OK'],
    ['2024-06-07T02:00:00Z', '2024-06-10T09:00:00Z', xiaoganDragonBoat, 5, '2024-06-17', 'OK'], // weekend and holiday count nothing
    ['2024-06-07T02:00:00Z', '2024-06-12T09:00:00Z', xiaoganDragonBoat, 3, '2024-06-17', 'OK'],
    ['2024-06-07T02:00:00Z', '2024-06-13T09:00:00Z', xiaoganDragonBoat, 2, '2024-06-17', 'NEAR'],
    ['2024-06-07T02:00:00Z', '2024-06-14T09:00:00Z', xiaoganDragonBoat, 1, '2024-06-17', 'NEAR'],
    ['2024-06-07T02:00:00Z', '2024-06-17T09:00:00Z', xiaoganDragonBoat, 0, '2024-06-17', 'DUE'],
    ['2024-06-07T02:00:00Z', '2024-06-18T09:00:00Z', xiaoganDragonBoat, -1, '2024-06-17', 'DUE'],
    // Without the holiday the same claim is due on Fri 06-14.
    ['2024-06-07T02:00:00Z', '2024-06-14T09:00:00Z', [], 0, '2024-06-14', 'DUE'],
    // 17:00 UTC Friday is Saturday in China: the clock starts from Saturday, so Mon..Fri are days 1..5.
    ['2024-06-07T17:00:00Z', '2024-06-10T02:00:00Z', [], 4, '2024-06-14', 'OK'],
  ])('submitted %s, at %s, holidays %j: %i left, due %s, %s', async (submitted, now, holidays, left, date, level) => {
    const { paymentDue } = await import('../../core/calendar.js');
    expect(paymentDue(submitted, now, holidays)).toEqual({ workingDaysLeft: left, dueDate: date, level });
    // One rule with the report: met (≤ 5 working days) exactly while days left ≥ 0.
    expect(workingDaysBetween(submitted, now, holidays) <= 5).toBe(left >= 0);
  });
});
