/** The payout step's outbox record: one per claim listing its settlements' events; older flat records still read. */
import { describe, expect, it } from 'vitest';
import { outboxEventsOf, settlementsCreatedOutboxItem } from '../../functions/shared/webhook-outbox.js';
import type { Settlement } from '../../functions/shared/settlements-repo.js';

const settlement = (insurerId: string, amount: number): Settlement => ({
  settlementId: `S-C1-${insurerId}`,
  claimId: 'C1',
  insurerId,
  amount,
  payee: { type: 'HOUSEHOLD', id: 'H1' },
  schemeId: 'xiaogan-2024',
  product: 'INDUSTRY',
  status: 'PENDING',
  createdAt: '2024-07-04T00:00:00.000Z',
});

describe('settlement outbox records', () => {
  it('one record per claim, keyed by the claim, with one settlement.created event per settlement', () => {
    const item = settlementsCreatedOutboxItem('C1', [settlement('PICC', 600), settlement('CPIC', 400)]);
    expect(item).toMatchObject({ pk: 'OUTBOX', sk: 'C1' });
    const events = outboxEventsOf(item);
    expect(events.map((e) => [e.settlementId, e.insurerId, e.data.amount, e.type])).toEqual([
      ['S-C1-PICC', 'PICC', 600, 'settlement.created'],
      ['S-C1-CPIC', 'CPIC', 400, 'settlement.created'],
    ]);
    expect(JSON.stringify(item)).not.toMatch(/idNumber|identity/);
  });

  it('a flat record written by an earlier version (one per settlement) reads as its one event', () => {
    const data = { settlementId: 'S-OLD', claimId: 'C0', insurerId: 'PICC', amount: 5, payee: { type: 'HOUSEHOLD' as const, id: 'H0' } };
    expect(outboxEventsOf({ sk: 'S-OLD', insurerId: 'PICC', type: 'settlement.created', data, createdAt: '2024-01-01T00:00:00.000Z' })).toEqual([
      { settlementId: 'S-OLD', insurerId: 'PICC', type: 'settlement.created', data, createdAt: '2024-01-01T00:00:00.000Z' },
    ]);
  });
});
