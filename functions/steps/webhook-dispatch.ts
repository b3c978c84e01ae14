/**
 * The webhook dispatcher: one round of fan-out and due deliveries. On AWS an EventBridge schedule invokes it
 * every minute; embedded, the runtime calls it on a short interval. Durable either way: the state is in DynamoDB.
 */
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { stepHandler } from '../shared/step.js';
import { dispatchWebhooks } from '../shared/webhooks/dispatcher.js';

// The round ends on its own before the invocation's deadline; what it leaves is the next round's.
export const handler = stepHandler('webhook-dispatch', z.unknown(), async (_event, context) =>
  dispatchWebhooks(new Date(), fetch, undefined, () => context.getRemainingTimeInMillis()),
);
