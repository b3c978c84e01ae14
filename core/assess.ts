/** Dispatch a claim to its product's rule, and route the result: zero, review, or pay (spec 5, 9). */
import type { ClaimSubmission } from './claim.js';
import type { Household } from './household.js';
import type { Scheme } from './scheme.js';
import type { Assessment, Product, RuleResult, YearToDate } from './types.js';
import { isRejection } from './types.js';
import { assessMedical } from './rules/medical.js';
import { assessAccident } from './rules/accident.js';
import { assessEducation } from './rules/education.js';
import { assessDisaster } from './rules/disaster.js';
import { assessIndustry } from './rules/industry.js';
import { assessLoanGuarantee } from './rules/loan-guarantee.js';

/** Thrown when a claim names a product its scheme does not offer; the API refuses such claims with 422 first. */
export class ProductNotOffered extends Error {
  override readonly name = 'ProductNotOffered';
  constructor(
    readonly schemeId: string,
    readonly product: Product,
  ) {
    super(`scheme ${schemeId} does not offer ${product}`);
  }
}

function terms<P extends Product>(scheme: Scheme, product: P): NonNullable<Scheme['products'][P]> {
  const t = scheme.products[product];
  if (!t) throw new ProductNotOffered(scheme.schemeId, product);
  return t;
}

export function assessClaim(claim: ClaimSubmission, scheme: Scheme, household: Household, ytd: YearToDate): RuleResult {
  switch (claim.product) {
    case 'MEDICAL':
      return assessMedical(claim, terms(scheme, 'MEDICAL'), household.county, ytd);
    case 'ACCIDENT':
      return assessAccident(claim, terms(scheme, 'ACCIDENT'), ytd);
    case 'EDUCATION':
      return assessEducation(claim, terms(scheme, 'EDUCATION'), ytd);
    case 'DISASTER':
      return assessDisaster(claim, terms(scheme, 'DISASTER'), ytd);
    case 'INDUSTRY':
      return assessIndustry(claim, terms(scheme, 'INDUSTRY'), household, ytd);
    case 'LOAN_GUARANTEE':
      return assessLoanGuarantee(claim, terms(scheme, 'LOAN_GUARANTEE'));
    default: {
      const never: never = claim;
      throw new Error(`unknown product in ${JSON.stringify(never)}`);
    }
  }
}

export const REVIEW_REASONS = ['ABOVE_THRESHOLD', 'REGISTRY_NOT_VERIFIED', 'MONITORING_WARNING', 'FRAUD_SIGNAL', 'OBJECTION'] as const;
export type ReviewReason = (typeof REVIEW_REASONS)[number];

export interface RoutingFlags {
  readonly registryVerified: boolean;
  /** An open health or industry warning on the household (spec 7). */
  readonly openWarning?: boolean;
  readonly fraudSignal?: boolean;
  /** A member of the public objected to the claim (公示异议) before it was decided. */
  readonly objection?: boolean;
}

export type Route =
  | { readonly outcome: 'NO_PAYOUT' }
  | { readonly outcome: 'REVIEW'; readonly reasons: ReviewReason[] }
  | { readonly outcome: 'PAYABLE' };

/** A zero payout closes the claim whatever else holds; otherwise any flag sends it to a person. */
export function routeAssessment(a: Assessment, scheme: Scheme, flags: RoutingFlags): Route {
  if (a.payout === 0) return { outcome: 'NO_PAYOUT' };
  const reasons: ReviewReason[] = [];
  if (a.payout > scheme.reviewThreshold) reasons.push('ABOVE_THRESHOLD');
  if (!flags.registryVerified) reasons.push('REGISTRY_NOT_VERIFIED');
  if (flags.openWarning) reasons.push('MONITORING_WARNING');
  if (flags.fraudSignal) reasons.push('FRAUD_SIGNAL');
  if (flags.objection) reasons.push('OBJECTION');
  return reasons.length > 0 ? { outcome: 'REVIEW', reasons } : { outcome: 'PAYABLE' };
}

export { isRejection };
