/**
 * Monitoring warnings (spec 7): run the health and industry signals over the registry and the claims, list the
 * open warnings, close one after the follow-up. The signals themselves are core/monitoring.ts; open warnings
 * live on the registry item (openWarnings / closedWarnings), and the assessment step sends a claim of a
 * household with an open warning to review (MONITORING_WARNING). Answers carry ids and figures only, never
 * identity numbers.
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { computeWarnings, identifier, isoDate, openWarningOf, WARNING_TYPES, type MonitoredClaim, type OpenWarning } from '#core/index.js';
import { schemes } from '../shared/catalogue.js';
import { apiHandler, fieldErrors, HttpError, json, jsonBody, validationError, type RouteContext } from './http.js';
import { documentClient, tableName } from '../shared/aws.js';
import { closeHouseholdWarning, openHouseholdWarning, type StoredHousehold } from '../shared/registry-repo.js';
import { text } from '#core/i18n/index.js';

const MAX_BODY_BYTES = 16 * 1024;

async function scanAll<T>(
  table: 'claims' | 'registry',
  opts: { filter?: string; projection?: string; names?: Record<string, string>; values?: Record<string, unknown> },
): Promise<T[]> {
  const items: T[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await documentClient().send(
      new ScanCommand({
        TableName: tableName(table),
        FilterExpression: opts.filter,
        ProjectionExpression: opts.projection,
        ExpressionAttributeNames: opts.names && Object.keys(opts.names).length ? opts.names : undefined,
        ExpressionAttributeValues: opts.values && Object.keys(opts.values).length ? opts.values : undefined,
        ExclusiveStartKey: start,
        ConsistentRead: true,
      }),
    );
    items.push(...((out.Items ?? []) as T[]));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

function knownScheme(schemeId: string | undefined): string | undefined {
  if (schemeId !== undefined && !schemes().has(schemeId)) throw new HttpError(404, 'Not found', text('no scheme {{schemeId}}', { schemeId }), [{ path: 'schemeId', message: 'unknown scheme' }]);
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

type ClaimRow = MonitoredClaim & { householdId: string };

async function run(ctx: RouteContext) {
  const { schemeId, asOf } = runOptions(ctx);
  const byScheme = schemeId !== undefined;
  const [households, claims] = await Promise.all([
    scanAll<StoredHousehold>('registry', byScheme ? { filter: '#sch = :s', names: { '#sch': 'schemeId' }, values: { ':s': schemeId } } : {}),
    scanAll<ClaimRow>('claims', {
      filter: `#p IN (:m, :i)${byScheme ? ' AND #sch = :s' : ''}`,
      projection: 'claimId, householdId, #st, reasonCode, submission, createdAt',
      names: { '#p': 'product', '#st': 'status', ...(byScheme ? { '#sch': 'schemeId' } : {}) },
      values: { ':m': 'MEDICAL', ':i': 'INDUSTRY', ...(byScheme ? { ':s': schemeId } : {}) },
    }),
  ]);
  const claimsOf = new Map<string, ClaimRow[]>();
  for (const c of claims) {
    const list = claimsOf.get(c.householdId);
    if (list) list.push(c);
    else claimsOf.set(c.householdId, [c]);
  }
  const openedAt = new Date().toISOString();
  const opened: Array<OpenWarning & { householdId: string }> = [];
  let open = 0;
  for (const h of households) {
    open += h.openWarnings?.length ?? 0;
    const known = new Set([...(h.warningIds ?? []), ...(h.openWarnings ?? []).map((w) => w.warningId), ...(h.closedWarnings ?? []).map((w) => w.warningId)]);
    for (const w of computeWarnings(h, claimsOf.get(h.householdId) ?? [], asOf)) {
      if (known.has(w.warningId)) continue;
      const stored = openWarningOf(w, openedAt);
      // Conditional: a concurrent run that opened it first (or a deleted household) makes this a no-op.
      if (await openHouseholdWarning(h.householdId, stored, `${ctx.principal.role}:${ctx.principal.sub}`)) {
        opened.push({ householdId: h.householdId, ...stored });
        open++;
      }
    }
  }
  return json(200, { schemeId: schemeId ?? null, asOf, households: households.length, opened: opened.length, open, warnings: opened });
}

const ListQuery = z.object({ schemeId: identifier.optional(), type: z.enum(WARNING_TYPES).optional() });

async function list({ query }: RouteContext) {
  const q = ListQuery.safeParse({ schemeId: query.schemeId, type: query.type });
  if (!q.success) throw new HttpError(400, 'Bad query', fieldErrors(q.error)[0]?.message ?? 'bad query', fieldErrors(q.error));
  const schemeId = knownScheme(q.data.schemeId);
  const households = await scanAll<Pick<StoredHousehold, 'householdId' | 'schemeId' | 'county' | 'openWarnings'>>('registry', {
    filter: `size(#ow) > :zero${schemeId !== undefined ? ' AND #sch = :s' : ''}`,
    projection: 'householdId, #sch, county, #ow',
    names: { '#ow': 'openWarnings', '#sch': 'schemeId' },
    values: { ':zero': 0, ...(schemeId !== undefined ? { ':s': schemeId } : {}) },
  });
  const warnings = households
    .flatMap((h) => (h.openWarnings ?? []).map((w) => ({ householdId: h.householdId, schemeId: h.schemeId, county: h.county, ...w })))
    .filter((w) => q.data.type === undefined || w.type === q.data.type)
    .sort((a, b) => (a.householdId < b.householdId ? -1 : a.householdId > b.householdId ? 1 : a.warningId < b.warningId ? -1 : a.warningId > b.warningId ? 1 : 0));
  return json(200, { schemeId: schemeId ?? null, type: q.data.type ?? null, count: warnings.length, warnings });
}

const CloseBody = z.object({ note: z.string().trim().min(1).max(2000) });

async function close({ event, params, principal }: RouteContext) {
  const body = CloseBody.safeParse(jsonBody(event, MAX_BODY_BYTES));
  if (!body.success) throw validationError(fieldErrors(body.error));
  const householdId = params.householdId ?? '';
  const warningId = params.warningId ?? '';
  const out = await closeHouseholdWarning(householdId, warningId, { closedAt: new Date().toISOString(), closedBy: `${principal.role}:${principal.sub}`, note: body.data.note });
  if ('error' in out) {
    if (out.error === 'NO_HOUSEHOLD') throw new HttpError(404, 'Not found', text('no household {{householdId}}', { householdId }));
    throw new HttpError(409, 'Not open', text('household {{householdId}} has no open warning {{warningId}}', { householdId, warningId }));
  }
  return json(200, { householdId, warning: out.closed });
}

export const handler = apiHandler('monitoring', {
  'POST /monitoring/run': run,
  'GET /monitoring/warnings': list,
  'POST /households/{householdId}/warnings/{warningId}/close': close,
});

/** The request schemas, for the OpenAPI document (functions/api/openapi/). */
export { RunBody as MonitoringRunBody, ListQuery as WarningListQuery, CloseBody as CloseWarningBody };
