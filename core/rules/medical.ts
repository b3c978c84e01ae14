/**
 * MEDICAL (补充医疗保险), spec 3.1. Deductible, bands and cap are annual and per person, applied to the
 * person's cumulative covered self-pay S. Paying benefit(S_after) − benefit(S_before) makes the year's total
 * independent of how bills are split and ordered.
 */
import type { ClaimOf } from '../claim.js';
import type { MedicalTerms } from '../scheme.js';
import type { Assessment, YearToDate } from '../types.js';
import { BP, minusFloor0, mulDivFloor } from '../money.js';
import { message, type Message } from '../i18n/message.js';

/** Covered self-pay of one bill; the claim schema guarantees it is not negative. */
export function medicalSelfPay(d: ClaimOf<'MEDICAL'>['details']): number {
  const deducted =
    BigInt(d.basicInsurancePaid) +
    BigInt(d.criticalIllnessPaid) +
    BigInt(d.medicalAssistancePaid) +
    BigInt(d.otherReimbursement) +
    BigInt(d.nonCoveredCost);
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

/**
 * The result as a class: describe() and extraFigures() live on the prototype, so the hot path allocates one
 * object per decision and no closures.
 */
class MedicalAssessment implements Assessment {
  readonly product = 'MEDICAL' as const;
  readonly bankShare = null;
  readonly accrual: { selfPay: number; paid: number };
  readonly figures: Assessment['figures'];

  constructor(
    private readonly claim: ClaimOf<'MEDICAL'>,
    private readonly terms: MedicalTerms,
    private readonly county: string,
    readonly payout: number,
    selfPay: number,
    sBefore: number,
    upliftBp: number,
    benefitBefore: number,
    benefitAfter: number,
    capUplifted: number,
    paidBefore: number,
    capRoom: number,
  ) {
    this.accrual = { selfPay, paid: payout };
    const increment = benefitAfter - benefitBefore;
    this.figures = {
      selfPay,
      deductible: terms.deductible,
      selfPayBefore: sBefore,
      selfPayAfter: sBefore + selfPay,
      deductibleUsedByThisClaim: Math.min(selfPay, minusFloor0(terms.deductible, sBefore)),
      upliftBp,
      benefitBefore,
      benefitAfter,
      increment,
      cap: terms.cap,
      capUplifted,
      paidBefore,
      capRoom,
      limitedBy: payout < increment ? 'CAP' : 'BENEFIT',
    };
  }

  private num(key: string): number {
    const v = this.figures[key];
    return typeof v === 'number' ? v : 0;
  }

  /** Per band: how much of the cumulative self-pay above the deductible fell in it before and after this claim. */
  extraFigures() {
    const xBefore = minusFloor0(this.num('selfPayBefore'), this.terms.deductible);
    const xAfter = minusFloor0(this.num('selfPayAfter'), this.terms.deductible);
    const bands = this.terms.bands.map((b) => {
      const overlapBefore = overlap(xBefore, b.from, b.to);
      const overlapAfter = overlap(xAfter, b.from, b.to);
      return { from: b.from, to: b.to, bp: b.bp, overlapBefore, overlapAfter, thisClaim: overlapAfter - overlapBefore };
    });
    return { bands };
  }

  describe(): Message[] {
    const d = this.claim.details;
    const f = (k: string) => this.num(k);
    const increment = this.num('increment');
    return [
      message('explain.medical.selfPay', {
        totalCost: d.totalCost,
        basicInsurancePaid: d.basicInsurancePaid,
        criticalIllnessPaid: d.criticalIllnessPaid,
        medicalAssistancePaid: d.medicalAssistancePaid,
        otherReimbursement: d.otherReimbursement,
        nonCoveredCost: d.nonCoveredCost,
        selfPay: f('selfPay'),
      }),
      message('explain.medical.cumulative', { before: f('selfPayBefore'), after: f('selfPayAfter'), deductible: this.terms.deductible }),
      ...this.extraFigures()
        .bands.filter((b) => b.thisClaim > 0)
        .map((b) =>
          b.to === null
            ? message('explain.medical.bandOpen', { from: b.from, bp: b.bp, thisClaim: b.thisClaim })
            : message('explain.medical.band', { from: b.from, to: b.to, bp: b.bp, thisClaim: b.thisClaim }),
        ),
      message('explain.medical.uplift', {
        county: this.county,
        upliftBp: f('upliftBp'),
        before: f('benefitBefore'),
        after: f('benefitAfter'),
        increment,
      }),
      message('explain.medical.cap', { cap: this.terms.cap, capUplifted: f('capUplifted'), paidBefore: f('paidBefore'), capRoom: f('capRoom') }),
      message(this.payout < increment ? 'explain.medical.payoutCapped' : 'explain.medical.payout', {
        increment,
        capRoom: f('capRoom'),
        payout: this.payout,
      }),
    ];
  }

  toJSON() {
    return {
      product: this.product,
      payout: this.payout,
      bankShare: this.bankShare,
      accrual: this.accrual,
      figures: { ...this.figures, ...this.extraFigures() },
    };
  }
}

export function assessMedical(claim: ClaimOf<'MEDICAL'>, terms: MedicalTerms, county: string, ytd: YearToDate): Assessment {
  const selfPay = medicalSelfPay(claim.details);
  const uplift = upliftFor(terms, county);
  const sBefore = ytd.selfPay ?? 0;
  const paidBefore = ytd.paid ?? 0;
  const benefitBefore = medicalBenefit(terms, uplift, sBefore);
  const benefitAfter = medicalBenefit(terms, uplift, sBefore + selfPay);
  const capUplifted = mulDivFloor(terms.cap, uplift, BP);
  const capRoom = minusFloor0(capUplifted, paidBefore);
  const payout = Math.min(benefitAfter - benefitBefore, capRoom);
  return new MedicalAssessment(claim, terms, county, payout, selfPay, sBefore, uplift, benefitBefore, benefitAfter, capUplifted, paidBefore, capRoom);
}
