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

type Translate = (key: string, values?: Record<string, unknown>) => string;
type FormRule = { validator: (rule: unknown, value: string | undefined) => Promise<void> };

/**
 * Ant Design form rules for a period's `from` and `to` dates (the public notice, audit samples): each a calendar
 * date, `to` not before `from`, and, when `maxDays` is given, shorter than that many days (as the API refuses).
 * `to` must list `dependencies={['from']}` so it is checked again when `from` changes.
 */
export function periodRules(t: Translate, maxDays?: number) {
  const date: FormRule = {
    validator: async (_, v) => {
      if (!isDate(String(v ?? '').trim())) throw new Error(t('pn.dateBad'));
    },
  };
  const after = ({ getFieldValue }: { getFieldValue: (name: string) => unknown }): FormRule => ({
    validator: async (_, v) => {
      const to = String(v ?? '').trim();
      const from = String(getFieldValue('from') ?? '').trim();
      if (!isDate(to) || !isDate(from)) return;
      if (to < from) throw new Error(t('pn.toBeforeFrom'));
      if (maxDays !== undefined && (Date.parse(to) - Date.parse(from)) / 86_400_000 >= maxDays) throw new Error(t('pn.tooLong', { days: maxDays }));
    },
  });
  return { from: [date], to: [date, after] };
}
