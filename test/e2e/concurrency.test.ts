/**
 * No overpayment under concurrency, over HTTP through the state machine: 50 simultaneous claims against one
 * person's annual medical cap, and 50 against one household's disaster cap, pay exactly what sequential
 * processing pays.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Embedded } from '../../embedded/runtime.js';
import { client, startTestSystem } from '../support/server.js';

let system: Embedded;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  system = await startTestSystem('conc');
  api = client(system);
  const h = { schemeId: 'xiaogan-2024', county: '420902', category: 'LIFTED_OUT', verifiedYear: 2024, enrollment: { products: ['MEDICAL', 'DISASTER'], start: '2024-01-01', end: '2024-12-31' } };
  const r = await api.call('POST', '/households', { role: 'admin', body: [{ ...h, householdId: 'HC-1', members: [{ personId: 'PC-1' }] }, { ...h, householdId: 'HC-2', members: [{ personId: 'PC-2' }, { personId: 'PC-3' }] }] });
  expect(r.status).toBe(200);
});

afterAll(async () => {
  await system?.stop();
});

async function submitAll(bodies: unknown[]) {
  const ids = await Promise.all(bodies.map(async (body) => (await api.call('POST', '/claims', { role: 'submitter', body })).body.claimId as string));
  return Promise.all(ids.map((id) => api.waitForStatus(id, ['SETTLING', 'CLOSED_NO_PAYOUT', 'REJECTED', 'FAILED'], 60_000).then((r) => r.body)));
}

describe('50 concurrent claims', () => {
  it('for one person pay the sequential MEDICAL total', { timeout: 90_000 }, async () => {
    const claims = await submitAll(
      Array.from({ length: 50 }, (_, i) => ({ schemeId: 'xiaogan-2024', product: 'MEDICAL', householdId: 'HC-1', personId: 'PC-1', incidentDate: '2024-03-01', details: { hospitalCode: 'HC', invoiceNo: `C-${i}`, totalCost: 100_000 } })),
    );
    expect(claims.map((c) => c.status).filter((s) => s !== 'SETTLING' && s !== 'CLOSED_NO_PAYOUT')).toEqual([]);
    // S = 50 × 100,000 = 5,000,000; above the 500,000 deductible 4,500,000:
    // 2,000,000 × 80% + 2,500,000 × 70% = 1,600,000 + 1,750,000 = 3,350,000 fen, under the 8,000,000 cap.
    expect(claims.reduce((s, c) => s + c.assessment.payout, 0)).toBe(3_350_000);
  });

  it('for one household never exceed the household DISASTER cap, whoever reports', { timeout: 90_000 }, async () => {
    const claims = await submitAll(
      Array.from({ length: 50 }, (_, i) => ({ schemeId: 'xiaogan-2024', product: 'DISASTER', householdId: 'HC-2', personId: i % 2 ? 'PC-2' : 'PC-3', incidentDate: '2024-07-01', details: { cause: 'FLOOD', damage: 'PARTIAL', assessedLoss: 200_000 } })),
    );
    expect(claims.map((c) => c.status).filter((s) => s !== 'SETTLING' && s !== 'CLOSED_NO_PAYOUT')).toEqual([]);
    // 50 × 200,000 = 10,000,000 of losses against a 5,000,000 household cap: exactly 25 claims pay in full.
    expect(claims.reduce((s, c) => s + c.assessment.payout, 0)).toBe(5_000_000);
    expect(claims.filter((c) => c.status === 'SETTLING')).toHaveLength(25);
  });
});
