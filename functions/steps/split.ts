/** Split: the payout over the product's underwriters by largest remainder (insurer pool; bank share is kept apart). */
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { splitLiability } from '#core/index.js';
import { stepHandler } from '../shared/step.js';
import { loadClaim, transitionClaim } from '../shared/claims-repo.js';
import { schemeOf } from '../shared/scheme-of.js';
import { appendAudit } from '../shared/audit.js';
import { WorkflowError } from '../shared/errors.js';

const Input = z.object({ claimId: z.string().min(1) });

export const handler = stepHandler('split', Input, async ({ claimId }) => {
  const claim = await loadClaim(claimId);
  if (claim.status === 'SETTLING' || claim.status === 'PAID') return { claimId };
  // A claim approved in review is still PENDING_REVIEW here; the review decision moved it on.
  if ((claim.status !== 'APPROVED' && claim.status !== 'PENDING_REVIEW') || !claim.assessment) {
    throw new WorkflowError(`claim ${claimId} cannot be split in status ${claim.status}`);
  }
  if (claim.status === 'PENDING_REVIEW' && claim.review?.decision !== 'APPROVE') throw new WorkflowError(`claim ${claimId} was not approved in review`);
  const terms = schemeOf(claim.schemeId).products[claim.product];
  if (!terms) throw new WorkflowError(`${claim.schemeId} does not offer ${claim.product}`);
  const allocations = splitLiability(claim.assessment.payout, terms.underwriters);
  const moved = await transitionClaim(claimId, ['APPROVED', 'PENDING_REVIEW'], { status: 'APPROVED', allocations, taskToken: null });
  if (!moved) return { claimId }; // a concurrent retry got here first; the payout step reads what is stored
  await appendAudit({ claimId, step: 'Split', actor: 'workflow', input: { claimId, payout: claim.assessment.payout, bankShare: claim.assessment.bankShare }, output: allocations, decision: 'SPLIT' });
  return { claimId };
});
