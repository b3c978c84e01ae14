/**
 * Schemes API: the rules as data, for anyone holding a token, so insurers and auditors see what binds them. The
 * notes for people (which figures come from the policy documents, which are illustrative) are written in the
 * reader's language; every figure and code is the scheme file's own.
 */
import { schemes } from '../shared/catalogue.js';
import type { Scheme } from '#core/scheme.js';
import { say, text, type Lang } from '#core/i18n/index.js';
import { apiHandler, HttpError, json, languageHeaders, type RouteContext } from './http.js';

/** The scheme as its file says, with its notes in `lang`. */
function schemeView(scheme: Scheme, lang: Lang): Scheme {
  const medical = scheme.products.MEDICAL;
  const corridor = medical?.riskCorridor;
  return {
    ...scheme,
    notes: scheme.notes.map((n) => say(n, lang)),
    products:
      corridor?.note === undefined
        ? scheme.products
        : { ...scheme.products, MEDICAL: { ...medical!, riskCorridor: { ...corridor, note: say(corridor.note, lang) } } },
  };
}

async function list({ lang }: RouteContext) {
  return json(200, { items: [...schemes().values()].map((s) => schemeView(s, lang)) }, languageHeaders(lang));
}

async function getOne({ params, lang }: RouteContext) {
  const scheme = params.schemeId ? schemes().get(params.schemeId) : undefined;
  if (!scheme) throw new HttpError(404, 'Not found', text('no scheme {{schemeId}}', { schemeId: params.schemeId ?? '' }));
  return json(200, schemeView(scheme, lang), languageHeaders(lang));
}

export const handler = apiHandler('schemes', {
  'GET /schemes': list,
  'GET /schemes/{schemeId}': getOne,
});
