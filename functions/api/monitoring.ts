/**
 * Monitoring warnings (spec 7): run the signals over the registry, list the open warnings, close one after the
 * follow-up. The signals themselves are core/monitoring.ts. A claim's decision keeps the household's counted
 * claims and opens what it makes true in its own transaction (functions/shared/monitoring-repo.ts); a run covers
 * what a decision cannot see (an income or insured area imported after the claims were decided, an `asOf`): an
 * asynchronous job, one Step Functions execution over the registry's slices (lib/monitoring-workflow.ts,
 * functions/steps/monitoring-run.ts), which reads no claim. Open warnings live on the registry item
 * (openWarnings / closedWarnings) and the assessment step sends a claim of a household with an open warning to
 * review (MONITORING_WARNING). Answers carry ids and figures only, never identity numbers.
 */
import { randomUUID } from 'node:crypto';
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { identifier, isoDate, WARNING_TYPES, type OpenWarning } from '#core/index.js';
import { schemes } from '../shared/catalogue.js';
import { apiHandler, fieldErrors, HttpError, json, jsonBody, validationError, type RouteContext } from './http.js';
import { documentClient, tableName } from '../shared/aws.js';
import { queryAll } from '../shared/query-all.js';
import { closeHouseholdWarning, type StoredHousehold } from '../shared/registry-repo.js';
import { createJob, getJob, startJobExecution, type MonitoringJob } from '../shared/monitoring-jobs.js';
import { text } from '#core/i18n/index.js';
import { settingValue } from '../shared/config.js';

const MAX_BODY_BYTES = 16 * 1024;
/** How long POST /monitoring/run waits for its job before answering 202 (well inside API Gateway's 30 s). */

function knownScheme(schemeId: string | undefined): string | undefined {
  if (schemeId !== undefined && !schemes().has(schemeId))
    throw new HttpError(404, 'Not found', text('no scheme {{schemeId}}', { schemeId }), [{ path: 'schemeId', message: 'unknown scheme' }]);
  return schemeId;
}

const RunBody = z.object({ schemeId: identifier.optional(), asOf: isoDate.optional() }).strict();

/** The body is optional: none, or a JSON object `{ schemeId?, asOf? }`. */
function runOptions({ event, query }: RouteContext): { schemeId: string | undefined; asOf: string } {
  const raw = event.body ?? '';
  const body = raw.trim() === '' ? {} : jsonBody(event, MAX_BODY_BYTES);
  const parsed = RunBody.safeParse(body);
  if (!parsed.success) throw validationError(fieldErrors(parsed.error));
  const fromQuery = query.schemeId;
  if (fromQuery !== undefined && parsed.data.schemeId !== undefined && fromQuery !== parsed.data.schemeId) {
    throw validationError([{ path: 'schemeId', message: 'the query and the body name different schemes' }]);
  }
  const q = identifier.optional().safeParse(fromQuery);
  if (!q.success) throw new HttpError(400, 'Bad query', 'schemeId must be 1..128 characters', [{ path: 'schemeId', message: '1..128 characters' }]);
  return { schemeId: knownScheme(parsed.data.schemeId ?? q.data), asOf: parsed.data.asOf ?? new Date().toISOString().slice(0, 10) };
}

/** The job as GET /monitoring/jobs/{jobId} shows it (refs are the answer's business only). */
function jobView(job: MonitoringJob) {
  const { refs: _refs, startedBy: _by, ...rest } = job;
  return { ...rest, location: `/monitoring/jobs/${job.jobId}` };
}

/** The warnings a finished job opened, as stored now (open or closed since), from its refs. */
async function openedWarnings(job: MonitoringJob): Promise<Array<OpenWarning & { householdId: string }>> {
  const byHousehold = new Map<string, Set<string>>();
  for (const ref of job.refs) {
    const [householdId = '', warningId = ''] = ref.split('/');
    byHousehold.set(householdId, (byHousehold.get(householdId) ?? new Set()).add(warningId));
  }
  const ids = [...byHousehold.keys()];
  const out: Array<OpenWarning & { householdId: string }> = [];
  for (let i = 0; i < ids.length; i += 100) {
    const res = await documentClient().send(
      new BatchGetCommand({
        RequestItems: { [tableName('registry')]: { Keys: ids.slice(i, i + 100).map((householdId) => ({ householdId })), ConsistentRead: true } },
      }),
    );
    for (const h of (res.Responses?.[tableName('registry')] ?? []) as StoredHousehold[]) {
      const wanted = byHousehold.get(h.householdId) ?? new Set();
      for (const w of [...(h.openWarnings ?? []), ...(h.closedWarnings ?? [])]) {
        if (wanted.has(w.warningId))
          out.push({
            householdId: h.householdId,
            warningId: w.warningId,
            type: w.type,
            level: w.level,
            followUp: w.followUp,
            openedAt: w.openedAt,
            ...(w.openedBy ? { openedBy: w.openedBy } : {}),
            evidence: w.evidence,
          });
      }
    }
  }
  return out.sort((a, b) => (a.householdId < b.householdId ? -1 : a.householdId > b.householdId ? 1 : a.warningId < b.warningId ? -1 : 1));
}

/**
 * Starts a run as a job. Answers 200 with what it opened when the job finishes within FANGPIN_MONITORING_SYNC_WAIT_MS (a registry
 * of a few thousand households), as the first version of this route did; otherwise, or at once with
 * `Prefer: respond-async`, 202 with the job id and its progress at `Location`.
 */
async function run(ctx: RouteContext) {
  const { schemeId, asOf } = runOptions(ctx);
  const jobId = `M-${new Date().toISOString().replace(/[-:.TZ]/g, '')}-${randomUUID().slice(0, 8)}`;
  await createJob(jobId, { schemeId: schemeId ?? null, asOf, startedBy: `${ctx.principal.role}:${ctx.principal.sub}` });
  await startJobExecution(jobId);
  const asyncOnly = /respond-async/i.test(ctx.event.headers?.prefer ?? '');
  const deadline = Date.now() + (asyncOnly ? 0 : settingValue('FANGPIN_MONITORING_SYNC_WAIT_MS'));
  let job = await getJob(jobId);
  for (let wait = 50; job?.status === 'RUNNING' && Date.now() < deadline; wait = Math.min(wait * 2, 500)) {
    await new Promise((r) => setTimeout(r, wait));
    job = await getJob(jobId);
  }
  if (!job) throw new Error(`monitoring job ${jobId} vanished`);
  if (job.status === 'RUNNING') return json(202, jobView(job), { location: `/monitoring/jobs/${jobId}` });
  if (job.status === 'FAILED')
    throw new HttpError(
      500,
      'Monitoring failed',
      text('the monitoring job {{jobId}} failed: {{error}}', { jobId, error: job.error ?? 'unknown error' }),
    );
  return json(200, {
    jobId,
    schemeId: job.schemeId,
    asOf: job.asOf,
    households: job.households,
    opened: job.opened,
    open: job.open,
    warnings: await openedWarnings(job),
  });
}

const JobParams = z.object({ jobId: z.string().regex(/^M-[0-9]{17}-[0-9a-f]{8}$/) });

async function jobStatus({ params }: RouteContext) {
  const p = JobParams.safeParse({ jobId: params.jobId });
  const job = p.success ? await getJob(p.data.jobId) : undefined;
  if (!job) throw new HttpError(404, 'Not found', text('no monitoring job {{jobId}}', { jobId: params.jobId ?? '' }));
  return json(200, jobView(job));
}

const ListQuery = z.object({ schemeId: identifier.optional(), type: z.enum(WARNING_TYPES).optional() });

/** The open warnings: households from the sparse index byOpenWarning (scheme by scheme), Queries only. */
async function list({ query }: RouteContext) {
  const q = ListQuery.safeParse({ schemeId: query.schemeId, type: query.type });
  if (!q.success) throw new HttpError(400, 'Bad query', fieldErrors(q.error)[0]?.message ?? 'bad query', fieldErrors(q.error));
  const schemeId = knownScheme(q.data.schemeId);
  const ids = schemeId !== undefined ? [schemeId] : [...schemes().keys()].sort();
  const households = (
    await Promise.all(
      ids.map((id) =>
        queryAll<Pick<StoredHousehold, 'householdId' | 'schemeId' | 'county' | 'openWarnings'>>({
          TableName: tableName('registry'),
          IndexName: 'byOpenWarning',
          KeyConditionExpression: 'warnedScheme = :s',
          ExpressionAttributeValues: { ':s': id },
        }),
      ),
    )
  ).flat();
  const warnings = households
    .flatMap((h) => (h.openWarnings ?? []).map((w) => ({ householdId: h.householdId, schemeId: h.schemeId, county: h.county, ...w })))
    .filter((w) => q.data.type === undefined || w.type === q.data.type)
    .sort((a, b) =>
      a.householdId < b.householdId ? -1 : a.householdId > b.householdId ? 1 : a.warningId < b.warningId ? -1 : a.warningId > b.warningId ? 1 : 0,
    );
  return json(200, { schemeId: schemeId ?? null, type: q.data.type ?? null, count: warnings.length, warnings });
}

const CloseBody = z.object({ note: z.string().trim().min(1).max(2000) });

async function close({ event, params, principal }: RouteContext) {
  const body = CloseBody.safeParse(jsonBody(event, MAX_BODY_BYTES));
  if (!body.success) throw validationError(fieldErrors(body.error));
  const householdId = params.householdId ?? '';
  const warningId = params.warningId ?? '';
  const out = await closeHouseholdWarning(householdId, warningId, {
    closedAt: new Date().toISOString(),
    closedBy: `${principal.role}:${principal.sub}`,
    note: body.data.note,
  });
  if ('error' in out) {
    if (out.error === 'NO_HOUSEHOLD') throw new HttpError(404, 'Not found', text('no household {{householdId}}', { householdId }));
    throw new HttpError(409, 'Not open', text('household {{householdId}} has no open warning {{warningId}}', { householdId, warningId }));
  }
  return json(200, { householdId, warning: out.closed });
}

export const handler = apiHandler('monitoring', {
  'POST /monitoring/run': run,
  'GET /monitoring/jobs/{jobId}': jobStatus,
  'GET /monitoring/warnings': list,
  'POST /households/{householdId}/warnings/{warningId}/close': close,
});

/** The request schemas, for the OpenAPI document (functions/api/openapi/). */
export { RunBody as MonitoringRunBody, ListQuery as WarningListQuery, CloseBody as CloseWarningBody };
