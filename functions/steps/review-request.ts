/**
 * The human waits of the claim workflow, each a `.waitForTaskToken` task that stores its token on the claim so an
 * API call can complete it:
 * - `REVIEW`: the first review (POST /claims/{id}/review);
 * - `FINAL_REVIEW`: after an approval above the first reviewer's authority limit, a reviewer whose limit covers it;
 * - `AMEND`: a returned claim waits for its submitter's amendment (POST /claims/{id}/amend).
 * If the decision for that wait is already stored (the workflow was re-run after a restart or redrive), it is
 * replayed at once instead of waiting again. With action `expireReturn` (the AMEND wait timed out) the returned
 * claim is closed as REJECTED / RETURN_EXPIRED.
 */
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import { stepHandler } from '../shared/step.js';
import { loadClaim, moveClaim, transitionClaim } from '../shared/claims-repo.js';
import { sfnClient } from '../shared/aws.js';
import { appendAudit, commitWithAudit } from '../shared/audit.js';
import { WorkflowError } from '../shared/errors.js';
import type { ClaimRecord } from '../shared/claim-record.js';

const Wait = z.object({ claimId: z.string().min(1), taskToken: z.string().min(1), stage: z.enum(['REVIEW', 'FINAL_REVIEW', 'AMEND']).default('REVIEW') });
const Expire = z.object({ claimId: z.string().min(1), action: z.literal('expireReturn') });
const Input = z.union([Expire, Wait]);

export type ReviewOutcome = 'APPROVED' | 'RECOMMENDED' | 'REVIEW_REJECTED' | 'RETURNED';

/** What the state machine's ReviewDecision / FinalReviewDecision Choice reads. */
export function reviewOutput(claimId: string, outcome: ReviewOutcome) {
  return { claimId, outcome };
}

/** The decision already stored for this wait, if any: what a re-run replays. */
function storedDecision(claim: ClaimRecord, stage: 'REVIEW' | 'FINAL_REVIEW'): ReviewOutcome | null {
  if (claim.returned) return 'RETURNED';
  if (stage === 'REVIEW' && claim.recommendation) return 'RECOMMENDED';
  if (claim.review) return claim.review.decision === 'APPROVE' ? 'APPROVED' : 'REVIEW_REJECTED';
  return null;
}

export const handler = stepHandler('review-request', Input, async (input) => {
  if ('action' in input) return expireReturn(input.claimId);
  const { claimId, taskToken, stage } = input;
  const claim = await loadClaim(claimId);
  const send = (output: unknown) => sfnClient().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
  if (stage === 'AMEND') {
    // Amended already (its token was lost to a restart): carry on to eligibility.
    if (claim.status === 'RECEIVED') {
      await send({ claimId, outcome: 'AMENDED' });
      return { claimId, replayed: true };
    }
    if (!(await transitionClaim(claimId, ['RETURNED'], { taskToken }))) throw new WorkflowError(`claim ${claimId} is not returned`);
    await appendAudit({ claimId, step: 'AwaitAmendment', actor: 'workflow', input: { claimId }, output: { reasonCode: claim.returned?.reasonCode ?? null }, decision: 'AWAITING_AMENDMENT' });
    return { claimId, replayed: false };
  }
  const decided = storedDecision(claim, stage);
  if (decided) {
    await send(reviewOutput(claimId, decided));
    return { claimId, replayed: true };
  }
  if (!(await transitionClaim(claimId, ['PENDING_REVIEW'], { taskToken }))) {
    throw new WorkflowError(`claim ${claimId} is not pending review`);
  }
  if (stage === 'REVIEW') {
    await appendAudit({ claimId, step: 'Review', actor: 'workflow', input: { claimId }, output: { reviewReasons: claim.assessment?.reviewReasons ?? [] }, decision: 'AWAITING_REVIEW' });
  } else {
    await appendAudit({ claimId, step: 'FinalReview', actor: 'workflow', input: { claimId }, output: { recommendedBy: claim.recommendation?.reviewer ?? null }, decision: 'AWAITING_FINAL_REVIEW' });
  }
  return { claimId, replayed: false };
});

/** The 30 days passed with no amendment: the claim is closed. Its holds were released when it was returned. */
async function expireReturn(claimId: string) {
  const claim = await loadClaim(claimId);
  if (claim.status === 'REJECTED') return { claimId, outcome: 'REJECTED' as const }; // a retried step
  const now = new Date().toISOString();
  const record = await commitWithAudit(
    await moveClaim(claim, ['RETURNED'], { status: 'REJECTED', reasonCode: 'RETURN_EXPIRED', reasonDetail: 'returned for information and not amended in time', decidedAt: now, taskToken: null }),
    { claimId, step: 'ExpireReturn', actor: 'workflow', input: { claimId }, output: { returned: claim.returned?.at ?? null }, decision: 'REJECTED:RETURN_EXPIRED' },
  );
  if (!record && (await loadClaim(claimId)).status !== 'REJECTED') throw new WorkflowError(`claim ${claimId} is ${claim.status}, not returned`);
  return { claimId, outcome: 'REJECTED' as const };
}
