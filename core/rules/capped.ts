/** The shape most rules share: a gross benefit limited by the room left under an annual cap. */
import type { Assessment, Product } from '../types.js';
import { minusFloor0 } from '../money.js';
import { message, type Message } from '../i18n/message.js';

export interface CappedInput {
  readonly product: Product;
  readonly benefit: number;
  readonly cap: number;
  readonly paidBefore: number;
  /** The year-to-date counter the payout accrues to. */
  readonly counter: string;
  /** Which cap this is, as the sentence that states it (core/i18n/catalogue.ts, `explain.cap.*`). */
  readonly capLabel: 'explain.cap.household' | 'explain.cap.person' | 'explain.cap.outpatient' | 'explain.cap.sumInsured' | 'explain.cap.industry';
  readonly figures: Assessment['figures'];
  /** How the gross benefit was reached, for people. */
  readonly lines: () => Message[];
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
      message(a.capLabel, { cap: a.cap, paidBefore: a.paidBefore, capRoom }),
      message('explain.capped.payout', { benefit: a.benefit, capRoom, payout }),
    ],
  };
}
