/**
 * The reviewer's decision and the submitter's amendment, each completing the task token the workflow's wait
 * stored on the claim (functions/steps/review-request.ts).
 *
 * POST /claims/{id}/review: who may decide what is core/review-authority.ts (authority limits, four eyes); a
 * refusal is a 403 saying why. The decision, the claim's new state and the audit record commit in one
 * transaction conditional on the very wait the reviewer saw (its task token), so two reviewers never both decide.
 * POST /claims/{id}/amend: after a return, the submitter changes `details` and `incidentDate`, validated as at
 * submission; the claim goes back to RECEIVED and the same execution runs eligibility and assessment again.
 */
import { SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { DEFAULT_REVIEW_LEVEL, decideReview, REVIEW_DECISIONS, REVIEW_REASON_CODES, type ReviewStage } from '#core/index.js';
import { fieldErrors, HttpError, json, jsonBody, validationError, type RouteContext } from './http.js';
import { validateSubmission } from './submission.js';
import { sfnClient, tableName } from '../shared/aws.js';
import { getClaim } from '../shared/claims-repo.js';
import { countClaimMove } from '../shared/report-aggregates.js';
import { monitoringMoveItems } from '../shared/monitoring-repo.js';
import { commitWithAudit, type AuditEntry } from '../shared/audit.js';
import { digest } from '../shared/canonical.js';
import { schemeOf } from '../shared/scheme-of.js';
import type { ClaimRecord, ReviewEntry } from '../shared/claim-record.js';
import { reviewOutput } from '../steps/review-request.js';
import { AMEND_OUTCOME, REVIEW_OUTCOME, type ReviewOutcome } from '../shared/workflow-contract.js';
import { say, text } from '#core/i18n/index.js';

const ReviewBody = z
  .object({
    decision: z.enum(REVIEW_DECISIONS),
    reasonCode: z.enum(REVIEW_REASON_CODES).optional(),
    note: z.string().max(2000).default(''),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.decision !== 'APPROVE' && b.note.trim() === '')
      ctx.addIssue({ code: 'custom', path: ['note'], message: b.decision === 'REJECT' ? 'a rejection needs a note' : 'a return needs a note' });
    if (b.decision === 'RETURN' && !b.reasonCode) {
      const need = text('a return needs a reason code: one of {{codes}}', { codes: REVIEW_REASON_CODES.join(', ') });
      ctx.addIssue({ code: 'custom', path: ['reasonCode'], message: say(need, 'en'), params: { text: need } });
    }
    if (b.decision === 'APPROVE' && b.reasonCode)
      ctx.addIssue({ code: 'custom', path: ['reasonCode'], message: 'an approval carries no reason code' });
  });

async function requireClaim(claimId: string | undefined): Promise<ClaimRecord> {
  const claim = claimId ? await getClaim(claimId) : undefined;
  if (!claim) throw new HttpError(404, 'Not found', text('no claim {{claimId}}', { claimId: claimId ?? '' }));
  return claim;
}

/** Complete the wait; a token gone stale (an engine restart) is fine: the re-run finds the decision stored. */
async function completeWait(taskToken: string, output: unknown): Promise<void> {
  try {
    await sfnClient().send(new SendTaskSuccessCommand({ taskToken, output: JSON.stringify(output) }));
  } catch (err) {
    const name = err instanceof Error ? err.name : '';
    if (!['TaskDoesNotExist', 'InvalidToken', 'TaskTimedOut'].includes(name)) throw err;
  }
}

const NO_VALUE = 'attribute_not_exists(#f) OR #f = :null';

export async function review({ event, principal, params }: RouteContext) {
  const parsed = ReviewBody.safeParse(jsonBody(event, 16 * 1024));
  if (!parsed.success) throw validationError(fieldErrors(parsed.error));
  const body = parsed.data;
  const claim = await requireClaim(params.claimId);
  if (claim.status !== 'PENDING_REVIEW')
    throw new HttpError(409, 'Not pending review', text('claim is {{status}}', { status: claim.status }), [
      { path: 'claimId', message: text('status is {{status}}', { status: claim.status }) },
    ]);
  if (claim.review || claim.returned)
    throw new HttpError(409, 'Already reviewed', text('claim was already reviewed ({{decision}})', { decision: claim.review?.decision ?? 'RETURN' }));
  if (!claim.taskToken)
    throw new HttpError(409, 'Not ready', 'the workflow has not reached the review step yet; retry shortly', [], { 'retry-after': '1' });
  const stage: ReviewStage = claim.recommendation ? 'FINAL' : 'FIRST';
  const level = principal.reviewLevel ?? DEFAULT_REVIEW_LEVEL;
  const verdict = decideReview(schemeOf(claim.schemeId), { sub: principal.sub, level }, body.decision, {
    stage,
    amount: claim.assessment?.payout ?? 0,
    submittedBy: claim.submittedBy,
    recommendedBy: claim.recommendation?.reviewer ?? null,
  });
  if (verdict.effect === 'REFUSED') {
    throw new HttpError(403, verdict.reason === 'ABOVE_AUTHORITY_LIMIT' ? 'Above authority limit' : 'Four eyes', verdict.detail, [
      { path: 'decision', message: verdict.reason },
    ]);
  }

  const at = new Date().toISOString();
  // A rejection sent in the first contract's shape (no reasonCode) is recorded as OTHER.
  const reasonCode = body.decision === 'REJECT' ? (body.reasonCode ?? 'OTHER') : (body.reasonCode ?? null);
  const entry: ReviewEntry = {
    stage,
    decision: verdict.effect === 'RECOMMENDED' ? 'RECOMMEND' : body.decision,
    reviewer: principal.sub,
    level,
    reasonCode,
    note: body.note,
    at,
  };
  const outcome: ReviewOutcome = verdict.effect === 'REJECTED' ? REVIEW_OUTCOME.rejected : verdict.effect;
  // What the decision sets: the final review, the recommendation the second wait reads, or the return.
  const field = verdict.effect === 'RECOMMENDED' ? 'recommendation' : verdict.effect === 'RETURNED' ? 'returned' : 'review';
  const value = field === 'review' ? { decision: body.decision, note: body.note, reviewer: principal.sub, at, level, reasonCode } : entry;
  const names: Record<string, string> = { '#s': 'status', '#f': field, '#rev': 'review', '#ret': 'returned', '#rec': 'recommendation' };
  const values: Record<string, unknown> = {
    ':pending': 'PENDING_REVIEW',
    ':tok': claim.taskToken,
    ':null': null,
    ':v': value,
    ':entry': [entry],
    ':empty': [],
    ':now': at,
  };
  const conditions = ['#s = :pending', 'taskToken = :tok', `(${NO_VALUE.replaceAll('#f', '#rev')})`, `(${NO_VALUE.replaceAll('#f', '#ret')})`];
  if (stage === 'FIRST') conditions.push(`(${NO_VALUE.replaceAll('#f', '#rec')})`);
  else {
    conditions.push('#rec.reviewer = :recBy');
    values[':recBy'] = claim.recommendation?.reviewer;
  }
  const figures: AuditEntry['figures'] =
    field === 'review'
      ? { reviewer: principal.sub, decision: body.decision as 'APPROVE' | 'REJECT', level, reasonCode }
      : field === 'recommendation'
        ? { reviewer: principal.sub, level, decision: 'RECOMMEND' }
        : { reviewer: principal.sub, level, decision: 'RETURN', reasonCode: reasonCode ?? 'OTHER' };
  // The note (free text, it may name people) is in the record as a digest; the claim keeps it in clear (reviews).
  const recorded = await commitWithAudit(
    [
      {
        Update: {
          TableName: tableName('claims'),
          Key: { claimId: claim.claimId },
          UpdateExpression: 'SET #f = :v, reviews = list_append(if_not_exists(reviews, :empty), :entry), taskToken = :null, updatedAt = :now',
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
    ],
    {
      claimId: claim.claimId,
      step: field === 'review' ? 'ReviewDecision' : field === 'recommendation' ? 'ReviewRecommendation' : 'ReviewReturn',
      actor: `reviewer:${principal.sub}`,
      input: { note: body.note },
      output: { decision: entry.decision, stage, level, reasonCode },
      decision: entry.decision,
      figures,
    },
  );
  if (!recorded) throw new HttpError(409, 'Already reviewed', 'another reviewer decided first');
  await completeWait(claim.taskToken, reviewOutput(claim.claimId, outcome));
  return json(200, { claimId: claim.claimId, decision: body.decision, outcome, reviewer: principal.sub, level, reasonCode });
}

const AmendBody = z
  .object({ incidentDate: z.unknown().optional(), details: z.unknown().optional() })
  .strict()
  .refine((b) => b.incidentDate !== undefined || b.details !== undefined, { message: 'send details, incidentDate or both', path: ['details'] });

export async function amend({ event, principal, params }: RouteContext) {
  const parsed = AmendBody.safeParse(jsonBody(event, 64 * 1024));
  if (!parsed.success) throw validationError(fieldErrors(parsed.error));
  const claim = await requireClaim(params.claimId);
  if (principal.sub !== claim.submittedBy)
    throw new HttpError(403, 'Not the submitter', text("only the claim's submitter may amend it; {{sub}} did not submit it", { sub: principal.sub }));
  if (claim.status !== 'RETURNED')
    throw new HttpError(409, 'Not returned', text('claim is {{status}}; only a returned claim can be amended', { status: claim.status }), [
      { path: 'claimId', message: text('status is {{status}}', { status: claim.status }) },
    ]);
  if (!claim.taskToken)
    throw new HttpError(409, 'Not ready', 'the workflow has not reached the amendment wait yet; retry shortly', [], { 'retry-after': '1' });
  const before = claim.submission;
  const { incidentDate, details } = parsed.data;
  // Only details and the incident date change; everything else is the submission as filed, validated again whole.
  const after = await validateSubmission({
    ...before,
    ...(incidentDate === undefined ? {} : { incidentDate }),
    ...(details === undefined ? {} : { details }),
  });
  const amendment = (claim.amendments ?? 0) + 1;
  const now = new Date().toISOString();
  const amended = {
    ...claim,
    submission: after,
    status: 'RECEIVED',
    amendments: amendment,
    assessment: null,
    reasonCode: null,
    reasonDetail: null,
    decidedAt: null,
    updatedAt: now,
  } as ClaimRecord;
  const recorded = await commitWithAudit(
    [
      {
        Update: {
          TableName: tableName('claims'),
          Key: { claimId: claim.claimId },
          // Back to RECEIVED with nothing decided: the assessment (its holds were released by the return), the
          // return and any recommendation go; `reviews` keeps every decision. reviewPayout is removed, never set
          // to null (it is a key of the sparse review-queue index).
          UpdateExpression:
            'SET submission = :after, #s = :received, amendments = :n, assessment = :null, reasonCode = :null, reasonDetail = :null, decidedAt = :null, updatedAt = :now REMOVE taskToken, returned, recommendation, review, reviewPayout',
          ConditionExpression: '#s = :returned AND taskToken = :tok',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':after': after,
            ':received': 'RECEIVED',
            ':n': amendment,
            ':null': null,
            ':now': now,
            ':returned': 'RETURNED',
            ':tok': claim.taskToken,
          },
        },
      },
      // The report's totals move with the claim (RETURNED → RECEIVED, and to the amended year and figures).
      ...countClaimMove(claim, amended),
      // The monitoring entry goes with it: the claim counts again from its next decision, with its new figures.
      ...(await monitoringMoveItems(claim, amended)),
    ],
    {
      claimId: claim.claimId,
      step: 'Amend',
      actor: `${principal.role}:${principal.sub}`,
      input: { before },
      output: { after },
      decision: 'AMENDED',
      figures: { before: digest(before), after: digest(after), amendment },
    },
  );
  if (!recorded) throw new HttpError(409, 'Already amended', 'the claim changed meanwhile; read it and retry');
  await completeWait(claim.taskToken, { claimId: claim.claimId, outcome: AMEND_OUTCOME.amended });
  return json(202, { claimId: claim.claimId, status: 'RECEIVED', amendments: amendment }, { location: `/claims/${claim.claimId}` });
}

/** The request schemas, for the OpenAPI document (functions/api/openapi/). */
export { ReviewBody, AmendBody };
