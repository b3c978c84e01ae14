/**
 * Payout: one settlement per (insurer, payee) with deterministic ids, the webhook outbox record announcing them, the
 * claim moved APPROVED → SETTLING and the audit record: all in ONE transaction, conditional on the claim still
 * being APPROVED, so a retry can never create a settlement or a webhook twice, and a claim never shows SETTLING
 * without its settlements and its trail.
 */
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { ClaimStepInput, stepHandler } from '../shared/step.js';
import { loadClaim, moveClaim } from '../shared/claims-repo.js';
import { settlementId, type Payee, type Settlement, insurerStatusKey } from '../shared/settlements-repo.js';
import { settlementsCreatedOutboxItem } from '../shared/webhook-outbox.js';
import { tableName } from '../shared/aws.js';
import { commitWithAudit, headOf } from '../shared/audit.js';
import { TransientError, WorkflowError } from '../shared/errors.js';
import type { ClaimRecord } from '../shared/claim-record.js';
import { STATE } from '../shared/workflow-contract.js';

export function payeeOf(claim: ClaimRecord): Payee {
  const sub = claim.submission;
  switch (sub.product) {
    case 'MEDICAL':
      return sub.details.payee === 'HOSPITAL' ? { type: 'HOSPITAL', id: sub.details.hospitalCode } : { type: 'CLAIMANT', id: sub.personId };
    case 'LOAN_GUARANTEE':
      return { type: 'BANK', id: sub.details.bankId };
    case 'DISASTER':
    case 'INDUSTRY':
      return { type: 'HOUSEHOLD', id: sub.householdId };
    default:
      return { type: 'CLAIMANT', id: sub.personId };
  }
}

/** The split's allocations, as the split step hands them on (for a claim it did not write: split.ts). */
const Input = ClaimStepInput.extend({
  allocations: z.array(z.object({ insurerId: z.string().min(1), shareBp: z.number().int().min(0), amount: z.number().int().min(0) })).optional(),
});

export const handler = stepHandler('payout', Input, async ({ claimId, audit, allocations: handedOn }) => {
  const claim = await loadClaim(claimId);
  if (claim.status === 'SETTLING' || claim.status === 'PAID') return { claimId };
  if (claim.status !== 'APPROVED') throw new WorkflowError(`claim ${claimId} cannot be paid in status ${claim.status}`);
  // Stored when the split moved the claim (a review's approval), else as the split handed them on.
  const allocations = claim.allocations ?? handedOn;
  if (!allocations || !claim.assessment) throw new WorkflowError(`claim ${claimId} has no allocations to pay`);
  const allocated = allocations.reduce((sum, a) => sum + a.amount, 0);
  if (allocated !== claim.assessment.payout)
    throw new WorkflowError(`claim ${claimId}: allocations total ${allocated} fen, the assessment's payout is ${claim.assessment.payout}`);
  const payee = payeeOf(claim);
  // Each withdrawal (an objection before any insurer confirmed) starts a new round with new settlement ids.
  const round = (claim.withdrawals ?? 0) + 1;
  const createdAt = new Date().toISOString();
  const settlements: Settlement[] = allocations
    .filter((a) => a.amount > 0)
    .map((a) => ({
      settlementId: settlementId(claimId, a.insurerId, payee, round),
      claimId,
      insurerId: a.insurerId,
      amount: a.amount,
      payee,
      schemeId: claim.schemeId,
      product: claim.product,
      status: 'PENDING',
      // Key of index byInsurerStatus (an insurer's settlements waiting for confirmation); confirm moves it.
      insurerStatus: insurerStatusKey(a.insurerId, 'PENDING'),
      createdAt,
    }));
  const ids = settlements.map((s) => s.settlementId);
  const record = await commitWithAudit(
    [
      ...settlements.map((s) => ({ Put: { TableName: tableName('settlements'), Item: s } })),
      ...(settlements.length > 0
        ? [{ Put: { TableName: tableName('webhooks'), Item: settlementsCreatedOutboxItem(claimId, settlements, round) } }]
        : []),
      // approvedScheme + approvedAt: the claim enters index approvedByScheme (public notice, audit samples).
      ...(await moveClaim(claim, ['APPROVED'], {
        status: 'SETTLING',
        allocations,
        settlementIds: ids,
        decidedAt: claim.decidedAt ?? createdAt,
        approvedScheme: claim.schemeId,
        approvedAt: createdAt,
      })),
    ],
    {
      claimId,
      step: STATE.payout,
      actor: 'workflow',
      input: { claimId, allocations },
      output: settlements.map((s) => ({ id: s.settlementId, amount: s.amount, payee: s.payee })),
      decision: 'SETTLING',
      // Ids, insurers and amounts only: the payee's id can be a person's, which the clear figures never carry.
      figures: { settlements: settlements.map((s) => ({ settlementId: s.settlementId, insurerId: s.insurerId, amount: s.amount })) },
    },
    audit,
  );
  if (record) return { claimId, audit: headOf(record) };
  // The claim left APPROVED meanwhile: a concurrent attempt of this step committed (SETTLING) or it was moved.
  const now = await loadClaim(claimId);
  if (now.status === 'SETTLING' || now.status === 'PAID') return { claimId };
  throw new TransientError(`payout of ${claimId} found it ${now.status}`);
});
