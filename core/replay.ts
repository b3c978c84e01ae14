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

/**
 * A year's claims with what does not depend on the scheme worked out once: which year-to-date counter each claim
 * accrues to and which invoice it consumes, as small integers. Replaying under two schemes (baseline and what-if)
 * then does no string building or hashing per claim.
 */
export interface PreparedReplay {
  readonly items: readonly ReplayItem[];
  /** items[i] accrues to counter slot accumulator[i]. */
  readonly accumulator: Int32Array;
  /** items[i] consumes invoice number invoice[i], or −1 (not a MEDICAL claim). */
  readonly invoice: Int32Array;
  readonly accumulators: number;
  readonly invoices: number;
}

/** Items must be in the order the claims were decided (incident date, then submission order). */
export function prepareReplay(items: readonly ReplayItem[]): PreparedReplay {
  const slots = new Map<string, number>();
  const invoices = new Map<string, number>();
  const accumulator = new Int32Array(items.length);
  const invoice = new Int32Array(items.length);
  items.forEach(({ claim }, i) => {
    const key = accKey(claim);
    let slot = slots.get(key);
    if (slot === undefined) slots.set(key, (slot = slots.size));
    accumulator[i] = slot;
    const inv = claim.product === 'MEDICAL' ? `${claim.details.hospitalCode}#${claim.details.invoiceNo}` : null;
    if (inv === null) invoice[i] = -1;
    else {
      let n = invoices.get(inv);
      if (n === undefined) invoices.set(inv, (n = invoices.size));
      invoice[i] = n;
    }
  });
  return { items, accumulator, invoice, accumulators: slots.size, invoices: invoices.size };
}

function tally(into: Record<string, { claims: number; payout: number }>, key: string, payout: number): void {
  const t = (into[key] ??= { claims: 0, payout: 0 });
  t.claims++;
  t.payout += payout;
}

/** Re-decides the claims under `scheme` with fresh year-to-date counters. */
export function replay(input: readonly ReplayItem[] | PreparedReplay, scheme: Scheme): ReplayTotals {
  const prepared = Array.isArray(input) ? prepareReplay(input as readonly ReplayItem[]) : (input as PreparedReplay);
  const { items, accumulator, invoice } = prepared;
  const ytd: Array<Record<string, number> | undefined> = new Array(prepared.accumulators);
  const consumed = new Uint8Array(prepared.invoices);
  const byProduct: ReplayTotals['byProduct'] = {};
  const byCounty: ReplayTotals['byCounty'] = {};
  let paid = 0;
  let rejected = 0;
  for (let i = 0; i < items.length; i++) {
    const { claim, household } = items[i]!;
    const inv = invoice[i]!;
    const elig = checkEligibility(claim, scheme, { household, invoiceConsumed: inv >= 0 && consumed[inv] === 1 });
    if (!elig.eligible || !household || !scheme.products[claim.product]) {
      rejected++;
      continue;
    }
    const slot = accumulator[i]!;
    const counters = (ytd[slot] ??= {});
    const result = assessClaim(claim, scheme, household, counters);
    if (isRejection(result)) {
      rejected++;
      continue;
    }
    for (const k in result.accrual) counters[k] = (counters[k] ?? 0) + result.accrual[k]!;
    if (inv >= 0) consumed[inv] = 1;
    paid += result.payout;
    tally(byProduct, claim.product, result.payout);
    tally(byCounty, household.county, result.payout);
  }
  return { claims: items.length, paid, rejected, byProduct, byCounty };
}
