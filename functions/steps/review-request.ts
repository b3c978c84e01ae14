/**
 * Review request: the `.waitForTaskToken` task. Stores the task token on the claim so a reviewer's
 * POST /claims/{id}/review can complete it. If the reviewer already decided (the workflow was re-run after a
 * restart), the decision is replayed at once instead of waiting again.
 */
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { stepHandler } from '../shared/step.js';
import { loadClaim, transitionClaim } from '../shared/claims-repo.js';
import { sfnClient } from '../shared/aws.js';
import { appendAudit } from '../shared/audit.js';
import { WorkflowError } from '../shared/errors.js';

const Input = z.object({ claimId: z.string().min(1), taskToken: z.string().min(1) });

export function reviewOutput(claimId: string, decision: 'APPROVE' | 'REJECT') {
  return { claimId, outcome: decision === 'APPROVE' ? ('APPROVED' as const) : ('REVIEW_REJECTED' as const) };
}

export const handler = stepHandler('review-request', Input, async ({ claimId, taskToken }) => {
  const claim = await loadClaim(claimId);
  if (claim.review) {
    await sfnClient().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(reviewOutput(claimId, claim.review.decision)) }));
    return { claimId, replayed: true };
  }
  if (!(await transitionClaim(claimId, ['PENDING_REVIEW'], { taskToken }))) {
    throw new WorkflowError(`claim ${claimId} is not pending review`);
  }
  await appendAudit({ claimId, step: 'Review', actor: 'workflow', input: { claimId }, output: { reviewReasons: claim.assessment?.reviewReasons ?? [] }, decision: 'AWAITING_REVIEW' });
  return { claimId, replayed: false };
});
