/**
 * Monitoring signals (spec 7, seed 004 §4.3): health and industry warnings computed from a household's
 * registry entry and its claims. Pure: the API layer reads the tables and stores what this answers.
 *
 * Readings chosen (spec 7 leaves them open):
 * - HEALTH. The medical cost of a calendar month is the sum of the covered self-pay (`medicalSelfPay`) of the
 *   household's MEDICAL claims whose `incidentDate` (the admission date) falls in that month. Claims REJECTED
 *   for DUPLICATE_INVOICE, HOUSEHOLD_NOT_FOUND or PERSON_NOT_IN_HOUSEHOLD are not the household's costs and are
 *   ignored; every other claim counts (a cost is a cost even if the insurance does not cover it). One invoice
 *   (hospitalCode + invoiceNo) counts once: the earliest claim (createdAt, then claimId) carrying it.
 *   A month "exceeds 50%" when cost × 10000 > monthlyIncome × 5000 (strictly; exactly half is not a warning).
 *   Two consecutive calendar months (December → January crosses the year) that both exceed give one warning
 *   `HEALTH-<first month>`; three in a row give two. No `monthlyIncome`, no HEALTH warning; a monthlyIncome of
 *   0 makes any positive cost exceed it.
 * - INDUSTRY. The household's enrolled insured area (`area_mu`, exact hundredths) counts as disaster-affected in
 *   a policy year when it has an INDUSTRY claim that year whose status is PENDING_REVIEW, APPROVED, SETTLING or
 *   PAID (a triggered indemnity, price or weather claim). Over 30 mu strictly: centiMu > 3000. Income down by
 *   40% or more: previousMonthlyIncome > 0 and (previous − current) × 10000 ≥ previous × 4000; both incomes
 *   must be known. One warning `INDUSTRY-<year>` per such year.
 * - Level (illustrative): HIGH when a HEALTH pair has cost above 100% of income in both months, or an INDUSTRY
 *   drop is 60% or more; MEDIUM otherwise. Follow-up: HIGH → ON_SITE_VISIT, MEDIUM → PHONE_CHECK.
 * - `asOf` (YYYY-MM-DD or an ISO instant): claims with an incidentDate after it are ignored.
 * All comparisons are exact integer (BigInt) arithmetic.
 */
import type { ClaimSubmission } from './claim.js';
import type { Household } from './household.js';
import { centiMu } from './household.js';
import { BP, MAX_FEN } from './money.js';
import { medicalSelfPay } from './rules/medical.js';

export const WARNING_TYPES = ['HEALTH', 'INDUSTRY'] as const;
export type WarningType = (typeof WARNING_TYPES)[number];
export type WarningLevel = 'HIGH' | 'MEDIUM';
export type FollowUp = 'ON_SITE_VISIT' | 'PHONE_CHECK';

/** HEALTH: a month's medical cost must exceed this share of the monthly income (seed 004 §4.3). */
export const HEALTH_THRESHOLD_BP = 5000;
/** HEALTH is HIGH above this share in both months (illustrative). */
export const HEALTH_HIGH_BP = 10_000;
/** INDUSTRY: affected area strictly above 30 mu, in hundredths of a mu (seed 004 §4.3). */
export const INDUSTRY_AREA_CENTI_MU = 3000;
/** INDUSTRY: income drop of at least 40% (seed 004 §4.3). */
export const INDUSTRY_DROP_BP = 4000;
/** INDUSTRY is HIGH from a 60% drop (illustrative). */
export const INDUSTRY_HIGH_DROP_BP = 6000;

/** Claims rejected for these reasons are not the household's medical costs. */
const NOT_THE_HOUSEHOLDS = new Set(['DUPLICATE_INVOICE', 'HOUSEHOLD_NOT_FOUND', 'PERSON_NOT_IN_HOUSEHOLD']);
/** INDUSTRY claims in these states were triggered (decided with a payout, or held in review). */
const TRIGGERED = new Set(['PENDING_REVIEW', 'APPROVED', 'SETTLING', 'PAID']);

/** An amount in fen: a number when it is at most 2^53 − 1, else its exact decimal string. */
export type ExactAmount = number | string;

export interface HealthMonthEvidence {
  /** YYYY-MM */
  readonly month: string;
  readonly medicalCost: ExactAmount;
  readonly claimIds: readonly string[];
}

export interface HealthEvidence {
  readonly monthlyIncome: number;
  readonly thresholdBp: number;
  readonly months: readonly [HealthMonthEvidence, HealthMonthEvidence];
}

export interface IndustryEvidence {
  readonly year: number;
  readonly affectedCentiMu: number;
  readonly areaThresholdCentiMu: number;
  readonly claimIds: readonly string[];
  readonly previousMonthlyIncome: number;
  readonly monthlyIncome: number;
  /** floor((previous − current) × 10000 / previous) */
  readonly incomeDropBp: number;
  readonly dropThresholdBp: number;
}

interface WarningBase {
  readonly warningId: string;
  readonly householdId: string;
  readonly level: WarningLevel;
  readonly followUp: FollowUp;
}
export type MonitoringWarning =
  | (WarningBase & { readonly type: 'HEALTH'; readonly evidence: HealthEvidence })
  | (WarningBase & { readonly type: 'INDUSTRY'; readonly evidence: IndustryEvidence });

/** A warning as stored on the registry item while open. */
export interface OpenWarning {
  readonly warningId: string;
  readonly type: WarningType;
  readonly level: WarningLevel;
  readonly followUp: FollowUp;
  readonly openedAt: string;
  /** Who opened it: `claim:<claimId>` (the decision that made it true) or `job:<jobId>` (a monitoring run). */
  readonly openedBy?: string;
  readonly evidence: HealthEvidence | IndustryEvidence;
}

/** A warning as stored once closed. */
export interface ClosedWarning extends OpenWarning {
  readonly closedAt: string;
  readonly closedBy: string;
  readonly note: string;
}

/** The fields of a claim the signals read (a stored claim record has them all). */
export interface MonitoredClaim {
  readonly claimId?: string;
  readonly status: string;
  readonly reasonCode?: string | null;
  readonly createdAt?: string;
  readonly submission: ClaimSubmission;
}

export type MonitoredHousehold = Pick<Household, 'householdId' | 'monthlyIncome' | 'previousMonthlyIncome' | 'enrollment'>;

export function followUpFor(level: WarningLevel): FollowUp {
  return level === 'HIGH' ? 'ON_SITE_VISIT' : 'PHONE_CHECK';
}

function exact(v: bigint): ExactAmount {
  return v <= BigInt(MAX_FEN) ? Number(v) : v.toString();
}

/** The month after YYYY-MM (December → January of the next year). */
export function nextMonth(month: string): string {
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7));
  return m === 12 ? `${String(y + 1).padStart(4, '0')}-01` : `${month.slice(0, 4)}-${String(m + 1).padStart(2, '0')}`;
}

/**
 * A claim as the signals count it: a MEDICAL claim's covered self-pay and invoice, or a triggered INDUSTRY claim.
 * The store keeps one per counted claim on the household's monitoring item (functions/shared/monitoring-repo.ts),
 * updated in the transaction that moves the claim, so a decision can open a warning without reading the claims.
 */
export interface MonitoringEntry {
  readonly claimId?: string;
  readonly product: 'MEDICAL' | 'INDUSTRY';
  /** The admission (MEDICAL) or incident date: its month (HEALTH) or year (INDUSTRY). */
  readonly incidentDate: string;
  readonly createdAt?: string;
  /** MEDICAL: covered self-pay in fen (medicalSelfPay: at most the total cost, so a safe integer). */
  readonly selfPay?: number;
  /** MEDICAL: hospitalCode#invoiceNo; one invoice counts once. */
  readonly invoice?: string;
}

/** What a claim counts for in the signals as it stands (null: nothing). The rules of the module comment. */
export function monitoringEntryOf(c: MonitoredClaim): MonitoringEntry | null {
  const sub = c.submission;
  const base = {
    ...(c.claimId !== undefined ? { claimId: c.claimId } : {}),
    incidentDate: sub.incidentDate,
    ...(c.createdAt !== undefined ? { createdAt: c.createdAt } : {}),
  };
  if (sub.product === 'MEDICAL') {
    if (c.status === 'REJECTED' && c.reasonCode && NOT_THE_HOUSEHOLDS.has(c.reasonCode)) return null;
    return { ...base, product: 'MEDICAL', selfPay: medicalSelfPay(sub.details), invoice: `${sub.details.hospitalCode}#${sub.details.invoiceNo}` };
  }
  if (sub.product === 'INDUSTRY' && TRIGGERED.has(c.status)) return { ...base, product: 'INDUSTRY' };
  return null;
}

/**
 * The entry a claim keeps on its household's monitoring item: as monitoringEntryOf, from its first decision on.
 * A claim still RECEIVED (not yet decided, or back for amendment) is left out: its eligibility may yet find it a
 * duplicate or not the household's, and an amendment may change its date and figures.
 */
export function decidedMonitoringEntryOf(c: MonitoredClaim): MonitoringEntry | null {
  return c.status === 'RECEIVED' ? null : monitoringEntryOf(c);
}

function byCreation(a: MonitoringEntry, b: MonitoringEntry): number {
  const ka = `${a.createdAt ?? ''}\u0000${a.claimId ?? ''}`;
  const kb = `${b.createdAt ?? ''}\u0000${b.claimId ?? ''}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** The household's medical cost by month (YYYY-MM), one invoice counted once (its earliest claim). */
export function healthMonths(entries: readonly MonitoringEntry[]): Map<string, { cost: bigint; claimIds: string[] }> {
  const months = new Map<string, { cost: bigint; claimIds: string[] }>();
  const seenInvoices = new Set<string>();
  for (const e of [...entries].sort(byCreation)) {
    if (e.product !== 'MEDICAL') continue;
    const invoice = e.invoice ?? '';
    if (seenInvoices.has(invoice)) continue;
    seenInvoices.add(invoice);
    const month = e.incidentDate.slice(0, 7);
    const m = months.get(month) ?? { cost: 0n, claimIds: [] };
    m.cost += BigInt(e.selfPay ?? 0);
    if (e.claimId !== undefined) m.claimIds.push(e.claimId);
    months.set(month, m);
  }
  return months;
}

/** Whether a month's cost exceeds half the monthly income (false without an income). */
export function healthMonthExceeds(
  household: Pick<MonitoredHousehold, 'monthlyIncome'>,
  entries: readonly MonitoringEntry[],
  month: string,
): boolean {
  const income = household.monthlyIncome;
  if (typeof income !== 'number') return false;
  const cost = healthMonths(entries).get(month)?.cost ?? 0n;
  return cost * BigInt(BP) > BigInt(income) * BigInt(HEALTH_THRESHOLD_BP);
}

function healthWarnings(household: MonitoredHousehold, entries: readonly MonitoringEntry[]): MonitoringWarning[] {
  const income = household.monthlyIncome;
  if (typeof income !== 'number') return [];
  const months = healthMonths(entries);
  const incomeBig = BigInt(income);
  const exceeds = (cost: bigint, bp: number) => cost * BigInt(BP) > incomeBig * BigInt(bp);
  const warnings: MonitoringWarning[] = [];
  for (const month of [...months.keys()].sort()) {
    const first = months.get(month)!;
    const next = nextMonth(month);
    const second = months.get(next);
    if (!second || !exceeds(first.cost, HEALTH_THRESHOLD_BP) || !exceeds(second.cost, HEALTH_THRESHOLD_BP)) continue;
    const level: WarningLevel = exceeds(first.cost, HEALTH_HIGH_BP) && exceeds(second.cost, HEALTH_HIGH_BP) ? 'HIGH' : 'MEDIUM';
    warnings.push({
      warningId: `HEALTH-${month}`,
      type: 'HEALTH',
      householdId: household.householdId,
      level,
      followUp: followUpFor(level),
      evidence: {
        monthlyIncome: income,
        thresholdBp: HEALTH_THRESHOLD_BP,
        months: [
          { month, medicalCost: exact(first.cost), claimIds: [...first.claimIds].sort() },
          { month: next, medicalCost: exact(second.cost), claimIds: [...second.claimIds].sort() },
        ],
      },
    });
  }
  return warnings;
}

function industryWarnings(household: MonitoredHousehold, entries: readonly MonitoringEntry[]): MonitoringWarning[] {
  const current = household.monthlyIncome;
  const previous = household.previousMonthlyIncome;
  if (typeof current !== 'number' || typeof previous !== 'number' || previous <= 0) return [];
  const area = centiMu(household.enrollment.insured.area_mu);
  if (area <= INDUSTRY_AREA_CENTI_MU) return [];
  const prev = BigInt(previous);
  const drop = prev - BigInt(current);
  if (drop * BigInt(BP) < prev * BigInt(INDUSTRY_DROP_BP)) return [];
  const years = new Map<number, string[]>();
  for (const e of entries) {
    if (e.product !== 'INDUSTRY') continue;
    const year = Number(e.incidentDate.slice(0, 4));
    const ids = years.get(year) ?? [];
    if (e.claimId !== undefined) ids.push(e.claimId);
    years.set(year, ids);
  }
  const level: WarningLevel = drop * BigInt(BP) >= prev * BigInt(INDUSTRY_HIGH_DROP_BP) ? 'HIGH' : 'MEDIUM';
  const dropBp = Number((drop * BigInt(BP)) / prev);
  return [...years.keys()]
    .sort((a, b) => a - b)
    .map((year) => ({
      warningId: `INDUSTRY-${year}`,
      type: 'INDUSTRY' as const,
      householdId: household.householdId,
      level,
      followUp: followUpFor(level),
      evidence: {
        year,
        affectedCentiMu: area,
        areaThresholdCentiMu: INDUSTRY_AREA_CENTI_MU,
        claimIds: [...(years.get(year) ?? [])].sort(),
        previousMonthlyIncome: previous,
        monthlyIncome: current,
        incomeDropBp: dropBp,
        dropThresholdBp: INDUSTRY_DROP_BP,
      },
    }));
}

/**
 * The warnings a household's counted claims support (entries as monitoringEntryOf gives them), sorted by
 * warningId; entries with an incidentDate after `asOf` (when given) are ignored. The one computation of the rules:
 * computeWarnings, a claim's decision and the monitoring job all come here.
 */
export function warningsFromEntries(household: MonitoredHousehold, entries: readonly MonitoringEntry[], asOf?: string): MonitoringWarning[] {
  const day = asOf?.slice(0, 10);
  const own = day === undefined ? entries : entries.filter((e) => e.incidentDate <= day);
  return [...healthWarnings(household, own), ...industryWarnings(household, own)].sort((a, b) =>
    a.warningId < b.warningId ? -1 : a.warningId > b.warningId ? 1 : 0,
  );
}

/**
 * The warnings the household's data supports as of `asOf`, sorted by warningId. Claims of other households
 * (by submission.householdId) and claims with an incidentDate after `asOf` are ignored. Deterministic: the same
 * data gives the same warning ids, so a re-run opens nothing twice.
 */
export function computeWarnings(household: MonitoredHousehold, claims: readonly MonitoredClaim[], asOf: string): MonitoringWarning[] {
  const entries = claims.filter((c) => c.submission.householdId === household.householdId).flatMap((c) => monitoringEntryOf(c) ?? []);
  return warningsFromEntries(household, entries, asOf);
}

/** An open warning as stored, from a computed one. */
export function openWarningOf(w: MonitoringWarning, openedAt: string, openedBy?: string): OpenWarning {
  return {
    warningId: w.warningId,
    type: w.type,
    level: w.level,
    followUp: w.followUp,
    openedAt,
    ...(openedBy !== undefined ? { openedBy } : {}),
    evidence: w.evidence,
  };
}
