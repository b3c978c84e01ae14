/** Display helpers that are not money (money is in money.ts). */
export function ageParts(fromIso: string, nowMs: number): { unit: 'days' | 'hours' | 'minutes'; n: number } {
  const ms = Math.max(0, nowMs - Date.parse(fromIso));
  const minutes = Math.floor(ms / 60_000);
  if (minutes >= 24 * 60) return { unit: 'days', n: Math.floor(minutes / (24 * 60)) };
  if (minutes >= 60) return { unit: 'hours', n: Math.floor(minutes / 60) };
  return { unit: 'minutes', n: minutes };
}

/** China Standard Time: UTC+8 all year (no daylight saving since 1991, before any claim this system holds). */
const CHINA_OFFSET_MS = 8 * 3_600_000;
const two = (n: number) => String(n).padStart(2, '0');

/**
 * An instant in China time, as the schemes' documents state times: `2024-05-03 09:02:03`. Computed from the
 * fixed offset, not with Intl: the first Intl.DateTimeFormat with a time zone costs a fresh tab about 50 ms
 * (loading the zone data), and toLocaleString built a new one for each of the hundred times a case file shows.
 */
export function formatTime(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  const c = new Date(d.getTime() + CHINA_OFFSET_MS);
  return `${c.getUTCFullYear()}-${two(c.getUTCMonth() + 1)}-${two(c.getUTCDate())} ${two(c.getUTCHours())}:${two(c.getUTCMinutes())}:${two(c.getUTCSeconds())}`;
}
