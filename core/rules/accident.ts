/**
 * ACCIDENT (农村小额保险), spec 3.2 and 9: death and disability share the sum insured per person and year;
 * outpatient has its own annual cap, with a per-claim deduction before the ratio. Every amount floored to the fen.
 */
import type { ClaimOf } from '../claim.js';
import type { AccidentTerms } from '../scheme.js';
import type { Assessment, YearToDate } from '../types.js';
import { applyBp, formatYuan as y, minusFloor0 } from '../money.js';

export function assessAccident(claim: ClaimOf<'ACCIDENT'>, terms: AccidentTerms, ytd: YearToDate): Assessment {
  const d = claim.details;
  if (d.kind === 'OUTPATIENT') {
    const afterDeduction = minusFloor0(d.expense, terms.outpatientDeductiblePerClaim);
    const benefit = applyBp(afterDeduction, terms.outpatientRatioBp);
    const paidBefore = ytd.outpatientPaid ?? 0;
    const capRoom = minusFloor0(terms.outpatientCap, paidBefore);
    const payout = Math.min(benefit, capRoom);
    return {
      product: 'ACCIDENT',
      payout,
      bankShare: null,
      accrual: { outpatientPaid: payout },
      figures: { kind: d.kind, expense: d.expense, deduction: terms.outpatientDeductiblePerClaim, afterDeduction, ratioBp: terms.outpatientRatioBp, benefit, cap: terms.outpatientCap, paidBefore, capRoom },
      describe: () => [
        `outpatient expense ${y(d.expense)} − ${y(terms.outpatientDeductiblePerClaim)} per-claim deduction = ${y(afterDeduction)}`,
        `× ${terms.outpatientRatioBp / 100}% = ${y(benefit)} (floored to the fen)`,
        `annual outpatient cap ${y(terms.outpatientCap)}, already paid ${y(paidBefore)}, room ${y(capRoom)}`,
        `payout = min(${y(benefit)}, ${y(capRoom)}) = ${y(payout)} yuan`,
      ],
    };
  }
  // Grade g (1 = worst … 10) pays (11 − g) × step bp of the sum insured; death pays the sum insured.
  const ratioBp = d.kind === 'DEATH' ? 10_000 : (11 - d.grade) * terms.disabilityStepBp;
  const benefit = applyBp(terms.sumInsured, ratioBp);
  const paidBefore = ytd.lifePaid ?? 0;
  const capRoom = minusFloor0(terms.sumInsured, paidBefore);
  const payout = Math.min(benefit, capRoom);
  return {
    product: 'ACCIDENT',
    payout,
    bankShare: null,
    accrual: { lifePaid: payout },
    figures: { kind: d.kind, grade: d.kind === 'DISABILITY' ? d.grade : null, sumInsured: terms.sumInsured, ratioBp, benefit, paidBefore, capRoom },
    describe: () => [
      d.kind === 'DEATH'
        ? `death: the sum insured ${y(terms.sumInsured)}`
        : `disability grade ${d.grade}: sum insured ${y(terms.sumInsured)} × (11 − ${d.grade}) × ${terms.disabilityStepBp / 100}% = ${y(benefit)}`,
      `death and disability share the sum insured per year: already paid ${y(paidBefore)}, room ${y(capRoom)}`,
      `payout = min(${y(benefit)}, ${y(capRoom)}) = ${y(payout)} yuan`,
    ],
  };
}
