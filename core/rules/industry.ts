/**
 * INDUSTRY (产业 / 农业保险), spec 3.5: indemnity, price index and weather index, all against one
 * household cap per year.
 */
import type { ClaimOf } from '../claim.js';
import type { IndustryTerms } from '../scheme.js';
import type { Household } from '../household.js';
import { centiMu } from '../household.js';
import type { RuleResult, YearToDate } from '../types.js';
import { BP, applyBp, formatYuan as y, minusFloor0, mulDivFloor, toSafe } from '../money.js';
import { cappedAssessment } from './capped.js';

interface Gross {
  benefit: number;
  figures: Record<string, number | string | null>;
  lines: () => string[];
}

function gross(claim: ClaimOf<'INDUSTRY'>, terms: IndustryTerms, household: Household, capRoom: number): Gross | { rejected: true; reasonCode: 'INDEX_NOT_TRIGGERED'; detail: string } {
  const d = claim.details;
  switch (d.kind) {
    case 'INDEMNITY': {
      const benefit = applyBp(d.assessedLoss, terms.indemnityRatioBp);
      return {
        benefit,
        figures: { kind: d.kind, assessedLoss: d.assessedLoss, ratioBp: terms.indemnityRatioBp },
        lines: () => [`indemnity: assessed loss ${y(d.assessedLoss)} × ${terms.indemnityRatioBp / 100}% = ${y(benefit)}`],
      };
    }
    case 'PRICE_INDEX': {
      if (!terms.priceIndex) return { rejected: true, reasonCode: 'INDEX_NOT_TRIGGERED', detail: 'the scheme has no price index cover' };
      const drop = terms.priceIndex.triggerDropBp;
      const strike = mulDivFloor(d.costPrice, BP - drop, BP);
      if (d.observedPrice > strike) {
        return { rejected: true, reasonCode: 'INDEX_NOT_TRIGGERED', detail: `observed price ${d.observedPrice} fen/kg is above the strike ${strike} fen/kg (${drop / 100}% below cost ${d.costPrice})` };
      }
      // The quantity is limited to what the household enrolled (the API refuses more with 422).
      const enrolled = household.enrollment.insured.quantity_kg ?? 0;
      const quantity = Math.min(d.insuredQuantity, enrolled);
      // (strike − observed) × quantity can pass 2^53; it is capped below, so compute in BigInt and cap first.
      const product = BigInt(strike - d.observedPrice) * BigInt(quantity);
      const benefit = product > BigInt(capRoom) ? capRoom : toSafe(product);
      return {
        benefit,
        figures: { kind: d.kind, costPrice: d.costPrice, triggerDropBp: drop, strike, observedPrice: d.observedPrice, insuredQuantity: quantity, grossIndemnity: product.toString() },
        lines: () => [
          `strike = floor(cost ${d.costPrice} fen/kg × (10000 − ${drop}) / 10000) = ${strike} fen/kg; observed ${d.observedPrice} fen/kg triggers`,
          `(${strike} − ${d.observedPrice}) × ${quantity} kg = ${y(product)}`,
        ],
      };
    }
    case 'WEATHER_INDEX': {
      const w = terms.weatherIndex;
      const band = w?.bands.find((b) => d.rainfallMm >= b.minMm && (b.maxMm === null || d.rainfallMm < b.maxMm));
      if (!w || !band) return { rejected: true, reasonCode: 'INDEX_NOT_TRIGGERED', detail: `rainfall ${d.rainfallMm} mm does not reach the first band of the weather index` };
      const area = centiMu(household.enrollment.insured.area_mu);
      const benefit = mulDivFloor(band.perMu, area, 100);
      return {
        benefit,
        figures: { kind: d.kind, eventId: d.eventId, rainfallMm: d.rainfallMm, bandMinMm: band.minMm, bandMaxMm: band.maxMm, perMu: band.perMu, areaCentiMu: area },
        lines: () => [`${w.windowDays}-day rainfall ${d.rainfallMm} mm falls in band ${band.minMm}–${band.maxMm ?? '∞'} mm: ${y(band.perMu)} per mu × ${area / 100} mu = ${y(benefit)}`],
      };
    }
  }
}

export function assessIndustry(claim: ClaimOf<'INDUSTRY'>, terms: IndustryTerms, household: Household, ytd: YearToDate): RuleResult {
  const paidBefore = ytd.paid ?? 0;
  const g = gross(claim, terms, household, minusFloor0(terms.cap, paidBefore));
  if ('rejected' in g) return g;
  return cappedAssessment({
    product: 'INDUSTRY',
    benefit: g.benefit,
    cap: terms.cap,
    paidBefore,
    counter: 'paid',
    capLabel: 'one household cap a year across indemnity and index cover',
    figures: g.figures,
    lines: g.lines,
  });
}
