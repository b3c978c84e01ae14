/**
 * The scheme operator's summary for a policy year: claims by product, county and status, the 5-working-day
 * payment target, premiums with the subsidy split and the risk reserve, and the loss ratio. Amounts in fen,
 * ratios in bp (floored). Read from the report's running totals (functions/shared/report-aggregates.ts), which
 * every claim move and registry import keeps up to date: a fixed number of item reads, whatever the history.
 */
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { summaryFromCounters, type Bucket } from '#core/report-aggregates.js';
import { schemes } from '../shared/catalogue.js';
import { apiHandler, fieldErrors, HttpError, json, type RouteContext } from './http.js';
import { readReportTotals } from '../shared/report-aggregates.js';
import { render, text, type Lang } from '#core/i18n/index.js';
import { csvAnswer, CsvEncoding } from './csv.js';
import { publicNotice } from './public-notice.js';

const Query = z.object({ schemeId: z.string().min(1).max(128), year: z.coerce.number().int().min(2000).max(2200) });

async function summary({ query, lang }: RouteContext) {
  const q = Query.safeParse({ schemeId: query.schemeId, year: query.year });
  if (!q.success) throw new HttpError(400, 'Bad query', fieldErrors(q.error)[0]?.message ?? 'bad query', fieldErrors(q.error));
  const scheme = schemes().get(q.data.schemeId);
  if (!scheme)
    throw new HttpError(404, 'Not found', text('no scheme {{schemeId}}', { schemeId: q.data.schemeId }), [
      { path: 'schemeId', message: 'unknown scheme' },
    ]);
  const year = String(q.data.year);
  if (query.format !== undefined && query.format !== 'json' && query.format !== 'csv')
    throw new HttpError(400, 'Bad query', 'format must be json or csv', [{ path: 'format', message: 'json or csv' }]);
  const encoding = CsvEncoding.safeParse(query.encoding);
  if (!encoding.success)
    throw new HttpError(400, 'Bad query', 'encoding must be utf-8 or gb18030', [{ path: 'encoding', message: 'utf-8 or gb18030' }]);
  if (query.encoding !== undefined && query.format !== 'csv')
    throw new HttpError(400, 'Bad query', 'an encoding applies to format=csv only', [
      { path: 'encoding', message: 'an encoding applies to format=csv only' },
    ]);
  const report = summaryFromCounters(scheme, q.data.year, await readReportTotals(scheme.schemeId, year));
  if (query.format === 'csv')
    return csvAnswer(summaryCsv(report, lang), { filename: `${scheme.schemeId}-${year}-summary.csv`, lang, encoding: encoding.data });
  return json(200, report);
}

/**
 * The summary as one CSV table (section, key, claims, amount in fen), for spreadsheets. The column names are in
 * the reader's language; the sections and keys are the JSON answer's own names, so a sheet can be matched to it.
 */
function summaryCsv(
  r: {
    claims: Bucket;
    byProduct: Record<string, Bucket>;
    byCounty: Record<string, Bucket>;
    payment: Record<string, unknown>;
    premiums: Record<string, unknown>;
    losses: Record<string, unknown>;
    riskCorridor: object | null;
  },
  lang: Lang,
): string {
  const rows: Array<Array<string | number | null>> = [
    ['csv.summary.section', 'csv.summary.key', 'csv.summary.claims', 'csv.summary.amount'].map((key) => render({ key }, lang)),
  ];
  rows.push(['total', 'all', r.claims.count, r.claims.payout]);
  for (const [k, b] of Object.entries(r.byProduct)) rows.push(['product', k, b.count, b.payout]);
  for (const [k, b] of Object.entries(r.byCounty)) rows.push(['county', k, b.count, b.payout]);
  for (const [k, v] of Object.entries(r.claims.byStatus)) rows.push(['status', k, v, null]);
  const sections: Array<readonly [string, object]> = [
    ['payment', r.payment],
    ['premiums', r.premiums],
    ['losses', r.losses],
  ];
  if (r.riskCorridor) sections.push(['riskCorridor', r.riskCorridor]); // no rows when the scheme has no corridor
  for (const [section, values] of sections) {
    for (const [k, v] of Object.entries(values)) rows.push([section, k, null, typeof v === 'number' ? v : v === null ? null : String(v)]);
  }
  const cell = (v: string | number | null) => (v === null ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  return `${rows.map((row) => row.map(cell).join(',')).join('\n')}\n`;
}

export const handler = apiHandler('reports', { 'GET /reports/summary': summary, 'GET /reports/public-notice': publicNotice });

/** The request schema, for the OpenAPI document (functions/api/openapi/). */
export { Query as SummaryQuery };
