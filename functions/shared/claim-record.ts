/** The claim as stored in the claims table, and the view the API returns. */
import type { ClaimSubmission, ClaimStatus, ReasonCode, ReviewLevel, ReviewReasonCode, ReviewStage, StoredFiguresInput } from '#core/index.js';
import { renderText, type Lang, type Message } from '#core/i18n/index.js';

/** Running states beyond the contract's list: APPROVED (assessed, not yet settled). */
export type StoredStatus = ClaimStatus | 'APPROVED';
/** The undecided statuses a workflow can fail in (RecordFailure moves them to FAILED; a redrive moves them back). */
export const FAILABLE_STATUSES: readonly StoredStatus[] = ['RECEIVED', 'APPROVED', 'PENDING_REVIEW', 'RETURNED'];

/** One reviewer's decision as the claim keeps it (its audit record holds the note as a digest). */
export interface ReviewEntry {
  readonly stage: ReviewStage;
  /** APPROVE (it decided), RECOMMEND (an approval above the reviewer's limit), REJECT, RETURN. */
  readonly decision: 'APPROVE' | 'RECOMMEND' | 'REJECT' | 'RETURN';
  readonly reviewer: string;
  readonly level: ReviewLevel;
  readonly reasonCode: ReviewReasonCode | null;
  readonly note: string;
  readonly at: string;
}

/**
 * An objection to the claim from the public (公示异议), recorded by an admin. The text is kept with identity-number
 * look-alikes masked; its audit record holds it as a digest.
 */
export interface ObjectionEntry {
  readonly objectionId: string;
  readonly text: string;
  /** The admin who recorded it. */
  readonly by: string;
  readonly at: string;
  /** The claim's status when it came in. */
  readonly status: StoredStatus;
  /** What it did: REVIEW (the claim is, or will be, reviewed with reason OBJECTION), AUDIT_SAMPLE, RECORDED. */
  readonly outcome: ObjectionOutcome;
  /** The settlements it withdrew (a SETTLING claim no insurer had confirmed, taken back to review). */
  readonly withdrawn?: readonly string[];
}
export type ObjectionOutcome = 'REVIEW' | 'AUDIT_SAMPLE' | 'RECORDED';

export interface StoredAllocation {
  readonly insurerId: string;
  readonly shareBp: number;
  readonly amount: number;
}

export interface StoredAssessment {
  readonly payout: number;
  readonly bankShare: number | null;
  readonly accrual: Record<string, number>;
  /** The accumulator item the accrual went into (for release on review rejection). */
  readonly accumulatorKey: string | null;
  readonly invoiceKey: string | null;
  readonly route: 'NO_PAYOUT' | 'REVIEW' | 'PAYABLE';
  readonly reviewReasons: readonly string[];
  /** Steps as messages (rendered for each reader); claims decided before 2026-12 hold English text. */
  readonly explanation: { readonly figures: Record<string, unknown>; readonly steps: readonly (Message | string)[] };
}

export interface ClaimRecord {
  readonly claimId: string;
  readonly submission: ClaimSubmission;
  readonly householdId: string;
  readonly schemeId: string;
  readonly product: ClaimSubmission['product'];
  status: StoredStatus;
  reasonCode?: ReasonCode | null;
  /** A message (core/i18n), or text: a reviewer's note, or English from claims decided before 2026-12. */
  reasonDetail?: Message | string | null;
  assessment?: StoredAssessment | null;
  allocations?: StoredAllocation[] | null;
  settlementIds?: string[] | null;
  taskToken?: string | null;
  /** The final decision (level and reasonCode absent on claims reviewed before authority levels). */
  review?: {
    decision: 'APPROVE' | 'REJECT';
    note: string;
    reviewer: string;
    at: string;
    level?: ReviewLevel;
    reasonCode?: ReviewReasonCode | null;
  } | null;
  /** An approval above the first reviewer's limit: the claim waits in FinalReview for a higher level. */
  recommendation?: ReviewEntry | null;
  /** The return for information this round ended with (cleared by the amendment). */
  returned?: ReviewEntry | null;
  /** Every review decision of the claim, across amendments, oldest first. */
  reviews?: ReviewEntry[];
  /** How many times the submitter amended the claim after a return. */
  amendments?: number;
  error?: { error: string; cause: string } | null;
  /** Where a FAILED claim stopped: the status a redrive puts it back in, so its idempotent steps carry on. */
  failedFrom?: StoredStatus | null;
  /**
   * How many later executions the claim has: an admin's redrive, or an objection that took a SETTLING claim back to
   * review; execution n is named `<claimId>-r<n>` (see execution.ts).
   */
  redrives?: number;
  /** How many times an objection withdrew the claim's settlements (objections.ts); the next payout is round n + 1. */
  withdrawals?: number;
  submittedBy: string;
  idempotencyKey?: string | null;
  /** The household's county (registry): written when the claim is filed (absent if the household was unknown then) and by the assessment with its decision. The report counts the claim in it. */
  county?: string | null;
  /** `<schemeId>#<county>`, key of index bySchemeCounty; written with the county (claims-repo.ts moveClaim). */
  schemeCounty?: string;
  /** The payout (fen) of a claim the assessment sent to review: sort key of the sparse index reviewQueueByPayout. */
  reviewPayout?: number;
  /** Objections from the public, oldest first (functions/api/objections.ts); `objectionIds` is their id set. */
  objections?: ObjectionEntry[];
  objectionIds?: Set<string>;
  /** The scheme, written when the claim is approved for payment (payout step): key of index approvedByScheme. */
  approvedScheme?: string;
  /** When the payout step approved it for payment (settlements created): the public notice's date. */
  approvedAt?: string;
  /** Set on claims an index event filed (its claimKeys item carries it: index byIndexEvent there). */
  indexEventId?: string;
  /** Set on claims the medical bureau's feed filed: the feed and the line of its file (medical-feeds-repo.ts). */
  medicalFeedId?: string;
  feedLine?: number;
  createdAt: string;
  decidedAt?: string | null;
  paidAt?: string | null;
  updatedAt: string;
}

/**
 * What GET /claims/{id} answers: contract fields first (spec/api.md), no task token, no internals. Sentences
 * (reasonDetail, the explanation's steps) in the reader's language; codes and figures never change.
 */
export function claimView(c: ClaimRecord, settlements: readonly unknown[] = [], lang: Lang = 'zh-CN') {
  return {
    claimId: c.claimId,
    status: c.status,
    reasonCode: c.reasonCode ?? null,
    reasonDetail: c.reasonDetail == null ? null : renderText(c.reasonDetail, lang),
    schemeId: c.schemeId,
    product: c.product,
    householdId: c.householdId,
    personId: c.submission.personId,
    incidentDate: c.submission.incidentDate,
    details: c.submission.details,
    assessment: c.assessment
      ? {
          payout: c.assessment.payout,
          bankShare: c.assessment.bankShare,
          reviewReasons: c.assessment.reviewReasons,
          explanation: { figures: c.assessment.explanation.figures, steps: c.assessment.explanation.steps.map((s) => renderText(s, lang)) },
        }
      : null,
    allocations: (c.allocations ?? []).map((a) => ({ insurerId: a.insurerId, shareBp: a.shareBp, amount: a.amount })),
    settlements,
    review: c.review ?? null,
    recommendation: c.recommendation ?? null,
    returned: c.returned ?? null,
    reviews: c.reviews ?? [],
    objections: c.objections ?? [],
    amendments: c.amendments ?? 0,
    error: c.error ?? null,
    redrives: c.redrives ?? 0,
    withdrawals: c.withdrawals ?? 0,
    indexEventId: c.indexEventId ?? null,
    medicalFeedId: c.medicalFeedId ?? null,
    submittedBy: c.submittedBy,
    createdAt: c.createdAt,
    decidedAt: c.decidedAt ?? null,
    paidAt: c.paidAt ?? null,
    updatedAt: c.updatedAt,
  };
}

/** The settlement fields the audit's stored figures read (settlements-repo's Settlement has them all). */
interface SettlementFigures {
  readonly settlementId: string;
  readonly insurerId: string;
  readonly amount: number;
  readonly status: 'PENDING' | 'CONFIRMED' | 'WITHDRAWN';
  readonly paidAt?: string | null;
  readonly reference?: string | null;
}

/**
 * A claim's money as its store holds it now, in the shape core/audit-figures.ts reconciles with the chain:
 * assessment figures, allocations, settlements with their confirmation, review and paidAt. No personal data
 * (no payee, no submission).
 */
export function storedFigures(c: ClaimRecord, settlements: readonly SettlementFigures[]): StoredFiguresInput {
  return {
    status: c.status,
    payout: c.assessment?.payout ?? null,
    bankShare: c.assessment?.bankShare ?? null,
    route: c.assessment?.route ?? null,
    allocations: (c.allocations ?? []).map((a) => ({ insurerId: a.insurerId, shareBp: a.shareBp, amount: a.amount })),
    settlements: [...settlements]
      .sort((a, b) => (a.settlementId < b.settlementId ? -1 : a.settlementId > b.settlementId ? 1 : 0))
      .map((s) => ({
        settlementId: s.settlementId,
        insurerId: s.insurerId,
        amount: s.amount,
        status: s.status,
        paidAt: s.paidAt ?? null,
        reference: s.reference ?? null,
      })),
    review: c.review ? { reviewer: c.review.reviewer, decision: c.review.decision } : null,
    paidAt: c.paidAt ?? null,
  };
}
