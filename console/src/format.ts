/** Display helpers that are not money (money is in money.ts). */
export function ageParts(fromIso: string, nowMs: number): { unit: 'days' | 'hours' | 'minutes'; n: number } {
  const ms = Math.max(0, nowMs - Date.parse(fromIso));
  const minutes = Math.floor(ms / 60_000);
  if (minutes >= 24 * 60) return { unit: 'days', n: Math.floor(minutes / (24 * 60)) };
  if (minutes >= 60) return { unit: 'hours', n: Math.floor(minutes / 60) };
  return { unit: 'minutes', n: minutes };
}

/** An instant in China time, as the schemes' documents state times. */
export function formatTime(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return String(value);
  return d.toLocaleString('sv-SE', { timeZone: 'Asia/Shanghai' });
}
