/** DISASTER / farmhouse (农房保险), spec 3.4: assessed loss × ratio, capped per household and year. */
import type { ClaimOf } from '../claim.js';
import type { DisasterTerms } from '../scheme.js';
import type { RuleResult, YearToDate } from '../types.js';
import { applyBp, formatYuan as y, minusFloor0 } from '../money.js';

export function assessDisaster(claim: ClaimOf<'DISASTER'>, terms: DisasterTerms, ytd: YearToDate): RuleResult {
  const { cause, damage, assessedLoss } = claim.details;
  // Exclusions are checked before the kind of damage (spec 9: product rules, exclusions first).
  if (terms.excludedCauses.includes(cause)) return { rejected: true, reasonCode: 'EXCLUDED_CAUSE', detail: `cause ${cause} is excluded by the scheme` };
  if (!terms.coveredDamage.includes(damage)) {
    return { rejected: true, reasonCode: 'DAMAGE_NOT_COVERED', detail: `damage ${damage} is not covered; covered: ${terms.coveredDamage.join(', ')}` };
  }
  const benefit = applyBp(assessedLoss, terms.ratioBp);
  const paidBefore = ytd.paid ?? 0;
  const capRoom = minusFloor0(terms.cap, paidBefore);
  const payout = Math.min(benefit, capRoom);
  return {
    product: 'DISASTER',
    payout,
    bankShare: null,
    accrual: { paid: payout },
    figures: { cause, damage, assessedLoss, ratioBp: terms.ratioBp, benefit, cap: terms.cap, paidBefore, capRoom },
    describe: () => [
      `${cause} ${damage}: assessed loss ${y(assessedLoss)} × ${terms.ratioBp / 100}% = ${y(benefit)}`,
      `annual cap ${y(terms.cap)} per household, already paid ${y(paidBefore)}, room ${y(capRoom)}`,
      `payout = min(${y(benefit)}, ${y(capRoom)}) = ${y(payout)} yuan`,
    ],
  };
}
