/**
 * One attempt at one delivery: sign, POST (no redirects followed, a 10 s limit), record the attempt and what the
 * retry rule (core/webhook-retry.ts) makes of it, and disable the endpoint on a 410.
 */
import { retryDecision, type AttemptOutcome } from '#core/webhook-retry.js';
import { settingValue } from '../config.js';
import { signedHeaders } from './signing.js';
import { disableEndpoint, endpoint, recordAttempt } from './store.js';
import type { Delivery, DeliveryAttempt } from './types.js';

export const REQUEST_TIMEOUT_MS = 10_000;
const ENDPOINT_GONE = 'endpoint disabled or removed';

/** The retry delays in force (`FANGPIN_WEBHOOK_RETRY_SCHEDULE`, read on each attempt so a test can change it). */
export function retrySchedule(): readonly number[] {
  return settingValue('FANGPIN_WEBHOOK_RETRY_SCHEDULE');
}

export async function attemptDelivery(d: Delivery, fetchImpl: typeof fetch): Promise<void> {
  const started = new Date();
  const timestamp = Math.floor(started.getTime() / 1000);
  const ep = await endpoint(d.insurerId, d.endpointId);
  let outcome: AttemptOutcome;
  let error: string | null = null;
  if (ep?.status !== 'ACTIVE') {
    outcome = { kind: 'ENDPOINT_GONE' };
    error = ENDPOINT_GONE;
  } else {
    try {
      const res = await fetchImpl(d.url, {
        method: 'POST',
        headers: signedHeaders(ep.secret, d.webhookId, timestamp, d.body),
        body: d.body,
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
        redirect: 'manual',
      });
      outcome = { kind: 'RESPONSE', status: res.status, retryAfter: res.headers.get('retry-after') };
      await res.body?.cancel().catch(() => undefined);
    } catch (err) {
      outcome = { kind: 'NO_RESPONSE' };
      error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    }
  }
  const status = outcome.kind === 'RESPONSE' ? outcome.status : null;
  const record: DeliveryAttempt = { at: started.toISOString(), status, error, ms: Date.now() - started.getTime() };
  const decision = retryDecision({
    outcome,
    attempt: d.attempts.length - (d.retryBase ?? 0) + 1, // counted since creation or the last replay
    schedule: retrySchedule(),
    attemptedAt: started,
    jitter: Math.random(),
  });
  // A delivery that ends keeps the due time it had.
  const next = decision.state === 'PENDING' ? decision.nextAttemptAt.toISOString() : d.nextAttemptAt;
  await recordAttempt(d, record, decision.state, next);
  if (decision.state === 'FAILED' && decision.disableEndpoint && ep) await disableEndpoint(ep, record.at, 'HTTP 410 Gone');
}
