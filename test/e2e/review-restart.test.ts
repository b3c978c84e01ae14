/**
 * A returned claim across a restart of the embedded system (same data directory): the re-run execution replays
 * the return and waits for the amendment again, the amendment still works, and the amendment deadline is the one
 * set before the restart, not a fresh one (the wait is shortened by CDK context to 20 s; 30 days by default).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startEmbedded, type Embedded } from '../../embedded/runtime.js';
import { client, type Reply } from '../support/server.js';

const RETURN_SECONDS = 20;
const dataDir = mkdtempSync(join(tmpdir(), 'fangpin-review-restart-'));
const start = () =>
  startEmbedded({
    dataDir,
    port: 0,
    dynamoEndpoint: inject('dynamoEndpoint'),
    tablePrefix: 'review-restart-',
    retryIntervalScale: 0.001,
    context: { 'fangpin:returnTimeoutSeconds': String(RETURN_SECONDS) },
  });
let system: Embedded | undefined;

afterAll(async () => {
  await system?.stop();
});

const household = (n: number) => ({
  householdId: `HRR-${n}`,
  schemeId: 'xiaogan-2024',
  county: '420902',
  category: 'LIFTED_OUT',
  verifiedYear: 2024,
  members: [{ personId: `PRR-${n}` }],
  enrollment: { products: ['MEDICAL'], start: '2024-01-01', end: '2024-12-31' },
});
// 3,000,000 above the deductible: 2,000,000 × 80% + 1,000,000 × 70% = 2,300,000 fen, above the review threshold.
const claim = (n: number, totalCost = 3_500_000) => ({
  schemeId: 'xiaogan-2024',
  product: 'MEDICAL',
  householdId: `HRR-${n}`,
  personId: `PRR-${n}`,
  incidentDate: '2024-05-03',
  details: { hospitalCode: 'H', invoiceNo: `RR-${n}`, totalCost },
});

describe('a returned claim across a restart', () => {
  it('waits for its amendment again, takes it, and keeps the first amendment deadline', { timeout: 180_000 }, async () => {
    system = await start();
    let api = client(system);
    expect((await api.call('POST', '/households', { role: 'admin', body: [household(1), household(2)] })).status).toBe(200);
    const ids: string[] = [];
    for (const n of [1, 2]) {
      const r = await api.call('POST', '/claims', { role: 'submitter', body: claim(n) });
      expect(r.status).toBe(202);
      ids.push(r.body.claimId as string);
    }
    const [amended, expiring] = ids as [string, string];
    for (const id of ids) {
      await api.waitForStatus(id, ['PENDING_REVIEW']);
      expect((await api.review(id, 'RETURN', 'need the discharge summary', { reasonCode: 'DOCUMENTS_INCOMPLETE' })).status).toBe(200);
      await api.waitForStatus(id, ['RETURNED']);
    }
    // Let both amendment waits begin (their tokens stored), then some time pass before the stop.
    await new Promise((r) => setTimeout(r, 4000));
    await system.stop();
    system = await start();
    api = client(system);

    // The amendment still reaches the (re-run) execution: a new wait, a new token.
    let ok: Reply;
    for (let i = 0; ; i++) {
      ok = await api.call('POST', `/claims/${amended}/amend`, {
        role: 'submitter',
        body: { details: { hospitalCode: 'H', invoiceNo: 'RR-1', totalCost: 3_000_000 } },
      });
      if (ok.status !== 409 || i > 400) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(ok.status, JSON.stringify(ok.body)).toBe(202);
    // 2,500,000 above the deductible: 2,000,000 × 80% + 500,000 × 70% = 1,950,000, under the threshold: paid.
    expect((await api.waitForStatus(amended, ['SETTLING'], 30_000)).body.assessment.payout).toBe(1_950_000);

    const closed = (await api.waitForStatus(expiring, ['REJECTED'], 60_000)).body;
    expect(closed.reasonCode).toBe('RETURN_EXPIRED');
    const h = await api.call('GET', `/claims/${expiring}/history`, { role: 'auditor' });
    const events = h.body.events as Array<{ type: string; timestamp: string | number; taskScheduledEventDetails?: { parameters: string } }>;
    expect(events.filter((e) => e.type === 'ExecutionStarted')).toHaveLength(2);
    const amendWaits = events.filter((e) => e.type === 'TaskScheduled' && e.taskScheduledEventDetails?.parameters.includes('"stage":"AMEND"'));
    expect(amendWaits).toHaveLength(2); // before the restart, and again in the re-run
    const timedOut = events.find((e) => e.type === 'TaskTimedOut');
    expect(timedOut).toBeDefined();
    const waited = new Date(timedOut!.timestamp).getTime() - new Date(amendWaits[0]!.timestamp).getTime();
    // A fresh 20 s after the restart would be 24 s or more after the first wait began.
    expect(waited).toBeGreaterThanOrEqual(RETURN_SECONDS * 1000 - 50);
    expect(waited).toBeLessThan((RETURN_SECONDS + 3.5) * 1000);
  });
});
