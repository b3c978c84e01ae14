/**
 * Index events over HTTP: an admin posts a price or weather observation; the fan-out workflow files a claim for
 * every household it concerns. The answer waits a few seconds so a small county's claims come back in the same
 * response (201); a large one answers 202 and `GET /index-events/{eventId}` shows the counts as they grow.
 * Re-posting the same observation answers the same event (200) and files nothing new; the same place and period
 * with other figures is a 409.
 */
import { ExecutionDoesNotExist } from '@aws-sdk/client-sfn';
import { indexEventId, observedFigures, parseIndexObservation, type IndexObservation } from '#core/index.js';
import { schemes } from '../shared/catalogue.js';
import {
  apiHandler,
  decodeCursor,
  encodeCursor,
  fieldErrors,
  HttpError,
  json,
  jsonBody,
  parseLimit,
  validationError,
  type RouteContext,
} from './http.js';
import {
  claimsAwaitingDecision,
  claimsFiledSoFar,
  claimsByStatus,
  eventClaimsPage,
  getIndexEvent,
  listIndexEvents,
  recordFanoutRedrive,
  recordIndexEvent,
  startIndexFanout,
  type IndexEventRecord,
} from '../shared/index-events-repo.js';
import { appendAudit, auditAnswer } from '../shared/audit.js';
import { fanoutExecutionArn, fanoutHistory } from '../shared/fanout-history.js';
import { executionStatus } from '../shared/execution.js';
import { redriveHistories, redriveNote } from './redrive.js';
import { redriveDecision } from '#core/redrive.js';
import { text } from '#core/i18n/index.js';
import { settingValue } from '../shared/config.js';

const MAX_BODY_BYTES = 16 * 1024;
const CLAIMS_IN_ANSWER = 1000;

function checkCover(o: IndexObservation): void {
  const scheme = schemes().get(o.schemeId);
  if (!scheme)
    throw validationError([{ path: 'schemeId', message: text('unknown scheme; known: {{schemes}}', { schemes: [...schemes().keys()].join(', ') }) }]);
  const industry = scheme.products.INDUSTRY;
  if (!industry) throw validationError([{ path: 'schemeId', message: text('{{schemeId}} does not offer INDUSTRY cover', { schemeId: o.schemeId }) }]);
  if (o.kind === 'WEATHER' && !industry.weatherIndex)
    throw validationError([{ path: 'kind', message: text('{{schemeId}} has no weather index cover', { schemeId: o.schemeId }) }]);
  if (o.kind === 'PRICE' && !industry.priceIndex)
    throw validationError([{ path: 'kind', message: text('{{schemeId}} has no price index cover', { schemeId: o.schemeId }) }]);
}

/**
 * The event as an operator watches it. `created` and `decided` cost what is in flight, whatever the county's
 * size (see index-events-repo.ts); the counts by status read every claim of the event, so they come with
 * `?byStatus=true` (and in the answer to the POST, whose claims are listed anyway).
 */
async function view(rec: IndexEventRecord, claimsLimit: number, cursor: Record<string, unknown> | undefined, withByStatus: boolean) {
  const [awaiting, page, byStatus] = await Promise.all([
    claimsAwaitingDecision(rec),
    claimsLimit > 0 ? eventClaimsPage(rec.eventId, claimsLimit, cursor) : null,
    withByStatus ? claimsByStatus(rec.eventId) : null,
  ]);
  // While pages are in flight, their claims may be awaiting a decision before the page records them as filed.
  const created = rec.status === 'CREATED' ? (rec.claimsFiled ?? claimsFiledSoFar(rec)) : claimsFiledSoFar(rec);
  const decided = Math.max(0, created - awaiting);
  const { observation } = rec;
  return {
    eventId: rec.eventId,
    kind: observation.kind,
    observation,
    status: rec.status,
    // Every claim filed and none still waiting for its decision.
    done: rec.status === 'CREATED' && awaiting === 0,
    created,
    decided,
    ...(byStatus ? { byStatus } : {}),
    claimsFiled: rec.claimsFiled ?? null,
    postedBy: rec.postedBy,
    createdAt: rec.createdAt,
    completedAt: rec.completedAt ?? null,
    error: rec.error ?? null,
    claims: page?.items.map((c) => ({ claimId: c.claimId, householdId: c.householdId, status: c.status })) ?? [],
    nextCursor: encodeCursor(page?.last),
    progress: `/index-events/${rec.eventId}`,
  };
}

async function waitForFanout(eventId: string): Promise<IndexEventRecord | undefined> {
  // How long POST waits for the fan-out before answering 202; API Gateway allows 29 s, keep well below.
  const until = Date.now() + settingValue('FANGPIN_INDEX_WAIT_MS');
  let rec = await getIndexEvent(eventId);
  while (rec?.status === 'FANNING_OUT' && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 100));
    rec = await getIndexEvent(eventId);
  }
  return rec;
}

async function post({ event, principal }: RouteContext) {
  const parsed = parseIndexObservation(jsonBody(event, MAX_BODY_BYTES));
  if (!parsed.success) throw validationError(fieldErrors(parsed.error));
  const observation = parsed.data;
  checkCover(observation);
  const eventId = indexEventId(observation);
  const { created, record } = await recordIndexEvent({
    eventId,
    observation,
    status: 'FANNING_OUT',
    postedBy: `${principal.role}:${principal.sub}`,
    createdAt: new Date().toISOString(),
  });
  if (!created) {
    const before = observedFigures(record.observation);
    const now = observedFigures(observation);
    const differing = Object.keys(now).filter((k) => before[k] !== now[k]);
    if (differing.length > 0) {
      throw new HttpError(
        409,
        'Observation already recorded',
        text('event {{eventId}} for this scheme, county and period was recorded with other figures ({{fields}}); it is not re-run', {
          eventId,
          fields: differing.map((k) => `${k} ${before[k]}`).join(', '),
        }),
        differing.map((k) => ({ path: k, message: text('recorded as {{value}}', { value: String(before[k]) }) })),
      );
    }
  } else {
    await appendAudit({
      claimId: `INDEX#${eventId}`,
      step: 'IndexEventPosted',
      actor: `${principal.role}:${principal.sub}`,
      input: observation,
      output: { eventId },
      decision: 'FANNING_OUT',
    });
  }
  // Started on repeats too: if the first post stored the event and died before starting, it starts now.
  if (record.status === 'FANNING_OUT') await startIndexFanout(eventId, record.redrives ?? 0);
  const settled = (await waitForFanout(eventId)) ?? record;
  const status = !created ? 200 : settled.status === 'FANNING_OUT' ? 202 : 201;
  return json(
    status,
    { ...(await view(settled, CLAIMS_IN_ANSWER, undefined, settled.status !== 'FANNING_OUT')), repeated: !created },
    { location: `/index-events/${eventId}` },
  );
}

async function getOne({ params, query }: RouteContext) {
  const rec = params.eventId ? await getIndexEvent(params.eventId) : undefined;
  if (!rec) throw new HttpError(404, 'Not found', text('no index event {{eventId}}', { eventId: params.eventId ?? '' }));
  if (query.byStatus !== undefined && query.byStatus !== 'true' && query.byStatus !== 'false') {
    throw new HttpError(400, 'Bad query', 'byStatus must be true or false', [{ path: 'byStatus', message: 'true or false' }]);
  }
  return json(200, await view(rec, parseLimit(query.limit, CLAIMS_IN_ANSWER, 100), decodeCursor(query.cursor), query.byStatus === 'true'));
}

async function list({ query }: RouteContext) {
  const page = await listIndexEvents(parseLimit(query.limit), decodeCursor(query.cursor));
  const items = page.items.map((r) => ({
    eventId: r.eventId,
    kind: r.observation.kind,
    observation: r.observation,
    status: r.status,
    claimsFiled: r.claimsFiled ?? null,
    createdAt: r.createdAt,
    completedAt: r.completedAt ?? null,
  }));
  return json(200, { items, nextCursor: encodeCursor(page.last) });
}

/** The event's own audit chain: who posted which observation, and the fan-out's end (the claims have theirs). */
async function audit({ params }: RouteContext) {
  const rec = params.eventId ? await getIndexEvent(params.eventId) : undefined;
  if (!rec) throw new HttpError(404, 'Not found', text('no index event {{eventId}}', { eventId: params.eventId ?? '' }));
  return json(200, { eventId: rec.eventId, ...(await auditAnswer(`INDEX#${rec.eventId}`)) });
}

/** For auditors: the fan-out execution's history and each registry slice's child execution (status, households filed). */
async function history({ params }: RouteContext) {
  const rec = params.eventId ? await getIndexEvent(params.eventId) : undefined;
  if (!rec) throw new HttpError(404, 'Not found', text('no index event {{eventId}}', { eventId: params.eventId ?? '' }));
  try {
    const first = await fanoutHistory(rec.eventId);
    const redrives = await redriveHistories(rec.redrives ?? 0, (n) => fanoutHistory(rec.eventId, n));
    return json(200, { eventId: rec.eventId, ...first, redrives });
  } catch (err) {
    if (err instanceof ExecutionDoesNotExist) throw new HttpError(404, 'No execution', 'the event has no fan-out execution yet');
    throw err;
  }
}

/**
 * An admin re-runs a fan-out that stopped without finishing: FAILED (say, a registry entry the pages could not
 * read, since fixed), or stuck (FANNING_OUT with its latest execution stopped). A new execution
 * `<eventId>-r<n>` walks every slice again; claim ids come from event + household, so households already filed
 * get nothing new, and slice positions are never lowered. A fan-out whose latest execution was never started
 * gets it started. A running or finished one is 409.
 */
async function redrive({ event, principal, params }: RouteContext) {
  const note = redriveNote(event);
  const rec = params.eventId ? await getIndexEvent(params.eventId) : undefined;
  if (!rec) throw new HttpError(404, 'Not found', text('no index event {{eventId}}', { eventId: params.eventId ?? '' }));
  const n = rec.redrives ?? 0;
  const failed = rec.status === 'FAILED';
  const inFlight = rec.status === 'FANNING_OUT';
  const latestRun = inFlight ? await executionStatus(fanoutExecutionArn(rec.eventId, n)) : undefined;
  const decision = redriveDecision(failed ? { failed } : { failed, inFlight, latestRun });
  if (decision === 'START_LATEST') {
    await startIndexFanout(rec.eventId, n);
    return json(202, { eventId: rec.eventId, status: rec.status, redrive: n });
  }
  if (decision === 'REFUSE') {
    throw new HttpError(
      409,
      'Not failed',
      text(
        rec.status === 'CREATED'
          ? 'the fan-out is finished; only a failed or stuck one can be redriven'
          : 'the fan-out is running; only a failed or stuck one can be redriven',
      ),
      [{ path: 'eventId', message: text('status is {{status}}', { status: rec.status }) }],
    );
  }
  // Audit first: a retry after a failure below appends the same record, which the chain takes once.
  await appendAudit({
    claimId: `INDEX#${rec.eventId}`,
    step: 'FanoutRedrive',
    actor: `admin:${principal.sub}`,
    input: { note },
    output: { redrive: n + 1, error: rec.error ?? null },
    decision: 'FANNING_OUT',
  });
  if (!(await recordFanoutRedrive(rec.eventId, rec.status, n))) {
    // Moved already: by another redrive, or by this one (an update re-sent after its answer was lost).
    const now = await getIndexEvent(rec.eventId);
    if (now?.status !== 'FANNING_OUT' || (now.redrives ?? 0) !== n + 1)
      throw new HttpError(409, 'Already redriven', 'the event changed meanwhile; read it and retry');
  }
  await startIndexFanout(rec.eventId, n + 1);
  return json(202, { eventId: rec.eventId, status: 'FANNING_OUT', redrive: n + 1 });
}

export const handler = apiHandler('index-events', {
  'POST /index-events/{eventId}/redrive': redrive,
  'POST /index-events': post,
  'GET /index-events': list,
  'GET /index-events/{eventId}': getOne,
  'GET /index-events/{eventId}/audit': audit,
  'GET /index-events/{eventId}/history': history,
});
