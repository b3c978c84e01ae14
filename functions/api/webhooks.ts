/** Webhook API: admins register an insurer's endpoint (the secret is shown once), read deliveries, replay a failed one. */
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { apiHandler, fieldErrors, HttpError, json, jsonBody, validationError, type RouteContext } from './http.js';
import { deliveries, registerEndpoint } from '../shared/webhooks/store.js';
import { replayDelivery } from '../shared/webhooks/dispatcher.js';
import { text } from '#core/i18n/index.js';

const Register = z
  .object({
    insurerId: z.string().min(1).max(128),
    url: z
      .string()
      .url()
      .max(2048)
      .refine((u) => /^https?:\/\//.test(u), 'must be an http(s) URL'),
  })
  .strict();

async function register({ event }: RouteContext) {
  const parsed = Register.safeParse(jsonBody(event, 16 * 1024));
  if (!parsed.success) throw validationError(fieldErrors(parsed.error));
  const ep = await registerEndpoint(parsed.data.insurerId, parsed.data.url);
  return json(201, {
    endpointId: ep.endpointId,
    insurerId: ep.insurerId,
    url: ep.url,
    secret: ep.secret,
    status: ep.status,
    createdAt: ep.createdAt,
  });
}

async function list({ query }: RouteContext) {
  const items = await deliveries(query.insurerId);
  // The body is the signed message; secrets never appear here.
  return json(200, {
    items: items.map(({ pk: _pk, sk: _sk, ...d }) => ({ ...d, payload: JSON.parse(d.body) as unknown, body: undefined })),
  });
}

async function replay({ params }: RouteContext) {
  const result = await replayDelivery(params.deliveryId ?? '');
  if (result === 'not-found') throw new HttpError(404, 'Not found', text('no delivery {{deliveryId}}', { deliveryId: params.deliveryId ?? '' }));
  if (result === 'not-failed') throw new HttpError(409, 'Not failed', 'only a failed delivery can be replayed');
  return json(202, { deliveryId: params.deliveryId, state: 'PENDING' });
}

export const handler = apiHandler('webhooks', {
  'POST /webhook-endpoints': register,
  'GET /webhook-deliveries': list,
  'POST /webhook-deliveries/{deliveryId}/replay': replay,
});

/** The request schema, for the OpenAPI document (functions/api/openapi/). */
export { Register as RegisterEndpointBody };
