/**
 * ACCIDENT (农村小额保险), spec 3.2 and 9: death and disability share the sum insured per person and year;
 * outpatient has its own annual cap, with a per-claim deduction before the ratio. Every amount floored to the fen.
 */
import type { ClaimOf } from '../claim.js';
import type { AccidentTerms } from '../scheme.js';
import type { Assessment, YearToDate } from '../types.js';
import { applyBp, minusFloor0 } from '../money.js';
import { message } from '../i18n/message.js';
import { cappedAssessment } from './capped.js';

export function assessAccident(claim: ClaimOf<'ACCIDENT'>, terms: AccidentTerms, ytd: YearToDate): Assessment {
  const d = claim.details;
  if (d.kind === 'OUTPATIENT') {
    const afterDeduction = minusFloor0(d.expense, terms.outpatientDeductiblePerClaim);
    const benefit = applyBp(afterDeduction, terms.outpatientRatioBp);
    return cappedAssessment({
      product: 'ACCIDENT',
      benefit,
      cap: terms.outpatientCap,
      paidBefore: ytd.outpatientPaid ?? 0,
      counter: 'outpatientPaid',
      capLabel: 'explain.cap.outpatient',
      figures: { kind: d.kind, expense: d.expense, deduction: terms.outpatientDeductiblePerClaim, afterDeduction, ratioBp: terms.outpatientRatioBp },
      lines: () => [
        message('explain.accident.outpatient', { expense: d.expense, deduction: terms.outpatientDeductiblePerClaim, afterDeduction }),
        message('explain.accident.outpatientRatio', { bp: terms.outpatientRatioBp, benefit }),
      ],
    });
  }
  // Grade g (1 = worst … 10) pays (11 − g) × step bp of the sum insured; death pays the sum insured.
  const ratioBp = d.kind === 'DEATH' ? 10_000 : (11 - d.grade) * terms.disabilityStepBp;
  const benefit = applyBp(terms.sumInsured, ratioBp);
  return cappedAssessment({
    product: 'ACCIDENT',
    benefit,
    cap: terms.sumInsured,
    paidBefore: ytd.lifePaid ?? 0,
    counter: 'lifePaid',
    capLabel: 'explain.cap.sumInsured',
    figures: { kind: d.kind, grade: d.kind === 'DISABILITY' ? d.grade : null, sumInsured: terms.sumInsured, ratioBp },
    lines: () => [
      d.kind === 'DEATH'
        ? message('explain.accident.death', { sumInsured: terms.sumInsured })
        : message('explain.accident.disability', { grade: d.grade, sumInsured: terms.sumInsured, stepBp: terms.disabilityStepBp, benefit }),
    ],
  });
}
