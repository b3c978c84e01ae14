/**
 * Intake: the first state. The API stored the claim as RECEIVED; intake re-validates what was stored (the
 * workflow must not trust a record it did not parse), checks the scheme offers the product, and audits.
 */
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { ClaimSubmission } from '#core/index.js';
import { stepHandler } from '../shared/step.js';
import { loadClaim } from '../shared/claims-repo.js';
import { schemeOf } from '../shared/scheme-of.js';
import { appendAudit } from '../shared/audit.js';
import { WorkflowError } from '../shared/errors.js';

const Input = z.object({ claimId: z.string().min(1) });

export const handler = stepHandler('intake', Input, async ({ claimId }) => {
  const claim = await loadClaim(claimId);
  const parsed = ClaimSubmission.safeParse(claim.submission);
  if (!parsed.success) throw new WorkflowError(`stored submission of ${claimId} does not parse: ${parsed.error.message}`);
  const scheme = schemeOf(parsed.data.schemeId);
  if (!scheme.products[parsed.data.product]) throw new WorkflowError(`${scheme.schemeId} does not offer ${parsed.data.product}`);
  const output = { claimId, product: parsed.data.product, schemeId: scheme.schemeId };
  await appendAudit({ claimId, step: 'Intake', actor: 'workflow', input: claim.submission, output, decision: 'ACCEPTED' });
  return { claimId };
});
