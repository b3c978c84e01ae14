/** The claim as stored in the claims table, and the view the API returns. */
import type { ClaimSubmission, ClaimStatus, ReasonCode, StoredFiguresInput } from '#core/index.js';

/** Running states beyond the contract's list: APPROVED (assessed, not yet settled). */
export type StoredStatus = ClaimStatus | 'APPROVED';
/** The undecided statuses a workflow can fail in (RecordFailure moves them to FAILED; a redrive moves them back). */
export const FAILABLE_STATUSES: readonly StoredStatus[] = ['RECEIVED', 'APPROVED', 'PENDING_REVIEW'];

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
  readonly explanation: { readonly figures: Record<string, unknown>; readonly steps: readonly string[] };
}

export interface ClaimRecord {
  readonly claimId: string;
  readonly submission: ClaimSubmission;
  readonly householdId: string;
  readonly schemeId: string;
  readonly product: ClaimSubmission['product'];
  status: StoredStatus;
  reasonCode?: ReasonCode | null;
  reasonDetail?: string | null;
  assessment?: StoredAssessment | null;
  allocations?: StoredAllocation[] | null;
  settlementIds?: string[] | null;
  taskToken?: string | null;
  review?: { decision: 'APPROVE' | 'REJECT'; note: string; reviewer: string; at: string } | null;
  error?: { error: string; cause: string } | null;
  /** Where a FAILED claim stopped: the status a redrive puts it back in, so its idempotent steps carry on. */
  failedFrom?: StoredStatus | null;
  /** How many times an admin redrove the claim; execution n is named `<claimId>-r<n>` (see execution.ts). */
  redrives?: number;
  submittedBy: string;
  idempotencyKey?: string | null;
  /** The household's county (registry): written when the claim is filed (absent if the household was unknown then) and by the assessment with its decision. The report counts the claim in it. */
  county?: string | null;
  /** `<schemeId>#<county>`, key of index bySchemeCounty; written with the county (claims-repo.ts moveClaim). */
  schemeCounty?: string;
  /** The payout (fen) of a claim the assessment sent to review: sort key of the sparse index reviewQueueByPayout. */
  reviewPayout?: number;
  /** Set on claims an index event filed (sparse index byIndexEvent). */
  indexEventId?: string;
  createdAt: string;
  decidedAt?: string | null;
  paidAt?: string | null;
  updatedAt: string;
}

/** What GET /claims/{id} answers: contract fields first (spec/api.md), no task token, no internals. */
export function claimView(c: ClaimRecord, settlements: readonly unknown[] = []) {
  return {
    claimId: c.claimId,
    status: c.status,
    reasonCode: c.reasonCode ?? null,
    reasonDetail: c.reasonDetail ?? null,
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
          explanation: c.assessment.explanation,
        }
      : null,
    allocations: (c.allocations ?? []).map((a) => ({ insurerId: a.insurerId, shareBp: a.shareBp, amount: a.amount })),
    settlements,
    review: c.review ?? null,
    error: c.error ?? null,
    redrives: c.redrives ?? 0,
    indexEventId: c.indexEventId ?? null,
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
  readonly status: 'PENDING' | 'CONFIRMED';
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
      .map((s) => ({ settlementId: s.settlementId, insurerId: s.insurerId, amount: s.amount, status: s.status, paidAt: s.paidAt ?? null, reference: s.reference ?? null })),
    review: c.review ? { reviewer: c.review.reviewer, decision: c.review.decision } : null,
    paidAt: c.paidAt ?? null,
  };
}
