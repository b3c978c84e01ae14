/** A claim submission validated as the API takes it: the schema, then what the catalogue and the registry say. */
import { ClaimSubmission } from '#core/index.js';
import { schemes } from '../shared/catalogue.js';
import { fieldErrors, validationError } from './http.js';
import { getHousehold } from '../shared/registry-repo.js';
import { text } from '#core/i18n/index.js';

/** Used at submission and again for an amendment after a return, so both are held to the same rules. */
export async function validateSubmission(body: unknown): Promise<ClaimSubmission> {
  const parsed = ClaimSubmission.safeParse(body);
  if (!parsed.success) throw validationError(fieldErrors(parsed.error));
  const claim = parsed.data;
  const scheme = schemes().get(claim.schemeId);
  if (!scheme)
    throw validationError([{ path: 'schemeId', message: text('unknown scheme; known: {{schemes}}', { schemes: [...schemes().keys()].join(', ') }) }]);
  if (!scheme.products[claim.product])
    throw validationError([
      { path: 'product', message: text('{{product}} is not offered by {{schemeId}}', { product: claim.product, schemeId: claim.schemeId }) },
    ]);
  if (claim.product === 'INDUSTRY' && claim.details.kind === 'WEATHER_INDEX') {
    throw validationError([{ path: 'details.kind', message: 'weather-index claims are created by index events, not submitted' }]);
  }
  if (claim.product === 'INDUSTRY' && claim.details.kind === 'PRICE_INDEX') {
    const household = await getHousehold(claim.householdId);
    const enrolled = household?.enrollment.insured.quantity_kg;
    if (household && claim.details.insuredQuantity > (enrolled ?? 0)) {
      throw validationError([
        { path: 'details.insuredQuantity', message: text('exceeds the enrolled quantity of {{kg}} kg', { kg: enrolled ?? 0 }) },
      ]);
    }
  }
  return claim;
}
