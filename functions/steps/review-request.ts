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
import { AMEND_OUTCOME, HOLD_OUTCOME, REVIEW_OUTCOME, STATE, WAIT_STAGE, type ReviewOutcome } from '../shared/workflow-contract.js';

const Wait = z.object({
  claimId: z.string().min(1),
  taskToken: z.string().min(1),
  stage: z.enum([WAIT_STAGE.review, WAIT_STAGE.finalReview, WAIT_STAGE.amend]).default(WAIT_STAGE.review),
});
const Expire = z.object({ claimId: z.string().min(1), action: z.literal('expireReturn') });
const Input = z.union([Expire, Wait]);

export type { ReviewOutcome };

/** What the state machine's ReviewDecision / FinalReviewDecision Choice reads. */
export function reviewOutput(claimId: string, outcome: ReviewOutcome) {
  return { claimId, outcome };
}

/** The decision already stored for this wait, if any: what a re-run replays. */
function storedDecision(claim: ClaimRecord, stage: typeof WAIT_STAGE.review | typeof WAIT_STAGE.finalReview): ReviewOutcome | null {
  if (claim.returned) return REVIEW_OUTCOME.returned;
  // A re-run after a restart, replaying a round that was returned and then amended before the re-run reached the
  // amendment wait: the claim is RECEIVED again (no review is ever awaited in that status) and its last decision is
  // the return. The replay takes the return path; the amendment wait then answers "amended", and the new round
  // starts at eligibility as it would have.
  if (claim.status === 'RECEIVED' && (claim.amendments ?? 0) > 0 && claim.reviews?.at(-1)?.decision === 'RETURN') return REVIEW_OUTCOME.returned;
  if (stage === WAIT_STAGE.review && claim.recommendation) return REVIEW_OUTCOME.recommended;
  if (claim.review) return claim.review.decision === 'APPROVE' ? REVIEW_OUTCOME.approved : REVIEW_OUTCOME.rejected;
  return null;
}

export const handler = stepHandler('review-request', Input, async (input) => {
  if ('action' in input) return expireReturn(input.claimId);
  const { claimId, taskToken, stage } = input;
  const claim = await loadClaim(claimId);
  const send = (output: unknown) => sfnClient().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
  if (stage === WAIT_STAGE.amend) {
    // Amended already (its token was lost to a restart): carry on to eligibility.
    if (claim.status === 'RECEIVED') {
      await send({ claimId, outcome: AMEND_OUTCOME.amended });
      return { claimId, replayed: true };
    }
    if (!(await transitionClaim(claimId, ['RETURNED'], { taskToken }))) throw new WorkflowError(`claim ${claimId} is not returned`);
    await appendAudit({
      claimId,
      step: STATE.awaitAmendment,
      actor: 'workflow',
      input: { claimId },
      output: { reasonCode: claim.returned?.reasonCode ?? null },
      decision: 'AWAITING_AMENDMENT',
    });
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
  if (stage === WAIT_STAGE.review) {
    await appendAudit({
      claimId,
      step: STATE.review,
      actor: 'workflow',
      input: { claimId },
      output: { reviewReasons: claim.assessment?.reviewReasons ?? [] },
      decision: 'AWAITING_REVIEW',
    });
  } else {
    await appendAudit({
      claimId,
      step: STATE.finalReview,
      actor: 'workflow',
      input: { claimId },
      output: { recommendedBy: claim.recommendation?.reviewer ?? null },
      decision: 'AWAITING_FINAL_REVIEW',
    });
  }
  return { claimId, replayed: false };
});

/** The 30 days passed with no amendment: the claim is closed. Its holds were released when it was returned. */
async function expireReturn(claimId: string) {
  const claim = await loadClaim(claimId);
  if (claim.status === 'REJECTED') return { claimId, outcome: HOLD_OUTCOME.rejected }; // a retried step
  const now = new Date().toISOString();
  const record = await commitWithAudit(
    await moveClaim(claim, ['RETURNED'], {
      status: 'REJECTED',
      reasonCode: 'RETURN_EXPIRED',
      reasonDetail: 'returned for information and not amended in time',
      decidedAt: now,
      taskToken: null,
    }),
    {
      claimId,
      step: STATE.expireReturn,
      actor: 'workflow',
      input: { claimId },
      output: { returned: claim.returned?.at ?? null },
      decision: 'REJECTED:RETURN_EXPIRED',
    },
  );
  if (!record && (await loadClaim(claimId)).status !== 'REJECTED') throw new WorkflowError(`claim ${claimId} is ${claim.status}, not returned`);
  return { claimId, outcome: HOLD_OUTCOME.rejected };
}
