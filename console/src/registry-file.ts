/**
 * A registry file as POST /households takes it (a JSON array of households), from a JSON or a CSV file, and the
 * API's row errors (`[i].members[j].idNumber`) mapped back to the file's line (or entry) and column.
 * CSV: a header line, one line per member; consecutive lines with the same householdId are one household.
 */
export const CSV_COLUMNS = [
  'householdId',
  'schemeId',
  'county',
  'category',
  'verifiedYear',
  'monthlyIncome',
  'previousMonthlyIncome',
  'exitedOn',
  'products',
  'start',
  'end',
  'area_mu',
  'quantity_kg',
  'personId',
  'name',
  'idNumber',
  'birthDate',
] as const;
const REQUIRED = ['householdId', 'personId'] as const;

export interface ParsedFile {
  kind: 'csv' | 'json';
  households: unknown[];
  /** Per household: the line (CSV, 1-based, the header is line 1) or entry number (JSON, 1-based) of the household, and of each member. */
  rows: { at: number; members: number[] }[];
}

export class FileProblem extends Error {
  constructor(
    readonly key: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(key);
  }
}

/** RFC 4180: quoted fields with "" escapes and line breaks; CRLF or LF. Returns the records with their first line number. */
export function parseCsv(text: string): { line: number; fields: string[] }[] {
  const out: { line: number; fields: string[] }[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let start = 1;
  let i = 0;
  const s = text.replace(/^\uFEFF/, '');
  while (i < s.length) {
    const c = s[i] as string;
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') {
        field += '"';
        i += 2;
        continue;
      }
      if (c === '"') quoted = false;
      else {
        if (c === '\n') line++;
        field += c;
      }
      i++;
      continue;
    }
    if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      fields.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      fields.push(field);
      out.push({ line: start, fields });
      fields = [];
      field = '';
      line++;
      start = line;
    } else field += c;
    i++;
  }
  if (quoted) throw new FileProblem('reg.csvQuote', { n: start });
  if (field !== '' || fields.length > 0) {
    fields.push(field);
    out.push({ line: start, fields });
  }
  return out.filter((r) => r.fields.some((f) => f.trim() !== ''));
}

/** A number where the cell holds one; otherwise the text itself, so the API names the field. */
function num(v: string): number | string {
  return /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
}

export function householdsFromCsv(text: string): ParsedFile {
  const records = parseCsv(text);
  const header = (records.shift()?.fields ?? []).map((h) => h.trim());
  const missing = REQUIRED.filter((c) => !header.includes(c));
  if (missing.length) throw new FileProblem('reg.csvNoHeader', { columns: missing.join(', ') });
  const households: Record<string, unknown>[] = [];
  const rows: ParsedFile['rows'] = [];
  let current: { id: string; h: Record<string, unknown>; members: unknown[] } | null = null;
  for (const r of records) {
    const cell = (c: string) => (r.fields[header.indexOf(c)] ?? '').trim();
    const id = cell('householdId');
    if (!current || current.id !== id) {
      const insured: Record<string, unknown> = {};
      if (cell('area_mu')) insured.area_mu = num(cell('area_mu'));
      if (cell('quantity_kg')) insured.quantity_kg = num(cell('quantity_kg'));
      const h: Record<string, unknown> = {
        householdId: id,
        schemeId: cell('schemeId'),
        county: cell('county'),
        category: cell('category'),
        verifiedYear: num(cell('verifiedYear')),
        exitedOn: cell('exitedOn') || null,
        members: [],
        enrollment: {
          products: cell('products')
            .split(/[|;\s]+/)
            .filter(Boolean),
          start: cell('start'),
          end: cell('end'),
          insured,
        },
      };
      if (cell('monthlyIncome')) h.monthlyIncome = num(cell('monthlyIncome'));
      if (cell('previousMonthlyIncome')) h.previousMonthlyIncome = num(cell('previousMonthlyIncome'));
      current = { id, h, members: h.members as unknown[] };
      households.push(h);
      rows.push({ at: r.line, members: [] });
    }
    const m: Record<string, unknown> = { personId: cell('personId') };
    for (const k of ['name', 'idNumber', 'birthDate'] as const) if (cell(k)) m[k] = cell(k);
    current.members.push(m);
    rows[rows.length - 1]?.members.push(r.line);
  }
  return { kind: 'csv', households, rows };
}

export function householdsFromJson(text: string): ParsedFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new FileProblem('reg.parseFailed', { detail: err instanceof Error ? err.message : String(err) });
  }
  if (!Array.isArray(parsed)) throw new FileProblem('reg.jsonNotArray');
  return { kind: 'json', households: parsed, rows: parsed.map((_, i) => ({ at: i + 1, members: [] })) };
}

export function parseRegistryFile(name: string, text: string): ParsedFile {
  const trimmed = text.replace(/^\uFEFF/, '').trimStart();
  return /\.json$/i.test(name) || trimmed.startsWith('[') ? householdsFromJson(text) : householdsFromCsv(text);
}

export interface RowError {
  /** Household index in the file (0-based), or null for the whole file. */
  index: number | null;
  householdId: string | null;
  /** 1-based line (CSV) or entry (JSON) number. */
  at: number | null;
  /** The CSV column, or the JSON field path inside the household. */
  field: string;
  message: string;
}

const CSV_FIELD: Record<string, string> = {
  'enrollment.start': 'start',
  'enrollment.end': 'end',
  'enrollment.insured.area_mu': 'area_mu',
  'enrollment.insured.quantity_kg': 'quantity_kg',
  'enrollment.insured': 'area_mu',
  'enrollment.products': 'products',
  enrollment: 'products',
};

/** An API error path (`[i].a.b`, relative to the batch) as a file position; `offset`: the batch's first index. */
export function locateError(file: ParsedFile, path: string, message: string, offset = 0): RowError {
  const m = /^\[(\d+)\]\.?(.*)$/.exec(path);
  if (!m) return { index: null, householdId: null, at: null, field: path, message };
  const index = Number(m[1]) + offset;
  const rest = m[2] ?? '';
  const h = file.households[index] as { householdId?: unknown } | undefined;
  const householdId = typeof h?.householdId === 'string' ? h.householdId : null;
  const row = file.rows[index];
  if (file.kind === 'json') return { index, householdId, at: row?.at ?? null, field: rest || '(entry)', message };
  const member = /^members\[(\d+)\]\.?(.*)$/.exec(rest);
  if (member) return { index, householdId, at: row?.members[Number(member[1])] ?? row?.at ?? null, field: member[2] || 'personId', message };
  const products = /^enrollment\.products\[\d+\]$/.test(rest);
  return { index, householdId, at: row?.at ?? null, field: products ? 'products' : (CSV_FIELD[rest] ?? rest ?? ''), message };
}
