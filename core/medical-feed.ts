/**
 * The medical insurance bureau's daily feed (一站式结算, issue 18), the pure part: the file as bytes → text
 * (UTF-8 with or without BOM, or GB18030), the documented header, RFC 4180 records with their line numbers, one
 * row validated into the figures of a MEDICAL claim, and the identities that make filing idempotent per row
 * (feed id from the file, claim id from scheme + hospital + invoice). A bad row is reported with its line and
 * field and never stops the others; only a file that cannot be read as this CSV at all is refused whole.
 * No AWS, no store: matching people and filing claims are the adapters' job (functions/).
 */
import { createHash } from 'node:crypto';
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { MedicalDetails, type ClaimOf } from './claim.js';
import { IdNumber, isCalendarDate, isoDate } from './household.js';
import { MAX_FEN } from './money.js';
import { say } from './i18n/render.js';
// `sentence`, not `text`: this module's own `text` is the file's decoded text.
import { text as sentence, type Lang, type Message } from './i18n/message.js';

/** The documented header, exact names in this order (docs/medical-feed.md). */
export const FEED_COLUMNS = [
  'hospitalCode',
  'invoiceNo',
  'idNumber',
  'name',
  'admissionDate',
  'dischargeDate',
  'totalCost',
  'basicInsurancePaid',
  'criticalIllnessPaid',
  'medicalAssistancePaid',
  'otherReimbursement',
  'nonCoveredCost',
] as const;
export type FeedColumn = (typeof FEED_COLUMNS)[number];

/** The largest file taken (bytes), about 200,000 rows of a typical export; larger files are refused whole. */
export const MAX_FEED_BYTES = 32 * 1024 * 1024;
/** The most data rows a file may hold (a day's discharges of a city are far fewer). */
export const MAX_FEED_ROWS = 250_000;

export const FEED_ENCODINGS = ['utf-8', 'gb18030'] as const;
export type FeedEncoding = (typeof FEED_ENCODINGS)[number];

/** Outcomes of a row, as the report names them. */
export const ROW_OUTCOMES = ['FILED', 'NOT_IN_REGISTRY', 'DUPLICATE', 'CONFLICT', 'BAD_ROW'] as const;
export type RowOutcome = (typeof ROW_OUTCOMES)[number];

/** The whole file is refused: nothing of it is filed. `status` is the HTTP status the API answers with. */
export class FeedFileError extends Error {
  constructor(
    readonly status: 413 | 415 | 422,
    readonly field: string,
    /** For the reader, in their language (functions/api/medical-feeds.ts); `message` keeps the English for logs. */
    readonly detail: Message,
  ) {
    super(say(detail, 'en'));
    this.name = 'FeedFileError';
  }
}

/** 1284 → "1,284", as the issue's reports write line numbers. */
export function formatLine(line: number): string {
  return line.toLocaleString('en-US');
}

/**
 * One problem of a row, kept as data rather than as a sentence, so each reader sees it in their own language
 * (issue 21): the line, the column it concerns (absent when it concerns the record as a whole), and the
 * sentence as its English key (core/i18n/texts.ts holds the Chinese) with its figures. The column names are
 * codes and read the same in every language.
 */
export interface RowProblem {
  readonly line: number;
  readonly field?: string;
  readonly key: string;
  readonly values?: Readonly<Record<string, string | number>>;
}

export function rowProblem(line: number, field: string | undefined, what: Message | string): RowProblem {
  const m = typeof what === 'string' ? { key: what } : { key: what.key.replace(/^text\./, ''), ...(what.values ? { values: what.values } : {}) };
  return field === undefined ? { line, ...m } : { line, field, ...m };
}

/**
 * `line 1,284: admissionDate: not a calendar date` / `第 1,284 行：admissionDate：不是有效的日历日期`. Rows
 * recorded before problems were kept as data hold the English sentence itself: that is shown as it is.
 */
export function sayRowProblem(p: RowProblem | string, lang: Lang): string {
  if (typeof p === 'string') return p;
  const problem = say(sentence(p.key, p.values), lang);
  const line = formatLine(p.line);
  return p.field === undefined
    ? say(sentence('line {{line}}: {{problem}}', { line, problem }), lang)
    : say(sentence('line {{line}}: {{field}}: {{problem}}', { line, field: p.field, problem }), lang);
}

/**
 * Bytes → text. A UTF-8 BOM decides UTF-8; otherwise the bytes are tried as strict UTF-8 and, failing that, as
 * GB18030 (what Excel and government systems in China export). Plain ASCII is valid as both and reads the same.
 * A declared encoding is used as declared, strictly: bytes that are not valid in it refuse the file.
 */
export function decodeFeed(bytes: Uint8Array, declared?: string): { text: string; encoding: FeedEncoding } {
  if (bytes.byteLength > MAX_FEED_BYTES) {
    throw new FeedFileError(
      413,
      'file',
      sentence('the file is {{size}} bytes; the limit is {{max}} bytes ({{mib}} MiB)', {
        size: bytes.byteLength,
        max: MAX_FEED_BYTES,
        mib: MAX_FEED_BYTES / 1024 / 1024,
      }),
    );
  }
  let encoding: FeedEncoding | undefined;
  if (declared !== undefined) {
    const normalised = declared
      .trim()
      .toLowerCase()
      .replace(/^utf8$/, 'utf-8');
    if (!(FEED_ENCODINGS as readonly string[]).includes(normalised)) {
      throw new FeedFileError(
        422,
        'encoding',
        sentence("unknown encoding '{{encoding}}'; known: {{known}}", { encoding: declared.slice(0, 40), known: FEED_ENCODINGS.join(', ') }),
      );
    }
    encoding = normalised as FeedEncoding;
  }
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const tryDecode = (enc: FeedEncoding): string | undefined => {
    try {
      // ignoreBOM: true keeps a BOM in the text, so it is stripped once, below, whatever the encoding.
      return new TextDecoder(enc, { fatal: true, ignoreBOM: true }).decode(bytes);
    } catch {
      return undefined;
    }
  };
  let text: string | undefined;
  if (encoding) {
    text = tryDecode(encoding);
    if (text === undefined) throw new FeedFileError(415, 'encoding', sentence('the file is not valid {{encoding}}', { encoding }));
  } else if (bom) {
    encoding = 'utf-8';
    text = tryDecode('utf-8');
    if (text === undefined) throw new FeedFileError(415, 'encoding', sentence('the file starts with a UTF-8 byte order mark but is not valid UTF-8'));
  } else {
    text = tryDecode('utf-8');
    encoding = 'utf-8';
    if (text === undefined) {
      text = tryDecode('gb18030');
      encoding = 'gb18030';
    }
    if (text === undefined) throw new FeedFileError(415, 'encoding', sentence('the file is neither UTF-8 nor GB18030 text'));
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // NUL never occurs in a CSV export; it means a binary file (a spreadsheet, an archive) was sent instead.
  if (text.includes('\u0000')) throw new FeedFileError(415, 'file', sentence('the file is not CSV text (it contains NUL bytes)'));
  return { text, encoding };
}

/** One CSV record: the physical line it starts on (the header is line 1) and its fields, unquoted. */
export interface CsvRecord {
  readonly line: number;
  readonly fields: readonly string[];
  /** A quote inside an unquoted field (RFC 4180 allows quotes only around a whole field). */
  readonly problem?: Message;
}

/**
 * RFC 4180 records: fields separated by commas, records by CRLF (LF and a lone CR are taken too), a field in
 * double quotes may hold commas, line breaks and doubled quotes. Blank lines are skipped. A quoted field that
 * never closes swallows the rest of the file, so it refuses the file rather than one row.
 */
export function parseCsvRecords(text: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    let problem: Message | undefined;
    let field = '';
    let endOfRecord = false;
    while (!endOfRecord) {
      if (text[i] === '"') {
        const openedOn = line;
        i++;
        for (;;) {
          if (i >= n) throw new FeedFileError(422, 'file', sentence('line {{line}}: a quoted field is never closed', { line: formatLine(openedOn) }));
          const c = text[i] as string;
          if (c === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
            } else {
              i++;
              break;
            }
          } else {
            if (c === '\n' || (c === '\r' && text[i + 1] !== '\n')) line++;
            field += c;
            i++;
          }
        }
        // After the closing quote only a separator may follow.
        while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          problem ??= sentence('field {{field}}: text after a closing quote', { field: fields.length + 1 });
          field += text[i];
          i++;
        }
      } else {
        while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          if (text[i] === '"') problem ??= sentence('field {{field}}: a quote inside an unquoted field', { field: fields.length + 1 });
          field += text[i];
          i++;
        }
      }
      fields.push(field);
      field = '';
      if (i >= n) endOfRecord = true;
      else if (text[i] === ',') i++;
      else {
        i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
        line++;
        endOfRecord = true;
      }
    }
    const blank = fields.length === 1 && fields[0] === '' && problem === undefined;
    if (!blank) records.push(problem ? { line: start, fields, problem } : { line: start, fields });
  }
  return records;
}

/** A data row as read: its line and its cells by column name (strings, as a CSV ItemReader would give them). */
export interface FeedItem {
  readonly line: number;
  readonly cells: Readonly<Record<FeedColumn, string>>;
  /** Why the record is not a row of this table at all (wrong number of fields, stray quote). */
  readonly problem?: Message;
}

/** The file as read: encoding, and every data row in file order (validation is per row: validateFeedRow). */
export interface ReadFeed {
  readonly encoding: FeedEncoding;
  readonly items: readonly FeedItem[];
}

/** Decode, check the header, split into rows. Throws FeedFileError when the file as a whole cannot be taken. */
export function readFeed(bytes: Uint8Array, declaredEncoding?: string): ReadFeed {
  const { text, encoding } = decodeFeed(bytes, declaredEncoding);
  const records = parseCsvRecords(text);
  const header = records[0];
  if (!header)
    throw new FeedFileError(
      422,
      'header',
      sentence('the file is empty; the first line must be the header: {{header}}', { header: FEED_COLUMNS.join(',') }),
    );
  checkHeader(header);
  const rows = records.slice(1);
  if (rows.length > MAX_FEED_ROWS)
    throw new FeedFileError(413, 'file', sentence('the file has {{rows}} rows; the limit is {{max}}', { rows: rows.length, max: MAX_FEED_ROWS }));
  const items = rows.map((r): FeedItem => {
    const cells = Object.fromEntries(FEED_COLUMNS.map((c, k) => [c, r.fields[k] ?? ''])) as Record<FeedColumn, string>;
    const problem =
      r.problem ??
      (r.fields.length !== FEED_COLUMNS.length
        ? sentence('expected {{expected}} fields, found {{found}}', { expected: FEED_COLUMNS.length, found: r.fields.length })
        : undefined);
    return problem ? { line: r.line, cells, problem } : { line: r.line, cells };
  });
  return { encoding, items };
}

function checkHeader(header: CsvRecord): void {
  const got = header.fields.map((f) => f.trim());
  const expected = FEED_COLUMNS.join(',');
  if (header.problem)
    throw new FeedFileError(
      422,
      'header',
      sentence('line 1 is not a CSV header: field {{field}} has a stray quote; expected: {{expected}}', {
        field: header.problem.values?.field ?? '?',
        expected,
      }),
    );
  for (const [k, name] of FEED_COLUMNS.entries()) {
    const seen = got[k];
    if (seen === undefined)
      throw new FeedFileError(
        422,
        'header',
        sentence("the header ends after {{count}} columns: column {{column}} must be '{{name}}'; expected: {{expected}}", {
          count: got.length,
          column: k + 1,
          name,
          expected,
        }),
      );
    if (seen !== name)
      throw new FeedFileError(
        422,
        'header',
        sentence("header column {{column}} is '{{seen}}', expected '{{name}}'; expected: {{expected}}", {
          column: k + 1,
          seen: seen.slice(0, 40),
          name,
          expected,
        }),
      );
  }
  if (got.length > FEED_COLUMNS.length)
    throw new FeedFileError(
      422,
      'header',
      sentence('the header has {{count}} columns, expected {{columns}}: {{expected}}', { count: got.length, columns: FEED_COLUMNS.length, expected }),
    );
}

const fenCell = z
  .string()
  .refine((s) => !/^-\s*\d/.test(s), 'must not be negative')
  .refine((s) => s === '' || /^-?\d+$/.test(s), 'an integer amount in fen (no decimals, no separators)')
  .transform((s) => (s === '' ? undefined : Number(s)))
  .refine((v) => v === undefined || v <= MAX_FEN, 'above 2^53 − 1 fen');

/** As `identifier` (core/household.ts), with sentences of its own: zod's built-in ones have no key to store. */
const codeCell = z.string().min(1, 'required').max(128, 'at most 128 characters');

/** A row's cells, validated (all text as read; blanks trimmed away). The reimbursement columns may be empty (0). */
const RowCells = z
  .object({
    hospitalCode: codeCell,
    invoiceNo: codeCell,
    idNumber: IdNumber,
    name: z.string().max(128, 'at most 128 characters'),
    admissionDate: isoDate,
    dischargeDate: isoDate,
    totalCost: fenCell.refine((v) => v !== undefined, 'required'),
    basicInsurancePaid: fenCell,
    criticalIllnessPaid: fenCell,
    medicalAssistancePaid: fenCell,
    otherReimbursement: fenCell,
    nonCoveredCost: fenCell,
  })
  .superRefine((r, ctx) => {
    // Zod runs this even when a date failed above; compare only two real dates.
    const dated = (d: string) => /^\d{4}-\d{2}-\d{2}$/.test(d) && isCalendarDate(d);
    if (dated(r.admissionDate) && dated(r.dischargeDate) && r.dischargeDate < r.admissionDate)
      ctx.addIssue({ code: 'custom', path: ['dischargeDate'], message: 'before admissionDate' });
  });

/** A valid row: what a MEDICAL claim needs, and the identity number the registry is searched by (never stored). */
export interface FeedRow {
  readonly line: number;
  readonly idNumber: string;
  readonly details: ClaimOf<'MEDICAL'>['details'];
}

export type RowCheck =
  | { readonly ok: true; readonly row: FeedRow }
  | { readonly ok: false; readonly line: number; readonly problems: readonly RowProblem[] };

/**
 * One row → the figures of a MEDICAL claim paid to the hospital, or its problems as `line N: field: message`
 * (every field's first problem, in column order). Messages never repeat the identity number.
 */
export function validateFeedRow(item: FeedItem): RowCheck {
  if (item.problem) return { ok: false, line: item.line, problems: [rowProblem(item.line, undefined, item.problem)] };
  const trimmed = Object.fromEntries(FEED_COLUMNS.map((c) => [c, (item.cells[c] ?? '').trim()]));
  const cells = RowCells.safeParse(trimmed);
  if (!cells.success) return { ok: false, line: item.line, problems: problemsOf(item.line, cells.error.issues) };
  const c = cells.data;
  const details = MedicalDetails.safeParse({
    hospitalCode: c.hospitalCode,
    invoiceNo: c.invoiceNo,
    admissionDate: c.admissionDate,
    dischargeDate: c.dischargeDate,
    totalCost: c.totalCost,
    basicInsurancePaid: c.basicInsurancePaid ?? 0,
    criticalIllnessPaid: c.criticalIllnessPaid ?? 0,
    medicalAssistancePaid: c.medicalAssistancePaid ?? 0,
    otherReimbursement: c.otherReimbursement ?? 0,
    nonCoveredCost: c.nonCoveredCost ?? 0,
    payee: 'HOSPITAL',
  });
  if (!details.success) return { ok: false, line: item.line, problems: problemsOf(item.line, details.error.issues) };
  return { ok: true, row: { line: item.line, idNumber: c.idNumber.toUpperCase(), details: details.data } };
}

/** Every field's first problem, in column order. The cell schemas give every check a sentence of their own (texts.ts). */
function problemsOf(line: number, issues: readonly z.core.$ZodIssue[]): RowProblem[] {
  const first = new Map<string, string>();
  for (const issue of issues) {
    const field = String(issue.path[0] ?? 'row');
    if (!first.has(field)) first.set(field, issue.message);
  }
  const order = (f: string) => (FEED_COLUMNS as readonly string[]).indexOf(f);
  return [...first].sort(([a], [b]) => order(a) - order(b)).map(([field, message]) => rowProblem(line, field, message));
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The file's own digest, as the audit chain records it. */
export function feedSha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** Same file (bytes) for the same scheme → same feed id, so a resend answers the feed it already is. */
export function medicalFeedId(schemeId: string, fileSha256: string): string {
  return `MF-${sha256(`${schemeId}\n${fileSha256}`).slice(0, 32)}`;
}

/**
 * Same scheme + hospital + invoice → same claim id, whichever file or line carries it, so a resent or
 * overlapping file never files an invoice twice (the style of indexClaimId: a prefix and 32 hex of a SHA-256).
 */
export function medicalFeedClaimId(schemeId: string, hospitalCode: string, invoiceNo: string): string {
  // A JSON array, not a join: a quoted CSV cell may hold any separator, and two invoices must never share an id.
  return `C-MF-${sha256(JSON.stringify([schemeId, hospitalCode, invoiceNo])).slice(0, 32)}`;
}

/** The claim a matched row files: MEDICAL, paid to the hospital, incident date = admission date. */
export function feedClaimFor(schemeId: string, row: FeedRow, person: { householdId: string; personId: string }): ClaimOf<'MEDICAL'> {
  return {
    schemeId,
    product: 'MEDICAL',
    householdId: person.householdId,
    personId: person.personId,
    incidentDate: row.details.admissionDate ?? '',
    details: row.details,
  };
}

/**
 * The rows of one set (a batch) grouped by invoice (hospital + invoice number), each group in line order. The
 * rows of a group are filed one after another, so the first files and each later one meets the stored claim and
 * is judged against it (DUPLICATE or CONFLICT), exactly as a repeat in another batch or another file would be.
 */
export function groupByInvoice(rows: readonly FeedRow[]): FeedRow[][] {
  const groups = new Map<string, FeedRow[]>();
  for (const row of [...rows].sort((a, b) => a.line - b.line)) {
    const key = JSON.stringify([row.details.hospitalCode, row.details.invoiceNo]);
    const group = groups.get(key);
    if (group) group.push(row);
    else groups.set(key, [row]);
  }
  return [...groups.values()];
}

/** Every figure of two MEDICAL details equal (field by field; the details are flat). */
export function sameDetails(a: ClaimOf<'MEDICAL'>['details'], b: ClaimOf<'MEDICAL'>['details']): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => (a as Record<string, unknown>)[k] === (b as Record<string, unknown>)[k]);
}
