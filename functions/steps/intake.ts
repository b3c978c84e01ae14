/**
 * Intake: the first state. The API stored the claim as RECEIVED; intake re-validates what was stored (the
 * workflow must not trust a record it did not parse), checks the scheme offers the product, and audits.
 */
import { ClaimSubmission } from '#core/index.js';
import { ClaimStepInput, stepHandler } from '../shared/step.js';
import { loadClaim } from '../shared/claims-repo.js';
import { schemeOf } from '../shared/scheme-of.js';
import { appendAudit, headOf } from '../shared/audit.js';
import { WorkflowError } from '../shared/errors.js';
import { STATE } from '../shared/workflow-contract.js';

export const handler = stepHandler('intake', ClaimStepInput, async ({ claimId, audit }) => {
  const claim = await loadClaim(claimId);
  const parsed = ClaimSubmission.safeParse(claim.submission);
  if (!parsed.success) throw new WorkflowError(`stored submission of ${claimId} does not parse: ${parsed.error.message}`);
  const scheme = schemeOf(parsed.data.schemeId);
  if (!scheme.products[parsed.data.product]) throw new WorkflowError(`${scheme.schemeId} does not offer ${parsed.data.product}`);
  const output = { claimId, product: parsed.data.product, schemeId: scheme.schemeId };
  const record = await appendAudit({ claimId, step: STATE.intake, actor: 'workflow', input: claim.submission, output, decision: 'ACCEPTED' }, audit);
  return { claimId, audit: headOf(record) };
});
