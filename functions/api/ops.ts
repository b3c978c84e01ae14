/**
 * Operations API: `GET /ops/attention` answers what needs a person now (core/attention.ts), the same list whose
 * counts the scheduled function (functions/ops/attention-metrics.ts) publishes and the alarms watch.
 */
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { apiHandler, fieldErrors, HttpError, json, type RouteContext } from './http.js';
import { readAttention, thresholdsFromEnv } from '../shared/attention.js';

const Query = z.object({
  // "As of" another instant: what the list will hold then (a review that will have waited too long), or a check
  // of the thresholds without waiting. Only how old things are changes; the claims are read as they are now.
  asOf: z.string().datetime({ offset: true, message: 'expected an ISO-8601 instant' }).optional(),
});

async function attention({ query }: RouteContext) {
  const q = Query.safeParse({ asOf: query.asOf });
  if (!q.success) throw new HttpError(400, 'Bad query', fieldErrors(q.error)[0]?.message ?? 'bad query', fieldErrors(q.error));
  const now = q.data.asOf ? new Date(q.data.asOf) : new Date();
  return json(200, await readAttention(now, thresholdsFromEnv()));
}

export const handler = apiHandler('ops', { 'GET /ops/attention': attention });

/** The request schema, for the OpenAPI document (functions/api/openapi/). */
export { Query as AttentionQuery };
