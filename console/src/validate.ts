/** Input checks the forms share, written as the API's schemas check the same fields (core/household.ts, core/scheme.ts). */

const DATE = /^\d{4}-\d{2}-\d{2}$/;
export const COUNTY = /^\d{6}$/;
export const MAX_FEN = Number.MAX_SAFE_INTEGER;

/** A calendar date, as core/household.ts isCalendarDate checks it. */
export function isDate(s: string): boolean {
  if (!DATE.test(s)) return false;
  const [y, m, d] = [Number(s.slice(0, 4)), Number(s.slice(5, 7)), Number(s.slice(8, 10))];
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return m >= 1 && m <= 12 && d >= 1 && d <= (m === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31);
}

/** A whole number in [min, max] from what was typed, or null. */
export function wholeNumber(v: unknown, min: number, max: number): number | null {
  const s = String(v ?? '').trim();
  if (!/^\d+$/.test(s)) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : null;
}

/** Yuan as typed ("20000", "1,234.5") to integer fen as a decimal string, exactly (no floating point); null if not an amount. */
export function yuanToFen(text: string): string | null {
  const s = text.replace(/[,，\s]/g, '');
  const m = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return null;
  return (BigInt(m[1]!) * 100n + BigInt((m[2] ?? '').padEnd(2, '0'))).toString();
}

/** Integer fen as yuan for an input box ("1234.50" → "1234.50"; no thousands separators, so it reads back). */
export function fenToYuanInput(fen: number | string): string {
  const v = BigInt(fen);
  return `${v / 100n}.${(v % 100n).toString().padStart(2, '0')}`;
}
