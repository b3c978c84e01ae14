/**
 * Two reviewers decide the same claim at the same moment (issue 17 §1), over HTTP on the embedded system: the
 * decision commits conditional on the very wait both saw (its task token), so exactly one takes effect and the
 * other gets a 409 problem+json; the history and the audit chain show one decision; nothing is paid twice.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Embedded } from '../../embedded/runtime.js';
import { documentClient, tableName } from '../../functions/shared/aws.js';
import { chainFigures, reconcileFigures, StoredFigures } from '../../core/audit-figures.js';
import { client, startTestSystem } from '../support/server.js';

const ROUNDS = 6;
const HOUSEHOLDS = Array.from({ length: ROUNDS }, (_, i) => ({
  householdId: `HR-${i}`,
  schemeId: 'xiaogan-2024',
  county: '420902', // no uplift
  category: 'LIFTED_OUT',
  verifiedYear: 2024,
  members: [{ personId: `PR-${i}` }],
  enrollment: { products: ['MEDICAL'], start: '2024-01-01', end: '2024-12-31' },
}));
// self-pay 3,500,000 → 3,000,000 above the deductible: 2,000,000 × 80% + 1,000,000 × 70% = 2,300,000 fen, above the
// 2,000,000 review threshold and within a level 3 reviewer's authority.
const PAYOUT = 2_300_000;

let system: Embedded;
let api: ReturnType<typeof client>;

async function accumulator(personId: string): Promise<{ selfPay?: number; paid?: number }> {
  const acc = await documentClient().send(
    new GetCommand({ TableName: tableName('accumulators'), Key: { pk: `ACC#P#xiaogan-2024#${personId}#MEDICAL#2024` }, ConsistentRead: true }),
  );
  return (acc.Item?.counters ?? {}) as { selfPay?: number; paid?: number };
}

beforeAll(async () => {
  system = await startTestSystem('review-race');
  api = client(system);
  expect((await api.call('POST', '/households', { role: 'admin', body: HOUSEHOLDS })).status).toBe(200);
}, 120_000);
afterAll(async () => {
  await system?.stop();
});

describe('two reviewers racing on one review wait', () => {
  it('exactly one decision takes effect, the other is a 409 problem+json; one decision in the history; paid once', async () => {
    const winners: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const r = await api.call('POST', '/claims', {
        role: 'submitter',
        body: {
          schemeId: 'xiaogan-2024',
          product: 'MEDICAL',
          householdId: `HR-${round}`,
          personId: `PR-${round}`,
          incidentDate: '2024-05-03',
          details: { hospitalCode: 'HOSP-R', invoiceNo: `RR-${round}`, totalCost: 3_500_000 },
        },
      });
      expect(r.status).toBe(202);
      const claimId = r.body.claimId as string;
      await api.waitForStatus(claimId, ['PENDING_REVIEW']);
      // Odd rounds: one approves while the other rejects; even rounds: both approve.
      const second = round % 2 === 1 ? ('REJECT' as const) : ('APPROVE' as const);
      const [a, b] = await Promise.all([
        api.review(claimId, 'APPROVE', '核实无误', { sub: 'li.hua', level: 3 }),
        api.review(claimId, second, second === 'REJECT' ? '材料不实' : '同意', {
          sub: 'zhao.min',
          level: 3,
          ...(second === 'REJECT' ? { reasonCode: 'NOT_AS_DECLARED' } : {}),
        }),
      ]);
      const statuses = [a.status, b.status].sort();
      expect(statuses, JSON.stringify([a.body, b.body])).toEqual([200, 409]);
      const [won, lost] = a.status === 200 ? [a, b] : [b, a];
      expect(lost.headers.get('content-type')).toContain('application/problem+json');
      // Either the loser read the winner's decision, or the workflow had already moved the claim on.
      expect(['https://fangpin.dev/problems/already-reviewed', 'https://fangpin.dev/problems/not-pending-review']).toContain(lost.body.type);
      winners.push(`${won.body.reviewer}:${won.body.decision}`);

      const end = (await api.waitForStatus(claimId, won.body.decision === 'APPROVE' ? ['SETTLING'] : ['REJECTED'])).body;
      expect(end.reviews).toHaveLength(1);
      expect(end.reviews[0]).toMatchObject({ reviewer: won.body.reviewer, decision: won.body.decision });
      const h = await api.call('GET', `/claims/${claimId}/history`, { role: 'auditor' });
      const exited = (h.body.events as Array<{ type: string; stateExitedEventDetails?: { name: string } }>).filter(
        (e) => e.type === 'TaskStateExited' && ['Review', 'FinalReview'].includes(e.stateExitedEventDetails?.name ?? ''),
      );
      expect(exited.map((e) => e.stateExitedEventDetails?.name)).toEqual(['Review']);
      const audit = await api.call('GET', `/claims/${claimId}/audit`, { role: 'auditor' });
      expect(audit.body.verified).toBe(true);
      const records = audit.body.records as Array<{ step: string; actor: string }>;
      expect(records.filter((x) => x.step.startsWith('Review') && x.step !== 'Review').map((x) => x.actor)).toEqual([
        `reviewer:${won.body.reviewer}`,
      ]);
      expect(reconcileFigures(chainFigures(records as never), StoredFigures.parse(audit.body.stored))).toEqual([]);
      if (won.body.decision === 'APPROVE') {
        expect(records.filter((x) => x.step === 'Payout')).toHaveLength(1);
        expect(end.settlements.map((s: { amount: number }) => s.amount).reduce((x: number, y: number) => x + y, 0)).toBe(PAYOUT);
        expect(await accumulator(`PR-${round}`)).toEqual({ selfPay: 3_500_000, paid: PAYOUT });
      } else {
        expect(end.settlements).toEqual([]);
        expect(await accumulator(`PR-${round}`)).toEqual({ selfPay: 0, paid: 0 });
      }
    }
    console.log(`review race winners: ${winners.join(', ')}`);
  }, 120_000);
});
