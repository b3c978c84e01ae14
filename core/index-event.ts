/**
 * Index events (spec 3.5): one price or weather observation for a scheme, county and period triggers a claim
 * for every household enrolled there, with no one filing. This module is the pure part: the observation as
 * validated data, its identity (so a re-post is recognised), which households it concerns, and the claim it
 * makes for each. Deciding those claims is the ordinary workflow's job.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { fen } from './scheme.js';
import { identifier, isoDate, type Household } from './household.js';
import type { ClaimSubmission } from './claim.js';

const county = z.string().regex(/^\d{6}$/, 'expected a 6-digit county code');

/** `{ start, end }`, or one day as a string, or `start/end` (ISO 8601 interval). */
const Period = z.preprocess(
  (v) => {
    if (typeof v !== 'string') return v;
    const [start, end = start] = v.split('/');
    return { start, end };
  },
  z
    .object({ start: isoDate, end: isoDate })
    .strict()
    .refine((p) => p.start <= p.end, { message: 'end must not be before start', path: ['end'] }),
);

const common = { schemeId: identifier, county, period: Period };

export const IndexObservation = z.discriminatedUnion('kind', [
  /** Weather index (Anlu aquaculture): rainfall over the scheme's window, in whole mm. */
  z.object({ kind: z.literal('WEATHER'), ...common, rainfallMm: z.number().int().min(0).max(100_000) }).strict(),
  /** Price index (Dawu tea): prices in fen per kg. */
  z.object({ kind: z.literal('PRICE'), ...common, commodity: identifier.default('TEA'), costPrice: fen, observedPrice: fen }).strict(),
]);
export type IndexObservation = z.infer<typeof IndexObservation>;

/** Accepts `type` as a synonym of `kind` (the word some feeds use), and upper-cases it. */
export function parseIndexObservation(body: unknown) {
  if (body && typeof body === 'object' && !Array.isArray(body)) {
    const b = body as Record<string, unknown>;
    if (b.kind === undefined && typeof b.type === 'string') {
      const { type, ...rest } = b;
      body = { ...rest, kind: type };
    }
    const k = (body as Record<string, unknown>).kind;
    if (typeof k === 'string') body = { ...(body as Record<string, unknown>), kind: k.toUpperCase() };
  }
  return IndexObservation.safeParse(body);
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * The event's identity is what was observed where and when, not the figure: a second post for the same
 * scheme, kind, county, period (and commodity) is the same event. Same figures: nothing new. Other figures: a
 * conflict the operator must resolve, never a second round of claims.
 */
export function indexEventId(o: IndexObservation): string {
  const parts = [o.schemeId, o.kind, o.county, o.period.start, o.period.end, o.kind === 'PRICE' ? o.commodity : ''];
  return `IX-${sha256(parts.join('\n')).slice(0, 32)}`;
}

/** The figures a re-post must repeat exactly. */
export function observedFigures(o: IndexObservation): Record<string, number> {
  return o.kind === 'WEATHER' ? { rainfallMm: o.rainfallMm } : { costPrice: o.costPrice, observedPrice: o.observedPrice };
}

/** The incident date of every claim an event makes: the last day of the observed period. */
export function incidentDateOf(o: IndexObservation): string {
  return o.period.end;
}

export const FANOUT_SHARDS = 16;

/** The registry partition an index event reads: scheme + county + a stable slice (0..15) of the household id. */
export function fanoutShardOf(h: Pick<Household, 'schemeId' | 'county' | 'householdId'>): string {
  return fanoutShardKey(h.schemeId, h.county, Number.parseInt(sha256(h.householdId).slice(0, 8), 16) % FANOUT_SHARDS);
}

/** The registry partition of a household in its scheme (the list and the monitoring job's slices): scheme + slice. */
export function schemeShardOf(h: Pick<Household, 'schemeId' | 'householdId'>): string {
  return schemeShardKey(h.schemeId, Number.parseInt(sha256(h.householdId).slice(0, 8), 16) % FANOUT_SHARDS);
}

export function schemeShardKey(schemeId: string, shard: number): string {
  return `${schemeId}#${shard}`;
}

export function fanoutShardKey(schemeId: string, countyCode: string, shard: number): string {
  return `${schemeId}#${countyCode}#${shard}`;
}

/**
 * Whether the event concerns this household: enrolled in INDUSTRY for the incident date, with insured area
 * (weather) or insured quantity (price) to pay on. Exits and categories are left to the workflow's eligibility
 * step, so an exited household gets a claim that is rejected with its reason on the record.
 */
export function concernsHousehold(o: IndexObservation, h: Pick<Household, 'schemeId' | 'county' | 'enrollment'>): boolean {
  const day = incidentDateOf(o);
  const e = h.enrollment;
  if (h.schemeId !== o.schemeId || h.county !== o.county) return false;
  if (!e.products.includes('INDUSTRY') || day < e.start || day > e.end) return false;
  return o.kind === 'WEATHER' ? (e.insured.area_mu ?? 0) > 0 : (e.insured.quantity_kg ?? 0) > 0;
}

/** Same event + same household → same claim id, so a retried or repeated fan-out never makes a second claim. */
export function indexClaimId(eventId: string, householdId: string): string {
  return `C-IX-${sha256(`${eventId}\n${householdId}`).slice(0, 32)}`;
}

/** The claim the event files for one household; the reporting member is the household's first member. */
export function indexClaimFor(eventId: string, o: IndexObservation, h: Pick<Household, 'householdId' | 'members' | 'enrollment'>): ClaimSubmission {
  const base = {
    schemeId: o.schemeId,
    householdId: h.householdId,
    personId: h.members[0]?.personId ?? h.householdId,
    incidentDate: incidentDateOf(o),
  };
  if (o.kind === 'WEATHER') return { ...base, product: 'INDUSTRY', details: { kind: 'WEATHER_INDEX', eventId, rainfallMm: o.rainfallMm } };
  return {
    ...base,
    product: 'INDUSTRY',
    details: { kind: 'PRICE_INDEX', costPrice: o.costPrice, observedPrice: o.observedPrice, insuredQuantity: h.enrollment.insured.quantity_kg ?? 0 },
  };
}
