/**
 * The scheme operator's summary for a policy year: claims by product, county and status, the 5-working-day
 * payment target, premiums with the subsidy split and the risk reserve, and the loss ratio. Amounts in fen,
 * ratios in bp (floored).
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { PAYMENT_TARGET_WORKING_DAYS, medicalCorridor, mulDivFloor, premiumSplit, workingDaysBetween } from '#core/index.js';
import { schemes } from '#core/catalogue.js';
import { apiHandler, fieldErrors, HttpError, json, type RouteContext } from './http.js';
import { documentClient, tableName } from '../shared/aws.js';
import type { ClaimRecord } from '../shared/claim-record.js';
import type { StoredHousehold } from '../shared/registry-repo.js';

const Query = z.object({ schemeId: z.string().min(1).max(128), year: z.coerce.number().int().min(2000).max(2200) });

async function scanAll<T>(table: 'claims' | 'registry', filter: string, names: Record<string, string>, values: Record<string, unknown>): Promise<T[]> {
  const items: T[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await documentClient().send(
      new ScanCommand({ TableName: tableName(table), FilterExpression: filter, ExpressionAttributeNames: names, ExpressionAttributeValues: values, ExclusiveStartKey: start }),
    );
    items.push(...((out.Items ?? []) as T[]));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

interface Bucket {
  count: number;
  payout: number;
  byStatus: Record<string, number>;
}
const bucket = (): Bucket => ({ count: 0, payout: 0, byStatus: {} });
function add(b: Bucket, c: ClaimRecord): void {
  b.count++;
  b.byStatus[c.status] = (b.byStatus[c.status] ?? 0) + 1;
  if (c.status === 'SETTLING' || c.status === 'PAID') b.payout += c.assessment?.payout ?? 0;
}

async function summary({ query }: RouteContext) {
  const q = Query.safeParse({ schemeId: query.schemeId, year: query.year });
  if (!q.success) throw new HttpError(400, 'Bad query', fieldErrors(q.error)[0]?.message ?? 'bad query', fieldErrors(q.error));
  const scheme = schemes().get(q.data.schemeId);
  if (!scheme) throw new HttpError(404, 'Not found', `no scheme ${q.data.schemeId}`, [{ path: 'schemeId', message: 'unknown scheme' }]);
  const year = String(q.data.year);
  const [claims, households] = await Promise.all([
    scanAll<ClaimRecord>('claims', '#sch = :s AND begins_with(#sub.#d, :y)', { '#sch': 'schemeId', '#sub': 'submission', '#d': 'incidentDate' }, { ':s': scheme.schemeId, ':y': year }),
    scanAll<StoredHousehold>('registry', '#sch = :s', { '#sch': 'schemeId' }, { ':s': scheme.schemeId }),
  ]);
  const county = new Map(households.map((h) => [h.householdId, h.county]));
  const total = bucket();
  const byProduct: Record<string, Bucket> = {};
  const byCounty: Record<string, Bucket> = {};
  let paid = 0;
  let paidWithinTarget = 0;
  let paidAmount = 0;
  let outstanding = 0;
  for (const c of claims) {
    add(total, c);
    add((byProduct[c.product] ??= bucket()), c);
    add((byCounty[county.get(c.householdId) ?? 'UNKNOWN'] ??= bucket()), c);
    if (c.status === 'PAID' && c.paidAt) {
      paid++;
      paidAmount += c.assessment?.payout ?? 0;
      if (workingDaysBetween(c.createdAt, c.paidAt, scheme.holidays) <= PAYMENT_TARGET_WORKING_DAYS) paidWithinTarget++;
    }
    if (c.status === 'SETTLING') outstanding += c.assessment?.payout ?? 0;
  }
  // Premiums of households enrolled for some part of this year.
  const enrolled = households.filter((h) => h.enrollment.start <= `${year}-12-31` && h.enrollment.end >= `${year}-01-01`);
  const premiums = enrolled.map((h) => premiumSplit(scheme, h));
  const premium = premiums.reduce((s, p) => s + p.premium, 0);
  const incurred = paidAmount + outstanding;
  const report = {
    schemeId: scheme.schemeId,
    year: q.data.year,
    claims: total,
    byProduct,
    byCounty,
    payment: {
      targetWorkingDays: PAYMENT_TARGET_WORKING_DAYS,
      paid,
      paidWithinTarget,
      complianceBp: paid ? mulDivFloor(paidWithinTarget, 10_000, paid) : null,
    },
    premiums: {
      households: enrolled.length,
      premium,
      subsidy: premiums.reduce((s, p) => s + p.subsidy, 0),
      householdPays: premiums.reduce((s, p) => s + p.householdPays, 0),
      riskReserve: premiums.reduce((s, p) => s + p.reserve, 0),
      reserveRateBp: scheme.reserveRateBp,
    },
    losses: { paid: paidAmount, outstanding, incurred, lossRatioBp: premium ? mulDivFloor(incurred, 10_000, premium) : null },
    // The MEDICAL risk adjustment balance mechanism (core/corridor.ts): MEDICAL's share of the premiums against its
    // incurred claims (paid + SETTLING, byProduct.MEDICAL.payout); null when the scheme configures no corridor.
    riskCorridor: medicalCorridor(scheme, premiums, byProduct.MEDICAL?.payout ?? 0),
  };
  if (query.format === 'csv') {
    return { statusCode: 200, headers: { 'content-type': 'text/csv; charset=utf-8', 'content-disposition': `attachment; filename="${scheme.schemeId}-${year}-summary.csv"` }, body: summaryCsv(report) };
  }
  if (query.format !== undefined && query.format !== 'json') throw new HttpError(400, 'Bad query', 'format must be json or csv', [{ path: 'format', message: 'json or csv' }]);
  return json(200, report);
}

/** The summary as one CSV table (section, key, claims, amount in fen), for spreadsheets. */
function summaryCsv(r: { claims: Bucket; byProduct: Record<string, Bucket>; byCounty: Record<string, Bucket>; payment: Record<string, unknown>; premiums: Record<string, unknown>; losses: Record<string, unknown>; riskCorridor: object | null }): string {
  const rows: Array<Array<string | number | null>> = [['section', 'key', 'claims', 'amount_fen_or_value']];
  rows.push(['total', 'all', r.claims.count, r.claims.payout]);
  for (const [k, b] of Object.entries(r.byProduct)) rows.push(['product', k, b.count, b.payout]);
  for (const [k, b] of Object.entries(r.byCounty)) rows.push(['county', k, b.count, b.payout]);
  for (const [k, v] of Object.entries(r.claims.byStatus)) rows.push(['status', k, v, null]);
  const sections: Array<readonly [string, object]> = [['payment', r.payment], ['premiums', r.premiums], ['losses', r.losses]];
  if (r.riskCorridor) sections.push(['riskCorridor', r.riskCorridor]); // no rows when the scheme has no corridor
  for (const [section, values] of sections) {
    for (const [k, v] of Object.entries(values)) rows.push([section, k, null, typeof v === 'number' ? v : v === null ? null : String(v)]);
  }
  const cell = (v: string | number | null) => (v === null ? '' : /[",\n]/.test(String(v)) ? `"${String(v).replace(/"/g, '""')}"` : String(v));
  return `${rows.map((row) => row.map(cell).join(',')).join('\n')}\n`;
}

export const handler = apiHandler('reports', { 'GET /reports/summary': summary });

/** The request schema, for the OpenAPI document (functions/api/openapi/). */
export { Query as SummaryQuery };
