/**
 * The public notice (公示) of approved claims: what may be shown to the public about a claim, and nothing more.
 * A name is masked to its first character and one `*` (张三 → 张*, 欧阳娜娜 → 欧*): neighbours can recognise the
 * household, a stranger learns no full name. No identity number, no person or household id reaches the notice.
 */
const CST_OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

/** First character (a whole code point, so a rare character outside the BMP stays whole) + `*`; none → `*`. */
export function maskName(name: string | null | undefined): string {
  const first = Array.from((name ?? '').trim())[0];
  return `${first ?? ''}*`;
}

/**
 * The instants [start, end) of the China Standard Time days `from` to `to` (both included), as ISO UTC strings:
 * the notice's period is in the days people in the county live by, like the 5-working-day figure.
 */
export function cstDayRange(from: string, to: string): { start: string; end: string } {
  const start = Date.parse(`${from}T00:00:00Z`) - CST_OFFSET_MS;
  const end = Date.parse(`${to}T00:00:00Z`) + DAY_MS - CST_OFFSET_MS;
  return { start: new Date(start).toISOString(), end: new Date(end).toISOString() };
}

/** A cell of a CSV row (RFC 4180 quoting); a leading = + - @ is prefixed with ' so a spreadsheet never runs it. */
export function csvCell(v: string | number | null): string {
  if (v === null) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Fen as a plain yuan amount for spreadsheets: 960000 → "9600.00" (no thousands separator; string arithmetic). */
export function yuanPlain(fen: number): string {
  const digits = BigInt(fen).toString().padStart(3, '0');
  return `${digits.slice(0, -2)}.${digits.slice(-2)}`;
}
