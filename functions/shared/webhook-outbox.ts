/**
 * The seam for settlement webhooks: the payout step writes ONE outbox record per claim, listing the
 * `settlement.created` events of its settlements, in the webhooks table, keyed by the claim id so a retried step
 * writes it once (one record rather than one per settlement: the store's cost follows the items written). The
 * dispatcher (functions/shared/webhooks/dispatcher.ts) reads the outbox, signs and delivers each event; nothing is
 * sent from inside the workflow step.
 */
import type { Settlement } from './settlements-repo.js';

/** `settlement.withdrawn`: an objection took the claim back to review before the insurer confirmed (objections.ts). */
export type OutboxEventType = 'settlement.created' | 'settlement.withdrawn';

export interface OutboxEvent {
  readonly settlementId: string;
  readonly insurerId: string;
  readonly type: OutboxEventType;
  readonly data: { settlementId: string; claimId: string; insurerId: string; amount: number; payee: Settlement['payee'] };
  readonly createdAt: string;
}

/** An outbox record as stored: one per claim (`events`), or one per settlement as written before (flat). */
export interface OutboxRecord {
  readonly sk: string;
  readonly events?: readonly OutboxEvent[];
  readonly insurerId?: string;
  readonly type?: string;
  readonly data?: OutboxEvent['data'];
  readonly createdAt?: string;
}

export function outboxEventsOf(r: OutboxRecord): OutboxEvent[] {
  if (r.events) return [...r.events];
  // Written by an earlier version: the record is the event, keyed by its settlement id.
  if (r.data === undefined || r.insurerId === undefined || r.createdAt === undefined)
    throw new Error(
      `webhooks table: OUTBOX/${r.sk} is not a valid outbox record: neither events nor a whole flat event (insurerId, data, createdAt)`,
    );
  return [{ settlementId: r.sk, insurerId: r.insurerId, type: 'settlement.created', data: r.data, createdAt: r.createdAt }];
}

/**
 * The outbox record announcing a claim's new settlements (written in the payout step's transaction). Round n > 1
 * (a payout after a withdrawal) has its own key, so it never overwrites an earlier round not yet fanned out.
 */
export function settlementsCreatedOutboxItem(claimId: string, settlements: readonly Settlement[], round = 1) {
  return outboxItem(round > 1 ? `${claimId}#${round}` : claimId, 'settlement.created', settlements);
}

/** The outbox record announcing that payout round `round`'s settlements are withdrawn (the objection's transaction). */
export function settlementsWithdrawnOutboxItem(claimId: string, settlements: readonly Settlement[], round: number) {
  return outboxItem(`${claimId}#withdrawn#${round}`, 'settlement.withdrawn', settlements);
}

function outboxItem(sk: string, type: OutboxEventType, settlements: readonly Settlement[]) {
  const createdAt = new Date().toISOString();
  return {
    pk: 'OUTBOX',
    sk,
    // Thin payloads: ids, amount, payee; never personal identity numbers.
    events: settlements.map(
      (s): OutboxEvent => ({
        settlementId: s.settlementId,
        insurerId: s.insurerId,
        type,
        data: { settlementId: s.settlementId, claimId: s.claimId, insurerId: s.insurerId, amount: s.amount, payee: s.payee },
        createdAt,
      }),
    ),
    createdAt,
  };
}

/** A delivery's id: one per event and endpoint (a withdrawal of a settlement is a second event for it). */
export function deliveryIdOf(event: Pick<OutboxEvent, 'settlementId' | 'type'>, endpointId: string): string {
  return event.type === 'settlement.withdrawn' ? `${event.settlementId}~withdrawn#${endpointId}` : `${event.settlementId}#${endpointId}`;
}
