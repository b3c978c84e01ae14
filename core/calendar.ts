/**
 * Working days for the 5-working-day payment target (seed 004 §2.4.2): weekends and the scheme's holidays do
 * not count. Dates are China Standard Time (UTC+8, no daylight saving), where the claimant and insurer are.
 */
const DAY_MS = 86_400_000;
const CST_OFFSET_MS = 8 * 3_600_000;

/** The calendar date (YYYY-MM-DD) in China Standard Time of an ISO instant. */
export function cstDate(instant: string): string {
  return new Date(Date.parse(instant) + CST_OFFSET_MS).toISOString().slice(0, 10);
}

function isWorkingDay(date: string, holidays: ReadonlySet<string>): boolean {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay();
  return dow !== 0 && dow !== 6 && !holidays.has(date);
}

/** Working days after the submission day up to and including the payment day (same day → 0). */
export function workingDaysBetween(submittedAt: string, paidAt: string, holidays: readonly string[]): number {
  const set = new Set(holidays);
  const from = Date.parse(`${cstDate(submittedAt)}T00:00:00Z`);
  const to = Date.parse(`${cstDate(paidAt)}T00:00:00Z`);
  let days = 0;
  for (let t = from + DAY_MS; t <= to; t += DAY_MS) if (isWorkingDay(new Date(t).toISOString().slice(0, 10), set)) days++;
  return days;
}

export const PAYMENT_TARGET_WORKING_DAYS = 5;
