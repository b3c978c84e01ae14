/** Claims API: submit (idempotent), read, list, the step history for auditors; review and amend are in review.ts. */
import { createHash, randomUUID } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { ExecutionDoesNotExist, SendTaskSuccessCommand } from '@aws-sdk/client-sfn';
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { CLAIM_STATUSES, ClaimSubmission, paymentDue, PRODUCTS, REVIEW_REASONS } from '#core/index.js';
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
import { redriveDecision } from '#core/redrive.js';
import { validateSubmission } from './submission.js';
import { amend, review } from './review.js';

const MAX_CLAIM_BYTES = 64 * 1024;
const IDEMPOTENCY_TTL_SECONDS = 7 * 24 * 3600;

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

async function getOne({ params, lang }: RouteContext) {
  const claim = await requireClaim(params.claimId);
  return json(200, claimView(claim, await settlementsOfClaim(claim.claimId), lang), { 'content-language': lang, vary: 'Accept-Language' });
}

const SORTS = ['oldest', 'newest', 'amount-desc', 'amount-asc'] as const;
const fen = z.string().regex(/^\d{1,15}$/, 'an integer amount in fen').transform(Number);
const days = z.string().regex(/^\d{1,4}$/, 'whole days 0..9999').transform(Number);
const ListQuery = z.object({
  householdId: z.string().min(1).max(128).optional(),
  status: z.enum([...CLAIM_STATUSES, 'APPROVED']).optional(),
  schemeId: z.string().min(1).max(64).optional(),
  product: z.enum(PRODUCTS).optional(),
  county: z.string().regex(/^\d{6}$/, 'a 6-digit county code').optional(),
  reviewReason: z.enum(REVIEW_REASONS).optional(),
  minPayout: fen.optional(),
  maxPayout: fen.optional(),
  minAgeDays: days.optional(),
  maxAgeDays: days.optional(),
  sort: z.enum(SORTS).optional(),
});
const LIST_PARAMS = ['householdId', 'status', 'schemeId', 'product', 'county', 'reviewReason', 'minPayout', 'maxPayout', 'minAgeDays', 'maxAgeDays', 'sort'] as const;

/**
 * Items the store may evaluate for one page when filters drop most of them. A page is filled (read on until it
 * holds `limit` items or the index ends), but never past this: then the answer says `budgetExhausted: true` and
 * its `nextCursor` carries on from where the reading stopped (the page may then be short, even empty).
 */
export const LIST_READ_BUDGET = 4000;
/** The budget in force: FANGPIN_LIST_READ_BUDGET overrides it (tests use a small one to reach it). */
function listReadBudget(): number {
  const n = Number(process.env.FANGPIN_LIST_READ_BUDGET);
  return Number.isInteger(n) && n > 0 ? n : LIST_READ_BUDGET;
}
const DAY_MS = 86_400_000;
const CLOSED: ReadonlySet<string> = new Set(['PAID', 'REJECTED', 'CLOSED_NO_PAYOUT']);

/**
 * GET /claims. The access path follows the parameters:
 * - `householdId`: index byHousehold (household, createdAt), oldest first (`sort=newest` reverses);
 * - `status` with `sort=amount-desc|amount-asc`: index reviewQueueByPayout (status, reviewPayout), which holds
 *   the claims sent to review, so this sort is for `status=PENDING_REVIEW` only; a payout range is its key range;
 * - `status`: index byStatus (status, createdAt), oldest first by default; an age range is its key range;
 * - neither: a table scan (no order; `sort` is refused).
 * Why scheme, county, product and reason are filters, not keys: the review queue is one status partition whose
 * size is bounded by what reviewers have not yet decided (10,000 claims in the bench); the inbox mostly asks for
 * the whole queue or a large part of it (one scheme of two or three, a county), where a filter discards little.
 * Putting scheme or county into the partition key would make the unfiltered queue a merge across partitions
 * (and a cursor per partition), and each further key shape needs one more index written on every status change.
 * A selective filter costs reads instead, bounded by LIST_READ_BUDGET per page; if one becomes the common case,
 * an index partitioned by `schemeId#status` (or `county#status`) is the next step.
 * Filters the key cannot express are applied by the store (FilterExpression); the page is then filled by
 * reading on, so a page never comes back short with a cursor while matching claims remain, unless the read
 * budget stopped it (said in the answer). Items carry `county` and, for claims not yet closed, `due`: the
 * working days left to the 5-working-day payment target on the scheme's calendar (core/calendar.ts).
 */
async function list({ query }: RouteContext) {
  const q = ListQuery.safeParse(Object.fromEntries(LIST_PARAMS.map((k) => [k, query[k]])));
  if (!q.success) throw new HttpError(400, 'Bad query', fieldErrors(q.error)[0]?.message ?? 'bad query', fieldErrors(q.error));
  const limit = parseLimit(query.limit);
  const start = decodeCursor(query.cursor);
  const { householdId, status, schemeId, product, county, reviewReason, minPayout, maxPayout, minAgeDays, maxAgeDays, sort } = q.data;
  const bad = (path: string, message: string) => new HttpError(400, 'Bad query', message, [{ path, message }]);
  if (minPayout !== undefined && maxPayout !== undefined && minPayout > maxPayout) throw bad('minPayout', 'minPayout is above maxPayout');
  if (minAgeDays !== undefined && maxAgeDays !== undefined && minAgeDays > maxAgeDays) throw bad('minAgeDays', 'minAgeDays is above maxAgeDays');
  const byAmount = sort === 'amount-desc' || sort === 'amount-asc';
  if (byAmount && (householdId || status !== 'PENDING_REVIEW')) throw bad('sort', 'sorting by amount needs status=PENDING_REVIEW and no householdId');
  if (sort && !householdId && !status) throw bad('sort', 'sorting needs status or householdId');

  const now = new Date();
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const filters: string[] = [];
  const keyParts: string[] = [];
  const name = (attr: string) => ((names[`#${attr}`] = attr), `#${attr}`);
  const value = (key: string, v: unknown) => ((values[`:${key}`] = v), `:${key}`);
  const range = (into: string[], path: string, lo: unknown, hi: unknown, key: string) => {
    if (lo !== undefined && hi !== undefined) into.push(`${path} BETWEEN ${value(`${key}Lo`, lo)} AND ${value(`${key}Hi`, hi)}`);
    else if (lo !== undefined) into.push(`${path} >= ${value(`${key}Lo`, lo)}`);
    else if (hi !== undefined) into.push(`${path} <= ${value(`${key}Hi`, hi)}`);
  };
  const equal = (attr: string, v: string | undefined) => {
    if (v !== undefined) filters.push(`${name(attr)} = ${value(attr, v)}`);
  };
  equal('schemeId', schemeId);
  equal('product', product);
  equal('county', county);
  if (reviewReason) filters.push(`contains(${name('assessment')}.${name('reviewReasons')}, ${value('reason', reviewReason)})`);
  // Age in whole days: age >= min ⇔ createdAt <= now − min days; age <= max ⇔ createdAt > now − (max + 1) days.
  const createdLo = maxAgeDays === undefined ? undefined : new Date(now.getTime() - (maxAgeDays + 1) * DAY_MS + 1).toISOString();
  const createdHi = minAgeDays === undefined ? undefined : new Date(now.getTime() - minAgeDays * DAY_MS).toISOString();

  let indexName: string | undefined;
  let keyAttrs: string[];
  if (householdId) {
    indexName = 'byHousehold';
    keyAttrs = ['claimId', 'householdId', 'createdAt'];
    keyParts.push(`${name('householdId')} = ${value('householdId', householdId)}`);
    range(keyParts, name('createdAt'), createdLo, createdHi, 'created');
    equal('status', status);
  } else if (status && byAmount) {
    indexName = 'reviewQueueByPayout';
    keyAttrs = ['claimId', 'status', 'reviewPayout'];
    keyParts.push(`${name('status')} = ${value('status', status)}`);
    range(keyParts, name('reviewPayout'), minPayout, maxPayout, 'payout');
    range(filters, name('createdAt'), createdLo, createdHi, 'created');
  } else if (status) {
    indexName = 'byStatus';
    keyAttrs = ['claimId', 'status', 'createdAt'];
    keyParts.push(`${name('status')} = ${value('status', status)}`);
    range(keyParts, name('createdAt'), createdLo, createdHi, 'created');
  } else {
    keyAttrs = ['claimId'];
    range(filters, name('createdAt'), createdLo, createdHi, 'created');
  }
  if (indexName !== 'reviewQueueByPayout') range(filters, `${name('assessment')}.${name('payout')}`, minPayout, maxPayout, 'payout');
  if (start && (Object.keys(start).length !== keyAttrs.length || !keyAttrs.every((k) => k in start))) {
    throw new HttpError(400, 'Bad cursor', 'cursor belongs to another listing (other filters or sort)', [{ path: 'cursor', message: 'does not fit these parameters' }]);
  }
  // Names are made as expressions are written; one asked for but unused (an absent range) must not be sent.
  const expressions = [...keyParts, ...filters].join(' ');
  for (const n of Object.keys(names)) if (!new RegExp(`${n}\\b`).test(expressions)) delete names[n];
  const base = {
    TableName: tableName('claims'),
    IndexName: indexName,
    FilterExpression: filters.length ? filters.join(' AND ') : undefined,
    ExpressionAttributeNames: Object.keys(names).length ? names : undefined,
    ExpressionAttributeValues: Object.keys(values).length ? values : undefined,
  };

  const budget = listReadBudget();
  const found: ClaimRecord[] = [];
  let from = start;
  let scanned = 0;
  let next: Record<string, unknown> | undefined;
  let budgetExhausted = false;
  // Without filters one read of `limit` items is the page. With filters, each further read asks for 4 times
  // more (25, 100, 400, ...), so a broad filter costs one read and a narrow one a few, within the budget.
  for (let round = 0; ; round++) {
    const want = limit - found.length;
    const readLimit = Math.min(filters.length ? want * 4 ** round : want, budget - scanned, 1000);
    const input = { ...base, Limit: readLimit, ExclusiveStartKey: from };
    let out;
    try {
      out = await documentClient().send(
        keyParts.length ? new QueryCommand({ ...input, KeyConditionExpression: keyParts.join(' AND '), ScanIndexForward: sort !== 'newest' && sort !== 'amount-desc' }) : new ScanCommand(input),
      );
    } catch (err) {
      // A cursor that names keys outside this listing's range (other age bounds, another status) is the caller's.
      if (from === start && start && (err as { name?: string }).name === 'ValidationException') throw new HttpError(400, 'Bad cursor', 'cursor does not fit these parameters', [{ path: 'cursor', message: 'does not fit these parameters' }]);
      throw err;
    }
    scanned += out.ScannedCount ?? 0;
    const items = (out.Items ?? []) as ClaimRecord[];
    if (items.length > want) {
      // More matches than the page holds: the cursor is the last item kept (its table and index key).
      found.push(...items.slice(0, want));
      const last = found[found.length - 1] as unknown as Record<string, unknown>;
      next = Object.fromEntries(keyAttrs.map((k) => [k, last[k]]));
      break;
    }
    found.push(...items);
    next = out.LastEvaluatedKey;
    if (!next || found.length >= limit) break;
    if (scanned >= budget) {
      budgetExhausted = true;
      break;
    }
    from = next;
  }
  const at = now.toISOString();
  const view = (c: ClaimRecord) => ({
    ...claimView(c),
    county: c.county ?? null,
    due: CLOSED.has(c.status) ? null : paymentDue(c.createdAt, at, schemes().get(c.schemeId)?.holidays ?? []),
  });
  return json(200, { items: found.map(view), nextCursor: encodeCursor(next), scanned, budgetExhausted });
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
  const failed = claim.status === 'FAILED';
  const run = failed ? undefined : await executionStatus(executionArnFor(claim.claimId, n));
  const decision = redriveDecision(failed ? { failed } : { failed, inFlight: FAILABLE_STATUSES.includes(claim.status), latestRun: run });
  if (decision === 'START_LATEST') {
    await startClaimExecution(claim.claimId, undefined, n);
    return json(202, { claimId: claim.claimId, status: claim.status, redrive: n });
  }
  if (decision === 'REFUSE') {
    throw new HttpError(409, 'Not failed', `claim is ${claim.status} and its workflow ${run === 'RUNNING' ? 'is running' : 'has ended'}; only a failed or stuck claim can be redriven`, [{ path: 'claimId', message: `status is ${claim.status}` }]);
  }
  let from: StoredStatus = claim.status; // stuck: its execution stopped (FAILED, TIMED_OUT, ABORTED) and left it undecided
  if (failed) {
    if (!claim.failedFrom) throw new HttpError(409, 'Cannot redrive', 'the claim failed before failures recorded where they stopped; it cannot be resumed safely');
    from = claim.failedFrom;
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
  'POST /claims/{claimId}/amend': amend,
  'POST /claims/{claimId}/redrive': redrive,
  'GET /claims/{claimId}/history': history,
});

/** The request schemas, for the OpenAPI document (functions/api/openapi/). */
export { ListQuery as ClaimListQuery };
