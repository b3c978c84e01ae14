/** DISASTER / farmhouse (农房保险), spec 3.4: assessed loss × ratio, capped per household and year. */
import type { ClaimOf } from '../claim.js';
import type { DisasterTerms } from '../scheme.js';
import type { RuleResult, YearToDate } from '../types.js';
import { applyBp } from '../money.js';
import { message } from '../i18n/message.js';
import { cappedAssessment } from './capped.js';

export function assessDisaster(claim: ClaimOf<'DISASTER'>, terms: DisasterTerms, ytd: YearToDate): RuleResult {
  const { cause, damage, assessedLoss } = claim.details;
  // Exclusions are checked before the kind of damage (spec 9: product rules, exclusions first).
  if (terms.excludedCauses.includes(cause))
    return { rejected: true, reasonCode: 'EXCLUDED_CAUSE', detail: message('reason.EXCLUDED_CAUSE', { cause }) };
  if (!terms.coveredDamage.includes(damage)) {
    return {
      rejected: true,
      reasonCode: 'DAMAGE_NOT_COVERED',
      detail: message('reason.DAMAGE_NOT_COVERED', { damage, covered: terms.coveredDamage.join(', ') }),
    };
  }
  const benefit = applyBp(assessedLoss, terms.ratioBp);
  return cappedAssessment({
    product: 'DISASTER',
    benefit,
    cap: terms.cap,
    paidBefore: ytd.paid ?? 0,
    counter: 'paid',
    capLabel: 'explain.cap.household',
    figures: { cause, damage, assessedLoss, ratioBp: terms.ratioBp },
    lines: () => [message('explain.disaster', { cause, damage, assessedLoss, bp: terms.ratioBp, benefit })],
  });
}
