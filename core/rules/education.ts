/** EDUCATION (Xiaogan), spec 3.3: eligible expense × ratio, annual cap per person, listed stages only. */
import type { ClaimOf } from '../claim.js';
import type { EducationTerms } from '../scheme.js';
import type { RuleResult, YearToDate } from '../types.js';
import { applyBp, formatYuan as y } from '../money.js';
import { cappedAssessment } from './capped.js';

export function assessEducation(claim: ClaimOf<'EDUCATION'>, terms: EducationTerms, ytd: YearToDate): RuleResult {
  const { stage, expense } = claim.details;
  if (!terms.eligibleStages.includes(stage)) {
    return { rejected: true, reasonCode: 'STAGE_NOT_ELIGIBLE', detail: `stage ${stage} is not covered; covered: ${terms.eligibleStages.join(', ')}` };
  }
  const benefit = applyBp(expense, terms.ratioBp);
  return cappedAssessment({
    product: 'EDUCATION',
    benefit,
    cap: terms.cap,
    paidBefore: ytd.paid ?? 0,
    counter: 'paid',
    capLabel: 'annual cap per person',
    figures: { stage, expense, ratioBp: terms.ratioBp },
    lines: () => [`${stage} expense ${y(expense)} × ${terms.ratioBp / 100}% = ${y(benefit)}`],
  });
}
