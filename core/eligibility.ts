/**
 * Eligibility, in the order of spec 9: household → person → category → enrolment → policy period → exit →
 * duplicate invoice. The first failing check names the reason. Product rules (exclusions, stages, triggers)
 * come after, in the product's own rule.
 */
import type { ClaimSubmission } from './claim.js';
import type { Household } from './household.js';
import type { Scheme } from './scheme.js';
import type { ReasonCode } from './types.js';

export type EligibilityResult =
  | { readonly eligible: true; readonly registryVerified: boolean }
  | { readonly eligible: false; readonly reasonCode: ReasonCode; readonly detail: string };

export interface EligibilityFacts {
  /** The registry entry, or undefined when the household is unknown. */
  readonly household: Household | undefined;
  /** True when this claim's invoice was already consumed by another claim (paid, closed or in review). */
  readonly invoiceConsumed: boolean;
}

// The two eligible answers are shared constants: replays check millions of claims.
const ELIGIBLE_VERIFIED: EligibilityResult = Object.freeze({ eligible: true, registryVerified: true });
const ELIGIBLE_UNVERIFIED: EligibilityResult = Object.freeze({ eligible: true, registryVerified: false });

function isMember(h: Household, personId: string): boolean {
  for (const m of h.members) if (m.personId === personId) return true;
  return false;
}

const no = (reasonCode: ReasonCode, detail: string): EligibilityResult => ({ eligible: false, reasonCode, detail });

export function checkEligibility(claim: ClaimSubmission, scheme: Scheme, facts: EligibilityFacts): EligibilityResult {
  const h = facts.household;
  if (!h) return no('HOUSEHOLD_NOT_FOUND', `household ${claim.householdId} is not in the registry`);
  if (!isMember(h, claim.personId)) return no('PERSON_NOT_IN_HOUSEHOLD', `person ${claim.personId} is not a member of household ${h.householdId}`);
  if (!scheme.categories.includes(h.category)) return no('CATEGORY_NOT_ELIGIBLE', `category ${h.category} is not one of ${scheme.schemeId}'s categories`);
  if (h.schemeId !== scheme.schemeId) return no('NOT_ENROLLED', `household is enrolled in ${h.schemeId}, not ${scheme.schemeId}`);
  if (!h.enrollment.products.includes(claim.product)) return no('NOT_ENROLLED', `household is not enrolled in ${claim.product}`);
  // Dates are YYYY-MM-DD, so string order is date order; start and end days are covered.
  if (claim.incidentDate < h.enrollment.start || claim.incidentDate > h.enrollment.end) {
    return no('OUTSIDE_POLICY_PERIOD', `incident ${claim.incidentDate} is outside the enrolment ${h.enrollment.start}..${h.enrollment.end}`);
  }
  if (h.exitedOn !== null && claim.incidentDate >= h.exitedOn) return no('HOUSEHOLD_EXITED', `household exited on ${h.exitedOn}; covered only for incidents before that day`);
  if (facts.invoiceConsumed) return no('DUPLICATE_INVOICE', 'this hospital invoice was already claimed');
  const year = Number(claim.incidentDate.slice(0, 4));
  return h.verifiedYear >= year ? ELIGIBLE_VERIFIED : ELIGIBLE_UNVERIFIED;
}
