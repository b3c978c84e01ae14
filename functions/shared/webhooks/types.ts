/**
 * The webhooks table's items, as zod schemas: the store checks every item it reads against these (see
 * store.ts), and the types come from them. Validators only (no defaults, no transforms), so a checked item is
 * the stored item as it is.
 */
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import type { OutboxRecord } from '../webhook-outbox.js';

/** An insurer's endpoint, under `ENDPOINT#<insurerId>`; its secret signs every message sent to it. */
export const WebhookEndpoint = z.object({
  pk: z.string(),
  sk: z.string(),
  endpointId: z.string(),
  insurerId: z.string(),
  url: z.string(),
  secret: z.string(),
  status: z.enum(['ACTIVE', 'DISABLED']),
  createdAt: z.string(),
  /** When a 410 disabled it. */
  disabledAt: z.string().optional(),
});
export type WebhookEndpoint = z.infer<typeof WebhookEndpoint>;

export const DeliveryAttempt = z.object({
  at: z.string(),
  status: z.number().nullable(),
  error: z.string().nullable(),
  ms: z.number(),
});
export type DeliveryAttempt = z.infer<typeof DeliveryAttempt>;

/** One message to one endpoint: body and webhook-id fixed when it was made, so every attempt sends the same. */
export const Delivery = z.object({
  pk: z.literal('DELIVERY'),
  sk: z.string(),
  deliveryId: z.string(),
  webhookId: z.string(),
  insurerId: z.string(),
  endpointId: z.string(),
  url: z.string(),
  body: z.string(),
  state: z.enum(['PENDING', 'DELIVERED', 'FAILED']),
  attempts: z.array(DeliveryAttempt),
  nextAttemptAt: z.string(),
  createdAt: z.string(),
  /** Attempts made before the last replay: the retry schedule starts again after a replay. */
  retryBase: z.number().optional(),
});
export type Delivery = z.infer<typeof Delivery>;

/**
 * A pending delivery's entry in the small 'DUE' partition (removed when the delivery ends), so a dispatcher
 * round reads what is pending, not every delivery ever made.
 */
export const DueMarker = z.object({ pk: z.literal('DUE'), sk: z.string(), nextAttemptAt: z.string() });
export type DueMarker = z.infer<typeof DueMarker>;

/**
 * Endpoints disabled, one marker each in a small 'DISABLED' partition: what needs a person (GET /ops/attention and
 * its alarm) reads that partition, not every insurer's endpoints. Written with the status change, so the two agree.
 */
export const DisabledMarker = z.object({
  pk: z.literal('DISABLED'),
  sk: z.string(),
  insurerId: z.string(),
  endpointId: z.string(),
  url: z.string(),
  disabledAt: z.string(),
  reason: z.string(),
});
export type DisabledMarker = z.infer<typeof DisabledMarker>;

const EventData = z.object({
  settlementId: z.string(),
  claimId: z.string(),
  insurerId: z.string(),
  amount: z.number(),
  payee: z.object({ type: z.enum(['HOSPITAL', 'CLAIMANT', 'HOUSEHOLD', 'BANK']), id: z.string() }),
});

/**
 * An outbox record (its type is written by hand in webhook-outbox.ts, whose payout-side code carries no schema;
 * the annotation fails to compile if this one accepts anything that type does not describe): one per claim with
 * `events`, or one flat per settlement as written before.
 */
export const OutboxRecordSchema: z.ZodType<OutboxRecord> = z.object({
  sk: z.string(),
  events: z
    .array(
      z.object({ settlementId: z.string(), insurerId: z.string(), type: z.literal('settlement.created'), data: EventData, createdAt: z.string() }),
    )
    .optional(),
  insurerId: z.string().optional(),
  type: z.string().optional(),
  data: EventData.optional(),
  createdAt: z.string().optional(),
});
