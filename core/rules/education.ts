/** EDUCATION (Xiaogan), spec 3.3: eligible expense × ratio, annual cap per person, listed stages only. */
import type { ClaimOf } from '../claim.js';
import type { EducationTerms } from '../scheme.js';
import type { RuleResult, YearToDate } from '../types.js';
import { applyBp, formatYuan as y, minusFloor0 } from '../money.js';

export function assessEducation(claim: ClaimOf<'EDUCATION'>, terms: EducationTerms, ytd: YearToDate): RuleResult {
  const { stage, expense } = claim.details;
  if (!terms.eligibleStages.includes(stage)) {
    return { rejected: true, reasonCode: 'STAGE_NOT_ELIGIBLE', detail: `stage ${stage} is not covered; covered: ${terms.eligibleStages.join(', ')}` };
  }
  const benefit = applyBp(expense, terms.ratioBp);
  const paidBefore = ytd.paid ?? 0;
  const capRoom = minusFloor0(terms.cap, paidBefore);
  const payout = Math.min(benefit, capRoom);
  return {
    product: 'EDUCATION',
    payout,
    bankShare: null,
    accrual: { paid: payout },
    figures: { stage, expense, ratioBp: terms.ratioBp, benefit, cap: terms.cap, paidBefore, capRoom },
    describe: () => [
      `${stage} expense ${y(expense)} × ${terms.ratioBp / 100}% = ${y(benefit)}`,
      `annual cap ${y(terms.cap)} per person, already paid ${y(paidBefore)}, room ${y(capRoom)}`,
      `payout = min(${y(benefit)}, ${y(capRoom)}) = ${y(payout)} yuan`,
    ],
  };
}
