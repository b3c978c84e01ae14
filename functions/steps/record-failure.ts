/**
 * RecordFailure: the Catch target. The claim becomes FAILED (technical) with the error recorded, and with the
 * status it failed from, which an admin's redrive (POST /claims/{id}/redrive) puts back.
 */
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { stepHandler } from '../shared/step.js';
import { getClaim, transitionClaimCounted } from '../shared/claims-repo.js';
import { FAILABLE_STATUSES } from '../shared/claim-record.js';
import { appendAudit } from '../shared/audit.js';
import { STATE } from '../shared/workflow-contract.js';

const Input = z.object({
  claimId: z.string().min(1),
  error: z
    .object({ Error: z.string().default('Unknown'), Cause: z.string().default('') })
    .partial()
    .default({}),
});

export const handler = stepHandler('record-failure', Input, async ({ claimId, error }) => {
  const recorded = { error: error.Error ?? 'Unknown', cause: (error.Cause ?? '').slice(0, 2000) };
  // Conditional on the status just read, so failedFrom is exactly where it stopped (re-read if a step moved it).
  let moved = false;
  for (let attempt = 0; attempt < 3 && !moved; attempt++) {
    const claim = await getClaim(claimId);
    const from = claim?.status;
    if (!claim || !from || !FAILABLE_STATUSES.includes(from)) break; // gone, or already decided or failed: nothing to record
    moved = await transitionClaimCounted(claim, [from], { status: 'FAILED', failedFrom: from, error: recorded, taskToken: null });
  }
  if (moved) await appendAudit({ claimId, step: STATE.recordFailure, actor: 'workflow', input: { claimId }, output: recorded, decision: 'FAILED' });
  return { claimId, failed: moved };
});
