/**
 * GET /reports/public-notice?schemeId&county&from&to[&format=csv][&encoding=gb18030]: the claims approved for
 * payment in a period, for public notice (公示). Each row: the claim id (what an objection names), the person's
 * name masked to its first character and `*`, the household's county, the product, the payout and the approval
 * date (China time). Never an identity number, a full name, or a person or household id. The name is read from the
 * registry for this answer only; nothing unmasked is stored outside the registry.
 * Access path: index approvedByScheme (scheme, approval instant), the county a filter (shared/approved-claims.ts).
 * CSV for a Chinese Excel: headers in the reader's language (Chinese by default), UTF-8 with a BOM, or GB18030.
 */
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { schemes } from '../shared/catalogue.js';
import { cstDate } from '#core/calendar.js';
import { csvCell, maskName, yuanPlain } from '#core/public-notice.js';
import { csvAnswer, CsvEncoding } from './csv.js';
import { render, text, type Lang, type Text } from '#core/i18n/index.js';
import { fieldErrors, HttpError, json, languageHeaders, type RouteContext } from './http.js';
import { approvedClaims } from '../shared/approved-claims.js';
import { getHousehold, type StoredHousehold } from '../shared/registry-repo.js';

const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'not a calendar date');
export const PublicNoticeQuery = z.object({
  schemeId: z.string().min(1).max(64),
  county: z
    .string()
    .regex(/^\d{6}$/, 'a 6-digit county code')
    .optional(),
  from: date,
  to: date,
  format: z.enum(['json', 'csv']).default('json'),
  encoding: CsvEncoding,
});
const PARAMS = ['schemeId', 'county', 'from', 'to', 'format', 'encoding'] as const;
/** A period longer than this is refused: a notice is posted for weeks, and the answer is read in one go. */
const MAX_DAYS = 366;
/** Rows in one notice at most (an answer is read whole); a longer one is a 422 asking for a shorter period. */
const MAX_ROWS = 20_000;

export interface NoticeRow {
  readonly claimId: string;
  readonly name: string;
  readonly county: string | null;
  readonly product: string;
  readonly payout: number;
  readonly approvedOn: string;
}

export async function publicNotice({ query, lang }: RouteContext) {
  const q = PublicNoticeQuery.safeParse(Object.fromEntries(PARAMS.map((k) => [k, query[k]])));
  if (!q.success) throw new HttpError(400, 'Bad query', fieldErrors(q.error)[0]?.message ?? 'bad query', fieldErrors(q.error));
  const { schemeId, county, from, to, format, encoding } = q.data;
  const bad = (path: string, message: Text) => new HttpError(400, 'Bad query', message, [{ path, message }]);
  if (!schemes().has(schemeId)) throw bad('schemeId', 'unknown scheme');
  if (from > to) throw bad('from', 'from is after to');
  if ((Date.parse(to) - Date.parse(from)) / 86_400_000 >= MAX_DAYS) throw bad('to', text('a notice covers at most {{max}} days', { max: MAX_DAYS }));
  if (encoding !== 'utf-8' && format !== 'csv') throw bad('encoding', 'an encoding applies to format=csv only');

  const claims = await approvedClaims(schemeId, from, to, { county });
  if (claims.length > MAX_ROWS)
    throw new HttpError(
      422,
      'Too many rows',
      text('more than {{max}} claims in the period: ask for a shorter period or one county', { max: MAX_ROWS }),
      [{ path: 'to', message: 'period too long' }],
    );
  const households = new Map<string, Promise<StoredHousehold | undefined>>();
  const householdOf = (id: string) => {
    let h = households.get(id);
    if (!h) households.set(id, (h = getHousehold(id)));
    return h;
  };
  const rows: NoticeRow[] = [];
  for (const c of claims.sort((a, b) => (a.approvedAt ?? '').localeCompare(b.approvedAt ?? '') || a.claimId.localeCompare(b.claimId))) {
    const household = await householdOf(c.householdId);
    const person = household?.members.find((m) => m.personId === c.submission.personId);
    rows.push({
      claimId: c.claimId,
      name: maskName(person?.name),
      county: c.county ?? household?.county ?? null,
      product: c.product,
      payout: c.assessment?.payout ?? 0,
      approvedOn: cstDate(c.approvedAt as string),
    });
  }
  if (format === 'csv') return noticeCsv(rows, { schemeId, county, from, to }, lang, encoding);
  return json(
    200,
    { schemeId, county: county ?? null, from, to, count: rows.length, total: rows.reduce((s, r) => s + r.payout, 0), items: rows },
    languageHeaders(lang),
  );
}

function noticeCsv(
  rows: readonly NoticeRow[],
  p: { schemeId: string; county?: string; from: string; to: string },
  lang: Lang,
  encoding: 'utf-8' | 'gb18030',
) {
  const t = (key: string) => render({ key }, lang, key);
  const header = ['notice.claimId', 'notice.name', 'notice.county', 'notice.product', 'notice.payout', 'notice.approvedOn'].map(t);
  const lines = [
    header,
    ...rows.map((r) => [
      r.claimId,
      r.name,
      r.county,
      render({ key: `term.product.${r.product}` }, lang, r.product),
      yuanPlain(r.payout),
      r.approvedOn,
    ]),
  ];
  // CRLF: what Excel writes and reads without surprise.
  const text = `${lines.map((l) => l.map(csvCell).join(',')).join('\r\n')}\r\n`;
  const filename = `${p.schemeId}${p.county ? `-${p.county}` : ''}-${p.from}-${p.to}-public-notice.csv`;
  return csvAnswer(text, { filename, lang, encoding });
}
