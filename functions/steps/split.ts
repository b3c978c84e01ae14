/** Split: the payout over the product's underwriters by largest remainder (insurer pool; bank share is kept apart). */
import { splitLiability } from '#core/index.js';
import { ClaimStepInput, stepHandler } from '../shared/step.js';
import { loadClaim, moveClaim } from '../shared/claims-repo.js';
import { schemeOf } from '../shared/scheme-of.js';
import { commitWithAudit, headOf } from '../shared/audit.js';
import { WorkflowError } from '../shared/errors.js';
import { STATE } from '../shared/workflow-contract.js';

export const handler = stepHandler('split', ClaimStepInput, async ({ claimId, audit }) => {
  const claim = await loadClaim(claimId);
  // Already split (a retried step whose first attempt committed): nothing to add, the trail has its record.
  if (claim.status === 'SETTLING' || claim.status === 'PAID' || (claim.status === 'APPROVED' && claim.allocations)) return { claimId };
  // A claim approved in review is still PENDING_REVIEW here; the review decision moved it on.
  if ((claim.status !== 'APPROVED' && claim.status !== 'PENDING_REVIEW') || !claim.assessment) {
    throw new WorkflowError(`claim ${claimId} cannot be split in status ${claim.status}`);
  }
  if (claim.status === 'PENDING_REVIEW' && claim.review?.decision !== 'APPROVE')
    throw new WorkflowError(`claim ${claimId} was not approved in review`);
  const terms = schemeOf(claim.schemeId).products[claim.product];
  if (!terms) throw new WorkflowError(`${claim.schemeId} does not offer ${claim.product}`);
  const allocations = splitLiability(claim.assessment.payout, terms.underwriters);
  const record = await commitWithAudit(
    // Conditional on the status read (not either of the two): the report counts PENDING_REVIEW → APPROVED only once.
    await moveClaim(claim, [claim.status], { status: 'APPROVED', allocations, taskToken: null }),
    {
      claimId,
      step: STATE.split,
      actor: 'workflow',
      input: { claimId, payout: claim.assessment.payout, bankShare: claim.assessment.bankShare },
      output: allocations,
      decision: 'SPLIT',
      figures: { allocations },
    },
    audit,
  );
  if (!record) return { claimId }; // a concurrent retry got here first; the payout step reads what is stored
  return { claimId, audit: headOf(record) };
});
