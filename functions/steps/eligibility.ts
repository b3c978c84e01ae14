/**
 * Eligibility: the registry checks of spec 9 in order. A rejection is written here (conditional on the claim
 * still being RECEIVED); a retried step reads the stored outcome instead of deciding twice.
 */
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { checkEligibility, invoiceKey } from '#core/index.js';
import { stepHandler } from '../shared/step.js';
import { loadClaim, transitionClaim } from '../shared/claims-repo.js';
import { getHousehold } from '../shared/registry-repo.js';
import { invoiceHolder } from '../shared/accumulators.js';
import { schemeOf } from '../shared/scheme-of.js';
import { appendAudit } from '../shared/audit.js';

const Input = z.object({ claimId: z.string().min(1) });

export const handler = stepHandler('eligibility', Input, async ({ claimId }) => {
  const claim = await loadClaim(claimId);
  if (claim.status === 'REJECTED') return { claimId, outcome: 'REJECTED' as const };
  if (claim.status !== 'RECEIVED') return { claimId, outcome: 'ELIGIBLE' as const };
  const submission = claim.submission;
  const household = await getHousehold(submission.householdId);
  const invoice = invoiceKey(submission);
  const holder = invoice ? await invoiceHolder(invoice) : undefined;
  const result = checkEligibility(submission, schemeOf(submission.schemeId), {
    household,
    invoiceConsumed: holder !== undefined && holder !== claimId,
  });
  if (!result.eligible) {
    const now = new Date().toISOString();
    await transitionClaim(claimId, ['RECEIVED'], { status: 'REJECTED', reasonCode: result.reasonCode, reasonDetail: result.detail, decidedAt: now });
    await appendAudit({ claimId, step: 'Eligibility', actor: 'workflow', input: { claimId }, output: result, decision: `REJECTED:${result.reasonCode}` });
    return { claimId, outcome: 'REJECTED' as const };
  }
  await appendAudit({ claimId, step: 'Eligibility', actor: 'workflow', input: { claimId }, output: result, decision: 'ELIGIBLE' });
  return { claimId, outcome: 'ELIGIBLE' as const };
});
