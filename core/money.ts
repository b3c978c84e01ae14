/**
 * Exact integer money. Amounts are integer fen, ratios integer basis points (10000 bp = 100%).
 * JavaScript numbers hold integers exactly up to 2^53 − 1; whenever an intermediate product could pass
 * that, the computation moves to BigInt. No value here is ever a fraction of a fen.
 */
export const MAX_FEN = Number.MAX_SAFE_INTEGER;
export const BP = 10_000;

export function assertFen(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`${what} must be a non-negative integer number of fen, got ${value}`);
}

/** floor(a / c) for non-negative safe integers a and positive safe integer c; exact (x % c is exact on integers). */
export function floorDiv(a: number, c: number): number {
  return (a - (a % c)) / c;
}

/** floor(a × b / c) for non-negative integers, exact at any size. Stays in numbers when a × b is safe. */
export function mulDivFloor(a: number, b: number, c: number): number {
  const product = a * b;
  if (product <= MAX_FEN) return floorDiv(product, c);
  return toSafe((BigInt(a) * BigInt(b)) / BigInt(c));
}

/** floor(amount × bp / 10000). */
export function applyBp(amount: number, bp: number): number {
  return mulDivFloor(amount, bp, BP);
}

/** A BigInt result back to a number; every result the core hands out is capped by a safe input, so this only guards. */
export function toSafe(value: bigint): number {
  if (value > BigInt(MAX_FEN) || value < -BigInt(MAX_FEN)) throw new RangeError(`amount ${value} exceeds 2^53 − 1 fen`);
  return Number(value);
}

/** a − b, floored at zero: room left under a cap, a loss after recoveries. */
export function minusFloor0(a: number, b: number): number {
  return a > b ? a - b : 0;
}

/** "1234567" fen → "12,345.67" yuan, for explanations read by people. String arithmetic only. */
export function formatYuan(fen: number | bigint): string {
  const neg = fen < 0;
  const digits = (neg ? -BigInt(fen) : BigInt(fen)).toString().padStart(3, '0');
  const yuan = digits.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${neg ? '-' : ''}${yuan}.${digits.slice(-2)}`;
}
