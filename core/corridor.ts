/**
 * The supplementary-medical "risk adjustment balance mechanism" (风险调节平衡机制, seed 000 §6.2; spec 8): per
 * scheme, product and year the insurer's result is held inside a loss-ratio corridor [lower, upper] (bp).
 *
 *   incurred  = claims paid + outstanding (SETTLING) under the product in the year
 *   premium   = the product's share of the year's premiums (productPremium below)
 *   lossRatioBp = floor(incurred × 10000 / premium), null when premium is 0
 *   returnToFund = max(0, floor(premium × lower / 10000) − incurred)   insurer gives back its excess margin
 *   topUp        = max(0, incurred − floor(premium × upper / 10000))   the fund covers the excess loss
 *
 * The bounds are compared exactly (incurred × 10000 against premium × bound), never through the floored
 * lossRatioBp: a ratio of 10500.5 bp is above an upper bound of 10500 and tops up 1 fen. Inside the band (both
 * bounds included) nothing moves. At most one of returnToFund and topUp is non-zero (lower ≤ upper). With premium
 * 0 any incurred amount is above the corridor, so the whole of it is topped up. Exact integer arithmetic
 * (BigInt for the products); a result that would not fit 2^53 − 1 throws a RangeError, it is never rounded.
 */
import type { PremiumLine, PremiumSplit } from './premium.js';
import type { Scheme } from './scheme.js';
import type { Product } from './types.js';
import { BP, assertFen, toSafe } from './money.js';

/** The largest corridor bound: 100000 bp = a 1000% loss ratio (a loss ratio may exceed 100%). */
export const MAX_CORRIDOR_BP = 10 * BP;

export interface CorridorBounds {
  readonly lowerLossRatioBp: number;
  readonly upperLossRatioBp: number;
}

export interface CorridorReading {
  readonly premium: number;
  readonly incurred: number;
  /** floor(incurred × 10000 / premium); null when premium is 0 or the ratio passes 2^53 − 1 bp. */
  readonly lossRatioBp: number | null;
  readonly lowerLossRatioBp: number;
  readonly upperLossRatioBp: number;
  /** Paid by the insurer back to the fund when the loss ratio is below the lower bound, else 0. */
  readonly returnToFund: number;
  /** Paid by the fund to the insurer when the loss ratio is above the upper bound, else 0. */
  readonly topUp: number;
}

function assertBound(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0 || value > MAX_CORRIDOR_BP)
    throw new RangeError(`${what} must be an integer from 0 to ${MAX_CORRIDOR_BP} bp, got ${value}`);
}

/** The corridor reading for one product and year (see the file comment for the formulas). */
export function corridorReading(premium: number, incurred: number, bounds: CorridorBounds): CorridorReading {
  assertFen(premium, 'premium');
  assertFen(incurred, 'incurred');
  const { lowerLossRatioBp, upperLossRatioBp } = bounds;
  assertBound(lowerLossRatioBp, 'lowerLossRatioBp');
  assertBound(upperLossRatioBp, 'upperLossRatioBp');
  if (lowerLossRatioBp > upperLossRatioBp) throw new RangeError(`lowerLossRatioBp ${lowerLossRatioBp} is above upperLossRatioBp ${upperLossRatioBp}`);
  const P = BigInt(premium);
  const I = BigInt(incurred);
  const at = (bp: number) => (P * BigInt(bp)) / BigInt(BP); // floor: both factors are non-negative
  const back = at(lowerLossRatioBp) - I;
  const top = I - at(upperLossRatioBp);
  return {
    premium,
    incurred,
    // A ratio beyond 2^53 − 1 bp (a 1-fen premium against a fortune in claims) has no exact number: null too.
    lossRatioBp: premium === 0 || (I * BigInt(BP)) / P > BigInt(Number.MAX_SAFE_INTEGER) ? null : toSafe((I * BigInt(BP)) / P),
    lowerLossRatioBp,
    upperLossRatioBp,
    returnToFund: back > 0n ? toSafe(back) : 0,
    topUp: top > 0n ? toSafe(top) : 0,
  };
}

/**
 * Member `index` of `count` equal shares of `amount` by the largest remainder method: every share is
 * floor(amount / count); all remainders are equal, so the `amount mod count` fen left go to the earliest members.
 */
export function equalShare(amount: number, count: number, index: number): number {
  assertFen(amount, 'amount');
  if (!Number.isSafeInteger(count) || count < 1 || !Number.isSafeInteger(index) || index < 0 || index >= count)
    throw new RangeError(`bad share ${index} of ${count}`);
  const rest = amount % count;
  return (amount - rest) / count + (index < rest ? 1 : 0);
}

/**
 * A product's part of premium lines: a line whose only product it is counts whole; a line covering several
 * products (Xiaogan's one 120-yuan rule) is apportioned in equal shares over the line's products, in the rule's
 * order (equalShare), so the parts of a line over its products sum to the line exactly.
 */
export function productPremium(lines: readonly Pick<PremiumLine, 'products' | 'premium'>[], product: Product): number {
  let total = 0;
  for (const line of lines) {
    const index = line.products.indexOf(product);
    if (index >= 0) total += equalShare(line.premium, line.products.length, index);
  }
  return total;
}

/**
 * The MEDICAL corridor of a scheme for one year, from the year's premium splits (one per enrolled household) and
 * the MEDICAL incurred claims; null when the scheme configures no corridor (Xiaogan).
 */
export function medicalCorridor(
  scheme: Pick<Scheme, 'products'>,
  premiums: readonly Pick<PremiumSplit, 'lines'>[],
  incurred: number,
): CorridorReading | null {
  const terms = scheme.products.MEDICAL?.riskCorridor;
  if (!terms) return null;
  let premium = 0;
  for (const p of premiums) premium += productPremium(p.lines, 'MEDICAL');
  return corridorReading(premium, incurred, terms);
}
