/**
 * What-if replay: re-decide a year's claims under a scheme, in incident order, with fresh year-to-date
 * accumulators, and total the payouts by product and county. Comparing two schemes' totals is how an operator
 * prepares the two-yearly parameter adjustment. Pure: no I/O, no AWS.
 */
import type { ClaimSubmission } from './claim.js';
import type { Household } from './household.js';
import type { Scheme } from './scheme.js';
import { checkEligibility } from './eligibility.js';
import { assessClaim, isRejection } from './assess.js';
import { HOUSEHOLD_PRODUCTS } from './types.js';

export interface ReplayItem {
  readonly claim: ClaimSubmission;
  readonly household: Household | undefined;
}

export interface ReplayTotals {
  readonly claims: number;
  readonly paid: number;
  readonly rejected: number;
  readonly byProduct: Record<string, { claims: number; payout: number }>;
  readonly byCounty: Record<string, { claims: number; payout: number }>;
}

function accKey(c: ClaimSubmission): string {
  const who = HOUSEHOLD_PRODUCTS.has(c.product) ? `H#${c.householdId}` : `P#${c.personId}`;
  return `${who}#${c.product}#${c.incidentDate.slice(0, 4)}`;
}

/** Items must be in the order the claims were decided (incident date, then submission order). */
export function replay(items: readonly ReplayItem[], scheme: Scheme): ReplayTotals {
  const ytd = new Map<string, Record<string, number>>();
  const invoices = new Set<string>();
  const byProduct: ReplayTotals['byProduct'] = {};
  const byCounty: ReplayTotals['byCounty'] = {};
  let paid = 0;
  let rejected = 0;
  for (const { claim, household } of items) {
    const invoice = claim.product === 'MEDICAL' ? `${claim.details.hospitalCode}#${claim.details.invoiceNo}` : null;
    const elig = checkEligibility(claim, scheme, { household, invoiceConsumed: invoice !== null && invoices.has(invoice) });
    if (!elig.eligible || !household || !scheme.products[claim.product]) {
      rejected++;
      continue;
    }
    const key = accKey(claim);
    const counters = ytd.get(key) ?? {};
    const result = assessClaim(claim, scheme, household, counters);
    if (isRejection(result)) {
      rejected++;
      continue;
    }
    for (const [k, v] of Object.entries(result.accrual)) counters[k] = (counters[k] ?? 0) + v;
    ytd.set(key, counters);
    if (invoice) invoices.add(invoice);
    paid += result.payout;
    const p = (byProduct[claim.product] ??= { claims: 0, payout: 0 });
    p.claims++;
    p.payout += result.payout;
    const c = (byCounty[household.county] ??= { claims: 0, payout: 0 });
    c.claims++;
    c.payout += result.payout;
  }
  return { claims: items.length, paid, rejected, byProduct, byCounty };
}
