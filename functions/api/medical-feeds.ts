/**
 * The medical bureau's daily feed over HTTP (issue 18). `POST /medical-feeds?schemeId=&encoding=` takes the CSV as
 * the body: the whole file is read and checked here first (encoding, header, limits: core/medical-feed.ts), so a
 * file that cannot be taken is refused with a 4xx naming the problem and nothing is filed; a good one is recorded
 * (its id from the file's sha256 and the scheme: a resent file is the same feed), stored in the feed bucket as
 * sent, and the feed workflow is started, named after the feed (so a resend starts nothing new). Answers 202.
 * `GET /medical-feeds/{feedId}` is the operator's view: status, progress, counts by outcome, claims by status,
 * control totals (per hospital too), the rows that did not file; `format=csv` the per-row report with identity
 * numbers masked. Row problems are stored as data and written here in the reader's language (Accept-Language),
 * as are the CSV's column names; outcomes, field names and codes never change with it. That report is O(rows) per
 * read; `view=progress` is the cheap one to poll (medical-feed-progress.ts: O(batches + undecided claims)), with
 * the latest execution's status. `POST /medical-feeds/{feedId}/redrive` (admin) starts a new execution
 * `<feedId>-r<n>` of a feed still FILING whose latest execution ended without succeeding: every row is
 * idempotent, so the new run files only what the failed one had not.
 */
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { ExecutionAlreadyExists, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { redriveDecision } from '#core/redrive.js';
import { FeedFileError, feedSha256, medicalFeedId, readFeed, sayRowProblem } from '#core/index.js';
import { schemes } from '../shared/catalogue.js';
import { apiHandler, encodeCursor, HttpError, json, languageHeaders, validationError, type RouteContext } from './http.js';
import { SchemeListFilters, schemeListQuery } from './list-query.js';
import { csvAnswer, CsvEncoding } from './csv.js';
import {
  FEED_LIST_KEY,
  feedChainId,
  feedExecutionName,
  feedReport,
  feedsPage,
  getFeed,
  recordFeed,
  recordFeedRedrive,
  type FeedRowOutcome,
  type MedicalFeedRecord,
} from '../shared/medical-feeds-repo.js';
import { feedProgress } from '../shared/medical-feed-progress.js';
import { executionStatus } from '../shared/execution.js';
import { redriveNote } from './redrive.js';
import { feedBucket, uploadKey, writeFeedFile } from '../shared/feed-files.js';
import { sfnClient } from '../shared/aws.js';
import { auditAnswer } from '../shared/audit.js';
import { wiring } from '../shared/config.js';
import { render, text, type Lang } from '#core/i18n/index.js';

/** The body's media types taken: a CSV file, as text or as bytes (GB18030 files are best sent as bytes). */
const CSV_TYPES = /^(text\/csv|application\/octet-stream|application\/csv|text\/plain)\b/i;
/** At most this many of the rows that did not file are listed in the JSON answer (all are in the CSV report). */
const EXCEPTIONS_IN_ANSWER = 1000;

function feedMachineArn(): string {
  return wiring('MEDICAL_FEED_STATE_MACHINE_ARN', 'the medical feed state machine');
}

function feedExecutionArn(name: string): string {
  return `${feedMachineArn().replace(':stateMachine:', ':execution:')}:${name}`;
}

/** The feed's latest execution (its own, or its latest redrive's) and that execution's status (null: not started). */
async function latestExecution(feed: MedicalFeedRecord): Promise<{ name: string; status: string | null }> {
  const name = feedExecutionName(feed.feedId, feed.redrives ?? 0);
  return { name, status: (await executionStatus(feedExecutionArn(name))) ?? null };
}

/**
 * The workflow of a feed, named after it (or, redriven, `<feedId>-r<n>`): a second start of a name is the same
 * execution. By default the feed's latest execution, so a resend of a feed still filing starts the latest one.
 */
export async function startFeedExecution(feed: MedicalFeedRecord, name = feedExecutionName(feed.feedId, feed.redrives ?? 0)): Promise<void> {
  const input = {
    source: { bucket: feedBucket(), key: uploadKey(feed.schemeId, feed.feedId) },
    schemeId: feed.schemeId,
    encoding: feed.encoding,
    sentBy: feed.sentBy,
  };
  try {
    await sfnClient().send(new StartExecutionCommand({ stateMachineArn: feedMachineArn(), name, input: JSON.stringify(input) }));
  } catch (err) {
    // Ran already (AWS answers this for a closed execution of that name): nothing to start.
    if (!(err instanceof ExecutionAlreadyExists)) throw err;
  }
}

function bodyBytes(ctx: RouteContext): Uint8Array {
  const type = ctx.event.headers?.['content-type'] ?? '';
  if (!CSV_TYPES.test(type))
    throw new HttpError(415, 'Unsupported media type', 'send the feed file as text/csv or application/octet-stream', [
      { path: '(header) content-type', message: 'must be text/csv or application/octet-stream' },
    ]);
  const raw = ctx.event.body ?? '';
  return ctx.event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
}

const TITLES: Record<FeedFileError['status'], string> = { 413: 'Payload too large', 415: 'Unsupported media type', 422: 'Validation failed' };

async function send(ctx: RouteContext) {
  const schemeId = ctx.query.schemeId;
  if (!schemeId) throw validationError([{ path: 'schemeId', message: 'required (query parameter)' }]);
  if (!schemes().has(schemeId))
    throw validationError([{ path: 'schemeId', message: text('unknown scheme; known: {{schemes}}', { schemes: [...schemes().keys()].join(', ') }) }]);
  const bytes = bodyBytes(ctx);
  let read: ReturnType<typeof readFeed>;
  try {
    read = readFeed(bytes, ctx.query.encoding);
  } catch (err) {
    if (err instanceof FeedFileError) throw new HttpError(err.status, TITLES[err.status], err.detail, [{ path: err.field, message: err.detail }]);
    throw err;
  }
  const sha256 = feedSha256(bytes);
  const feedId = medicalFeedId(schemeId, sha256);
  const { created, record } = await recordFeed({
    feedId,
    schemeId,
    sha256,
    bytes: bytes.byteLength,
    encoding: read.encoding,
    rows: read.items.length,
    sentBy: ctx.principal.sub,
    createdAt: new Date().toISOString(),
  });
  if (record.status === 'FILING') {
    // Also on a resend of a feed still filing: an earlier attempt may have stopped before either (both idempotent).
    await writeFeedFile(feedBucket(), uploadKey(schemeId, feedId), bytes, 'text/csv');
    await startFeedExecution(record);
  }
  return json(
    202,
    { feedId, status: record.status, rows: record.rows, encoding: record.encoding, repeated: !created },
    { location: `/medical-feeds/${feedId}` },
  );
}

const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

/** The per-row report's columns, named in the reader's language (core/i18n/catalogue.ts `csv.feed.*`). */
const REPORT_COLUMNS = ['line', 'outcome', 'hospitalCode', 'invoiceNo', 'idMasked', 'claimId', 'totalCost', 'problems'] as const;

/** A row's problems in the reader's language; codes (outcome, field names) stay as they are. */
const problemsIn = (o: FeedRowOutcome, lang: Lang) => (o.problems ?? []).map((p) => sayRowProblem(p, lang));

/** One line per row, in line order. No identity number but the masked one. */
function reportCsv(outcomes: readonly FeedRowOutcome[], lang: Lang): string {
  const header = REPORT_COLUMNS.map((c) => render({ key: `csv.feed.${c}` }, lang));
  const lines = outcomes.map((o) =>
    [
      String(o.line),
      o.outcome,
      o.hospitalCode ?? '',
      o.invoiceNo ?? '',
      o.idMasked ?? '',
      o.claimId ?? '',
      o.totalCost === null || o.totalCost === undefined ? '' : String(o.totalCost),
      problemsIn(o, lang).join(lang === 'en' ? '; ' : '；'),
    ]
      .map(quote)
      .join(','),
  );
  return `${[header.map(quote).join(','), ...lines].join('\r\n')}\r\n`;
}

async function feedOr404(feedId: string): Promise<MedicalFeedRecord> {
  const feed = /^MF-[0-9a-f]{32}$/.test(feedId) ? await getFeed(feedId) : undefined;
  if (!feed) throw new HttpError(404, 'Not found', text('no medical feed {{feedId}}', { feedId: feedId.slice(0, 80) }));
  return feed;
}

/** `view=progress`: what a screen polls while the feed files. Its cost does not grow with the file's rows. */
async function progressView(feed: MedicalFeedRecord) {
  const [progress, execution] = await Promise.all([feedProgress(feed), latestExecution(feed)]);
  const { claimsReceived: _received, ...shown } = progress;
  return {
    view: 'progress',
    feedId: feed.feedId,
    schemeId: feed.schemeId,
    status: feed.status,
    createdAt: feed.createdAt,
    completedAt: feed.completedAt ?? null,
    ...shown,
    execution,
    redrives: feed.redrives ?? 0,
  };
}

async function get(ctx: RouteContext) {
  const feedId = ctx.params.feedId ?? '';
  const format = ctx.query.format ?? 'json';
  if (format !== 'json' && format !== 'csv') throw validationError([{ path: 'format', message: 'json or csv' }]);
  const view = ctx.query.view ?? 'report';
  if (view !== 'report' && view !== 'progress') throw validationError([{ path: 'view', message: 'report or progress' }]);
  if (view === 'progress' && format !== 'json') throw validationError([{ path: 'view', message: 'the progress view is JSON only' }]);
  const encoding = CsvEncoding.safeParse(ctx.query.encoding);
  if (!encoding.success) throw validationError([{ path: 'encoding', message: 'utf-8 or gb18030' }]);
  if (ctx.query.encoding !== undefined && format !== 'csv')
    throw validationError([{ path: 'encoding', message: 'an encoding applies to format=csv only' }]);
  const feed = await feedOr404(feedId);
  if (view === 'progress') return json(200, await progressView(feed));
  const report = await feedReport(feed);
  if (format === 'csv')
    return csvAnswer(reportCsv(report.outcomes, ctx.lang), { filename: `${feedId}.csv`, lang: ctx.lang, encoding: encoding.data });
  const { outcomes, ...rest } = report;
  const exceptions = outcomes
    .filter((o) => o.outcome !== 'FILED')
    .slice(0, EXCEPTIONS_IN_ANSWER + 1)
    .map((o) => (o.problems ? { ...o, problems: problemsIn(o, ctx.lang) } : o));
  return json(
    200,
    {
      ...rest,
      sha256: feed.sha256,
      bytes: feed.bytes,
      encoding: feed.encoding,
      sentBy: feed.sentBy,
      createdAt: feed.createdAt,
      completedAt: feed.completedAt ?? null,
      progress: { rows: report.rows, rowsDone: report.rowsDone, claimsFiled: report.counts.FILED, claimsUndecided: report.undecided },
      exceptions: exceptions.slice(0, EXCEPTIONS_IN_ANSWER),
      exceptionsTruncated: exceptions.length > EXCEPTIONS_IN_ANSWER,
    },
    languageHeaders(ctx.lang),
  );
}

/**
 * An admin re-runs a feed whose workflow stopped without finishing (a batch's retries exhausted, say): allowed while
 * the feed is FILING and its latest execution is closed and not SUCCEEDED. The redrive count is raised from what
 * was read (with FeedRedriven on the feed's chain, one transaction), then `<feedId>-r<n>` is started with the
 * feed's input. A request racing another (or re-sent) meets the condition, finds the count raised and starts the
 * same execution, which exists already: the same answer. Never started (a start lost after the count was raised):
 * started now. Running, succeeded, or the feed DONE: 409 naming why.
 */
async function redrive({ event, principal, params }: RouteContext) {
  const note = redriveNote(event);
  const feed = await feedOr404(params.feedId ?? '');
  const n = feed.redrives ?? 0;
  const latest = feed.status === 'FILING' ? await latestExecution(feed) : undefined;
  const decision = redriveDecision({ failed: false, inFlight: feed.status === 'FILING', latestRun: latest?.status ?? undefined });
  if (decision === 'START_LATEST') {
    await startFeedExecution(feed);
    return json(202, { feedId: feed.feedId, status: feed.status, execution: feedExecutionName(feed.feedId, n), redrives: n });
  }
  if (decision === 'REFUSE') {
    const why =
      feed.status === 'DONE'
        ? text('the feed is DONE; only a feed whose workflow failed can be redriven')
        : latest?.status === 'RUNNING'
          ? text('execution {{name}} is still running; only a feed whose workflow failed can be redriven', { name: latest.name })
          : text('execution {{name}} succeeded; only a feed whose workflow failed can be redriven', { name: latest?.name ?? feed.feedId });
    throw new HttpError(409, 'Feed cannot be redriven', why, [
      { path: 'feedId', message: text('status is {{status}}', { status: latest ? `${feed.status}, ${latest.name} ${latest.status}` : feed.status }) },
    ]);
  }
  if (!(await recordFeedRedrive(feed.feedId, n, `admin:${principal.sub}`, note))) {
    // Moved already: by another redrive, or by this one (a request re-sent after its answer was lost).
    const now = await getFeed(feed.feedId);
    if (now?.status !== 'FILING' || (now.redrives ?? 0) !== n + 1)
      throw new HttpError(409, 'Already redriven', 'the feed changed meanwhile; read it and retry');
  }
  const execution = feedExecutionName(feed.feedId, n + 1);
  await startFeedExecution(feed, execution);
  return json(202, { feedId: feed.feedId, status: 'FILING', execution, redrives: n + 1 });
}

/**
 * The feed's own audit chain (`FEED#<feedId>`): who sent which file (its sha256), each redrive, and the end with its
 * counts and control totals. The claims it filed have their own chains.
 */
async function audit(ctx: RouteContext) {
  const feedId = ctx.params.feedId ?? '';
  const feed = /^MF-[0-9a-f]{32}$/.test(feedId) ? await getFeed(feedId) : undefined;
  if (!feed) throw new HttpError(404, 'Not found', text('no medical feed {{feedId}}', { feedId: feedId.slice(0, 80) }));
  return json(200, { feedId: feed.feedId, ...(await auditAnswer(feedChainId(feed.feedId))) });
}

/** GET /medical-feeds's filters (limit and cursor aside). */
export const FeedListQuery = SchemeListFilters.extend({ status: z.enum(['FILING', 'DONE']).optional() });

/**
 * GET /medical-feeds?schemeId=&status=&limit=&cursor= (admin, auditor): the feeds, newest first (every scheme's,
 * merged, without schemeId), so an operator on any machine finds yesterday's file. No row data: the report is
 * GET /medical-feeds/{feedId}.
 */
async function list({ query }: RouteContext) {
  const q = schemeListQuery(FeedListQuery, query, FEED_LIST_KEY);
  const page = await feedsPage({ schemeIds: q.schemeIds, status: q.filters.status }, q.limit, q.cursor);
  return json(200, { items: page.items, nextCursor: encodeCursor(page.next) });
}

export const handler = apiHandler('medical-feeds', {
  'POST /medical-feeds': send,
  'GET /medical-feeds': list,
  'POST /medical-feeds/{feedId}/redrive': redrive,
  'GET /medical-feeds/{feedId}': get,
  'GET /medical-feeds/{feedId}/audit': audit,
});
