/**
 * Standard Webhooks signing: a `whsec_` secret (base64 key), and `webhook-signature: v1,<base64 HMAC-SHA256 of
 * "id.timestamp.body">`, which the spec's own libraries verify (README: Webhooks).
 */
import { createHmac, randomBytes } from 'node:crypto';

export function newSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

export function sign(secret: string, webhookId: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.startsWith('whsec_') ? secret.slice(6) : secret, 'base64');
  return `v1,${createHmac('sha256', key).update(`${webhookId}.${timestamp}.${body}`).digest('base64')}`;
}

/** The headers of one signed message, `timestamp` in Unix seconds. */
export function signedHeaders(secret: string, webhookId: string, timestamp: number, body: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'webhook-id': webhookId,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': sign(secret, webhookId, timestamp, body),
  };
}
