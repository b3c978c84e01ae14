/**
 * Split: the payout over the product's underwriters by largest remainder (insurer pool; bank share is kept apart).
 *
 * A claim the assessment approved is APPROVED already: the split moves no status and changes no figure of the
 * report, so it writes nothing to the claim. Its decision is its audit record (the allocations in clear), and the
 * allocations travel to the payout step in the state payload; the payout stores them on the claim in the same
 * transaction that creates the settlements. One claim write less per paid claim, and the claim still never shows a
 * state its trail does not prove (the trail has the split before the claim shows the allocations).
 * A claim approved in review is still PENDING_REVIEW here: it moves to APPROVED with its allocations, counted.
 */
import { splitLiability } from '#core/index.js';
import { ClaimStepInput, stepHandler } from '../shared/step.js';
import { loadClaim, moveClaim } from '../shared/claims-repo.js';
import { schemeOf } from '../shared/scheme-of.js';
import { appendAudit, commitWithAudit, headOf, readAudit, type AuditEntry, type AuditHead } from '../shared/audit.js';
import { digest } from '../shared/canonical.js';
import { WorkflowError } from '../shared/errors.js';
import { STATE } from '../shared/workflow-contract.js';
import type { ClaimRecord } from '../shared/claim-record.js';

export const handler = stepHandler('split', ClaimStepInput, async ({ claimId, audit }) => {
  const claim = await loadClaim(claimId);
  // Already paid out, or split in review (a retried step whose first attempt committed): the trail has its record.
  if (claim.status === 'SETTLING' || claim.status === 'PAID' || (claim.status === 'APPROVED' && claim.allocations)) return { claimId };
  if ((claim.status !== 'APPROVED' && claim.status !== 'PENDING_REVIEW') || !claim.assessment) {
    throw new WorkflowError(`claim ${claimId} cannot be split in status ${claim.status}`);
  }
  if (claim.status === 'PENDING_REVIEW' && claim.review?.decision !== 'APPROVE')
    throw new WorkflowError(`claim ${claimId} was not approved in review`);
  const terms = schemeOf(claim.schemeId).products[claim.product];
  if (!terms) throw new WorkflowError(`${claim.schemeId} does not offer ${claim.product}`);
  const allocations = splitLiability(claim.assessment.payout, terms.underwriters);
  const entry: AuditEntry = {
    claimId,
    step: STATE.split,
    actor: 'workflow',
    input: { claimId, payout: claim.assessment.payout, bankShare: claim.assessment.bankShare },
    output: allocations,
    decision: 'SPLIT',
    figures: { allocations },
  };
  if (claim.status === 'APPROVED') return { claimId, allocations, audit: await splitRecorded(claim, entry, audit) };
  const record = await commitWithAudit(
    // Conditional on the status read (not either of the two): the report counts PENDING_REVIEW → APPROVED only once.
    await moveClaim(claim, [claim.status], { status: 'APPROVED', allocations, taskToken: null }),
    entry,
    audit,
  );
  if (!record) return { claimId }; // a concurrent retry got here first; the payout step reads what is stored
  return { claimId, audit: headOf(record) };
});

/**
 * The split's record of an APPROVED claim, appended once. A retried attempt whose first one committed finds its
 * record at the head of the chain (appendAudit does not append the same entry twice). A run after a redrive starts
 * from the beginning and may follow records written since (the failure's): it reads the chain once and keeps a
 * split already recorded with the same allocations instead of recording it again.
 */
async function splitRecorded(claim: ClaimRecord, entry: AuditEntry, audit: AuditHead | undefined): Promise<AuditHead> {
  if ((claim.redrives ?? 0) > 0) {
    const records = await readAudit(claim.claimId);
    const last = records.at(-1);
    if (last && records.some((r) => r.step === entry.step && r.outputDigest === digest(entry.output))) return headOf(last);
  }
  return headOf(await appendAudit(entry, audit));
}
