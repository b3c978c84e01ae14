/**
 * Eligibility: the registry checks of spec 9 in order. A rejection is written here (conditional on the claim
 * still being RECEIVED); a retried step reads the stored outcome instead of deciding twice.
 */
import { checkEligibility, invoiceKey } from '#core/index.js';
import { ClaimStepInput, stepHandler } from '../shared/step.js';
import { loadClaim, moveClaim } from '../shared/claims-repo.js';
import { getHousehold } from '../shared/registry-repo.js';
import { invoiceHolder } from '../shared/accumulators.js';
import { schemeOf } from '../shared/scheme-of.js';
import { appendAudit, commitWithAudit, headOf } from '../shared/audit.js';
import { storedOutcome } from './outcome.js';
import { ELIGIBILITY_OUTCOME, ROUTE_OUTCOME, STATE } from '../shared/workflow-contract.js';

export const handler = stepHandler('eligibility', ClaimStepInput, async ({ claimId, audit }) => {
  const claim = await loadClaim(claimId);
  if (claim.status === 'REJECTED') return { claimId, outcome: ELIGIBILITY_OUTCOME.rejected };
  if (claim.status !== 'RECEIVED') return { claimId, outcome: ELIGIBILITY_OUTCOME.eligible };
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
    const record = await commitWithAudit(
      await moveClaim(claim, ['RECEIVED'], { status: 'REJECTED', reasonCode: result.reasonCode, reasonDetail: result.detail, decidedAt: now }),
      { claimId, step: STATE.eligibility, actor: 'workflow', input: { claimId }, output: result, decision: `REJECTED:${result.reasonCode}` },
      audit,
    );
    // null: the claim moved meanwhile (a concurrent retry decided it); report what is stored.
    if (!record)
      return {
        claimId,
        outcome: storedOutcome(await loadClaim(claimId)) === ROUTE_OUTCOME.rejected ? ELIGIBILITY_OUTCOME.rejected : ELIGIBILITY_OUTCOME.eligible,
      };
    return { claimId, outcome: ELIGIBILITY_OUTCOME.rejected, audit: headOf(record) };
  }
  const record = await appendAudit(
    { claimId, step: STATE.eligibility, actor: 'workflow', input: { claimId }, output: result, decision: 'ELIGIBLE' },
    audit,
  );
  return { claimId, outcome: ELIGIBILITY_OUTCOME.eligible, audit: headOf(record) };
});
