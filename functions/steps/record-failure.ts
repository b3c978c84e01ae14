/** RecordFailure: the Catch target. The claim becomes FAILED (technical, redrivable) with the error recorded. */
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { stepHandler } from '../shared/step.js';
import { transitionClaim } from '../shared/claims-repo.js';
import { appendAudit } from '../shared/audit.js';

const Input = z.object({
  claimId: z.string().min(1),
  error: z.object({ Error: z.string().default('Unknown'), Cause: z.string().default('') }).partial().default({}),
});

export const handler = stepHandler('record-failure', Input, async ({ claimId, error }) => {
  const recorded = { error: error.Error ?? 'Unknown', cause: (error.Cause ?? '').slice(0, 2000) };
  const moved = await transitionClaim(claimId, ['RECEIVED', 'APPROVED', 'PENDING_REVIEW'], { status: 'FAILED', error: recorded, taskToken: null });
  if (moved) await appendAudit({ claimId, step: 'RecordFailure', actor: 'workflow', input: { claimId }, output: recorded, decision: 'FAILED' });
  return { claimId, failed: moved };
});
