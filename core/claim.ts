/** A claim submission, parsed. Money is a JSON integer from 0 to 2^53 − 1 fen; anything else is bad input. */
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { DISASTER_CAUSES, EDUCATION_STAGES } from './types.js';
import { fen } from './scheme.js';
import { identifier, isoDate } from './household.js';

const money = fen;

export const MedicalDetails = z
  .object({
    hospitalCode: identifier,
    invoiceNo: identifier,
    admissionDate: isoDate.optional(),
    dischargeDate: isoDate.optional(),
    totalCost: money,
    basicInsurancePaid: money.default(0),
    criticalIllnessPaid: money.default(0),
    medicalAssistancePaid: money.default(0),
    otherReimbursement: money.default(0),
    nonCoveredCost: money.default(0),
    payee: z.enum(['HOSPITAL', 'CLAIMANT']).default('HOSPITAL'),
  })
  .strict()
  .superRefine((d, ctx) => {
    // selfPay = total − every reimbursement − non-covered cost; a negative self-pay is a bad request (spec 3.1).
    const deductions = [d.basicInsurancePaid, d.criticalIllnessPaid, d.medicalAssistancePaid, d.otherReimbursement, d.nonCoveredCost];
    const rest = deductions.reduce((s, x) => s + BigInt(x), 0n);
    if (rest > BigInt(d.totalCost)) {
      ctx.addIssue({
        code: 'custom',
        path: ['totalCost'],
        message: 'totalCost is below the reimbursements plus non-covered cost: self-pay would be negative',
      });
    }
  });

export const AccidentDetails = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('DEATH') }).strict(),
  z.object({ kind: z.literal('DISABILITY'), grade: z.number().int().min(1).max(10) }).strict(),
  z.object({ kind: z.literal('OUTPATIENT'), expense: money }).strict(),
]);

export const EducationDetails = z.object({ stage: z.enum(EDUCATION_STAGES), expense: money }).strict();

export const DisasterDetails = z.object({ cause: z.enum(DISASTER_CAUSES), damage: z.enum(['COLLAPSE', 'PARTIAL']), assessedLoss: money }).strict();

export const IndustryDetails = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('INDEMNITY'), assessedLoss: money }).strict(),
  z.object({ kind: z.literal('PRICE_INDEX'), costPrice: money, observedPrice: money, insuredQuantity: money }).strict(),
  /** Created by an index event, not filed by a person. */
  z.object({ kind: z.literal('WEATHER_INDEX'), eventId: identifier, rainfallMm: z.number().int().min(0).max(100_000) }).strict(),
]);

export const LoanGuaranteeDetails = z
  .object({ loanId: identifier, bankId: identifier, outstandingPrincipal: money, unpaidInterest: money, recoveries: money })
  .strict()
  .refine((d) => BigInt(d.outstandingPrincipal) + BigInt(d.unpaidInterest) <= BigInt(Number.MAX_SAFE_INTEGER), {
    message: 'outstandingPrincipal + unpaidInterest must not exceed 2^53 − 1 fen',
    path: ['unpaidInterest'],
  });

const base = {
  schemeId: identifier,
  householdId: identifier,
  personId: identifier,
  incidentDate: isoDate,
};

export const ClaimSubmission = z.discriminatedUnion('product', [
  z.object({ ...base, product: z.literal('MEDICAL'), details: MedicalDetails }).strict(),
  z.object({ ...base, product: z.literal('ACCIDENT'), details: AccidentDetails }).strict(),
  z.object({ ...base, product: z.literal('EDUCATION'), details: EducationDetails }).strict(),
  z.object({ ...base, product: z.literal('DISASTER'), details: DisasterDetails }).strict(),
  z.object({ ...base, product: z.literal('INDUSTRY'), details: IndustryDetails }).strict(),
  z.object({ ...base, product: z.literal('LOAN_GUARANTEE'), details: LoanGuaranteeDetails }).strict(),
]);
export type ClaimSubmission = z.infer<typeof ClaimSubmission>;
export type ClaimOf<P extends ClaimSubmission['product']> = Extract<ClaimSubmission, { product: P }>;

/** The policy year is the calendar year of the incident (spec 9). */
export function policyYear(claim: Pick<ClaimSubmission, 'incidentDate'>): number {
  return Number(claim.incidentDate.slice(0, 4));
}

/** The duplicate-invoice key: hospital + invoice number, across all households. */
export function invoiceKey(claim: ClaimSubmission): string | null {
  return claim.product === 'MEDICAL' ? `${claim.details.hospitalCode}#${claim.details.invoiceNo}` : null;
}
