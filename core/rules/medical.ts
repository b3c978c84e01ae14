/**
 * MEDICAL (补充医疗保险), spec 3.1. Deductible, bands and cap are annual and per person, applied to the
 * person's cumulative covered self-pay S. Paying benefit(S_after) − benefit(S_before) makes the year's total
 * independent of how bills are split and ordered.
 */
import type { ClaimOf } from '../claim.js';
import type { MedicalTerms } from '../scheme.js';
import type { Assessment, YearToDate } from '../types.js';
import { BP, formatYuan as y, minusFloor0, mulDivFloor } from '../money.js';

/** Covered self-pay of one bill; the claim schema guarantees it is not negative. */
export function medicalSelfPay(d: ClaimOf<'MEDICAL'>['details']): number {
  const deducted =
    BigInt(d.basicInsurancePaid) + BigInt(d.criticalIllnessPaid) + BigInt(d.medicalAssistancePaid) + BigInt(d.otherReimbursement) + BigInt(d.nonCoveredCost);
  const selfPay = BigInt(d.totalCost) - deducted;
  return selfPay > 0n ? Number(selfPay) : 0;
}

export function upliftFor(terms: MedicalTerms, county: string): number {
  return terms.upliftCounties[county] ?? BP;
}

function overlap(x: number, from: number, to: number | null): number {
  const hi = to === null || x < to ? x : to;
  return hi > from ? hi - from : 0;
}

/** benefit(S) = min(S, floor(Σ overlap(x, band) × bp × uplift / 10^8)) with x = max(0, S − deductible); exact at any size. */
export function medicalBenefit(terms: MedicalTerms, upliftBp: number, s: number): number {
  const x = minusFloor0(s, terms.deductible);
  let sum = 0;
  let big: bigint | null = null;
  for (const band of terms.bands) {
    const o = overlap(x, band.from, band.to);
    if (o === 0) continue;
    const part = o * band.bp;
    if (big === null && sum + part <= Number.MAX_SAFE_INTEGER) sum += part;
    else big = (big ?? BigInt(sum)) + BigInt(o) * BigInt(band.bp);
  }
  if (big === null) return Math.min(s, mulDivFloor(sum, upliftBp, BP * BP));
  const benefit = (big * BigInt(upliftBp)) / 100_000_000n;
  return benefit < BigInt(s) ? Number(benefit) : s;
}

export function assessMedical(claim: ClaimOf<'MEDICAL'>, terms: MedicalTerms, county: string, ytd: YearToDate): Assessment {
  const selfPay = medicalSelfPay(claim.details);
  const uplift = upliftFor(terms, county);
  const sBefore = ytd.selfPay ?? 0;
  const paidBefore = ytd.paid ?? 0;
  const sAfter = sBefore + selfPay;
  const benefitBefore = medicalBenefit(terms, uplift, sBefore);
  const benefitAfter = medicalBenefit(terms, uplift, sAfter);
  const increment = benefitAfter - benefitBefore;
  const capUplifted = mulDivFloor(terms.cap, uplift, BP);
  const capRoom = minusFloor0(capUplifted, paidBefore);
  const payout = Math.min(increment, capRoom);
  const d = claim.details;
  // Per-band figures are for people, not for the decision: built only when read.
  const xBefore = minusFloor0(sBefore, terms.deductible);
  const xAfter = minusFloor0(sAfter, terms.deductible);
  const bands = () =>
    terms.bands.map((b) => {
      const overlapBefore = overlap(xBefore, b.from, b.to);
      const overlapAfter = overlap(xAfter, b.from, b.to);
      return { from: b.from, to: b.to, bp: b.bp, overlapBefore, overlapAfter, thisClaim: overlapAfter - overlapBefore };
    });
  const describe = (): string[] => [
    `self-pay = ${y(d.totalCost)} − ${y(d.basicInsurancePaid)} basic − ${y(d.criticalIllnessPaid)} critical illness − ${y(d.medicalAssistancePaid)} assistance − ${y(d.otherReimbursement)} other − ${y(d.nonCoveredCost)} not covered = ${y(selfPay)} yuan`,
    `cumulative self-pay this year: ${y(sBefore)} before, ${y(sAfter)} after; deductible ${y(terms.deductible)}`,
    ...bands()
      .filter((b) => b.thisClaim > 0)
      .map((b) => `band ${y(b.from)}–${b.to === null ? '∞' : y(b.to)} above the deductible at ${b.bp / 100}%: ${y(b.thisClaim)} of this claim falls here`),
    `county ${county} uplift ${uplift} bp; benefit(S) = min(S, floor(Σ overlap × bp × uplift / 10^8)): ${y(benefitBefore)} before, ${y(benefitAfter)} after, increment ${y(increment)}`,
    `annual cap ${y(terms.cap)} × uplift = ${y(capUplifted)}; already paid ${y(paidBefore)}; room ${y(capRoom)}`,
    `payout = min(${y(increment)}, ${y(capRoom)}) = ${y(payout)} yuan${payout < increment ? ' (limited by the annual cap)' : ''}`,
  ];
  return {
    product: 'MEDICAL',
    payout,
    bankShare: null,
    accrual: { selfPay, paid: payout },
    figures: {
      selfPay,
      deductible: terms.deductible,
      selfPayBefore: sBefore,
      selfPayAfter: sAfter,
      deductibleUsedByThisClaim: Math.min(selfPay, minusFloor0(terms.deductible, sBefore)),
      upliftBp: uplift,
      benefitBefore,
      benefitAfter,
      increment,
      cap: terms.cap,
      capUplifted,
      paidBefore,
      capRoom,
      limitedBy: payout < increment ? 'CAP' : 'BENEFIT',
    },
    describe,
    extraFigures: () => ({ bands: bands() }),
  };
}
