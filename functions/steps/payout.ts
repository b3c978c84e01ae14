/**
 * Payout: one settlement per (insurer, payee), with deterministic ids and conditional writes so a retry never
 * creates a second one; each is put in the webhook outbox; the claim becomes SETTLING.
 */
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { stepHandler } from '../shared/step.js';
import { loadClaim, transitionClaim } from '../shared/claims-repo.js';
import { createSettlement, settlementId, type Payee, type Settlement } from '../shared/settlements-repo.js';
import { enqueueSettlementCreated } from '../shared/webhook-outbox.js';
import { appendAudit } from '../shared/audit.js';
import { WorkflowError } from '../shared/errors.js';
import type { ClaimRecord } from '../shared/claim-record.js';

const Input = z.object({ claimId: z.string().min(1) });

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

export const handler = stepHandler('payout', Input, async ({ claimId }) => {
  const claim = await loadClaim(claimId);
  if (claim.status === 'SETTLING' || claim.status === 'PAID') return { claimId };
  if (claim.status !== 'APPROVED' || !claim.allocations) throw new WorkflowError(`claim ${claimId} cannot be paid in status ${claim.status}`);
  const payee = payeeOf(claim);
  const createdAt = new Date().toISOString();
  const settlements: Settlement[] = claim.allocations
    .filter((a) => a.amount > 0)
    .map((a) => ({
      settlementId: settlementId(claimId, a.insurerId, payee),
      claimId,
      insurerId: a.insurerId,
      amount: a.amount,
      payee,
      schemeId: claim.schemeId,
      product: claim.product,
      status: 'PENDING',
      createdAt,
    }));
  for (const s of settlements) {
    await createSettlement(s);
    await enqueueSettlementCreated(s);
  }
  const ids = settlements.map((s) => s.settlementId);
  // The audit record comes first: once a claim shows SETTLING, its trail already proves how it got there. A
  // retried step appends nothing new (appendAudit skips an entry identical to the chain head).
  await appendAudit({ claimId, step: 'Payout', actor: 'workflow', input: { claimId, allocations: claim.allocations }, output: settlements.map((s) => ({ id: s.settlementId, amount: s.amount, payee: s.payee })), decision: 'SETTLING' });
  await transitionClaim(claimId, ['APPROVED'], { status: 'SETTLING', settlementIds: ids, decidedAt: claim.decidedAt ?? createdAt });
  return { claimId };
});
