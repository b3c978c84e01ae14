/** Claims API: submit (idempotent), read, list, review, and the step history for auditors. */
import { createHash, randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { ExecutionDoesNotExist, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { CLAIM_STATUSES, ClaimSubmission, PRODUCTS } from '#core/index.js';
import { schemes } from '#core/catalogue.js';
import { apiHandler, decodeCursor, encodeCursor, fieldErrors, HttpError, json, jsonBody, parseLimit, validationError, type RouteContext } from './http.js';
import { documentClient, sfnClient, tableName } from '../shared/aws.js';
import { getClaim } from '../shared/claims-repo.js';
import { fileClaim } from '../shared/file-claim.js';
import { claimView, FAILABLE_STATUSES, storedFigures, type ClaimRecord, type StoredStatus } from '../shared/claim-record.js';
import { getHousehold } from '../shared/registry-repo.js';
import { getSettlement, settlementsOfClaim, type Settlement } from '../shared/settlements-repo.js';
import { appendAudit, auditAnswer, chainHead, commitWithAudit } from '../shared/audit.js';
import { canonicalJson, sha256Hex } from '../shared/canonical.js';
import { executionArnFor, executionStatus, historyOf, startClaimExecution } from '../shared/execution.js';
import { redriveHistories, redriveNote } from './redrive.js';
import { reviewOutput } from '../steps/review-request.js';

const MAX_CLAIM_BYTES = 64 * 1024;
const IDEMPOTENCY_TTL_SECONDS = 7 * 24 * 3600;

async function validateSubmission(body: unknown): Promise<ClaimSubmission> {
  const parsed = ClaimSubmission.safeParse(body);
  if (!parsed.success) throw validationError(fieldErrors(parsed.error));
  const claim = parsed.data;
  const scheme = schemes().get(claim.schemeId);
  if (!scheme) throw validationError([{ path: 'schemeId', message: `unknown scheme; known: ${[...schemes().keys()].join(', ')}` }]);
  if (!scheme.products[claim.product]) throw validationError([{ path: 'product', message: `${claim.product} is not offered by ${claim.schemeId}` }]);
  if (claim.product === 'INDUSTRY' && claim.details.kind === 'WEATHER_INDEX') {
    throw validationError([{ path: 'details.kind', message: 'weather-index claims are created by index events, not submitted' }]);
  }
  if (claim.product === 'INDUSTRY' && claim.details.kind === 'PRICE_INDEX') {
    const household = await getHousehold(claim.householdId);
    const enrolled = household?.enrollment.insured.quantity_kg;
    if (household && claim.details.insuredQuantity > (enrolled ?? 0)) {
      throw validationError([{ path: 'details.insuredQuantity', message: `exceeds the enrolled quantity of ${enrolled ?? 0} kg` }]);
    }
  }
  return claim;
}

/** Same caller + same key → same claim id, so concurrent repeats converge on one claim and one execution. */
function claimIdFor(sub: string, key: string | undefined): string {
  return key ? `C-${sha256Hex(`${sub}\n${key}`).slice(0, 32)}` : `C-${randomUUID()}`;
}

async function reserveIdempotencyKey(scope: string, key: string, bodyHash: string, claimId: string): Promise<void> {
  const id = `claims#${scope}#${key}`;
  try {
    await documentClient().send(
      new PutCommand({
        TableName: tableName('idempotency'),
        Item: { id, bodyHash, claimId, createdAt: new Date().toISOString(), expiration: Math.floor(Date.now() / 1000) + IDEMPOTENCY_TTL_SECONDS },
        ConditionExpression: 'attribute_not_exists(id)',
      }),
    );
  } catch (err) {
    if (!(err instanceof ConditionalCheckFailedException)) throw err;
    const existing = await documentClient().send(new GetCommand({ TableName: tableName('idempotency'), Key: { id }, ConsistentRead: true }));
    if (existing.Item?.bodyHash !== bodyHash) {
      throw new HttpError(409, 'Idempotency key reused', 'this Idempotency-Key was used with a different body', [{ path: '(header) idempotency-key', message: 'already used with a different body' }]);
    }
  }
}

async function submit({ event, principal }: RouteContext) {
  const body = jsonBody(event, MAX_CLAIM_BYTES);
  const key = event.headers?.['idempotency-key'];
  if (key !== undefined && (key.length < 1 || key.length > 128)) throw new HttpError(400, 'Bad Idempotency-Key', 'Idempotency-Key must be 1..128 characters', [{ path: '(header) idempotency-key', message: '1..128 characters' }]);
  const submission = await validateSubmission(body);
  const claimId = claimIdFor(principal.sub, key);
  if (key) await reserveIdempotencyKey(principal.sub, key, sha256Hex(canonicalJson(body)), claimId);
  const now = new Date().toISOString();
  const record: ClaimRecord = {
    claimId,
    submission,
    householdId: submission.householdId,
    schemeId: submission.schemeId,
    product: submission.product,
    status: 'RECEIVED',
    submittedBy: principal.sub,
    idempotencyKey: key ?? null,
    createdAt: now,
    updatedAt: now,
  };
  await fileClaim(record, `${principal.role}:${principal.sub}`);
  return json(202, { claimId, status: 'RECEIVED' }, { location: `/claims/${claimId}` });
}

async function requireClaim(claimId: string | undefined): Promise<ClaimRecord> {
  const claim = claimId ? await getClaim(claimId) : undefined;
  if (!claim) throw new HttpError(404, 'Not found', `no claim ${claimId ?? ''}`);
  return claim;
}

async function getOne({ params }: RouteContext) {
  const claim = await requireClaim(params.claimId);
  return json(200, claimView(claim, await settlementsOfClaim(claim.claimId)));
}

const ListQuery = z.object({
  householdId: z.string().min(1).max(128).optional(),
  status: z.enum([...CLAIM_STATUSES, 'APPROVED']).optional(),
  schemeId: z.string().min(1).max(64).optional(),
  product: z.enum(PRODUCTS).optional(),
});

/**
 * `schemeId` and `product` narrow any listing (a filter on the page read, as DynamoDB filters do: a page may hold
 * fewer than `limit` items and still have a `nextCursor`).
 */
async function list({ query }: RouteContext) {
  const q = ListQuery.safeParse({ householdId: query.householdId, status: query.status, schemeId: query.schemeId, product: query.product });
  if (!q.success) throw new HttpError(400, 'Bad query', fieldErrors(q.error)[0]?.message ?? 'bad query', fieldErrors(q.error));
  const limit = parseLimit(query.limit);
  const start = decodeCursor(query.cursor);
  const { householdId, status, schemeId, product } = q.data;
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const filters: string[] = [];
  const filterOn = (attr: string, value: string | undefined) => {
    if (value === undefined) return;
    names[`#${attr}`] = attr;
    values[`:${attr}`] = value;
    filters.push(`#${attr} = :${attr}`);
  };
  filterOn('schemeId', schemeId);
  filterOn('product', product);
  let command;
  if (householdId) {
    values[':h'] = householdId;
    filterOn('status', status);
    command = new QueryCommand({
      TableName: tableName('claims'),
      IndexName: 'byHousehold',
      KeyConditionExpression: 'householdId = :h',
      FilterExpression: filters.length ? filters.join(' AND ') : undefined,
      ExpressionAttributeNames: Object.keys(names).length ? names : undefined,
      ExpressionAttributeValues: values,
      Limit: limit,
      ExclusiveStartKey: start,
    });
  } else if (status) {
    command = new QueryCommand({
      TableName: tableName('claims'),
      IndexName: 'byStatus',
      KeyConditionExpression: '#s = :s',
      FilterExpression: filters.length ? filters.join(' AND ') : undefined,
      ExpressionAttributeNames: { ...names, '#s': 'status' },
      ExpressionAttributeValues: { ...values, ':s': status },
      Limit: limit,
      ExclusiveStartKey: start,
    });
  } else {
    command = new ScanCommand({
      TableName: tableName('claims'),
      FilterExpression: filters.length ? filters.join(' AND ') : undefined,
      ExpressionAttributeNames: Object.keys(names).length ? names : undefined,
      ExpressionAttributeValues: Object.keys(values).length ? values : undefined,
      Limit: limit,
      ExclusiveStartKey: start,
    });
  }
  const out = await documentClient().send(command);
  const items = ((out.Items ?? []) as ClaimRecord[]).map((c) => claimView(c));
  return json(200, { items, nextCursor: encodeCursor(out.LastEvaluatedKey) });
}

const ReviewBody = z.object({ decision: z.enum(['APPROVE', 'REJECT']), note: z.string().max(2000).default('') }).strict();

async function review({ event, principal, params }: RouteContext) {
  const parsed = ReviewBody.safeParse(jsonBody(event, 16 * 1024));
  if (!parsed.success) throw validationError(fieldErrors(parsed.error));
  const claim = await requireClaim(params.claimId);
  if (claim.status !== 'PENDING_REVIEW') throw new HttpError(409, 'Not pending review', `claim is ${claim.status}`, [{ path: 'claimId', message: `status is ${claim.status}` }]);
  if (claim.review) throw new HttpError(409, 'Already reviewed', `claim was already reviewed (${claim.review.decision})`);
  if (!claim.taskToken) throw new HttpError(409, 'Not ready', 'the workflow has not reached the review step yet; retry shortly', [], { 'retry-after': '1' });
  const decision = { decision: parsed.data.decision, note: parsed.data.note, reviewer: principal.sub, at: new Date().toISOString() };
  // The decision and its record in one transaction: a stored review always has its ReviewDecision record. The
  // note (free text, it may name people) is in the record as a digest only, never in the clear figures.
  const recorded = await commitWithAudit(
    [
      {
        Update: {
          TableName: tableName('claims'),
          Key: { claimId: claim.claimId },
          UpdateExpression: 'SET review = :r, updatedAt = :now',
          ConditionExpression: '#s = :pending AND attribute_not_exists(review)',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':r': decision, ':now': decision.at, ':pending': 'PENDING_REVIEW' },
        },
      },
    ],
    {
      claimId: claim.claimId,
      step: 'ReviewDecision',
      actor: `reviewer:${principal.sub}`,
      input: { note: decision.note },
      output: { decision: decision.decision },
      decision: decision.decision,
      figures: { reviewer: principal.sub, decision: decision.decision },
    },
  );
  if (!recorded) throw new HttpError(409, 'Already reviewed', 'another reviewer decided first');
  try {
    await sfnClient().send(new SendTaskSuccessCommand({ taskToken: claim.taskToken, output: JSON.stringify(reviewOutput(claim.claimId, decision.decision)) }));
  } catch (err) {
    // The decision is stored; if the token went stale (an engine restart), the re-run replays it.
    const name = err instanceof Error ? err.name : '';
    if (!['TaskDoesNotExist', 'InvalidToken', 'TaskTimedOut'].includes(name)) throw err;
  }
  return json(200, { claimId: claim.claimId, decision: decision.decision, reviewer: decision.reviewer });
}

/** The claim's first execution at the top level (as before redrives existed), each redrive's in `redrives`. */
async function history({ params }: RouteContext) {
  const claim = await requireClaim(params.claimId);
  try {
    const first = await historyOf(executionArnFor(claim.claimId));
    const redrives = await redriveHistories(claim.redrives ?? 0, (n) => historyOf(executionArnFor(claim.claimId, n)));
    return json(200, { claimId: claim.claimId, ...first, redrives });
  } catch (err) {
    if (err instanceof ExecutionDoesNotExist) throw new HttpError(404, 'No execution', 'the claim has no workflow execution yet');
    throw err;
  }
}

/**
 * An admin re-runs a claim whose workflow stopped without deciding it: FAILED (it goes back to the status it
 * failed from), or stuck (its execution failed so hard that even RecordFailure ran out of retries, leaving it
 * RECEIVED, APPROVED or PENDING_REVIEW). A new execution `<claimId>-r<n>` carries on from there. Every step is
 * idempotent and reads what is stored, so nothing done before is done twice (no second hold against the caps,
 * no second settlement). A claim whose latest execution was never started (a start lost after the claim was
 * stored or redriven) gets it started. Anything else (running, or decided) is 409.
 */
async function redrive({ event, principal, params }: RouteContext) {
  const note = redriveNote(event);
  const claim = await requireClaim(params.claimId);
  const n = claim.redrives ?? 0;
  let from: StoredStatus;
  if (claim.status === 'FAILED') {
    if (!claim.failedFrom) throw new HttpError(409, 'Cannot redrive', 'the claim failed before failures recorded where they stopped; it cannot be resumed safely');
    from = claim.failedFrom;
  } else {
    const run = await executionStatus(executionArnFor(claim.claimId, n));
    if (run === undefined && FAILABLE_STATUSES.includes(claim.status)) {
      await startClaimExecution(claim.claimId, undefined, n);
      return json(202, { claimId: claim.claimId, status: claim.status, redrive: n });
    }
    if (!FAILABLE_STATUSES.includes(claim.status) || run === 'RUNNING' || run === 'SUCCEEDED') {
      throw new HttpError(409, 'Not failed', `claim is ${claim.status} and its workflow ${run === 'RUNNING' ? 'is running' : 'has ended'}; only a failed or stuck claim can be redriven`, [{ path: 'claimId', message: `status is ${claim.status}` }]);
    }
    from = claim.status; // stuck: its execution stopped (FAILED, TIMED_OUT, ABORTED) and left it undecided
  }
  // Audit first: if what follows fails, a retry finds the claim unchanged and appends the same record, which
  // the chain takes once (an identical entry at its head is not appended again).
  await appendAudit({ claimId: claim.claimId, step: 'Redrive', actor: `admin:${principal.sub}`, input: { note }, output: { status: from, redrive: n + 1, error: claim.error ?? null }, decision: 'REDRIVEN' });
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: tableName('claims'),
        Key: { claimId: claim.claimId },
        UpdateExpression: 'SET #s = :from, redrives = :next, #e = :null, failedFrom = :null, updatedAt = :now',
        ConditionExpression: '#s = :was AND (attribute_not_exists(redrives) OR redrives = :n)',
        ExpressionAttributeNames: { '#s': 'status', '#e': 'error' },
        ExpressionAttributeValues: { ':from': from, ':next': n + 1, ':null': null, ':now': new Date().toISOString(), ':was': claim.status, ':n': n },
      }),
    );
  } catch (err) {
    if (!(err instanceof ConditionalCheckFailedException)) throw err;
    // Moved already: by another redrive, or by this one (the SDK re-sent an update whose answer was lost).
    // If redrive n + 1 happened, its execution must run: starting it is idempotent by name.
    const now = await requireClaim(claim.claimId);
    if ((now.redrives ?? 0) !== n + 1 || now.status !== from) throw new HttpError(409, 'Already redriven', 'the claim changed meanwhile; read it and retry');
  }
  await startClaimExecution(claim.claimId, undefined, n + 1);
  return json(202, { claimId: claim.claimId, status: from, redrive: n + 1 });
}

/**
 * The claim's chain, and the figures its store holds now (`stored`), which `npm run audit -- verify` reconciles
 * with what the chain says. Every step commits its state and its record in one transaction, so records and
 * state read while nothing is appended belong together: the chain is read, then the state, then the chain's
 * head again, and the whole read is repeated if a record was appended meanwhile.
 */
async function audit({ params }: RouteContext) {
  let claim = await requireClaim(params.claimId);
  for (let attempt = 0; ; attempt++) {
    const answer = await auditAnswer(claim.claimId);
    claim = await requireClaim(claim.claimId);
    const stored = storedFigures(claim, await settlementsForAudit(claim));
    const head = await chainHead(claim.claimId);
    if ((head?.hash ?? null) === (answer.records.at(-1)?.hash ?? null) || attempt >= 4) {
      return json(200, { claimId: claim.claimId, ...answer, stored });
    }
  }
}

/**
 * The claim's settlements: the ones it lists, read consistently, and any other the settlements table holds for
 * it (the byClaim index), so a settlement added behind the claim's back shows up too.
 */
async function settlementsForAudit(claim: ClaimRecord): Promise<Settlement[]> {
  const listed = (await Promise.all((claim.settlementIds ?? []).map((id) => getSettlement(id)))).filter((s): s is Settlement => s !== undefined);
  const ids = new Set(listed.map((s) => s.settlementId));
  const extra = (await settlementsOfClaim(claim.claimId)).filter((s) => !ids.has(s.settlementId));
  return [...listed, ...extra];
}

export const handler = apiHandler('claims', {
  'GET /claims/{claimId}/audit': audit,
  'POST /claims': submit,
  'GET /claims': list,
  'GET /claims/{claimId}': getOne,
  'POST /claims/{claimId}/review': review,
  'POST /claims/{claimId}/redrive': redrive,
  'GET /claims/{claimId}/history': history,
});
