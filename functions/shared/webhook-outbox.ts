/**
 * The seam for settlement webhooks: the payout step writes ONE outbox record per claim, listing the
 * `settlement.created` events of its settlements, in the webhooks table, keyed by the claim id so a retried step
 * writes it once (one record rather than one per settlement: the store's cost follows the items written). The
 * dispatcher (functions/shared/webhooks/dispatcher.ts) reads the outbox, signs and delivers each event; nothing is
 * sent from inside the workflow step.
 */
import type { Settlement } from './settlements-repo.js';

export interface OutboxEvent {
  readonly settlementId: string;
  readonly insurerId: string;
  readonly type: 'settlement.created';
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
  return [
    {
      settlementId: r.sk,
      insurerId: String(r.insurerId),
      type: 'settlement.created',
      data: r.data as OutboxEvent['data'],
      createdAt: String(r.createdAt),
    },
  ];
}

/** The outbox record announcing a claim's new settlements (written in the payout step's transaction). */
export function settlementsCreatedOutboxItem(claimId: string, settlements: readonly Settlement[]) {
  const createdAt = new Date().toISOString();
  return {
    pk: 'OUTBOX',
    sk: claimId,
    // Thin payloads: ids, amount, payee; never personal identity numbers.
    events: settlements.map(
      (s): OutboxEvent => ({
        settlementId: s.settlementId,
        insurerId: s.insurerId,
        type: 'settlement.created',
        data: { settlementId: s.settlementId, claimId: s.claimId, insurerId: s.insurerId, amount: s.amount, payee: s.payee },
        createdAt,
      }),
    ),
    createdAt,
  };
}
