/**
 * A scheme (one city's programme) is data, validated here. A malformed file fails with the path of
 * the offending field. Adding a city means adding a JSON file to core/schemes/.
 */
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { DISASTER_CAUSES, EDUCATION_STAGES, PRODUCTS } from './types.js';
import { BP, MAX_FEN } from './money.js';

export const fen = z.number().int().min(0).max(MAX_FEN);
export const bp = z.number().int().min(0).max(BP);
const upliftBp = z
  .number()
  .int()
  .min(BP)
  .max(10 * BP);
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
const id = z.string().min(1).max(128);

export const Underwriter = z.object({ insurerId: id, shareBp: z.number().int().min(1).max(BP) });

/** Pool shares in pool order; they must sum to exactly 10000 bp. */
export const Underwriters = z
  .array(Underwriter)
  .min(1)
  .refine((u) => u.reduce((s, x) => s + x.shareBp, 0) === BP, { message: 'underwriter shares must sum to 10000 bp' })
  .refine((u) => new Set(u.map((x) => x.insurerId)).size === u.length, { message: 'underwriters must be distinct' });

/** A band of cumulative self-pay above the deductible: [from, to) fen, to = null means no upper end. */
export const Band = z.object({ from: fen, to: fen.nullable(), bp });

/**
 * The risk adjustment balance mechanism (风险调节平衡机制, seed 000 §6.2): the loss-ratio corridor the insurer's
 * result is held in (core/corridor.ts). Bounds in bp of premium, up to 100000 (a loss ratio can pass 100%).
 */
const lossRatioBound = z
  .number()
  .int()
  .min(0)
  .max(10 * BP);

/**
 * A note for people in a scheme file: in both languages (`{"zh-CN": …, "en": …}`), or a plain string for a
 * scheme written before notes had languages (shown as it is to every reader). GET /schemes renders it in the
 * reader's language.
 */
export const SchemeNote = z.union([z.string(), z.object({ 'zh-CN': z.string().min(1), en: z.string().min(1) }).strict()]);
export const RiskCorridor = z
  .object({ lowerLossRatioBp: lossRatioBound, upperLossRatioBp: lossRatioBound, note: SchemeNote.optional() })
  .refine((c) => c.lowerLossRatioBp <= c.upperLossRatioBp, {
    message: 'upperLossRatioBp must not be below lowerLossRatioBp',
    path: ['upperLossRatioBp'],
  });

const Medical = z
  .object({
    deductible: fen,
    cap: fen,
    bands: z.array(Band).min(1),
    upliftCounties: z.record(z.string().min(1), upliftBp),
    underwriters: Underwriters,
    /** Absent: no corridor (Xiaogan); the report then shows riskCorridor null. */
    riskCorridor: RiskCorridor.optional(),
  })
  .superRefine((m, ctx) => {
    // Bands must tile [0, ∞) without gaps or overlaps, so every fen above the deductible has one ratio.
    m.bands.forEach((b, i) => {
      const expectedFrom = i === 0 ? 0 : m.bands[i - 1]?.to;
      if (b.from !== expectedFrom)
        ctx.addIssue({ code: 'custom', path: ['bands', i, 'from'], message: `must be ${expectedFrom} (bands are contiguous from 0)` });
      if (b.to !== null && b.to <= b.from) ctx.addIssue({ code: 'custom', path: ['bands', i, 'to'], message: 'must be above from' });
      if (i === m.bands.length - 1 && b.to !== null)
        ctx.addIssue({ code: 'custom', path: ['bands', i, 'to'], message: 'the last band must be open (null)' });
      if (i < m.bands.length - 1 && b.to === null)
        ctx.addIssue({ code: 'custom', path: ['bands', i, 'to'], message: 'only the last band may be open' });
    });
  });

const Accident = z.object({
  sumInsured: fen,
  /** bp of the sum insured per disability grade step: grade g pays (11 − g) × this. */
  disabilityStepBp: bp,
  outpatientDeductiblePerClaim: fen,
  outpatientRatioBp: bp,
  outpatientCap: fen,
  underwriters: Underwriters,
});

const Education = z.object({
  ratioBp: bp,
  cap: fen,
  eligibleStages: z.array(z.enum(EDUCATION_STAGES)),
  underwriters: Underwriters,
});

const Disaster = z.object({
  ratioBp: bp,
  cap: fen,
  excludedCauses: z.array(z.enum(DISASTER_CAUSES)),
  coveredDamage: z.array(z.enum(['COLLAPSE', 'PARTIAL'])).min(1),
  underwriters: Underwriters,
});

/** Weather index: rainfall bands [minMm, maxMm) paying perMu fen per mu; maxMm null = no upper end. */
const WeatherBand = z.object({ minMm: z.number().int().min(0), maxMm: z.number().int().min(1).nullable(), perMu: fen });

const Industry = z.object({
  cap: fen,
  indemnityRatioBp: bp,
  /** Price index triggers when observed ≤ floor(cost × (10000 − dropBp) / 10000). */
  priceIndex: z.object({ triggerDropBp: bp }).nullable(),
  weatherIndex: z
    .object({ windowDays: z.number().int().min(1), bands: z.array(WeatherBand).min(1) })
    .superRefine((w, ctx) => {
      w.bands.forEach((b, i) => {
        const next = w.bands[i + 1];
        if (next && b.maxMm !== next.minMm)
          ctx.addIssue({ code: 'custom', path: ['bands', i, 'maxMm'], message: `must equal the next band's minMm ${next.minMm}` });
        if (!next && b.maxMm !== null) ctx.addIssue({ code: 'custom', path: ['bands', i, 'maxMm'], message: 'the last band must be open (null)' });
      });
    })
    .nullable(),
  underwriters: Underwriters,
});

const LoanGuarantee = z
  .object({ insurerBp: bp, bankBp: bp, underwriters: Underwriters })
  .refine((l) => l.insurerBp + l.bankBp === BP, { message: 'insurerBp + bankBp must be 10000', path: ['bankBp'] });

export const PremiumRule = z.object({
  products: z.array(z.enum(PRODUCTS)).min(1),
  unit: z.enum(['PERSON', 'HOUSEHOLD']),
  amount: fen,
  /** Fiscal subsidy in bp of the premium, by household category; a category absent here gets 0. */
  subsidyBpByCategory: z.record(z.string(), bp),
});

export const SchemeSchema = z
  .object({
    schemeId: id,
    name: z.string().min(1),
    city: z.string().min(1),
    source: z.string().min(1),
    /** Free text for people: which parameters are illustrative, where numbers come from. */
    notes: z.array(SchemeNote).default([]),
    years: z.object({ from: z.number().int(), to: z.number().int() }),
    categories: z.array(z.string().min(1)).min(1),
    /** Claims whose payout is strictly above this go to manual review. */
    reviewThreshold: fen,
    /**
     * The most (fen) a reviewer of each authority level may approve alone; null: no limit. A claim is measured by
     * its payout (LOAN_GUARANTEE: the insurer's share). Read by core/review-authority.ts.
     */
    reviewLimits: z
      .object({ '1': fen.nullable(), '2': fen.nullable(), '3': fen.nullable() })
      .strict()
      .refine(
        (l) =>
          (
            [
              ['1', '2'],
              ['2', '3'],
            ] as const
          ).every(([a, b]) => l[b] === null || (l[a] !== null && l[a] <= l[b])),
        {
          message: 'a higher level may approve at least what a lower one may (null = unlimited)',
        },
      ),
    reserveRateBp: bp,
    /** Public holidays (YYYY-MM-DD) for the 5-working-day target; weekends are always excluded. */
    holidays: z.array(isoDate),
    premiums: z.array(PremiumRule),
    products: z.object({
      MEDICAL: Medical.optional(),
      ACCIDENT: Accident.optional(),
      EDUCATION: Education.optional(),
      DISASTER: Disaster.optional(),
      INDUSTRY: Industry.optional(),
      LOAN_GUARANTEE: LoanGuarantee.optional(),
    }),
  })
  .superRefine((s, ctx) => {
    s.premiums.forEach((p, i) => {
      for (const cat of Object.keys(p.subsidyBpByCategory)) {
        if (!s.categories.includes(cat))
          ctx.addIssue({ code: 'custom', path: ['premiums', i, 'subsidyBpByCategory', cat], message: 'unknown category' });
      }
      p.products.forEach((prod, j) => {
        if (!s.products[prod])
          ctx.addIssue({ code: 'custom', path: ['premiums', i, 'products', j], message: `product ${prod} is not offered by this scheme` });
      });
    });
  });

export type Scheme = z.infer<typeof SchemeSchema>;
export type MedicalTerms = z.infer<typeof Medical>;
export type RiskCorridorTerms = z.infer<typeof RiskCorridor>;
export type AccidentTerms = z.infer<typeof Accident>;
export type EducationTerms = z.infer<typeof Education>;
export type DisasterTerms = z.infer<typeof Disaster>;
export type IndustryTerms = z.infer<typeof Industry>;
export type LoanGuaranteeTerms = z.infer<typeof LoanGuarantee>;
export type UnderwriterShare = z.infer<typeof Underwriter>;

/** Parse a scheme, throwing an error whose message names every offending field path. */
export function parseScheme(data: unknown, origin = 'scheme'): Scheme {
  const result = SchemeSchema.safeParse(data);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`invalid ${origin}:\n${lines.join('\n')}`);
  }
  return result.data;
}
