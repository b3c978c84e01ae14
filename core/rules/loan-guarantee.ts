/**
 * LOAN_GUARANTEE (扶贫贷款保证保险), spec 3.6 and 9: loss = principal + interest − recoveries (never below 0);
 * the insurer carries 7000 bp rounded half up, the bank the rest. No annual cap.
 */
import type { ClaimOf } from '../claim.js';
import type { LoanGuaranteeTerms } from '../scheme.js';
import type { Assessment } from '../types.js';
import { BP, toSafe } from '../money.js';
import { message } from '../i18n/message.js';

export function loanLossSplit(loss: bigint, insurerBp: number): { insurerShare: bigint; bankShare: bigint } {
  const insurerShare = (loss * BigInt(insurerBp) + BigInt(BP / 2)) / BigInt(BP);
  return { insurerShare, bankShare: loss - insurerShare };
}

export function assessLoanGuarantee(claim: ClaimOf<'LOAN_GUARANTEE'>, terms: LoanGuaranteeTerms): Assessment {
  const d = claim.details;
  const owed = BigInt(d.outstandingPrincipal) + BigInt(d.unpaidInterest);
  const recovered = BigInt(d.recoveries);
  const loss = owed > recovered ? owed - recovered : 0n;
  const { insurerShare, bankShare } = loanLossSplit(loss, terms.insurerBp);
  const payout = toSafe(insurerShare);
  const bank = toSafe(bankShare);
  return {
    product: 'LOAN_GUARANTEE',
    payout,
    bankShare: bank,
    accrual: {},
    figures: {
      loanId: d.loanId,
      bankId: d.bankId,
      outstandingPrincipal: d.outstandingPrincipal,
      unpaidInterest: d.unpaidInterest,
      recoveries: d.recoveries,
      loss: loss.toString(),
      insurerBp: terms.insurerBp,
      bankBp: terms.bankBp,
      insurerShare: payout,
      bankShare: bank,
    },
    describe: () => [
      message('explain.loan.loss', {
        principal: d.outstandingPrincipal,
        interest: d.unpaidInterest,
        recoveries: d.recoveries,
        loss: loss.toString(),
      }),
      message('explain.loan.split', { insurerBp: terms.insurerBp, insurerShare: payout, bankShare: bank }),
      message('explain.loan.payout', { payout, bankId: d.bankId }),
    ],
  };
}
