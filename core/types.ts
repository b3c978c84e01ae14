/** Words of the domain shared by every rule. No AWS imports anywhere under core/. */
import type { Message } from './i18n/message.js';

export const PRODUCTS = ['MEDICAL', 'ACCIDENT', 'EDUCATION', 'DISASTER', 'INDUSTRY', 'LOAN_GUARANTEE'] as const;
export type Product = (typeof PRODUCTS)[number];

/** Products whose caps are per household; the others are per person. */
export const HOUSEHOLD_PRODUCTS: ReadonlySet<Product> = new Set(['DISASTER', 'INDUSTRY', 'LOAN_GUARANTEE']);

export const REASON_CODES = [
  'HOUSEHOLD_NOT_FOUND',
  'PERSON_NOT_IN_HOUSEHOLD',
  'CATEGORY_NOT_ELIGIBLE',
  'NOT_ENROLLED',
  'OUTSIDE_POLICY_PERIOD',
  'HOUSEHOLD_EXITED',
  'DUPLICATE_INVOICE',
  'EXCLUDED_CAUSE',
  'DAMAGE_NOT_COVERED',
  'STAGE_NOT_ELIGIBLE',
  'INDEX_NOT_TRIGGERED',
  'REVIEW_REJECTED',
  /** Returned for information and not amended in time. */
  'RETURN_EXPIRED',
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

/** RETURNED: a reviewer returned the claim for information; it waits for the submitter's amendment. */
export const CLAIM_STATUSES = ['RECEIVED', 'PENDING_REVIEW', 'RETURNED', 'REJECTED', 'CLOSED_NO_PAYOUT', 'SETTLING', 'PAID', 'FAILED'] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

export const DISASTER_CAUSES = ['FLOOD', 'RAINSTORM', 'TYPHOON', 'LANDSLIDE', 'SNOW', 'HAIL', 'FIRE', 'ACCIDENT', 'EARTHQUAKE', 'OTHER'] as const;
export type DisasterCause = (typeof DISASTER_CAUSES)[number];

export const EDUCATION_STAGES = ['PRESCHOOL', 'PRIMARY', 'JUNIOR_SECONDARY', 'SENIOR_SECONDARY', 'VOCATIONAL', 'HIGHER'] as const;
export type EducationStage = (typeof EDUCATION_STAGES)[number];

/**
 * Year-to-date counters of one person (MEDICAL, ACCIDENT, EDUCATION) or household (DISASTER, INDUSTRY)
 * for one product and policy year, as stored. Missing counters are 0.
 *   MEDICAL: selfPay (cumulative covered self-pay S), paid
 *   ACCIDENT: lifePaid (death + disability), outpatientPaid
 *   EDUCATION, DISASTER, INDUSTRY: paid
 */
export type YearToDate = Readonly<Record<string, number>>;

/** What a rule hands back: the payout and how it was reached, in figures a person can check. */
export interface Assessment {
  readonly product: Product;
  /** What the insurer side pays, in fen, after every cap. */
  readonly payout: number;
  /** LOAN_GUARANTEE only: the bank's retained share of the loss. */
  readonly bankShare: number | null;
  /** Counter deltas to add to the year-to-date accumulator (also when the payout is 0). */
  readonly accrual: Readonly<Record<string, number>>;
  /** The figures, by name, in fen or bp. */
  readonly figures: Readonly<Record<string, number | string | null | readonly unknown[]>>;
  /**
   * The derivation as sentences, one step a message (built on demand: the hot path only computes figures;
   * each reader renders them in their language, core/i18n).
   */
  readonly describe: () => Message[];
  /** Figures too costly for the hot path (per-band detail), computed when a person needs them. */
  readonly extraFigures?: () => Readonly<Record<string, unknown>>;
}

/** A rule that refuses a claim on the product's own terms (exclusion, stage, trigger). */
export interface RuleRejection {
  readonly rejected: true;
  readonly reasonCode: ReasonCode;
  readonly detail: Message;
}

export type RuleResult = Assessment | RuleRejection;

export function isRejection(r: RuleResult): r is RuleRejection {
  return 'rejected' in r;
}
