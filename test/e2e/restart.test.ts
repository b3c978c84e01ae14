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
        const body = {
          schemeId: 'xiaogan-2024',
          product: 'MEDICAL',
          householdId: `HR-${i % 2}`,
          personId: `PR-${i % 2}`,
          incidentDate: '2024-05-03',
          details: { hospitalCode: 'HR', invoiceNo: `R-${i}`, totalCost: 800_000 },
        };
        const r = await api.call('POST', '/claims', { role: 'submitter', body });
        expect(r.status).toBe(202);
        return r.body.claimId as string;
      }),
    );
    await system.stop(); // executions in flight stay RUNNING on disk
    system = await start();
    api = client(system);
    const claims = await Promise.all(
      ids.map((id) => api.waitForStatus(id, ['SETTLING', 'CLOSED_NO_PAYOUT', 'REJECTED', 'FAILED'], 60_000).then((r) => r.body)),
    );
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

  it('an index event cut off mid fan-out files every claim once after the restart; its slices are not run twice', { timeout: 120_000 }, async () => {
    system = await start();
    let api = client(system);
    const N = 400;
    const households = Array.from({ length: N }, (_, i) => ({
      householdId: `HRX-${String(i).padStart(4, '0')}`,
      schemeId: 'xiaogan-2024',
      county: '420982',
      category: 'LIFTED_OUT',
      verifiedYear: 2024,
      members: [{ personId: `PRX-${i}` }],
      enrollment: { products: ['INDUSTRY'], start: '2024-01-01', end: '2024-12-31', insured: { area_mu: 1 + (i % 20) } },
    }));
    expect((await api.call('POST', '/households', { role: 'admin', body: households })).status).toBe(200);
    const weather = {
      kind: 'WEATHER',
      schemeId: 'xiaogan-2024',
      county: '420982',
      period: { start: '2024-08-01', end: '2024-08-03' },
      rainfallMm: 260,
    };
    // The answer waits for the fan-out; it is not awaited: the system is stopped while the fan-out runs.
    void api.call('POST', '/index-events', { role: 'admin', body: weather }).catch(() => undefined);
    let eventId = '';
    let seen: { status: string; created: number } | undefined;
    for (let i = 0; i < 2000 && !(seen && seen.created > 0); i++) {
      await new Promise((r) => setTimeout(r, 10));
      const list = await api.call('GET', '/index-events', { role: 'auditor' });
      eventId = list.body.items.find((e: { observation: { county: string } }) => e.observation.county === '420982')?.eventId ?? '';
      if (eventId) seen = (await api.call('GET', `/index-events/${eventId}`, { role: 'auditor' })).body;
    }
    expect(seen?.status).toBe('FANNING_OUT'); // really cut off mid-way (else this test proves nothing)
    expect(seen?.created).toBeLessThan(N);
    await system.stop();

    system = await start();
    api = client(system);
    let done: { status: string; created: number; decided: number; done: boolean; claimsFiled: number } | undefined;
    for (let i = 0; i < 600 && !done?.done; i++) {
      await new Promise((r) => setTimeout(r, 100));
      done = (await api.call('GET', `/index-events/${eventId}`, { role: 'auditor' })).body;
    }
    expect(done).toMatchObject({ status: 'CREATED', created: N, decided: N, claimsFiled: N, done: true });
    const history = (await api.call('GET', `/index-events/${eventId}/history`, { role: 'auditor' })).body;
    // The restarted fan-out found the slice executions it had started: still 16, each SUCCEEDED, N households in all.
    expect(history.slices).toHaveLength(16);
    expect(history.slices.every((sl: { status: string }) => sl.status === 'SUCCEEDED')).toBe(true);
    expect(history.slices.reduce((n: number, sl: { householdsFiled: number }) => n + sl.householdsFiled, 0)).toBe(N);
    expect(history.events.filter((e: { type: string }) => e.type === 'ExecutionStarted').length).toBe(2);
    // One claim per household, none twice.
    let cursor: string | null = null;
    const households_: string[] = [];
    do {
      const page: { body: { claims: Array<{ householdId: string }>; nextCursor?: string | null } } = await api.call(
        'GET',
        `/index-events/${eventId}?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
        { role: 'auditor' },
      );
      households_.push(...page.body.claims.map((c) => c.householdId));
      cursor = page.body.nextCursor ?? null;
    } while (cursor);
    expect(households_.length).toBe(N);
    expect(new Set(households_).size).toBe(N);
  });
});
