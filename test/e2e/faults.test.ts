/**
 * Fault drill: 20% of store requests fail (half of them after the write succeeded; the SDK retries them as it
 * would a real 503). Every claim still ends in a
 * terminal state through the state machine's Retry (the few that fail are redriven until none is FAILED),
 * nothing is paid twice, and the year-to-date accumulators hold exactly what the decided claims used.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Embedded } from '../../embedded/runtime.js';
import { client, startTestSystem, type Reply } from '../support/server.js';
import { documentClient, tableName } from '../../functions/shared/aws.js';
import { chainFigures, reconcileFigures, StoredFigures } from '../../core/audit-figures.js';
import { recomputeReportTotals } from '../../functions/shared/report-rebuild.js';
import { reportItemKey } from '../../functions/shared/report-aggregates.js';

process.env.FANGPIN_FAULT_RATE = process.env.FANGPIN_FAULT_RATE ?? '0.2';

let system: Embedded;
let api: ReturnType<typeof client>;
const PEOPLE = 4;
const CLAIMS = 40;
const TERMINAL = ['SETTLING', 'CLOSED_NO_PAYOUT', 'REJECTED', 'FAILED'];

async function persist<T>(f: () => Promise<T>, ok: (v: T) => boolean, tries = 50): Promise<T> {
  let last: T | undefined;
  for (let i = 0; i < tries; i++) {
    try {
      last = await f();
      if (ok(last)) return last;
    } catch {
      // an injected fault in this process's own reads: try again
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`gave up: ${JSON.stringify(last)}`);
}

beforeAll(async () => {
  system = await startTestSystem('faults');
  api = client(system);
  const households = Array.from({ length: PEOPLE }, (_, i) => ({
    householdId: `HF-${i}`,
    schemeId: 'xiaogan-2024',
    county: '420902',
    category: 'LIFTED_OUT',
    verifiedYear: 2024,
    members: [{ personId: `PF-${i}` }],
    enrollment: { products: ['MEDICAL'], start: '2024-01-01', end: '2024-12-31' },
  }));
  await persist(
    () => api.call('POST', '/households', { role: 'admin', body: households }),
    (r) => r.status === 200,
  );
});

afterAll(async () => {
  await system?.stop();
});

describe('with 20% of store requests failing', () => {
  it('every claim reaches a terminal state, nothing is paid twice, caps hold exactly', { timeout: 120_000 }, async () => {
    // The drill is only a drill if the faults are in: the embedded runtime installed them on the store client
    // (embedded/sdk/faults.ts, through aws.ts's decorator hook).
    expect(documentClient().middlewareStack.identify().join('\n')).toContain('fangpinFaultInjection');
    const ids = await Promise.all(
      Array.from({ length: CLAIMS }, async (_, i) => {
        const body = {
          schemeId: 'xiaogan-2024',
          product: 'MEDICAL',
          householdId: `HF-${i % PEOPLE}`,
          personId: `PF-${i % PEOPLE}`,
          incidentDate: '2024-05-03',
          details: { hospitalCode: 'HF', invoiceNo: `F-${i}`, totalCost: 700_000 + i * 10_000 },
        };
        // A client retries a failed submission with the same Idempotency-Key, as the contract asks.
        const r = await persist(
          () => api.call('POST', '/claims', { role: 'submitter', body, headers: { 'idempotency-key': `fault-${i}` } }),
          (x: Reply) => x.status === 202,
        );
        return r.body.claimId as string;
      }),
    );
    expect(new Set(ids).size).toBe(CLAIMS);
    let claims = await Promise.all(ids.map((id) => api.waitForStatus(id, TERMINAL, 90_000).then((r) => r.body)));
    const failed = claims.filter((c) => c.status === 'FAILED');
    expect(failed.length).toBeLessThanOrEqual(CLAIMS / 10);
    // Nothing lost: every FAILED claim is redriven (faults still on) until none is left, and the checks below
    // then prove the redrives held and paid nothing twice. A claim not decided 30 s after a redrive may be stuck
    // (its execution failed and so did RecordFailure's retries): redriving it is how it gets out.
    const DECIDED = ['SETTLING', 'CLOSED_NO_PAYOUT', 'REJECTED'];
    for (let round = 0; round < 8 && claims.some((c) => !DECIDED.includes(c.status)); round++) {
      for (const c of claims.filter((x) => !DECIDED.includes(x.status))) {
        await persist(
          () => api.call('POST', `/claims/${c.claimId}/redrive`, { role: 'admin', body: { note: 'fault drill' } }),
          (r: Reply) => r.status === 202 || r.status === 409,
        );
      }
      claims = await Promise.all(
        claims.map((c) =>
          DECIDED.includes(c.status)
            ? c
            : api.waitForStatus(c.claimId, TERMINAL, 30_000).then(
                (r) => r.body,
                () => c,
              ),
        ),
      );
    }
    expect(claims.filter((c) => !DECIDED.includes(c.status)).map((c) => `${c.claimId} ${c.status}`)).toEqual([]);
    for (const c of claims.filter((x) => x.status === 'SETTLING')) {
      const s = await persist(
        () => api.call('GET', `/settlements?claimId=${c.claimId}`, { role: 'auditor' }),
        (r) => r.status === 200,
      );
      expect(s.body.items).toHaveLength(3);
      expect(s.body.items.reduce((sum: number, x: { amount: number }) => sum + x.amount, 0)).toBe(c.assessment.payout);
    }
    for (const id of ids) {
      const audit = await persist(
        () => api.call('GET', `/claims/${id}/audit`, { role: 'auditor' }),
        (r) => r.status === 200,
      );
      expect(audit.body.verified, id).toBe(true);
      // Retried and redriven steps left one statement of each figure, and it is what the store holds.
      expect(reconcileFigures(chainFigures(audit.body.records), StoredFigures.parse(audit.body.stored)), id).toEqual([]);
    }
    for (let p = 0; p < PEOPLE; p++) {
      const acc = await persist(
        () =>
          documentClient().send(
            new GetCommand({ TableName: tableName('accumulators'), Key: { pk: `ACC#P#xiaogan-2024#PF-${p}#MEDICAL#2024` }, ConsistentRead: true }),
          ),
        () => true,
      );
      const mine = claims.filter((c) => c.personId === `PF-${p}` && c.assessment && c.status !== 'REJECTED');
      expect(acc.Item?.counters.paid).toBe(mine.reduce((s, c) => s + c.assessment.payout, 0));
      expect(acc.Item?.counters.selfPay).toBe(mine.reduce((s, c) => s + c.details.totalCost, 0));
    }
  });

  it('the report totals kept with each move equal a rebuild from the claims; check finds a tampered figure and rebuild mends it', {
    timeout: 120_000,
  }, async () => {
    // Runs after the drill above: its retried steps, redrives and failures all moved the totals incrementally.
    const recompute = (write: boolean) =>
      persist(
        () => recomputeReportTotals({ write }),
        () => true,
      );
    const incremental = await persist(
      () => api.call('GET', '/reports/summary?schemeId=xiaogan-2024&year=2024', { role: 'auditor' }),
      (r) => r.status === 200,
    );
    expect(incremental.body.claims.count).toBe(CLAIMS);
    expect((await recompute(false)).differences).toEqual([]);
    // A figure made wrong behind the store's back: check names it, rebuild brings it back, the report is as before.
    await persist(
      () =>
        documentClient().send(
          new UpdateCommand({
            TableName: tableName('reports'),
            Key: { pk: reportItemKey('xiaogan-2024', '2024', 7) },
            UpdateExpression: 'ADD #n :five',
            ExpressionAttributeNames: { '#n': 'n|MEDICAL|420902|SETTLING' },
            ExpressionAttributeValues: { ':five': 5 },
          }),
        ),
      () => true,
    );
    expect((await recompute(false)).differences).toEqual([
      {
        key: reportItemKey('xiaogan-2024', '2024', 7),
        counter: 'n|MEDICAL|420902|SETTLING',
        stored: expect.any(Number),
        recomputed: expect.any(Number),
      },
    ]);
    expect((await recompute(true)).written).toBe(1);
    expect((await recompute(false)).differences).toEqual([]);
    const after = await persist(
      () => api.call('GET', '/reports/summary?schemeId=xiaogan-2024&year=2024', { role: 'auditor' }),
      (r) => r.status === 200,
    );
    expect(after.body).toEqual(incremental.body);
  });
});
