/**
 * Stop the embedded system in the middle of a load and start it again on the same data directory: every claim
 * finishes exactly once (running executions are started again; steps are idempotent), none lost, none doubled.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startEmbedded, type Embedded } from '../../embedded/runtime.js';
import { client } from '../support/server.js';

const dataDir = mkdtempSync(join(tmpdir(), 'fangpin-restart-'));
const start = () => startEmbedded({ dataDir, port: 0, dynamoEndpoint: inject('dynamoEndpoint'), tablePrefix: 'restart-', retryIntervalScale: 0.001 });
let system: Embedded | undefined;

afterAll(async () => {
  await system?.stop();
});

describe('restart in the middle of a load', () => {
  it('finishes every claim exactly once', { timeout: 120_000 }, async () => {
    system = await start();
    let api = client(system);
    const households = [0, 1].map((i) => ({
      householdId: `HR-${i}`,
      schemeId: 'xiaogan-2024',
      county: '420902',
      category: 'LIFTED_OUT',
      verifiedYear: 2024,
      members: [{ personId: `PR-${i}` }],
      enrollment: { products: ['MEDICAL'], start: '2024-01-01', end: '2024-12-31' },
    }));
    expect((await api.call('POST', '/households', { role: 'admin', body: households })).status).toBe(200);
    const ids = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const body = { schemeId: 'xiaogan-2024', product: 'MEDICAL', householdId: `HR-${i % 2}`, personId: `PR-${i % 2}`, incidentDate: '2024-05-03', details: { hospitalCode: 'HR', invoiceNo: `R-${i}`, totalCost: 800_000 } };
        const r = await api.call('POST', '/claims', { role: 'submitter', body });
        expect(r.status).toBe(202);
        return r.body.claimId as string;
      }),
    );
    await system.stop(); // executions in flight stay RUNNING on disk
    system = await start();
    api = client(system);
    const claims = await Promise.all(ids.map((id) => api.waitForStatus(id, ['SETTLING', 'CLOSED_NO_PAYOUT', 'REJECTED', 'FAILED'], 60_000).then((r) => r.body)));
    // Once a person's cap is used up, later bills close with no payout; nothing fails or is rejected.
    expect(claims.filter((c) => !['SETTLING', 'CLOSED_NO_PAYOUT'].includes(c.status)).map((c) => c.status)).toEqual([]);
    for (const c of claims.filter((x) => x.status === 'CLOSED_NO_PAYOUT')) expect(c.assessment.payout).toBe(0);
    for (const c of claims.filter((x) => x.status === 'SETTLING')) {
      expect(c.settlements).toHaveLength(3);
      expect(c.settlements.reduce((s: number, x: { amount: number }) => s + x.amount, 0)).toBe(c.assessment.payout);
    }
    // Some executions really were cut off and started again: their history shows two ExecutionStarted events.
    const histories = await Promise.all(ids.map((id) => api.call('GET', `/claims/${id}/history`, { role: 'auditor' })));
    const restarted = histories.filter((h) => h.body.events.filter((e: { type: string }) => e.type === 'ExecutionStarted').length > 1);
    expect(restarted.length).toBeGreaterThan(0);
    // 20 bills of 8,000 yuan a person: S = 160,000 yuan; above the 5,000 deductible: 20,000 × 80% + 30,000 × 70%
    // + 105,000 × 60% = 16,000 + 21,000 + 63,000 = 100,000 yuan, capped at 80,000 yuan = 8,000,000 fen.
    for (const p of [0, 1]) {
      const paid = claims.filter((c) => c.personId === `PR-${p}`).reduce((s, c) => s + c.assessment.payout, 0);
      expect(paid).toBe(8_000_000);
    }
  });
});
