/**
 * Issue 17 §4 over HTTP on the embedded system: an objection to a claim not yet PAID takes it back to review with
 * reason OBJECTION, also when it is SETTLING and no insurer has confirmed payment. Its settlements are withdrawn
 * (a signed `settlement.withdrawn` webhook to the insurers told of them), a new execution waits for review, and a
 * new approval settles once under new settlement ids, then PAID, caps and figures exact. An objection racing with
 * an insurer's confirmation: whichever is written first wins, the other is told (409, or the audit sample).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { Webhook } from 'standardwebhooks';
import type { Embedded } from '../../embedded/runtime.js';
import { documentClient, tableName } from '../../functions/shared/aws.js';
import { chainFigures, reconcileFigures, StoredFigures } from '../../core/audit-figures.js';
import { client, startTestSystem, type Reply } from '../support/server.js';
import { receiver, until } from './scenarios/core.js';

process.env.FANGPIN_WEBHOOK_RETRY_SCHEDULE = '0.2,0.2,0.2';
process.env.FANGPIN_WEBHOOK_POLL_MS = '50';

const INSURERS = ['XG-POOL-1', 'XG-POOL-2', 'XG-POOL-3'];
const household = (n: number) => ({
  householdId: `HW-${n}`,
  schemeId: 'xiaogan-2024',
  county: '420902', // no uplift
  category: 'LIFTED_OUT',
  verifiedYear: 2024,
  members: [{ personId: `PW-${n}` }],
  enrollment: { products: ['MEDICAL'], start: '2024-01-01', end: '2024-12-31' },
});
const ROUNDS = 4;
const HOUSEHOLDS = Array.from({ length: 2 + ROUNDS }, (_, i) => household(i + 1));

let invoices = 0;
// self-pay 1,000,000 → 500,000 above the deductible × 80% = 400,000 fen, below the review threshold: paid at once,
// split 40/35/25% over the pool: 160,000 / 140,000 / 100,000.
const medical = (n: number) => ({
  schemeId: 'xiaogan-2024',
  product: 'MEDICAL',
  householdId: `HW-${n}`,
  personId: `PW-${n}`,
  incidentDate: '2024-05-03',
  details: { hospitalCode: 'HOSP-W', invoiceNo: `WD-${++invoices}`, totalCost: 1_000_000 },
});
const PAYOUT = 400_000;

let system: Embedded;
let api: ReturnType<typeof client>;
const hook = receiver();
const secrets = new Map<string, string>();

interface Event {
  type: string;
  data: { settlementId: string; claimId: string; insurerId: string; amount: number };
}
/** The webhooks received for a claim, each verified with its insurer's secret by the Standard Webhooks library. */
function eventsOf(claimId: string): Event[] {
  const seen = new Map<string, Event>(); // at least once: deduplicated on webhook-id, as a receiver must
  for (const m of hook.received) {
    const e = JSON.parse(m.body) as Event;
    if (e.data.claimId !== claimId) continue;
    const verified = new Webhook(secrets.get(e.data.insurerId) ?? '').verify(m.body, m.headers) as Event;
    seen.set(m.headers['webhook-id'] ?? '', verified);
  }
  return [...seen.values()];
}

async function accumulator(personId: string): Promise<{ selfPay?: number; paid?: number }> {
  const acc = await documentClient().send(
    new GetCommand({ TableName: tableName('accumulators'), Key: { pk: `ACC#P#xiaogan-2024#${personId}#MEDICAL#2024` }, ConsistentRead: true }),
  );
  return (acc.Item?.counters ?? {}) as { selfPay?: number; paid?: number };
}

async function settlingClaim(
  n: number,
): Promise<{ claimId: string; settlements: Array<{ settlementId: string; insurerId: string; amount: number }> }> {
  const r = await api.call('POST', '/claims', { role: 'submitter', body: medical(n) });
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  const claim = (await api.waitForStatus(r.body.claimId, ['SETTLING'])).body;
  return { claimId: claim.claimId, settlements: claim.settlements };
}

const confirm = (s: { settlementId: string; insurerId: string }, reference = `REF-${s.settlementId}`): Promise<Reply> =>
  api.call('POST', `/settlements/${s.settlementId}/confirm`, {
    role: 'insurer',
    insurerId: s.insurerId,
    body: { paidAt: new Date().toISOString(), reference },
  });

async function auditOf(claimId: string) {
  const a = await api.call('GET', `/claims/${claimId}/audit`, { role: 'auditor' });
  expect(a.status).toBe(200);
  expect(a.body.verified).toBe(true);
  return a.body as { records: Array<{ step: string; decision: string | null; figures?: Record<string, unknown> }>; stored: unknown };
}

beforeAll(async () => {
  const url = await hook.listen();
  system = await startTestSystem('withdraw');
  api = client(system);
  expect((await api.call('POST', '/households', { role: 'admin', body: HOUSEHOLDS })).status).toBe(200);
  for (const insurerId of INSURERS) {
    const ep = await api.call('POST', '/webhook-endpoints', { role: 'admin', body: { insurerId, url } });
    expect(ep.status).toBe(201);
    secrets.set(insurerId, ep.body.secret);
  }
}, 120_000);
afterAll(async () => {
  await system?.stop();
  await hook.close();
});

describe('an objection to a SETTLING claim no insurer has confirmed', () => {
  it('withdraws its settlements, takes it back to review with OBJECTION; a new approval settles once, then PAID', async () => {
    const { claimId, settlements: first } = await settlingClaim(1);
    expect(first.map((s) => s.amount)).toEqual([160_000, 140_000, 100_000]);
    await until('three settlement.created', async () => (eventsOf(claimId).length === 3 ? true : undefined));
    expect(await accumulator('PW-1')).toEqual({ selfPay: 1_000_000, paid: PAYOUT });

    const o = await api.call('POST', `/claims/${claimId}/objections`, { role: 'admin', body: { text: '家中另有收入，情况不实' } });
    expect(o.status, JSON.stringify(o.body)).toBe(201);
    expect(o.body).toMatchObject({ status: 'SETTLING', outcome: 'REVIEW', withdrawn: first.map((s) => s.settlementId) });

    const waiting = (await api.waitForStatus(claimId, ['PENDING_REVIEW'])).body;
    expect(waiting.assessment).toMatchObject({ payout: PAYOUT, reviewReasons: ['OBJECTION'] });
    expect(waiting).toMatchObject({ allocations: [], review: null, withdrawals: 1, redrives: 1 });
    expect(waiting.settlements.map((s: { status: string }) => s.status)).toEqual(['WITHDRAWN', 'WITHDRAWN', 'WITHDRAWN']);
    // The holds stay while it waits, as for any claim in review: nothing released, nothing held twice.
    expect(await accumulator('PW-1')).toEqual({ selfPay: 1_000_000, paid: PAYOUT });
    const queue = await api.call('GET', '/claims?status=PENDING_REVIEW&reviewReason=OBJECTION', { role: 'reviewer' });
    expect(queue.body.items.map((c: { claimId: string }) => c.claimId)).toContain(claimId);
    // Out of the public notice until approved again.
    const today = new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10);
    const notice = await api.call('GET', `/reports/public-notice?schemeId=xiaogan-2024&from=${today}&to=${today}`, { role: 'auditor' });
    expect(notice.body.items.map((i: { claimId: string }) => i.claimId)).not.toContain(claimId);

    // A withdrawn settlement cannot be confirmed: 409 problem+json naming it.
    const late = await confirm(first[0]!);
    expect(late.status).toBe(409);
    expect(late.headers.get('content-type')).toContain('application/problem+json');
    expect(late.body).toMatchObject({
      type: 'https://fangpin.dev/problems/settlement-withdrawn',
      title: '结算单已撤回',
      errors: [{ path: 'settlementId' }],
    });
    expect(late.body.errors[0].message).toContain('WITHDRAWN');

    // The insurers told of the settlements are told they are withdrawn, signed like the others.
    const withdrawn = await until('three settlement.withdrawn', async () => {
      const got = eventsOf(claimId).filter((e) => e.type === 'settlement.withdrawn');
      return got.length === 3 ? got : undefined;
    });
    expect(withdrawn.map((e) => [e.data.settlementId, e.data.insurerId, e.data.amount]).sort()).toEqual(
      first.map((s) => [s.settlementId, s.insurerId, s.amount]).sort(),
    );

    const approved = await api.review(claimId, 'APPROVE', '异议已核实，情况属实', { sub: 'wang.fang' });
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    const again = (await api.waitForStatus(claimId, ['SETTLING'])).body;
    const live = again.settlements.filter((s: { status: string }) => s.status !== 'WITHDRAWN');
    expect(live).toHaveLength(3); // never two live settlements for one claim per insurer
    expect(live.map((s: { amount: number }) => s.amount).reduce((a: number, b: number) => a + b, 0)).toBe(PAYOUT);
    for (const s of live) expect(first.map((f) => f.settlementId)).not.toContain(s.settlementId);
    expect(again.allocations.map((a: { amount: number }) => a.amount)).toEqual([160_000, 140_000, 100_000]);
    for (const s of live) expect((await confirm(s)).status).toBe(200);
    const paid = (await api.waitForStatus(claimId, ['PAID'])).body;
    expect(paid.reviews.map((r: { decision: string }) => r.decision)).toEqual(['APPROVE']);
    expect(await accumulator('PW-1')).toEqual({ selfPay: 1_000_000, paid: PAYOUT });

    // The webhook sequence each insurer saw: created, withdrawn, created (the new settlement).
    await until('the new settlement.created', async () => (eventsOf(claimId).length === 9 ? true : undefined));
    for (const insurerId of INSURERS) {
      const mine = eventsOf(claimId).filter((e) => e.data.insurerId === insurerId);
      const old = first.find((s) => s.insurerId === insurerId)!.settlementId;
      const fresh = live.find((s: { insurerId: string }) => s.insurerId === insurerId).settlementId;
      expect(mine.map((e) => `${e.type} ${e.data.settlementId}`).sort()).toEqual(
        [`settlement.created ${old}`, `settlement.withdrawn ${old}`, `settlement.created ${fresh}`].sort(),
      );
    }

    // The auditor sees both executions: the first ends at Settling, the objection's waits for review, then settles.
    const h = await api.call('GET', `/claims/${claimId}/history`, { role: 'auditor' });
    expect(h.status).toBe(200);
    expect(h.body.status).toBe('SUCCEEDED');
    expect(h.body.redrives).toHaveLength(1);
    const names = (events: Array<{ type: string; stateEnteredEventDetails?: { name: string } }>) =>
      events.filter((e) => e.type === 'TaskStateEntered').map((e) => e.stateEnteredEventDetails?.name);
    expect(names(h.body.events)).not.toContain('Review');
    expect(names(h.body.redrives[0].events)).toEqual(['Intake', 'Eligibility', 'Assessment', 'Review', 'Split', 'Payout']);
    expect(h.body.redrives[0].status).toBe('SUCCEEDED');

    // The chain: the objection states what it withdrew; the new round's figures reconcile with the store.
    const audit = await auditOf(claimId);
    const objection = audit.records.find((r) => r.step === 'Objection');
    expect(objection).toMatchObject({
      decision: 'OBJECTION:REVIEW',
      figures: { withdrawn: first.map((s) => ({ settlementId: s.settlementId, insurerId: s.insurerId, amount: s.amount })) },
    });
    expect(audit.records.filter((r) => r.step === 'Payout')).toHaveLength(2);
    expect(reconcileFigures(chainFigures(audit.records as never), StoredFigures.parse(audit.stored))).toEqual([]);
  });

  it('once any insurer has confirmed, the claim counts as paid: audit sample, nothing withdrawn', async () => {
    const { claimId, settlements } = await settlingClaim(2);
    expect((await confirm(settlements[0]!)).status).toBe(200);
    const o = await api.call('POST', `/claims/${claimId}/objections`, { role: 'admin', body: { text: '重复申请' } });
    expect(o.body).toMatchObject({ status: 'SETTLING', outcome: 'AUDIT_SAMPLE' });
    expect(o.body.withdrawn).toBeUndefined();
    const after = (await api.call('GET', `/claims/${claimId}`, { role: 'auditor' })).body;
    expect(after.status).toBe('SETTLING');
    expect(after.settlements.map((s: { status: string }) => s.status)).toEqual(['CONFIRMED', 'PENDING', 'PENDING']);
    for (const s of settlements.slice(1)) expect((await confirm(s)).status).toBe(200);
    await api.waitForStatus(claimId, ['PAID']);
  });

  it('an objection racing a confirmation: whichever is written first wins, the other is told; nothing paid twice', async () => {
    const winners: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const n = 3 + round;
      const { claimId, settlements } = await settlingClaim(n);
      const [o, c] = await Promise.all([
        api.call('POST', `/claims/${claimId}/objections`, { role: 'admin', body: { text: `异议 ${round}` } }),
        confirm(settlements[round % settlements.length]!),
      ]);
      expect(o.status, JSON.stringify(o.body)).toBe(201);
      const claim = (await api.call('GET', `/claims/${claimId}`, { role: 'auditor' })).body;
      if (o.body.outcome === 'REVIEW') {
        // The withdrawal came first: the confirmation is refused, no settlement is confirmed.
        winners.push('objection');
        expect(c.status, JSON.stringify(c.body)).toBe(409);
        expect(c.body.type).toBe('https://fangpin.dev/problems/settlement-withdrawn');
        expect(claim.settlements.map((s: { status: string }) => s.status)).toEqual(['WITHDRAWN', 'WITHDRAWN', 'WITHDRAWN']);
        await api.waitForStatus(claimId, ['PENDING_REVIEW']);
        const r = await api.review(claimId, 'REJECT', '异议属实', { reasonCode: 'NOT_AS_DECLARED' });
        expect(r.status, JSON.stringify(r.body)).toBe(200);
        await api.waitForStatus(claimId, ['REJECTED']);
        expect(await accumulator(`PW-${n}`)).toEqual({ selfPay: 0, paid: 0 }); // released exactly
      } else {
        // The confirmation came first: the claim counts as paid, the objection goes to the audit sample.
        winners.push('confirmation');
        expect(o.body.outcome).toBe('AUDIT_SAMPLE');
        expect(c.status, JSON.stringify(c.body)).toBe(200);
        expect(claim.status).toBe('SETTLING');
        expect(claim.settlements.filter((s: { status: string }) => s.status === 'CONFIRMED')).toHaveLength(1);
        expect(claim.settlements.filter((s: { status: string }) => s.status === 'WITHDRAWN')).toHaveLength(0);
        expect(await accumulator(`PW-${n}`)).toEqual({ selfPay: 1_000_000, paid: PAYOUT });
      }
      const audit = await auditOf(claimId);
      expect(audit.records.filter((r) => r.step === 'Confirm')).toHaveLength(winners.at(-1) === 'confirmation' ? 1 : 0);
      expect(reconcileFigures(chainFigures(audit.records as never), StoredFigures.parse(audit.stored))).toEqual([]);
    }
    console.log(`objection vs confirmation, first written: ${winners.join(', ')}`);
  }, 120_000);
});
