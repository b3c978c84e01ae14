/**
 * INDUSTRY (产业 / 农业保险), spec 3.5: indemnity, price index and weather index, all against one
 * household cap per year.
 */
import type { ClaimOf } from '../claim.js';
import type { IndustryTerms } from '../scheme.js';
import type { Household } from '../household.js';
import { centiMu } from '../household.js';
import type { RuleResult, YearToDate } from '../types.js';
import { BP, applyBp, minusFloor0, mulDivFloor, toSafe } from '../money.js';
import { message, type Message } from '../i18n/message.js';
import { cappedAssessment } from './capped.js';

interface Gross {
  benefit: number;
  figures: Record<string, number | string | null>;
  lines: () => Message[];
}

function gross(
  claim: ClaimOf<'INDUSTRY'>,
  terms: IndustryTerms,
  household: Household,
  capRoom: number,
): Gross | { rejected: true; reasonCode: 'INDEX_NOT_TRIGGERED'; detail: Message } {
  const d = claim.details;
  switch (d.kind) {
    case 'INDEMNITY': {
      const benefit = applyBp(d.assessedLoss, terms.indemnityRatioBp);
      return {
        benefit,
        figures: { kind: d.kind, assessedLoss: d.assessedLoss, ratioBp: terms.indemnityRatioBp },
        lines: () => [message('explain.industry.indemnity', { assessedLoss: d.assessedLoss, bp: terms.indemnityRatioBp, benefit })],
      };
    }
    case 'PRICE_INDEX': {
      if (!terms.priceIndex) return { rejected: true, reasonCode: 'INDEX_NOT_TRIGGERED', detail: message('reason.INDEX_NOT_TRIGGERED.noPriceIndex') };
      const drop = terms.priceIndex.triggerDropBp;
      const strike = mulDivFloor(d.costPrice, BP - drop, BP);
      if (d.observedPrice > strike) {
        return {
          rejected: true,
          reasonCode: 'INDEX_NOT_TRIGGERED',
          detail: message('reason.INDEX_NOT_TRIGGERED.price', { observedPrice: d.observedPrice, strike, dropBp: drop, costPrice: d.costPrice }),
        };
      }
      // The quantity is limited to what the household enrolled (the API refuses more with 422).
      const enrolled = household.enrollment.insured.quantity_kg ?? 0;
      const quantity = Math.min(d.insuredQuantity, enrolled);
      // (strike − observed) × quantity can pass 2^53; it is capped below, so compute in BigInt and cap first.
      const product = BigInt(strike - d.observedPrice) * BigInt(quantity);
      const benefit = product > BigInt(capRoom) ? capRoom : toSafe(product);
      return {
        benefit,
        figures: {
          kind: d.kind,
          costPrice: d.costPrice,
          triggerDropBp: drop,
          strike,
          observedPrice: d.observedPrice,
          insuredQuantity: quantity,
          grossIndemnity: product.toString(),
        },
        lines: () => [
          message('explain.industry.strike', { costPrice: d.costPrice, dropBp: drop, strike, observedPrice: d.observedPrice }),
          message('explain.industry.priceGross', { strike, observedPrice: d.observedPrice, quantity, gross: product.toString() }),
        ],
      };
    }
    case 'WEATHER_INDEX': {
      const w = terms.weatherIndex;
      const band = w?.bands.find((b) => d.rainfallMm >= b.minMm && (b.maxMm === null || d.rainfallMm < b.maxMm));
      if (!w || !band)
        return {
          rejected: true,
          reasonCode: 'INDEX_NOT_TRIGGERED',
          detail: message('reason.INDEX_NOT_TRIGGERED.weather', { rainfallMm: d.rainfallMm }),
        };
      const area = centiMu(household.enrollment.insured.area_mu);
      const benefit = mulDivFloor(band.perMu, area, 100);
      return {
        benefit,
        figures: {
          kind: d.kind,
          eventId: d.eventId,
          rainfallMm: d.rainfallMm,
          bandMinMm: band.minMm,
          bandMaxMm: band.maxMm,
          perMu: band.perMu,
          areaCentiMu: area,
        },
        lines: () => [
          band.maxMm === null
            ? message('explain.industry.weatherOpen', {
                windowDays: w.windowDays,
                rainfallMm: d.rainfallMm,
                minMm: band.minMm,
                perMu: band.perMu,
                mu: area / 100,
                benefit,
              })
            : message('explain.industry.weather', {
                windowDays: w.windowDays,
                rainfallMm: d.rainfallMm,
                minMm: band.minMm,
                maxMm: band.maxMm,
                perMu: band.perMu,
                mu: area / 100,
                benefit,
              }),
        ],
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
    capLabel: 'explain.cap.industry',
    figures: g.figures,
    lines: g.lines,
  });
}
