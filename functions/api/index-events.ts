/** Index events: placeholder while the fan-out is built. */
import { apiHandler, HttpError } from './http.js';

const notYet = async () => {
  throw new HttpError(404, 'Not found', 'index events are not available yet');
};

export const handler = apiHandler('index-events', {
  'POST /index-events': notYet,
  'GET /index-events': notYet,
  'GET /index-events/{eventId}': notYet,
});
