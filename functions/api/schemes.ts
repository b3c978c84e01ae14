/** Schemes API: the rules as data, for anyone holding a token, so insurers and auditors see what binds them. */
import { schemes } from '../shared/catalogue.js';
import { apiHandler, HttpError, json, type RouteContext } from './http.js';

async function list() {
  return json(200, { items: [...schemes().values()] });
}

async function getOne({ params }: RouteContext) {
  const scheme = params.schemeId ? schemes().get(params.schemeId) : undefined;
  if (!scheme) throw new HttpError(404, 'Not found', `no scheme ${params.schemeId ?? ''}`);
  return json(200, scheme);
}

export const handler = apiHandler('schemes', {
  'GET /schemes': list,
  'GET /schemes/{schemeId}': getOne,
});
