/** The shape most rules share: a gross benefit limited by the room left under an annual cap. */
import type { Assessment, Product } from '../types.js';
import { formatYuan as y, minusFloor0 } from '../money.js';

export interface CappedInput {
  readonly product: Product;
  readonly benefit: number;
  readonly cap: number;
  readonly paidBefore: number;
  /** The year-to-date counter the payout accrues to. */
  readonly counter: string;
  /** e.g. "annual cap per household" */
  readonly capLabel: string;
  readonly figures: Assessment['figures'];
  /** How the gross benefit was reached, for people. */
  readonly lines: () => string[];
}

export function cappedAssessment(a: CappedInput): Assessment {
  const capRoom = minusFloor0(a.cap, a.paidBefore);
  const payout = Math.min(a.benefit, capRoom);
  return {
    product: a.product,
    payout,
    bankShare: null,
    accrual: { [a.counter]: payout },
    figures: { ...a.figures, benefit: a.benefit, cap: a.cap, paidBefore: a.paidBefore, capRoom },
    describe: () => [
      ...a.lines(),
      `${a.capLabel} ${y(a.cap)}, already paid ${y(a.paidBefore)}, room ${y(capRoom)}`,
      `payout = min(${y(a.benefit)}, ${y(capRoom)}) = ${y(payout)} yuan`,
    ],
  };
}
