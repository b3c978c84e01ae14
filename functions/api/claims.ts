/** Claims API: submit (idempotent), read, list, the step history for auditors; review and amend are in review.ts, objections in objections.ts. */
import { randomUUID } from 'node:crypto';
import { ExecutionDoesNotExist } from '@aws-sdk/client-sfn';
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { CLAIM_STATUSES, paymentDue, PRODUCTS, REVIEW_REASONS } from '#core/index.js';
import { schemes } from '../shared/catalogue.js';
import { settingValue } from '../shared/config.js';
import {
  apiHandler,
  decodeCursor,
  encodeCursor,
  fieldErrors,
  HttpError,
  json,
  jsonBody,
  languageHeaders,
  parseLimit,
  type RouteContext,
} from './http.js';
import { getClaim, parseStoredClaim, readClaimsIndex, recordClaimRedrive } from '../shared/claims-repo.js';
import { readClaimKeysIndex } from '../shared/claim-keys-repo.js';
import { fileClaim } from '../shared/file-claim.js';
import { claimView, FAILABLE_STATUSES, storedFigures, type ClaimRecord, type StoredStatus } from '../shared/claim-record.js';
import { getHousehold } from '../shared/registry-repo.js';
import { getSettlement, settlementsOfClaim, type Settlement } from '../shared/settlements-repo.js';
import { appendAudit, auditAnswer, chainHead } from '../shared/audit.js';
import { canonicalJson, sha256Hex } from '../shared/canonical.js';
import { executionArnFor, executionStatus, historyOf, startClaimExecution } from '../shared/execution.js';
import { redriveHistories, redriveNote } from './redrive.js';
import { redriveDecision } from '#core/redrive.js';
import { validateSubmission } from './submission.js';
import { reserveKey } from '../shared/idempotency-repo.js';
import { amend, review } from './review.js';
import { text } from '#core/i18n/index.js';
import { object } from './objections.js';

const MAX_CLAIM_BYTES = 64 * 1024;

/** Same caller + same key → same claim id, so concurrent repeats converge on one claim and one execution. */
function claimIdFor(sub: string, key: string | undefined): string {
  return key ? `C-${sha256Hex(`${sub}\n${key}`).slice(0, 32)}` : `C-${randomUUID()}`;
}

async function submit({ event, principal }: RouteContext) {
  const body = jsonBody(event, MAX_CLAIM_BYTES);
  const key = event.headers?.['idempotency-key'];
  if (key !== undefined && (key.length < 1 || key.length > 128))
    throw new HttpError(400, 'Bad Idempotency-Key', 'Idempotency-Key must be 1..128 characters', [
      { path: '(header) idempotency-key', message: '1..128 characters' },
    ]);
  const submission = await validateSubmission(body);
  const claimId = claimIdFor(principal.sub, key);
  if (key && (await reserveKey('claims', principal.sub, key, sha256Hex(canonicalJson(body)), claimId)).kind === 'CONFLICT') {
    throw new HttpError(409, 'Idempotency key reused', 'this Idempotency-Key was used with a different body', [
      { path: '(header) idempotency-key', message: 'already used with a different body' },
    ]);
  }
  const now = new Date().toISOString();
  // The county as the registry has it now: the report counts the claim there from the start (and the search's
  // scheme + county index lists it), as it did when the report looked the household up at each read.
  const county = (await getHousehold(submission.householdId))?.county;
  const record: ClaimRecord = {
    claimId,
    submission,
    householdId: submission.householdId,
    schemeId: submission.schemeId,
    product: submission.product,
    ...(county ? { county } : {}),
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
  if (!claim) throw new HttpError(404, 'Not found', text('no claim {{claimId}}', { claimId: claimId ?? '' }));
  return claim;
}

async function getOne({ params, lang }: RouteContext) {
  const claim = await requireClaim(params.claimId);
  return json(200, claimView(claim, await settlementsOfClaim(claim.claimId), lang), languageHeaders(lang));
}

const SORTS = ['oldest', 'newest', 'amount-desc', 'amount-asc'] as const;
const fen = z
  .string()
  .regex(/^\d{1,15}$/, 'an integer amount in fen')
  .transform(Number);
const days = z
  .string()
  .regex(/^\d{1,4}$/, 'whole days 0..9999')
  .transform(Number);
const ListQuery = z.object({
  householdId: z.string().min(1).max(128).optional(),
  status: z.enum([...CLAIM_STATUSES, 'APPROVED']).optional(),
  schemeId: z.string().min(1).max(64).optional(),
  product: z.enum(PRODUCTS).optional(),
  county: z
    .string()
    .regex(/^\d{6}$/, 'a 6-digit county code')
    .optional(),
  reviewReason: z.enum(REVIEW_REASONS).optional(),
  minPayout: fen.optional(),
  maxPayout: fen.optional(),
  minAgeDays: days.optional(),
  maxAgeDays: days.optional(),
  sort: z.enum(SORTS).optional(),
});
const LIST_PARAMS = [
  'householdId',
  'status',
  'schemeId',
  'product',
  'county',
  'reviewReason',
  'minPayout',
  'maxPayout',
  'minAgeDays',
  'maxAgeDays',
  'sort',
] as const;

/**
 * Items the store may evaluate for one page when filters drop most of them. A page is filled (read on until it
 * holds `limit` items or the index ends), but never past this: then the answer says `budgetExhausted: true` and
 * its `nextCursor` carries on from where the reading stopped (the page may then be short, even empty).
 */
export const LIST_READ_BUDGET = 4000;
/** The budget in force: FANGPIN_LIST_READ_BUDGET overrides it (tests use a small one to reach it). */
function listReadBudget(): number {
  return settingValue('FANGPIN_LIST_READ_BUDGET');
}
const DAY_MS = 86_400_000;
const CLOSED: ReadonlySet<string> = new Set(['PAID', 'REJECTED', 'CLOSED_NO_PAYOUT']);

/** Statuses a claim waits in: their byStatus partitions hold the work in hand, not the history. */
const WAITING: ReadonlySet<string> = new Set(['RECEIVED', 'PENDING_REVIEW', 'APPROVED', 'FAILED']);

/** The search indexes, on table claimKeys (written once per claim); the others are the claims table's own. */
const CLAIM_KEYS_INDEXES: ReadonlySet<string> = new Set(['byHousehold', 'bySchemeCounty', 'byScheme', 'byProduct']);

/** One index partition read in key order; a listing merges one or more of them by createdAt. */
interface Partition {
  readonly indexName: string;
  /** The index is table claimKeys': it gives ids, and what only the claim holds is checked on the claims read. */
  readonly onKeys: boolean;
  /** The index's key attributes and the table's (what a position in the partition is). */
  readonly keyAttrs: readonly string[];
  readonly keyCondition: string;
  readonly values: Record<string, unknown>;
}

/**
 * GET /claims. The access path follows the parameters, the most selective one the request gives first; every
 * path is a Query on an index (never a Scan), in createdAt order (oldest first; `sort=newest` reverses):
 * - `householdId`: index byHousehold (household, createdAt);
 * - `status=PENDING_REVIEW` with `sort=amount-desc|amount-asc`: index reviewQueueByPayout (status, reviewPayout);
 *   a payout range is its key range;
 * - a waiting status (RECEIVED, PENDING_REVIEW, APPROVED, FAILED): index byStatus: these partitions hold the
 *   work in hand, so they stay small whatever the history (the reviewer inbox);
 * - `county`: index bySchemeCounty (`<schemeId>#<county>`, createdAt); without `schemeId`, one partition per
 *   scheme of the catalogue, merged;
 * - `product`: index byProduct (product, createdAt);
 * - `schemeId`: index byScheme (scheme, createdAt);
 * - another status (REJECTED, CLOSED_NO_PAYOUT, SETTLING, PAID): index byStatus;
 * - nothing: index byScheme, one partition per scheme of the catalogue, merged.
 * An age range is the key range of every path but the amount sort. Several partitions are merged by createdAt,
 * each read from its own position (the cursor carries one per partition). Parameters the key does not hold are
 * filters (FilterExpression). The household, county, product and scheme indexes are table claimKeys' (tables.ts):
 * there the filters on what the keys item holds are FilterExpressions, and those on what only the claim holds
 * (status, payout, review reason) are checked on the claims read by id, in code, with the same meaning. The
 * cursor is the same either way (the keys item has the claim's attribute names). A page is filled by reading on (a page never comes back short with a cursor while
 * matching claims remain), bounded by LIST_READ_BUDGET items evaluated: only a filter that discards nearly
 * everything in the chosen partition can reach it (then `budgetExhausted: true` and the cursor carries on).
 * Items carry `county` and, for claims not yet closed, `due`: the working days left to the 5-working-day payment
 * target on the scheme's calendar (core/calendar.ts), and their `settlements` as GET /claims/{id} shows them:
 * read by the ids the claim lists (one consistent get each, batched), never an empty list standing in for them.
 */
async function list({ query, lang }: RouteContext) {
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
  if (schemeId && !schemes().has(schemeId)) throw bad('schemeId', 'unknown scheme');
  if (sort && !householdId && !status && !schemeId && !county && !product)
    throw bad('sort', 'sorting needs a filter: status or householdId, schemeId, county or product');

  const now = new Date();
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const filters: string[] = [];
  const keyRange: string[] = [];
  const name = (attr: string) => {
    names[`#${attr}`] = attr;
    return `#${attr}`;
  };
  const value = (key: string, v: unknown) => {
    values[`:${key}`] = v;
    return `:${key}`;
  };
  const range = (into: string[], path: string, lo: unknown, hi: unknown, key: string) => {
    if (lo !== undefined && hi !== undefined) into.push(`${path} BETWEEN ${value(`${key}Lo`, lo)} AND ${value(`${key}Hi`, hi)}`);
    else if (lo !== undefined) into.push(`${path} >= ${value(`${key}Lo`, lo)}`);
    else if (hi !== undefined) into.push(`${path} <= ${value(`${key}Hi`, hi)}`);
  };
  const equal = (attr: string, v: string | undefined) => {
    if (v !== undefined) filters.push(`${name(attr)} = ${value(attr, v)}`);
  };
  // Age in whole days: age >= min ⇔ createdAt <= now − min days; age <= max ⇔ createdAt > now − (max + 1) days.
  const createdLo = maxAgeDays === undefined ? undefined : new Date(now.getTime() - (maxAgeDays + 1) * DAY_MS + 1).toISOString();
  const createdHi = minAgeDays === undefined ? undefined : new Date(now.getTime() - minAgeDays * DAY_MS).toISOString();

  // The path: an index, its partition key attribute, the partition values to merge, and what stays a filter.
  let indexName: string;
  let partitionAttr: string;
  let partitionValues: string[];
  let sortAttr = 'createdAt';
  if (householdId) {
    [indexName, partitionAttr, partitionValues] = ['byHousehold', 'householdId', [householdId]];
  } else if (status && byAmount) {
    [indexName, partitionAttr, partitionValues, sortAttr] = ['reviewQueueByPayout', 'status', [status], 'reviewPayout'];
  } else if (status && WAITING.has(status)) {
    [indexName, partitionAttr, partitionValues] = ['byStatus', 'status', [status]];
  } else if (county) {
    [indexName, partitionAttr, partitionValues] = [
      'bySchemeCounty',
      'schemeCounty',
      (schemeId ? [schemeId] : [...schemes().keys()]).map((s) => `${s}#${county}`),
    ];
  } else if (product) {
    [indexName, partitionAttr, partitionValues] = ['byProduct', 'product', [product]];
  } else if (schemeId) {
    [indexName, partitionAttr, partitionValues] = ['byScheme', 'schemeId', [schemeId]];
  } else if (status) {
    [indexName, partitionAttr, partitionValues] = ['byStatus', 'status', [status]];
  } else {
    [indexName, partitionAttr, partitionValues] = ['byScheme', 'schemeId', [...schemes().keys()].sort()];
  }
  // Every parameter the partition key does not already fix is a filter. On a claimKeys index, what only the claim
  // holds is checked on the claims read (`keep`), exactly as DynamoDB evaluates the expression it stands for.
  const onKeys = CLAIM_KEYS_INDEXES.has(indexName);
  const keep: Array<(c: ClaimRecord) => boolean> = [];
  if (partitionAttr !== 'householdId') equal('householdId', householdId);
  if (partitionAttr !== 'status' && status !== undefined) {
    if (onKeys) keep.push((c) => c.status === status);
    else equal('status', status);
  }
  if (partitionAttr !== 'schemeId' && partitionAttr !== 'schemeCounty') equal('schemeId', schemeId);
  if (partitionAttr !== 'schemeCounty') equal('county', county);
  if (partitionAttr !== 'product') equal('product', product);
  if (reviewReason) {
    if (onKeys) keep.push((c) => (c.assessment?.reviewReasons ?? []).includes(reviewReason));
    else filters.push(`contains(${name('assessment')}.${name('reviewReasons')}, ${value('reason', reviewReason)})`);
  }
  if (sortAttr === 'reviewPayout') {
    range(keyRange, name('reviewPayout'), minPayout, maxPayout, 'payout');
    range(filters, name('createdAt'), createdLo, createdHi, 'created');
  } else {
    range(keyRange, name('createdAt'), createdLo, createdHi, 'created');
    if (onKeys && (minPayout !== undefined || maxPayout !== undefined)) keep.push((c) => payoutWithin(c, minPayout, maxPayout));
    else range(filters, `${name('assessment')}.${name('payout')}`, minPayout, maxPayout, 'payout');
  }
  const keyAttrs = [...new Set(['claimId', partitionAttr, sortAttr])];
  const keyCondition = [`${name(partitionAttr)} = :pk`, ...keyRange].join(' AND ');
  const partitions: Partition[] = partitionValues.map((v) => ({ indexName, onKeys, keyAttrs, keyCondition, values: { ...values, ':pk': v } }));
  // Names are made as expressions are written; one asked for but unused (an absent range) must not be sent.
  const expressions = [keyCondition, ...filters].join(' ');
  for (const n of Object.keys(names)) if (!new RegExp(`${n}\\b`).test(expressions)) delete names[n];

  const positions = cursorPositions(start, partitions);
  const forward = sort !== 'newest' && sort !== 'amount-desc';
  const { found, next, scanned, budgetExhausted } = await readMerged(partitions, positions, {
    limit,
    forward,
    filter: filters.length ? filters.join(' AND ') : undefined,
    keep: keep.length ? (c) => keep.every((k) => k(c)) : undefined,
    names,
    budget: listReadBudget(),
    sortAttr,
  });
  const at = now.toISOString();
  // Each listed claim with the settlements it names, read consistently by id (one batch of gets for the page).
  const settlements = await Promise.all(
    found.map(async (c) =>
      (await Promise.all((c.settlementIds ?? []).map((id) => getSettlement(id))))
        .filter((x): x is Settlement => x !== undefined)
        .sort((a, b) => a.settlementId.localeCompare(b.settlementId)),
    ),
  );
  const view = (c: ClaimRecord, i: number) => ({
    ...claimView(c, settlements[i], lang),
    county: c.county ?? null,
    due: CLOSED.has(c.status) ? null : paymentDue(c.createdAt, at, schemes().get(c.schemeId)?.holidays ?? []),
  });
  return json(200, { items: found.map(view), nextCursor: encodeCursor(next), scanned, budgetExhausted }, languageHeaders(lang));
}

type Position = Record<string, unknown> | undefined | 'done';

/** `assessment.payout BETWEEN lo AND hi` (or one bound) as DynamoDB evaluates it: a claim without one fails it. */
function payoutWithin(c: ClaimRecord, lo: number | undefined, hi: number | undefined): boolean {
  const payout: unknown = c.assessment?.payout;
  return typeof payout === 'number' && (lo === undefined || payout >= lo) && (hi === undefined || payout <= hi);
}

/**
 * The cursor is the position in the one partition (its LastEvaluatedKey shape, as before there were several), or
 * `{ merge: [position | null | 'done', ...] }` with one entry per partition, in the listing's partition order.
 */
function cursorPositions(start: Record<string, unknown> | undefined, partitions: readonly Partition[]): Position[] {
  const wrong = () =>
    new HttpError(400, 'Bad cursor', 'cursor belongs to another listing (other filters or sort)', [
      { path: 'cursor', message: 'does not fit these parameters' },
    ]);
  const fits = (p: unknown, keyAttrs: readonly string[]) =>
    !!p && typeof p === 'object' && Object.keys(p).length === keyAttrs.length && keyAttrs.every((k) => k in (p as Record<string, unknown>));
  const keyAttrs = partitions[0]?.keyAttrs ?? [];
  if (!start) return partitions.map(() => undefined);
  if (partitions.length === 1) {
    if (!fits(start, keyAttrs)) throw wrong();
    return [start];
  }
  const merge = (start as { merge?: unknown }).merge;
  if (Object.keys(start).length !== 1 || !Array.isArray(merge) || merge.length !== partitions.length) throw wrong();
  return merge.map((p) => {
    if (p === 'done') return 'done';
    if (p === null) return undefined;
    if (!fits(p, keyAttrs)) throw wrong();
    return p as Record<string, unknown>;
  });
}

/**
 * Reads partitions from their positions and merges them by the sort attribute into one page of `limit` claims.
 * An item is handed out only when every partition still open has its next match in hand, so the merge is exact;
 * a partition's position moves to the last item handed out from it (or to the end of what was read, when all of
 * it was handed out or filtered away). With a filter, each further read of a partition asks for 4 times more
 * (25, 100, 400, ...), within the budget of items evaluated.
 */
async function readMerged(
  partitions: readonly Partition[],
  positions: Position[],
  o: {
    limit: number;
    forward: boolean;
    filter: string | undefined;
    keep: ((c: ClaimRecord) => boolean) | undefined;
    names: Record<string, string>;
    budget: number;
    sortAttr: string;
  },
) {
  const state = partitions.map((p, i) => ({
    p,
    pos: positions[i] as Position,
    // Each claim read with its position in the partition (the item's index key, what LastEvaluatedKey holds).
    buffer: [] as Array<{ claim: ClaimRecord; at: Record<string, unknown> }>,
    readEnd: positions[i] as Position,
    rounds: 0,
  }));
  const found: ClaimRecord[] = [];
  let scanned = 0;
  let budgetExhausted = false;
  const keyOf = (item: Record<string, unknown>, keyAttrs: readonly string[]) => Object.fromEntries(keyAttrs.map((k) => [k, item[k]]));
  page: while (found.length < o.limit) {
    for (const s of state) {
      while (s.buffer.length === 0 && s.pos !== 'done') {
        const want = o.limit - found.length;
        const readLimit = Math.min(o.filter || o.keep ? want * 4 ** s.rounds : want, o.budget - scanned, 1000);
        if (readLimit <= 0) {
          budgetExhausted = true;
          break page;
        }
        s.rounds++;
        const from = s.pos;
        let out: { found: Array<{ claim: ClaimRecord; at: Record<string, unknown> }>; last: Record<string, unknown> | undefined; scanned: number };
        try {
          const read = {
            indexName: s.p.indexName,
            keyCondition: s.p.keyCondition,
            values: s.p.values,
            filter: o.filter,
            names: o.names,
            forward: o.forward,
            limit: readLimit,
            start: from,
          };
          if (s.p.onKeys) {
            const r = await readClaimKeysIndex({ ...read, keep: o.keep, parse: parseStoredClaim });
            out = { ...r, found: r.found.map(({ claim, keys }) => ({ claim, at: keyOf(keys, s.p.keyAttrs) })) };
          } else {
            const r = await readClaimsIndex(read);
            out = { ...r, found: r.claims.map((claim) => ({ claim, at: keyOf(claim as unknown as Record<string, unknown>, s.p.keyAttrs) })) };
          }
        } catch (err) {
          // A cursor that names keys outside this listing's range (other age bounds, another status) is the caller's.
          if (from && positions.includes(from) && (err as { name?: string }).name === 'ValidationException')
            throw new HttpError(400, 'Bad cursor', 'cursor does not fit these parameters', [
              { path: 'cursor', message: 'does not fit these parameters' },
            ]);
          throw err;
        }
        scanned += out.scanned;
        s.buffer = out.found;
        s.readEnd = out.last ?? 'done';
        if (s.buffer.length === 0) s.pos = s.readEnd;
      }
    }
    // The next item: the earliest (latest, newest first) head among the partitions; ties in partition order.
    let pick: (typeof state)[number] | undefined;
    for (const s of state) {
      const head = s.buffer[0];
      if (!head) continue;
      const best = pick?.buffer[0];
      const a = String(head.at[o.sortAttr]);
      const b = best ? String(best.at[o.sortAttr]) : undefined;
      if (b === undefined || (o.forward ? a < b : a > b)) pick = s;
    }
    if (!pick) break; // every partition read to its end
    const head = pick.buffer.shift() as { claim: ClaimRecord; at: Record<string, unknown> };
    found.push(head.claim);
    pick.pos = pick.buffer.length ? head.at : pick.readEnd;
  }
  let next: Record<string, unknown> | undefined;
  if (state.some((s) => s.pos !== 'done')) {
    next = state.length === 1 ? (state[0]?.pos as Record<string, unknown>) : { merge: state.map((s) => s.pos ?? null) };
  }
  return { found, next, scanned, budgetExhausted };
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
    throw new HttpError(
      409,
      'Not failed',
      text(
        run === 'RUNNING'
          ? 'claim is {{status}} and its workflow is running; only a failed or stuck claim can be redriven'
          : 'claim is {{status}} and its workflow has ended; only a failed or stuck claim can be redriven',
        { status: claim.status },
      ),
      [{ path: 'claimId', message: text('status is {{status}}', { status: claim.status }) }],
    );
  }
  let from: StoredStatus = claim.status; // stuck: its execution stopped (FAILED, TIMED_OUT, ABORTED) and left it undecided
  if (failed) {
    if (!claim.failedFrom)
      throw new HttpError(409, 'Cannot redrive', 'the claim failed before failures recorded where they stopped; it cannot be resumed safely');
    from = claim.failedFrom;
  }
  // Audit first: if what follows fails, a retry finds the claim unchanged and appends the same record, which
  // the chain takes once (an identical entry at its head is not appended again).
  await appendAudit({
    claimId: claim.claimId,
    step: 'Redrive',
    actor: `admin:${principal.sub}`,
    input: { note },
    output: { status: from, redrive: n + 1, error: claim.error ?? null },
    decision: 'REDRIVEN',
  });
  if (!(await recordClaimRedrive(claim, from, n))) {
    // Moved already: by another redrive, or by this one (the SDK re-sent an update whose answer was lost).
    // If redrive n + 1 happened, its execution must run: starting it is idempotent by name.
    const now = await requireClaim(claim.claimId);
    if ((now.redrives ?? 0) !== n + 1 || now.status !== from)
      throw new HttpError(409, 'Already redriven', 'the claim changed meanwhile; read it and retry');
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
  'POST /claims/{claimId}/objections': object,
  'GET /claims/{claimId}/history': history,
});

/** The request schemas, for the OpenAPI document (functions/api/openapi/). */
export { ListQuery as ClaimListQuery };
