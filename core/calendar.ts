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

/**
 * The payment target of a claim not yet paid, on the same calendar as the report's met/missed
 * (`workingDaysBetween(createdAt, paidAt) <= 5` is met): the working days still left at `now`
 * (5 − working days elapsed; 0 means today is the last day, negative is overdue by that many), the China date of
 * the last day, and the colour level the console shows: ≥ 3 left OK, 1–2 NEAR, 0 or overdue DUE.
 */
export type DueLevel = 'OK' | 'NEAR' | 'DUE';
export interface PaymentDue {
  readonly workingDaysLeft: number;
  readonly dueDate: string;
  readonly level: DueLevel;
}

export function dueLevel(workingDaysLeft: number): DueLevel {
  return workingDaysLeft >= 3 ? 'OK' : workingDaysLeft >= 1 ? 'NEAR' : 'DUE';
}

/** The China date of the `PAYMENT_TARGET_WORKING_DAYS`-th working day after the submission day. */
export function paymentDueDate(submittedAt: string, holidays: readonly string[]): string {
  const set = new Set(holidays);
  let t = Date.parse(`${cstDate(submittedAt)}T00:00:00Z`);
  for (let n = 0; n < PAYMENT_TARGET_WORKING_DAYS; ) {
    t += DAY_MS;
    if (isWorkingDay(new Date(t).toISOString().slice(0, 10), set)) n++;
  }
  return new Date(t).toISOString().slice(0, 10);
}

export function paymentDue(submittedAt: string, now: string, holidays: readonly string[]): PaymentDue {
  const workingDaysLeft = PAYMENT_TARGET_WORKING_DAYS - workingDaysBetween(submittedAt, now, holidays);
  return { workingDaysLeft, dueDate: paymentDueDate(submittedAt, holidays), level: dueLevel(workingDaysLeft) };
}
