/**
 * Assessment: deductible, tiers and caps (the core decides), then ONE transaction writes the accumulator at
 * version + 1, consumes the invoice, records the decision and appends the audit record, each conditional. A cancelled transaction means
 * a concurrent claim moved first: re-read and decide again, so cap room is never used twice.
 * With action "release" (after a reviewer rejected the claim) the same transaction shape gives the held
 * amounts and the invoice back; with "return" (a reviewer returned it for information) likewise, and the claim
 * waits RETURNED for its amendment, after which it is assessed afresh.
 */
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { assessClaim, checkEligibility, invoiceKey, isRejection, routeAssessment } from '#core/index.js';
import { ClaimStepInput, stepHandler } from '../shared/step.js';
import { loadClaim, moveClaim, pinObjections } from '../shared/claims-repo.js';
import { getHousehold } from '../shared/registry-repo.js';
import { accumulatorKey, accumulatorPut, addCounters, invoiceHolder, invoiceItemKey, readAccumulator } from '../shared/accumulators.js';
import { tableName } from '../shared/aws.js';
import { schemeOf } from '../shared/scheme-of.js';
import { commitWithAudit, headOf, type AuditHead, type TxItem } from '../shared/audit.js';
import { TransientError, WorkflowError } from '../shared/errors.js';
import type { StoredAssessment, StoredStatus } from '../shared/claim-record.js';
import { storedOutcome, type Outcome } from './outcome.js';
import { HOLD_OUTCOME, ROUTE_OUTCOME, STATE, type HoldOutcome } from '../shared/workflow-contract.js';

const Input = ClaimStepInput.extend({ action: z.enum(['assess', 'release', 'return']).default('assess') });
const MAX_ATTEMPTS = 12;

export const handler = stepHandler('assessment', Input, async ({ claimId, action, audit }) =>
  action === 'assess' ? assess(claimId, audit) : release(claimId, action),
);

async function assess(claimId: string, audit: AuditHead | undefined): Promise<{ claimId: string; outcome: Outcome; audit?: AuditHead }> {
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const claim = await loadClaim(claimId);
    if (claim.status !== 'RECEIVED') return { claimId, outcome: storedOutcome(claim) };
    const sub = claim.submission;
    const scheme = schemeOf(sub.schemeId);
    const household = await getHousehold(sub.householdId);
    const invoice = invoiceKey(sub);
    // The invoice's holder is not read on the first attempt: eligibility has just checked it, and a decision that
    // pays (or closes) the claim consumes the invoice with a Put conditional on nobody else holding it, so a claim
    // that took the invoice meanwhile cancels the transaction and the next attempt reads the holder. A rejection
    // writes no invoice item, so it is only ever decided with the holder read (its reason must be the first
    // failing check, which may be the duplicate invoice). One read less per claim, the same guarantee.
    const holderRead = attempt > 0 || !invoice;
    const holder = invoice && holderRead ? await invoiceHolder(invoice) : undefined;
    // Re-check eligibility against what we read now: the registry or the invoice may have changed since.
    const eligibility = checkEligibility(sub, scheme, { household, invoiceConsumed: holder !== undefined && holder !== claimId });
    const now = new Date().toISOString();
    if (!holderRead && (!eligibility.eligible || !household)) continue; // decide the rejection with the holder read
    if (!eligibility.eligible || !household) {
      const reasonCode = eligibility.eligible ? 'HOUSEHOLD_NOT_FOUND' : eligibility.reasonCode;
      const record = await commitWithAudit(
        await moveClaim(claim, ['RECEIVED'], {
          status: 'REJECTED',
          reasonCode,
          reasonDetail: eligibility.eligible ? null : eligibility.detail,
          decidedAt: now,
        }),
        { claimId, step: STATE.assessment, actor: 'workflow', input: { claimId }, output: eligibility, decision: `REJECTED:${reasonCode}` },
        audit,
      );
      if (record) return { claimId, outcome: ROUTE_OUTCOME.rejected, audit: headOf(record) };
      continue; // the next round reads the stored outcome (a concurrent writer's)
    }
    const accKey = accumulatorKey(sub);
    const acc = accKey ? await readAccumulator(accKey) : null;
    const result = assessClaim(sub, scheme, household, acc?.counters ?? {});
    if (isRejection(result) && !holderRead) continue; // as above: a rejection is decided with the holder read
    if (isRejection(result)) {
      const record = await commitWithAudit(
        await moveClaim(claim, ['RECEIVED'], {
          status: 'REJECTED',
          reasonCode: result.reasonCode,
          reasonDetail: result.detail,
          decidedAt: now,
          county: household.county,
        }),
        { claimId, step: STATE.assessment, actor: 'workflow', input: { claimId }, output: result, decision: `REJECTED:${result.reasonCode}` },
        audit,
      );
      if (record) return { claimId, outcome: ROUTE_OUTCOME.rejected, audit: headOf(record) };
      continue;
    }
    const objections = claim.objections?.length ?? 0;
    const route = routeAssessment(result, scheme, {
      registryVerified: eligibility.registryVerified,
      openWarning: (household.openWarnings?.length ?? 0) > 0,
      objection: objections > 0,
    });
    const status: StoredStatus =
      route.outcome === ROUTE_OUTCOME.noPayout ? 'CLOSED_NO_PAYOUT' : route.outcome === ROUTE_OUTCOME.review ? 'PENDING_REVIEW' : 'APPROVED';
    const assessment: StoredAssessment = {
      payout: result.payout,
      bankShare: result.bankShare,
      accrual: { ...result.accrual },
      accumulatorKey: accKey,
      invoiceKey: invoice,
      route: route.outcome,
      reviewReasons: route.outcome === ROUTE_OUTCOME.review ? route.reasons : [],
      explanation: { figures: { ...result.figures, ...result.extraFigures?.() }, steps: result.describe() },
    };
    const items: TxItem[] = [];
    if (acc) items.push(accumulatorPut(acc, addCounters(acc.counters, result.accrual), claimId));
    if (invoice) {
      items.push({
        Put: {
          TableName: tableName('accumulators'),
          Item: { pk: invoiceItemKey(invoice), claimId, at: now },
          ConditionExpression: 'attribute_not_exists(pk) OR claimId = :c',
          ExpressionAttributeValues: { ':c': claimId },
        },
      });
    }
    // The county and (for review) the payout as top-level attributes, in the update that sets the status: the
    // reviewer inbox filters on the county and sorts on reviewPayout (index reviewQueueByPayout). reviewPayout is
    // only ever written as a number: a NULL would not fit the index's N key.
    const queueFields = status === 'PENDING_REVIEW' ? { county: household.county, reviewPayout: result.payout } : { county: household.county };
    // Pinned to the objections read: one recorded meanwhile (POST /claims/{id}/objections) fails this commit, and
    // the next round decides again, now routing the claim to review with OBJECTION.
    items.push(
      ...pinObjections(
        await moveClaim(claim, ['RECEIVED'], { status, assessment, decidedAt: status === 'APPROVED' ? null : now, ...queueFields }, household),
        objections,
      ),
    );
    const record = await commitWithAudit(
      items,
      {
        claimId,
        step: STATE.assessment,
        actor: 'workflow',
        input: { claimId, ytd: acc?.counters ?? {} },
        output: assessment,
        decision: status,
        figures: { payout: assessment.payout, bankShare: assessment.bankShare, route: assessment.route },
      },
      audit,
    );
    if (!record) continue; // a concurrent claim moved the accumulator (or this claim moved): read again, decide again
    return { claimId, outcome: route.outcome, audit: headOf(record) };
  }
  throw new TransientError(`assessment of ${claimId} kept conflicting with concurrent claims`);
}

async function release(claimId: string, action: 'release' | 'return'): Promise<{ claimId: string; outcome: HoldOutcome }> {
  const done = action === 'release' ? HOLD_OUTCOME.rejected : HOLD_OUTCOME.returned;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const claim = await loadClaim(claimId);
    if (claim.status === done) return { claimId, outcome: done };
    // A re-run replaying a return that was amended since (review-request.ts storedDecision): the holds were released
    // by the return itself, before the amendment could be taken.
    if (action === 'return' && claim.status === 'RECEIVED' && (claim.amendments ?? 0) > 0 && claim.reviews?.at(-1)?.decision === 'RETURN')
      return { claimId, outcome: done };
    if (claim.status !== 'PENDING_REVIEW' || !claim.assessment) throw new WorkflowError(`cannot release ${claimId} in status ${claim.status}`);
    const a = claim.assessment;
    const items: TxItem[] = [];
    if (a.accumulatorKey) {
      const acc = await readAccumulator(a.accumulatorKey);
      items.push(accumulatorPut(acc, addCounters(acc.counters, a.accrual, -1), claimId));
    }
    if (a.invoiceKey) {
      items.push({
        Delete: {
          TableName: tableName('accumulators'),
          Key: { pk: invoiceItemKey(a.invoiceKey) },
          ConditionExpression: 'attribute_not_exists(pk) OR claimId = :c',
          ExpressionAttributeValues: { ':c': claimId },
        },
      });
    }
    const fields =
      action === 'release'
        ? {
            status: 'REJECTED' as const,
            reasonCode: 'REVIEW_REJECTED' as const,
            reasonDetail: claim.review?.note ?? 'rejected in review',
            decidedAt: new Date().toISOString(),
          }
        : { status: 'RETURNED' as const, taskToken: null }; // the return itself (reason, note) is on the claim already
    items.push(...(await moveClaim(claim, ['PENDING_REVIEW'], fields)));
    const decision = action === 'release' ? 'REJECTED:REVIEW_REJECTED' : 'RETURNED';
    if (
      !(await commitWithAudit(items, {
        claimId,
        step: STATE.releaseHold,
        actor: 'workflow',
        input: action === 'release' ? { claimId } : { claimId, action },
        output: { released: a.accrual },
        decision,
      }))
    )
      continue;
    return { claimId, outcome: done };
  }
  throw new TransientError(`release of ${claimId} kept conflicting`);
}
