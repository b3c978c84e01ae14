/**
 * Registry API: upsert households in batches (each row validated on its own; identity numbers hashed and masked
 * before anything is stored); read them back, masked, one or page by page; each household's audit chain.
 */
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { FANOUT_SHARDS, HouseholdInput, identifier, schemeShardKey } from '#core/index.js';
import { schemes } from '../shared/catalogue.js';
import {
  apiHandler,
  decodeCursor,
  encodeCursor,
  fieldErrors,
  HttpError,
  json,
  jsonBody,
  languageHeaders,
  localizeErrors,
  parseLimit,
  validationError,
  type FieldError,
  type RouteContext,
} from './http.js';
import { tableName } from '../shared/aws.js';
import { getHousehold, householdView, putHousehold, toStoredHousehold, type StoredHousehold } from '../shared/registry-repo.js';
import { appendAudit, auditAnswer } from '../shared/audit.js';
import { fullPage, pageCursorOf } from '../shared/full-page.js';
import { text } from '#core/i18n/index.js';

const MAX_BATCH_BYTES = 5 * 1024 * 1024;
const MAX_ROWS = 1000;

function validateRow(row: unknown, index: number): { ok: HouseholdInput } | { errors: FieldError[] } {
  const parsed = HouseholdInput.safeParse(row);
  if (!parsed.success) return { errors: fieldErrors(parsed.error, `[${index}]`) };
  const h = parsed.data;
  const scheme = schemes().get(h.schemeId);
  if (!scheme) return { errors: [{ path: `[${index}].schemeId`, message: 'unknown scheme' }] };
  if (!scheme.categories.includes(h.category))
    return {
      errors: [
        {
          path: `[${index}].category`,
          message: text('not a category of {{schemeId}}: {{categories}}', { schemeId: h.schemeId, categories: scheme.categories.join(', ') }),
        },
      ],
    };
  const offered = h.enrollment.products.findIndex((p) => !scheme.products[p]);
  if (offered >= 0)
    return {
      errors: [{ path: `[${index}].enrollment.products[${offered}]`, message: text('not offered by {{schemeId}}', { schemeId: h.schemeId }) }],
    };
  const ids = h.members.map((m) => m.personId);
  const dup = ids.findIndex((id, i) => ids.indexOf(id) !== i);
  if (dup >= 0) return { errors: [{ path: `[${index}].members[${dup}].personId`, message: 'duplicate person in household' }] };
  return { ok: h };
}

const IMPORT_CONCURRENCY = 8;

async function upsert({ event, principal, lang }: RouteContext) {
  const body = jsonBody(event, MAX_BATCH_BYTES);
  const rows = z.array(z.unknown()).min(1).max(MAX_ROWS).safeParse(body);
  if (!rows.success) throw validationError([{ path: '(body)', message: text('expected a JSON array of 1..{{max}} households', { max: MAX_ROWS }) }]);
  const checked = rows.data.map(validateRow);
  const errors = checked.flatMap((c, index) => ('errors' in c ? [{ index, errors: c.errors }] : []));
  const valid = checked.flatMap((c) => ('ok' in c ? [c.ok] : []));
  // A batch with no valid row changes nothing: answer like any bad input.
  if (valid.length === 0) throw validationError(errors.flatMap((e) => e.errors));
  let created = 0;
  let updated = 0;
  // A few households at a time (each import is a read, a transaction with the report's premium totals, and an
  // audit record): one after another, a batch of 1,000 would not fit the API's 29 s. Rows of one household stay
  // in their order, on one worker.
  const byHousehold = new Map<string, typeof valid>();
  for (const h of valid) byHousehold.set(h.householdId, [...(byHousehold.get(h.householdId) ?? []), h]);
  const queue = [...byHousehold.values()];
  await Promise.all(
    Array.from({ length: Math.min(IMPORT_CONCURRENCY, queue.length) }, async () => {
      for (let rows = queue.shift(); rows; rows = queue.shift()) {
        for (const h of rows) {
          const stored = await toStoredHousehold(h);
          if ((await putHousehold(stored)) === 'created') created++;
          else updated++;
          await appendAudit({
            claimId: `HOUSEHOLD#${h.householdId}`,
            step: 'RegistryChange',
            actor: `admin:${principal.sub}`,
            input: householdView(stored),
            output: { householdId: h.householdId },
            decision: 'UPSERT',
          });
        }
      }
    }),
  );
  return json(
    errors.length ? 207 : 200,
    { created, updated, errors: errors.map((e) => ({ index: e.index, errors: localizeErrors(e.errors, lang) })) },
    languageHeaders(lang),
  );
}

async function getOne({ params }: RouteContext) {
  const h = params.householdId ? await getHousehold(params.householdId) : undefined;
  if (!h) throw new HttpError(404, 'Not found', text('no household {{householdId}}', { householdId: params.householdId ?? '' }));
  return json(200, householdView(h));
}

/**
 * The registry page by page (`limit`, `cursor`, optional `schemeId`), masked as everywhere: how an auditor finds
 * every chain. Read from index bySchemeShard, scheme after scheme (the catalogue's order) and slice after slice,
 * each in household id order: Queries only, every page full but the last (full-page.ts).
 */
async function list({ query }: RouteContext) {
  const limit = parseLimit(query.limit);
  const scheme = identifier.optional().safeParse(query.schemeId);
  if (!scheme.success)
    throw new HttpError(400, 'Bad query', 'schemeId must be 1..128 characters', [{ path: 'schemeId', message: '1..128 characters' }]);
  if (scheme.data !== undefined && !schemes().has(scheme.data))
    throw new HttpError(404, 'Not found', text('no scheme {{schemeId}}', { schemeId: scheme.data }), [
      { path: 'schemeId', message: 'unknown scheme' },
    ]);
  const cursor = pageCursorOf(decodeCursor(query.cursor));
  if (cursor === 'bad') throw new HttpError(400, 'Bad cursor', 'cursor is not one this API handed out', [{ path: 'cursor', message: 'invalid' }]);
  const ids = scheme.data !== undefined ? [scheme.data] : [...schemes().keys()].sort();
  const partitions = ids.flatMap((id) =>
    Array.from({ length: FANOUT_SHARDS }, (_, shard) => ({
      TableName: tableName('registry'),
      IndexName: 'bySchemeShard',
      KeyConditionExpression: 'schemeShard = :k',
      ExpressionAttributeValues: { ':k': schemeShardKey(id, shard) },
    })),
  );
  const page = await fullPage<StoredHousehold & Record<string, unknown>>(
    partitions,
    limit,
    (h) => ({ householdId: h.householdId, schemeShard: h.schemeShard }),
    cursor,
  );
  return json(200, { items: page.items.map(householdView), nextCursor: encodeCursor(page.next as Record<string, unknown> | undefined) });
}

/** The household's own audit chain: registry changes and monitoring warnings opened and closed. */
async function audit({ params }: RouteContext) {
  const h = params.householdId ? await getHousehold(params.householdId) : undefined;
  if (!h) throw new HttpError(404, 'Not found', text('no household {{householdId}}', { householdId: params.householdId ?? '' }));
  return json(200, { householdId: h.householdId, ...(await auditAnswer(`HOUSEHOLD#${h.householdId}`)) });
}

export const handler = apiHandler('households', {
  'POST /households': upsert,
  'GET /households': list,
  'GET /households/{householdId}': getOne,
  'GET /households/{householdId}/audit': audit,
});
