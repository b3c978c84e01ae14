/** The household registry entry (建档立卡) as submitted, and the form the rules read. */
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { PRODUCTS } from './types.js';
import { fen } from './scheme.js';

/** YYYY-MM-DD names a day of the proleptic Gregorian calendar (arithmetic only: the replay checks millions). */
export function isCalendarDate(s: string): boolean {
  const y = Number(s.slice(0, 4));
  const m = Number(s.slice(5, 7));
  const d = Number(s.slice(8, 10));
  if (m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (m === 2 ? (leap ? 29 : 28) : m === 4 || m === 6 || m === 9 || m === 11 ? 30 : 31);
}

export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'expected a date YYYY-MM-DD')
  .refine(isCalendarDate, 'not a calendar date');
export const identifier = z.string().min(1).max(128);

/** Mainland resident identity number: 17 digits and a digit or X. */
export const IdNumber = z.string().regex(/^\d{17}[\dXx]$/, 'expected an 18-character identity number');

/** Insured area in mu with at most two decimals; the rules work in hundredths of a mu, exactly. */
const areaMu = z
  .number()
  .min(0)
  .max(1_000_000)
  .refine((a) => Number.isInteger(Math.round(a * 100)) && Math.abs(a * 100 - Math.round(a * 100)) < 1e-6, 'at most two decimals');

export const MemberInput = z.object({
  personId: identifier,
  name: z.string().max(128).optional(),
  idNumber: IdNumber.optional(),
  birthDate: isoDate.optional(),
});

export const EnrollmentSchema = z
  .object({
    products: z.array(z.enum(PRODUCTS)).min(1),
    start: isoDate,
    end: isoDate,
    insured: z.object({ area_mu: areaMu.optional(), quantity_kg: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional() }).default({}),
  })
  .refine((e) => e.start <= e.end, { message: 'end must not be before start', path: ['end'] });

export const HouseholdInput = z.object({
  householdId: identifier,
  schemeId: identifier,
  county: z.string().regex(/^\d{6}$/, 'expected a 6-digit county code'),
  category: identifier,
  verifiedYear: z.number().int().min(1900).max(2200),
  monthlyIncome: fen.optional(),
  /** The monthly income before the current one (fen), for the industry warning's income drop (spec 7). */
  previousMonthlyIncome: fen.optional(),
  exitedOn: isoDate.nullable().default(null),
  members: z.array(MemberInput).min(1).max(100),
  enrollment: EnrollmentSchema,
});
export type HouseholdInput = z.infer<typeof HouseholdInput>;

/** A member as the rules and the API see it: never the raw identity number. */
export interface Member {
  readonly personId: string;
  readonly name?: string | undefined;
  readonly birthDate?: string | undefined;
  /** e.g. 4209**********1234 */
  readonly idMasked?: string | undefined;
}

export interface Household {
  readonly householdId: string;
  readonly schemeId: string;
  readonly county: string;
  readonly category: string;
  readonly verifiedYear: number;
  readonly monthlyIncome?: number | undefined;
  readonly previousMonthlyIncome?: number | undefined;
  readonly exitedOn: string | null;
  readonly members: readonly Member[];
  readonly enrollment: z.infer<typeof EnrollmentSchema>;
}

/** 420922199001011234 → 4209**********1234 */
export function maskIdNumber(idNumber: string): string {
  return `${idNumber.slice(0, 4)}${'*'.repeat(Math.max(0, idNumber.length - 8))}${idNumber.slice(-4)}`;
}

/** Insured area in hundredths of a mu, exact. */
export function centiMu(areaMu: number | undefined): number {
  return Math.round((areaMu ?? 0) * 100);
}
