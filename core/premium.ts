/**
 * The premium side (enrolment, not claims), spec 4: premium per person or household, the fiscal subsidy by
 * category (floored to the fen; the household pays the rest) and the risk reserve share of the premium.
 */
import type { Household } from './household.js';
import type { Scheme } from './scheme.js';
import type { Product } from './types.js';
import { applyBp, mulDivFloor } from './money.js';

export interface PremiumLine {
  readonly products: readonly Product[];
  readonly unit: 'PERSON' | 'HOUSEHOLD';
  readonly units: number;
  readonly premium: number;
  readonly subsidyBp: number;
  readonly subsidy: number;
  readonly householdPays: number;
}

export interface PremiumSplit {
  readonly lines: readonly PremiumLine[];
  readonly premium: number;
  readonly subsidy: number;
  readonly householdPays: number;
  /** reserveRateBp of the premium, to the risk reserve fund (防保基金). */
  readonly reserve: number;
}

/** The premium of one household's enrolment in a scheme: only rules covering an enrolled product apply. */
export function premiumSplit(scheme: Scheme, household: Pick<Household, 'category' | 'members' | 'enrollment'>): PremiumSplit {
  const enrolled = new Set(household.enrollment.products);
  const lines: PremiumLine[] = scheme.premiums
    .filter((rule) => rule.products.some((p) => enrolled.has(p)))
    .map((rule) => {
      const units = rule.unit === 'PERSON' ? household.members.length : 1;
      const premium = rule.amount * units;
      const subsidyBp = rule.subsidyBpByCategory[household.category] ?? 0;
      const subsidy = applyBp(premium, subsidyBp);
      return { products: rule.products, unit: rule.unit, units, premium, subsidyBp, subsidy, householdPays: premium - subsidy };
    });
  const premium = lines.reduce((s, l) => s + l.premium, 0);
  const subsidy = lines.reduce((s, l) => s + l.subsidy, 0);
  return { lines, premium, subsidy, householdPays: premium - subsidy, reserve: mulDivFloor(premium, scheme.reserveRateBp, 10_000) };
}
