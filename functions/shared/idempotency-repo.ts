/**
 * Idempotency keys of POST requests (the `Idempotency-Key` header): a reservation binds a caller's key to the hash
 * of the body it first came with and to what that request made (the claim id), for 7 days (DynamoDB TTL). A repeat
 * with the same body is answered as the first was; a repeat with another body is refused. The reservation is a
 * conditional put, so two concurrent first requests cannot both reserve.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { documentClient, tableName } from './aws.js';

export const IDEMPOTENCY_TTL_SECONDS = 7 * 24 * 3600;

/** What a reservation holds, checked when read back (a malformed item is an error, not a match or a conflict). */
const Reservation = z.object({ id: z.string(), bodyHash: z.string(), claimId: z.string(), createdAt: z.string(), expiration: z.number() });
export type Reservation = z.infer<typeof Reservation>;

/** The outcome of reserving: this request is the first with the key, a repeat of it, or the key with another body. */
export type KeyReservation = { readonly kind: 'RESERVED' } | { readonly kind: 'REPEAT'; readonly claimId: string } | { readonly kind: 'CONFLICT' };

/** The item's id: the key is the caller's own (`scope`, the token's subject), per operation. */
export function reservationId(operation: string, scope: string, key: string): string {
  return `${operation}#${scope}#${key}`;
}

/** The reservation of a key, if any (consistent read). */
export async function reservationOf(operation: string, scope: string, key: string): Promise<Reservation | undefined> {
  const out = await documentClient().send(
    new GetCommand({ TableName: tableName('idempotency'), Key: { id: reservationId(operation, scope, key) }, ConsistentRead: true }),
  );
  return out.Item === undefined ? undefined : Reservation.parse(out.Item);
}

/**
 * Reserves `key` for a request with this body hash and the claim it makes. Not a conflict when the key is held by
 * the same body (a retried or concurrent repeat): the caller answers as the first request did.
 */
export async function reserveKey(
  operation: string,
  scope: string,
  key: string,
  bodyHash: string,
  claimId: string,
  now = new Date(),
): Promise<KeyReservation> {
  const item: Reservation = {
    id: reservationId(operation, scope, key),
    bodyHash,
    claimId,
    createdAt: now.toISOString(),
    expiration: Math.floor(now.getTime() / 1000) + IDEMPOTENCY_TTL_SECONDS,
  };
  try {
    await documentClient().send(new PutCommand({ TableName: tableName('idempotency'), Item: item, ConditionExpression: 'attribute_not_exists(id)' }));
    return { kind: 'RESERVED' };
  } catch (err) {
    if (!(err instanceof ConditionalCheckFailedException)) throw err;
    const held = await reservationOf(operation, scope, key);
    return held && held.bodyHash === bodyHash ? { kind: 'REPEAT', claimId: held.claimId } : { kind: 'CONFLICT' };
  }
}
