/**
 * POST /claims/{id}/objections {text}: an admin records, on behalf of the public, an objection to a claim (公示异议).
 * What it does depends on how far the claim got (docs/domain.md §7.3):
 * - not decided yet (RECEIVED, RETURNED; FAILED from those): stored on the claim; its assessment then routes it
 *   to review with reason OBJECTION (the assessment's commit is pinned to the objections it read, so one recorded
 *   meanwhile makes it decide again);
 * - waiting for a reviewer (PENDING_REVIEW with no final approval yet; FAILED from it): OBJECTION joins its
 *   review reasons, so the inbox's `reviewReason=OBJECTION` finds it;
 * - approved for payment (review approved, APPROVED, SETTLING, PAID): the payment was decided and announced to the
 *   insurers, so it is not pulled back; the claim goes into the scheme's next audit sample (a marker in the
 *   auditSamples table), where an auditor's ISSUE finding starts any recovery;
 * - REJECTED, CLOSED_NO_PAYOUT: nothing is paid; recorded only.
 * The objection, the claim's change, the marker and the audit record (text as a digest) commit in one transaction
 * pinned to the claim's status and its objections as read, so a concurrent move or objection makes it read again.
 */
import { randomUUID } from 'node:crypto';
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { maskIdNumber } from '#core/index.js';
import { fieldErrors, HttpError, json, jsonBody, validationError, type RouteContext } from './http.js';
import { tableName } from '../shared/aws.js';
import { getClaim } from '../shared/claims-repo.js';
import { commitWithAudit, type TxItem } from '../shared/audit.js';
import { sha256Hex } from '../shared/canonical.js';
import { objectionMarkerItem } from '../shared/audit-samples-repo.js';
import type { ClaimRecord, ObjectionEntry, ObjectionOutcome, StoredStatus } from '../shared/claim-record.js';
import { text } from '#core/i18n/index.js';

export const ObjectionBody = z.object({ text: z.string().trim().min(1, 'an objection needs its text').max(2000) }).strict();

/** Identity numbers (18 characters, the last may be X; or the old 15 digits) masked: the public may write them. */
export function maskIdLookalikes(text: string): string {
  return text.replace(/(?<![0-9A-Za-z])(\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])/g, (m) => maskIdNumber(m));
}

/** What the objection does to a claim in this status (FAILED: where it failed from). */
export function objectionOutcome(claim: Pick<ClaimRecord, 'status' | 'failedFrom' | 'review'>): ObjectionOutcome {
  const status: StoredStatus = claim.status === 'FAILED' ? (claim.failedFrom ?? 'FAILED') : claim.status;
  switch (status) {
    case 'RECEIVED':
    case 'RETURNED':
      return 'REVIEW';
    case 'PENDING_REVIEW':
      // Approved in review already, the split not yet run: the payment is decided.
      return claim.review?.decision === 'APPROVE' ? 'AUDIT_SAMPLE' : 'REVIEW';
    case 'APPROVED':
    case 'SETTLING':
    case 'PAID':
      return 'AUDIT_SAMPLE';
    default:
      return 'RECORDED'; // REJECTED, CLOSED_NO_PAYOUT, and a FAILED claim from before failures recorded where
  }
}

export async function object({ event, principal, params }: RouteContext) {
  const parsed = ObjectionBody.safeParse(jsonBody(event, 16 * 1024));
  if (!parsed.success) throw validationError(fieldErrors(parsed.error));
  const key = event.headers?.['idempotency-key'];
  if (key !== undefined && (key.length < 1 || key.length > 128))
    throw new HttpError(400, 'Bad Idempotency-Key', 'Idempotency-Key must be 1..128 characters', [
      { path: '(header) idempotency-key', message: '1..128 characters' },
    ]);
  const said = maskIdLookalikes(parsed.data.text);
  // Same admin + same key → same objection id: a repeat finds it on the claim and answers it again.
  const objectionId = key ? `OB-${sha256Hex(`${principal.sub}\n${key}`).slice(0, 24)}` : `OB-${randomUUID()}`;
  for (let attempt = 0; attempt < 8; attempt++) {
    const claim = params.claimId ? await getClaim(params.claimId) : undefined;
    if (!claim) throw new HttpError(404, 'Not found', text('no claim {{claimId}}', { claimId: params.claimId ?? '' }));
    const earlier = claim.objections?.find((o) => o.objectionId === objectionId);
    if (earlier) {
      if (earlier.text !== said)
        throw new HttpError(409, 'Idempotency key reused', 'this Idempotency-Key was used with a different objection', [
          { path: '(header) idempotency-key', message: 'already used with a different body' },
        ]);
      return json(200, answer(claim, earlier), { location: `/claims/${claim.claimId}` });
    }
    const outcome = objectionOutcome(claim);
    const now = new Date().toISOString();
    const entry: ObjectionEntry = { objectionId, text: said, by: principal.sub, at: now, status: claim.status, outcome };
    const count = claim.objections?.length ?? 0;
    const names: Record<string, string> = { '#s': 'status', '#o': 'objections', '#oi': 'objectionIds' };
    const values: Record<string, unknown> = { ':read': claim.status, ':entry': [entry], ':empty': [], ':id': new Set([objectionId]), ':now': now };
    const sets = ['#o = list_append(if_not_exists(#o, :empty), :entry)', 'updatedAt = :now'];
    const conditions = ['#s = :read', count === 0 ? 'attribute_not_exists(#o)' : 'size(#o) = :n'];
    if (count > 0) values[':n'] = count;
    const inReview = outcome === 'REVIEW' && claim.assessment && (claim.status === 'PENDING_REVIEW' || claim.failedFrom === 'PENDING_REVIEW');
    if (inReview && !claim.assessment?.reviewReasons.includes('OBJECTION')) {
      names['#a'] = 'assessment';
      names['#rr'] = 'reviewReasons';
      values[':reasons'] = [...(claim.assessment?.reviewReasons ?? []), 'OBJECTION'];
      sets.push('#a.#rr = :reasons');
    }
    if (claim.status === 'PENDING_REVIEW') {
      // The review decision is pinned too: an approval committed meanwhile changes what this objection does.
      names['#rev'] = 'review';
      conditions.push(claim.review ? '#rev.#d = :decision' : '(attribute_not_exists(#rev) OR #rev = :null)');
      if (claim.review) {
        names['#d'] = 'decision';
        values[':decision'] = claim.review.decision;
      } else values[':null'] = null;
    }
    const items: TxItem[] = [
      {
        Update: {
          TableName: tableName('claims'),
          Key: { claimId: claim.claimId },
          UpdateExpression: `SET ${sets.join(', ')} ADD #oi :id`,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
    ];
    if (outcome === 'AUDIT_SAMPLE') items.push(objectionMarkerItem(claim.schemeId, claim.claimId, now));
    const recorded = await commitWithAudit(items, {
      claimId: claim.claimId,
      step: 'Objection',
      actor: `${principal.role}:${principal.sub}`,
      input: { text: said }, // free text from the public: a digest in the chain, the text on the claim
      output: { objectionId, status: claim.status, outcome },
      decision: `OBJECTION:${outcome}`,
    });
    if (recorded) return json(201, answer(claim, entry), { location: `/claims/${claim.claimId}` });
    // The claim moved, or another objection came first: read again and decide again.
  }
  throw new HttpError(409, 'Claim moving', 'the claim kept changing while the objection was recorded; retry', [], { 'retry-after': '1' });
}

function answer(claim: ClaimRecord, entry: ObjectionEntry) {
  return { claimId: claim.claimId, objectionId: entry.objectionId, status: entry.status, outcome: entry.outcome, at: entry.at };
}
