/** Builders for core tests: households (core `Household`) and claims (parsed with `ClaimSubmission.parse`). */
import { readFileSync } from 'node:fs';
import { ClaimSubmission, type Household, type Product, type Scheme } from '../../core/index.js';
import { BUNDLED_SCHEMES_DIR, catalogueIn } from '../../core/catalogue.js';

const catalogue = () => catalogueIn(BUNDLED_SCHEMES_DIR);

export const XIAOGAN = 'xiaogan-2024';
export const LISHUI = 'lishui-2017';

/** Counties: Dawu and Xiaochang have uplift 12000 bp; Xiaonan 420902 has none. Lishui Liandu 331102. */
export const DAWU = '420922';
export const XIAOCHANG = '420921';
export const XIAONAN = '420902';
export const LIANDU = '331102';

export const ALL_PRODUCTS: Product[] = ['MEDICAL', 'ACCIDENT', 'EDUCATION', 'DISASTER', 'INDUSTRY', 'LOAN_GUARANTEE'];

export interface HouseholdOptions {
  householdId?: string;
  schemeId?: string;
  county?: string;
  category?: string;
  verifiedYear?: number;
  exitedOn?: string | null;
  members?: string[];
  products?: Product[];
  start?: string;
  end?: string;
  area_mu?: number;
  quantity_kg?: number;
}

export function household(o: HouseholdOptions = {}): Household {
  const schemeId = o.schemeId ?? XIAOGAN;
  const isX = schemeId === XIAOGAN;
  const products =
    o.products ?? (isX ? ['MEDICAL', 'EDUCATION', 'DISASTER', 'INDUSTRY'] : ['MEDICAL', 'ACCIDENT', 'DISASTER', 'INDUSTRY', 'LOAN_GUARANTEE']);
  const insured: { area_mu?: number; quantity_kg?: number } = {};
  if (o.area_mu !== undefined) insured.area_mu = o.area_mu;
  if (o.quantity_kg !== undefined) insured.quantity_kg = o.quantity_kg;
  return {
    householdId: o.householdId ?? 'H1',
    schemeId,
    county: o.county ?? (isX ? XIAONAN : LIANDU),
    category: o.category ?? (isX ? 'LIFTED_OUT' : 'DIBAO'),
    verifiedYear: o.verifiedYear ?? 2024,
    exitedOn: o.exitedOn ?? null,
    members: (o.members ?? ['P1', 'P2', 'P3']).map((personId) => ({ personId })),
    enrollment: { products, start: o.start ?? '2024-01-01', end: o.end ?? '2024-12-31', insured },
  };
}

export interface ClaimBase {
  schemeId?: string;
  householdId?: string;
  personId?: string;
  incidentDate?: string;
}

function base(b: ClaimBase, defaultScheme: string) {
  return {
    schemeId: b.schemeId ?? defaultScheme,
    householdId: b.householdId ?? 'H1',
    personId: b.personId ?? 'P1',
    incidentDate: b.incidentDate ?? '2024-06-15',
  };
}

let invoiceSeq = 0;

export function medicalClaim(details: Record<string, unknown>, b: ClaimBase = {}): ClaimSubmission {
  invoiceSeq += 1;
  return ClaimSubmission.parse({
    ...base(b, XIAOGAN),
    product: 'MEDICAL',
    details: { hospitalCode: 'HOSP-1', invoiceNo: `INV-${invoiceSeq}`, ...details },
  });
}

/** A medical claim whose whole total cost is covered self-pay. */
export function selfPayClaim(selfPay: number, b: ClaimBase = {}): ClaimSubmission {
  return medicalClaim({ totalCost: selfPay }, b);
}

export function claim(product: Product, details: Record<string, unknown>, b: ClaimBase = {}): ClaimSubmission {
  const defaultScheme = product === 'ACCIDENT' || product === 'LOAN_GUARANTEE' ? LISHUI : XIAOGAN;
  return ClaimSubmission.parse({ ...base(b, defaultScheme), product, details });
}

/** The raw JSON of a scheme file, for modified copies. */
// biome-ignore lint/suspicious/noExplicitAny: the callers modify it freely; parseScheme checks what they made
export function schemeJson(file: 'xiaogan-2024.json' | 'lishui-2017.json'): any {
  return JSON.parse(readFileSync(new URL(`../../core/schemes/${file}`, import.meta.url), 'utf8'));
}

export type { Household, Scheme };

export function scheme(id: string): Scheme {
  const s = catalogue().get(id);
  if (!s) throw new Error(`scheme ${id} not in the catalogue`);
  return s;
}
