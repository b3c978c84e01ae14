/** Monitoring warnings (spec 7): placeholder until the module lands; every route answers 404. */
import { apiHandler, HttpError } from './http.js';

const notYet = async () => {
  throw new HttpError(404, 'Not found', 'monitoring warnings are not available yet');
};

export const handler = apiHandler('monitoring', {
  'POST /monitoring/run': notYet,
  'GET /monitoring/warnings': notYet,
  'POST /households/{householdId}/warnings/{warningId}/close': notYet,
});
