/**
 * The scheme operator's report as running totals. Each claim and each enrolled household contributes a fixed
 * set of counters to the (scheme, policy year) it belongs to; the report is the sum of the contributions. A store
 * keeps the sums up to date by adding, in the same conditional transaction that changes a claim (or a
 * household), the difference between the record's contribution after and before the change: so the stored sums
 * always equal the sum over the records as they are, and a retried step whose condition fails adds nothing.
 * A full recomputation (`npm run reports -- rebuild`) is the same sum taken over every record.
 *
 * Counter names (flat, so a store can add to each one on its own):
 * - `n|<product>|<county>|<status>`: claims; `a|<product>|<county>|<status>`: their payout (fen), SETTLING and
 *   PAID only (what the report calls payout, outstanding and paid);
 * - `paid`, `paidWithinTarget`, `paidAmount`: PAID claims with a paidAt, those paid within 5 working days of
 *   submission on the scheme's calendar, and their payout;
 * - `households`, `premium`, `subsidy`, `householdPays`, `riskReserve`, `medicalPremium`: households enrolled for
 *   some part of the year, with their premium split (core/premium.ts) and MEDICAL's share (core/corridor.ts).
 */
import { PAYMENT_TARGET_WORKING_DAYS, workingDaysBetween } from './calendar.js';
import { corridorReading, productPremium, type CorridorReading } from './corridor.js';
import { mulDivFloor } from './money.js';
import { premiumSplit } from './premium.js';
import type { Household } from './household.js';
import type { Scheme } from './scheme.js';

export type Counters = Record<string, number>;

/** What a claim's contribution depends on (the stored claim has all of it). */
export interface ClaimFacts {
  readonly schemeId: string;
  readonly product: string;
  /** The policy year is the incident date's. */
  readonly incidentDate: string;
  /** The household's county as the claim carries it; absent when the household was not in the registry. */
  readonly county?: string | null;
  readonly status: string;
  readonly payout?: number | null;
  readonly createdAt: string;
  readonly paidAt?: string | null;
}

/** The counters one claim adds to its scheme and year. */
export function claimContribution(c: ClaimFacts, holidays: readonly string[]): Counters {
  const cell = `${c.product}|${c.county ?? 'UNKNOWN'}|${c.status}`;
  const out: Counters = { [`n|${cell}`]: 1 };
  const payout = c.payout ?? 0;
  if (c.status === 'SETTLING' || c.status === 'PAID') out[`a|${cell}`] = payout;
  if (c.status === 'PAID' && c.paidAt) {
    out.paid = 1;
    out.paidAmount = payout;
    out.paidWithinTarget = workingDaysBetween(c.createdAt, c.paidAt, holidays) <= PAYMENT_TARGET_WORKING_DAYS ? 1 : 0;
  }
  return out;
}

export interface TallyDelta {
  readonly schemeId: string;
  readonly year: string;
  /** Only the counters that change (no zeros). */
  readonly counters: Counters;
}

function subtract(after: Counters, before: Counters): Counters {
  const out: Counters = {};
  for (const k of new Set([...Object.keys(after), ...Object.keys(before)])) {
    const d = (after[k] ?? 0) - (before[k] ?? 0);
    if (d !== 0) out[k] = d;
  }
  return out;
}

/** Adds `delta` into the list, merging entries of the same scheme and year. */
function pushDelta(into: TallyDelta[], schemeId: string, year: string, counters: Counters, sign: 1 | -1): void {
  let entry = into.find((d) => d.schemeId === schemeId && d.year === year);
  if (!entry) into.push((entry = { schemeId, year, counters: {} }));
  for (const [k, v] of Object.entries(counters)) (entry.counters as Counters)[k] = (entry.counters[k] ?? 0) + sign * v;
}

function withoutZeros(deltas: TallyDelta[]): TallyDelta[] {
  return deltas.map((d) => ({ ...d, counters: subtract(d.counters, {}) })).filter((d) => Object.keys(d.counters).length > 0);
}

/**
 * What a claim's move from `before` to `after` adds to the totals (null before: the claim is being created).
 * A claim's scheme and year never change, but nothing here assumes it.
 */
export function claimTallyDeltas(before: ClaimFacts | null, after: ClaimFacts, holidaysOf: (schemeId: string) => readonly string[]): TallyDelta[] {
  const out: TallyDelta[] = [];
  if (before) pushDelta(out, before.schemeId, before.incidentDate.slice(0, 4), claimContribution(before, holidaysOf(before.schemeId)), -1);
  pushDelta(out, after.schemeId, after.incidentDate.slice(0, 4), claimContribution(after, holidaysOf(after.schemeId)), 1);
  return withoutZeros(out);
}

export type EnrolledHousehold = Pick<Household, 'schemeId' | 'category' | 'members' | 'enrollment'>;

/** The counters one household adds to each policy year its enrolment covers some part of. */
export function householdContribution(h: EnrolledHousehold, scheme: Scheme): Array<{ year: string; counters: Counters }> {
  const split = premiumSplit(scheme, h);
  const counters: Counters = {
    households: 1,
    premium: split.premium,
    subsidy: split.subsidy,
    householdPays: split.householdPays,
    riskReserve: split.reserve,
    medicalPremium: productPremium(split.lines, 'MEDICAL'),
  };
  const first = Number(h.enrollment.start.slice(0, 4));
  const last = Number(h.enrollment.end.slice(0, 4));
  const years: Array<{ year: string; counters: Counters }> = [];
  for (let y = first; y <= last; y++) years.push({ year: String(y), counters });
  return years;
}

/** What a registry import of a household adds (null before: a new household). Unknown schemes count nothing. */
export function householdTallyDeltas(
  before: EnrolledHousehold | null,
  after: EnrolledHousehold | null,
  schemeOf: (schemeId: string) => Scheme | undefined,
): TallyDelta[] {
  const out: TallyDelta[] = [];
  for (const [h, sign] of [
    [before, -1],
    [after, 1],
  ] as const) {
    const scheme = h ? schemeOf(h.schemeId) : undefined;
    if (!h || !scheme) continue;
    for (const { year, counters } of householdContribution(h, scheme)) pushDelta(out, h.schemeId, year, counters, sign);
  }
  return withoutZeros(out);
}

/** Adds counters into a running sum (the sum of shards, or of contributions). */
export function addInto(sum: Counters, counters: Readonly<Counters>): Counters {
  for (const [k, v] of Object.entries(counters)) sum[k] = (sum[k] ?? 0) + v;
  return sum;
}

export interface Bucket {
  count: number;
  payout: number;
  byStatus: Record<string, number>;
}

const sortedKeys = (r: Record<string, unknown>) => Object.keys(r).sort();
function sortRecord<T>(r: Record<string, T>): Record<string, T> {
  return Object.fromEntries(sortedKeys(r).map((k) => [k, r[k] as T]));
}

/**
 * The summary the report route answers, from a scheme's summed counters for one year. Products, counties and
 * statuses with no claims are left out, as a count over the claims would leave them out; keys are sorted.
 */
export function summaryFromCounters(scheme: Pick<Scheme, 'schemeId' | 'reserveRateBp' | 'products'>, year: number, sum: Readonly<Counters>) {
  const bucket = (): Bucket => ({ count: 0, payout: 0, byStatus: {} });
  const total = bucket();
  const byProduct: Record<string, Bucket> = {};
  const byCounty: Record<string, Bucket> = {};
  let outstanding = 0;
  for (const key of sortedKeys(sum)) {
    const v = sum[key] ?? 0;
    const [kind, product, county, status] = key.split('|');
    if ((kind !== 'n' && kind !== 'a') || !product || !county || !status || v === 0) continue;
    const buckets = [total, (byProduct[product] ??= bucket()), (byCounty[county] ??= bucket())];
    for (const b of buckets) {
      if (kind === 'n') {
        b.count += v;
        b.byStatus[status] = (b.byStatus[status] ?? 0) + v;
      } else b.payout += v;
    }
    if (kind === 'a' && status === 'SETTLING') outstanding += v;
  }
  for (const b of [total, ...Object.values(byProduct), ...Object.values(byCounty)]) b.byStatus = sortRecord(b.byStatus);
  const n = (k: string) => sum[k] ?? 0;
  const paid = n('paid');
  const premium = n('premium');
  const paidAmount = n('paidAmount');
  const incurred = paidAmount + outstanding;
  const corridorTerms = scheme.products.MEDICAL?.riskCorridor;
  const riskCorridor: CorridorReading | null = corridorTerms
    ? corridorReading(n('medicalPremium'), byProduct.MEDICAL?.payout ?? 0, corridorTerms)
    : null;
  return {
    schemeId: scheme.schemeId,
    year,
    claims: total,
    byProduct: sortRecord(byProduct),
    byCounty: sortRecord(byCounty),
    payment: {
      targetWorkingDays: PAYMENT_TARGET_WORKING_DAYS,
      paid,
      paidWithinTarget: n('paidWithinTarget'),
      complianceBp: paid ? mulDivFloor(n('paidWithinTarget'), 10_000, paid) : null,
    },
    premiums: {
      households: n('households'),
      premium,
      subsidy: n('subsidy'),
      householdPays: n('householdPays'),
      riskReserve: n('riskReserve'),
      reserveRateBp: scheme.reserveRateBp,
    },
    losses: { paid: paidAmount, outstanding, incurred, lossRatioBp: premium ? mulDivFloor(incurred, 10_000, premium) : null },
    // The MEDICAL risk adjustment balance mechanism (core/corridor.ts): MEDICAL's share of the premiums against its
    // incurred claims (paid + SETTLING, byProduct.MEDICAL.payout); null when the scheme configures no corridor.
    riskCorridor,
  };
}
