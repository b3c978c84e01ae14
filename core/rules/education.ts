/** EDUCATION (Xiaogan), spec 3.3: eligible expense × ratio, annual cap per person, listed stages only. */
import type { ClaimOf } from '../claim.js';
import type { EducationTerms } from '../scheme.js';
import type { RuleResult, YearToDate } from '../types.js';
import { applyBp } from '../money.js';
import { message } from '../i18n/message.js';
import { cappedAssessment } from './capped.js';

export function assessEducation(claim: ClaimOf<'EDUCATION'>, terms: EducationTerms, ytd: YearToDate): RuleResult {
  const { stage, expense } = claim.details;
  if (!terms.eligibleStages.includes(stage)) {
    return {
      rejected: true,
      reasonCode: 'STAGE_NOT_ELIGIBLE',
      detail: message('reason.STAGE_NOT_ELIGIBLE', { stage, covered: terms.eligibleStages.join(', ') }),
    };
  }
  const benefit = applyBp(expense, terms.ratioBp);
  return cappedAssessment({
    product: 'EDUCATION',
    benefit,
    cap: terms.cap,
    paidBefore: ytd.paid ?? 0,
    counter: 'paid',
    capLabel: 'explain.cap.person',
    figures: { stage, expense, ratioBp: terms.ratioBp },
    lines: () => [message('explain.education', { stage, expense, bp: terms.ratioBp, benefit })],
  });
}
