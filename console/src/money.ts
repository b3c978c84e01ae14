/**
 * Amounts arrive as integer fen (JSON numbers, or decimal strings where a product may pass 2^53). They are
 * formatted with BigInt only: no floating-point division ever touches money.
 */
export function formatFen(fen: number | string | bigint | null | undefined): string {
  if (fen === null || fen === undefined || fen === '') return '—';
  let v: bigint;
  try {
    if (typeof fen === 'number' && !Number.isSafeInteger(fen)) return String(fen);
    v = BigInt(fen);
  } catch {
    return String(fen);
  }
  const negative = v < 0n;
  const abs = negative ? -v : v;
  const yuan = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = (abs % 100n).toString().padStart(2, '0');
  return `${negative ? '-' : ''}${yuan}.${cents}`;
}

/** Basis points as a percentage with up to two decimals, exactly (8000 → "80%", 12345 → "123.45%"). */
export function formatBp(bp: number | string): string {
  let v: bigint;
  try {
    v = BigInt(bp);
  } catch {
    return String(bp);
  }
  const negative = v < 0n;
  const abs = negative ? -v : v;
  const whole = (abs / 100n).toString();
  const frac = (abs % 100n).toString().padStart(2, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${frac ? `.${frac}` : ''}%`;
}
