/**
 * Eligibility, in the order of spec 9: household → person → category → enrolment → policy period → exit →
 * duplicate invoice. The first failing check names the reason. Product rules (exclusions, stages, triggers)
 * come after, in the product's own rule.
 */
import type { ClaimSubmission } from './claim.js';
import type { Household } from './household.js';
import type { Scheme } from './scheme.js';
import type { ReasonCode } from './types.js';
import { message, type Message } from './i18n/message.js';

export type EligibilityResult =
  | { readonly eligible: true; readonly registryVerified: boolean }
  | { readonly eligible: false; readonly reasonCode: ReasonCode; readonly detail: Message };

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

const no = (reasonCode: ReasonCode, detail: Message): EligibilityResult => ({ eligible: false, reasonCode, detail });

export function checkEligibility(claim: ClaimSubmission, scheme: Scheme, facts: EligibilityFacts): EligibilityResult {
  const h = facts.household;
  if (!h) return no('HOUSEHOLD_NOT_FOUND', message('reason.HOUSEHOLD_NOT_FOUND', { householdId: claim.householdId }));
  if (!isMember(h, claim.personId))
    return no('PERSON_NOT_IN_HOUSEHOLD', message('reason.PERSON_NOT_IN_HOUSEHOLD', { personId: claim.personId, householdId: h.householdId }));
  if (!scheme.categories.includes(h.category))
    return no('CATEGORY_NOT_ELIGIBLE', message('reason.CATEGORY_NOT_ELIGIBLE', { category: h.category, schemeId: scheme.schemeId }));
  if (h.schemeId !== scheme.schemeId)
    return no('NOT_ENROLLED', message('reason.NOT_ENROLLED.scheme', { enrolledIn: h.schemeId, schemeId: scheme.schemeId }));
  if (!h.enrollment.products.includes(claim.product)) return no('NOT_ENROLLED', message('reason.NOT_ENROLLED.product', { product: claim.product }));
  // Dates are YYYY-MM-DD, so string order is date order; start and end days are covered.
  if (claim.incidentDate < h.enrollment.start || claim.incidentDate > h.enrollment.end) {
    return no(
      'OUTSIDE_POLICY_PERIOD',
      message('reason.OUTSIDE_POLICY_PERIOD', { incidentDate: claim.incidentDate, start: h.enrollment.start, end: h.enrollment.end }),
    );
  }
  if (h.exitedOn !== null && claim.incidentDate >= h.exitedOn)
    return no('HOUSEHOLD_EXITED', message('reason.HOUSEHOLD_EXITED', { exitedOn: h.exitedOn }));
  if (facts.invoiceConsumed) return no('DUPLICATE_INVOICE', message('reason.DUPLICATE_INVOICE'));
  const year = Number(claim.incidentDate.slice(0, 4));
  return h.verifiedYear >= year ? ELIGIBLE_VERIFIED : ELIGIBLE_UNVERIFIED;
}
