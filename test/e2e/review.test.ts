/**
 * Review as claims departments do it (issue 17, §1-2), over HTTP on the embedded system: authority limits with a
 * second token wait, four eyes, coded reasons, every decision audited; a return for information, the submitter's
 * amendment and a fresh assessment in the same execution; a return that expires.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Embedded } from '../../embedded/runtime.js';
import { documentClient, tableName } from '../../functions/shared/aws.js';
import { chainFigures, reconcileFigures, StoredFigures } from '../../core/audit-figures.js';
import { client, startTestSystem, type Reply } from '../support/server.js';

const household = (householdId: string, personId: string, extra: Record<string, unknown> = {}) => ({
  householdId,
  schemeId: 'xiaogan-2024',
  county: '420902', // no uplift
  category: 'LIFTED_OUT',
  verifiedYear: 2024,
  members: [{ personId }],
  enrollment: { products: ['MEDICAL'], start: '2024-01-01', end: '2024-12-31' },
  ...extra,
});
const HOUSEHOLDS = [
  household('HV-1', 'PV-1'),
  household('HV-2', 'PV-2'),
  household('HV-3', 'PV-3'),
  household('HV-4', 'PV-4'),
  household('HV-5', 'PV-5'),
  household('HV-6', 'PV-6'),
  {
    ...household('HV-L', 'PV-L'),
    schemeId: 'lishui-2017',
    county: '331102',
    category: 'DIBAO',
    enrollment: { products: ['LOAN_GUARANTEE'], start: '2024-01-01', end: '2024-12-31' },
  },
];

let invoices = 0;
/** A Xiaogan MEDICAL claim of `personId` in HV-<n>; no reimbursements, so self-pay = totalCost. */
const medical = (n: string, totalCost: number, invoiceNo = `RV-${++invoices}`) => ({
  schemeId: 'xiaogan-2024',
  product: 'MEDICAL',
  householdId: `HV-${n}`,
  personId: `PV-${n}`,
  incidentDate: '2024-05-03',
  details: { hospitalCode: 'HOSP-RV', invoiceNo, totalCost },
});
// self-pay 8,500,000 → 8,000,000 above the 500,000 deductible: 2,000,000 × 80% + 3,000,000 × 70% + 3,000,000 × 60%
// = 1,600,000 + 2,100,000 + 1,800,000 = 5,500,000 fen: above level 1's 5,000,000, within level 2's 20,000,000.
const ABOVE_LEVEL_1 = 8_500_000;
const ABOVE_LEVEL_1_PAYOUT = 5_500_000;

async function accumulator(personId: string): Promise<{ selfPay?: number; paid?: number }> {
  const acc = await documentClient().send(
    new GetCommand({ TableName: tableName('accumulators'), Key: { pk: `ACC#P#xiaogan-2024#${personId}#MEDICAL#2024` }, ConsistentRead: true }),
  );
  return (acc.Item?.counters ?? {}) as { selfPay?: number; paid?: number };
}

function setup(context?: Record<string, string>) {
  let system: Embedded;
  let api: ReturnType<typeof client>;
  beforeAll(async () => {
    system = await startTestSystem(context ? 'review-expiry' : 'review', context ? { context } : {});
    api = client(system);
    const r = await api.call('POST', '/households', { role: 'admin', body: HOUSEHOLDS });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  });
  afterAll(async () => {
    await system?.stop();
  });
  const submit = async (body: unknown, sub?: string): Promise<string> => {
    const r = await api.call('POST', '/claims', { role: 'submitter', sub, body });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    return r.body.claimId as string;
  };
  return { api: () => api, submit };
}

/** The task states the claim's execution entered, in order. */
async function entered(api: ReturnType<typeof client>, claimId: string): Promise<string[]> {
  const h = await api.call('GET', `/claims/${claimId}/history`, { role: 'auditor' });
  expect(h.status).toBe(200);
  return (h.body.events as Array<{ type: string; stateEnteredEventDetails?: { name: string } }>)
    .filter((e) => e.type === 'TaskStateEntered')
    .map((e) => e.stateEnteredEventDetails?.name ?? '');
}

async function auditOf(api: ReturnType<typeof client>, claimId: string) {
  const a = await api.call('GET', `/claims/${claimId}/audit`, { role: 'auditor' });
  expect(a.status).toBe(200);
  expect(a.body.verified).toBe(true);
  return a.body as {
    records: Array<{ step: string; actor: string; decision: string | null; figures?: Record<string, unknown>; inputDigest: string }>;
    stored: unknown;
  };
}

// The problem is named by its type URI (the title is in the reader's language: Chinese by default).
const TITLES_ZH: Record<string, string> = { 'Above authority limit': '超出审批权限', 'Four eyes': '违反双人复核（四眼）原则' };
const refused = (r: Reply, title: string, reason: string) => {
  expect(r.status, JSON.stringify(r.body)).toBe(403);
  expect(r.headers.get('content-type')).toContain('application/problem+json');
  const type = `https://fangpin.dev/problems/${title.toLowerCase().replace(/ /g, '-')}`;
  expect(r.body).toMatchObject({ type, title: TITLES_ZH[title], errors: [{ path: 'decision', message: reason }] });
};

describe('authority limits and four eyes', () => {
  const { api, submit } = setup();

  it('a claim above level 1 needs two approvals: a recommendation, then a higher level; both waits are in the history', async () => {
    const id = await submit(medical('1', ABOVE_LEVEL_1));
    expect((await api().waitForStatus(id, ['PENDING_REVIEW'])).body.assessment.payout).toBe(ABOVE_LEVEL_1_PAYOUT);

    const first = await api().review(id, 'APPROVE', 'bills match the hospital', { sub: 'rev-a', level: 1 });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ outcome: 'RECOMMENDED', level: 1, reviewer: 'rev-a' });
    const waiting = (await api().waitForStatus(id, ['PENDING_REVIEW'])).body;
    expect(waiting.recommendation).toMatchObject({ decision: 'RECOMMEND', reviewer: 'rev-a', level: 1 });
    expect(waiting.review).toBeNull();

    // Another level 1 may not approve it; the recommender may not give the final approval, whatever their level.
    refused(await api().review(id, 'APPROVE', '', { sub: 'rev-b', level: 1 }), 'Above authority limit', 'ABOVE_AUTHORITY_LIMIT');
    const self = await api().review(id, 'APPROVE', '', { sub: 'rev-a', level: 3 });
    refused(self, 'Four eyes', 'RECOMMENDER_MAY_NOT_APPROVE');
    expect(self.body.detail).toBe('四眼原则：rev-a 已建议批准该理赔，须由另一位审核人终审批准'); // Chinese by default

    const final = await api().review(id, 'APPROVE', 'second pair of eyes', { sub: 'rev-c', level: 2 });
    expect(final.status, JSON.stringify(final.body)).toBe(200);
    expect(final.body.outcome).toBe('APPROVED');
    const done = (await api().waitForStatus(id, ['SETTLING'])).body;
    expect(done.review).toMatchObject({ decision: 'APPROVE', reviewer: 'rev-c', level: 2 });
    expect(done.reviews.map((r: { decision: string; reviewer: string; stage: string }) => `${r.stage} ${r.decision} ${r.reviewer}`)).toEqual([
      'FIRST RECOMMEND rev-a',
      'FINAL APPROVE rev-c',
    ]);

    const states = await entered(api(), id);
    expect(states.filter((s) => s === 'Review' || s === 'FinalReview')).toEqual(['Review', 'FinalReview']);
    const audit = await auditOf(api(), id);
    const decisions = audit.records
      .filter((r) => r.step.startsWith('Review') && r.figures)
      .map((r) => ({ step: r.step, actor: r.actor, figures: r.figures }));
    expect(decisions).toEqual([
      { step: 'ReviewRecommendation', actor: 'reviewer:rev-a', figures: { reviewer: 'rev-a', level: 1, decision: 'RECOMMEND' } },
      { step: 'ReviewDecision', actor: 'reviewer:rev-c', figures: { reviewer: 'rev-c', decision: 'APPROVE', level: 2, reasonCode: null } },
    ]);
    expect(reconcileFigures(chainFigures(audit.records as never), StoredFigures.parse(audit.stored))).toEqual([]);
  });

  it("a level within its limit decides alone; a LOAN_GUARANTEE claim is measured by the insurer's share", async () => {
    // loss 7,000,000: insurer 70% = 4,900,000 (within level 1's 5,000,000) though the loss is above it.
    const loan = (loanId: string, outstandingPrincipal: number) => ({
      schemeId: 'lishui-2017',
      product: 'LOAN_GUARANTEE',
      householdId: 'HV-L',
      personId: 'PV-L',
      incidentDate: '2024-06-01',
      details: { loanId, bankId: 'BANK-LS', outstandingPrincipal, unpaidInterest: 0, recoveries: 0 },
    });
    const within = await submit(loan('LV-1', 7_000_000));
    expect((await api().waitForStatus(within, ['PENDING_REVIEW'])).body.assessment).toMatchObject({ payout: 4_900_000, bankShare: 2_100_000 });
    expect((await api().review(within, 'APPROVE', '', { sub: 'rev-l1', level: 1 })).body.outcome).toBe('APPROVED');
    await api().waitForStatus(within, ['SETTLING']);
    // loss 8,000,000: insurer 5,600,000, above level 1: a recommendation.
    const above = await submit(loan('LV-2', 8_000_000));
    expect((await api().waitForStatus(above, ['PENDING_REVIEW'])).body.assessment.payout).toBe(5_600_000);
    expect((await api().review(above, 'APPROVE', '', { sub: 'rev-l1', level: 1 })).body.outcome).toBe('RECOMMENDED');
  });

  it('four eyes: the submitter may not approve their own claim (403 saying why); another reviewer may', async () => {
    const id = await submit(medical('2', 3_500_000), 'agent-7'); // 2,300,000 > the 2,000,000 threshold
    await api().waitForStatus(id, ['PENDING_REVIEW']);
    const own = await api().review(id, 'APPROVE', '', { sub: 'agent-7', level: 3 });
    refused(own, 'Four eyes', 'SUBMITTER_MAY_NOT_APPROVE');
    expect(own.body.detail).toBe('四眼原则：agent-7 提交了该理赔，不得批准');
    // The default reviewer token (no level: level 3, sub reviewer-local) approves it.
    const ok = await api().review(id, 'APPROVE', '');
    expect(ok.body).toMatchObject({ outcome: 'APPROVED', level: 3, reviewer: 'reviewer-local' });
    await api().waitForStatus(id, ['SETTLING']);
  });

  it('reasons are coded: a rejection or return needs a note; a return a reason code; an approval none', async () => {
    const id = await submit(medical('3', 3_500_000));
    await api().waitForStatus(id, ['PENDING_REVIEW']);
    const bad = async (body: unknown, path: string) => {
      const r = await api().call('POST', `/claims/${id}/review`, { role: 'reviewer', body });
      expect(r.status, JSON.stringify(r.body)).toBe(422);
      expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    };
    await bad({ decision: 'REJECT', reasonCode: 'OTHER', note: '  ' }, 'note');
    await bad({ decision: 'RETURN', note: 'need the discharge summary' }, 'reasonCode');
    await bad({ decision: 'RETURN', reasonCode: 'LOOKS_ODD', note: 'x' }, 'reasonCode');
    await bad({ decision: 'APPROVE', reasonCode: 'OTHER' }, 'reasonCode');
    await bad({ decision: 'ESCALATE' }, 'decision');
    expect((await api().call('GET', `/claims/${id}`, { role: 'auditor' })).body.status).toBe('PENDING_REVIEW');
  });

  it('any level may reject, also after a recommendation: REJECTED / REVIEW_REJECTED, the hold released, the reason audited', async () => {
    const id = await submit(medical('4', ABOVE_LEVEL_1, 'RJ-1'));
    await api().waitForStatus(id, ['PENDING_REVIEW']);
    expect(await accumulator('PV-4')).toMatchObject({ paid: ABOVE_LEVEL_1_PAYOUT, selfPay: ABOVE_LEVEL_1 });
    expect((await api().review(id, 'APPROVE', 'looks right', { sub: 'rev-a', level: 1 })).body.outcome).toBe('RECOMMENDED');
    const r = await api().review(id, 'REJECT', '发票与医院记录不符', { sub: 'rev-b', level: 1, reasonCode: 'COST_NOT_GENUINE' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const rejected = (await api().waitForStatus(id, ['REJECTED'])).body;
    expect(rejected).toMatchObject({
      reasonCode: 'REVIEW_REJECTED',
      review: { decision: 'REJECT', reviewer: 'rev-b', level: 1, reasonCode: 'COST_NOT_GENUINE', note: '发票与医院记录不符' },
    });
    expect(rejected.allocations).toEqual([]);
    expect(await accumulator('PV-4')).toMatchObject({ paid: 0, selfPay: 0 });
    const audit = await auditOf(api(), id);
    expect(audit.records.find((x) => x.step === 'ReviewDecision')?.figures).toEqual({
      reviewer: 'rev-b',
      decision: 'REJECT',
      level: 1,
      reasonCode: 'COST_NOT_GENUINE',
    });
    expect(reconcileFigures(chainFigures(audit.records as never), StoredFigures.parse(audit.stored))).toEqual([]);
    // A rejection in the first contract's shape (no reasonCode) is recorded as OTHER.
    const old = await submit(medical('4', 3_500_000, 'RJ-2'));
    await api().waitForStatus(old, ['PENDING_REVIEW']);
    expect((await api().review(old, 'REJECT', 'invoice forged')).body).toMatchObject({ outcome: 'REVIEW_REJECTED', reasonCode: 'OTHER' });
    expect((await api().waitForStatus(old, ['REJECTED'])).body.review.reasonCode).toBe('OTHER');
  });
});

describe('return for information', () => {
  const { api, submit } = setup();

  it('return → amend → eligibility and assessment again in the same execution; caps exact to the fen', async () => {
    const id = await submit(medical('5', ABOVE_LEVEL_1, 'RT-1'), 'agent-5');
    await api().waitForStatus(id, ['PENDING_REVIEW']);
    expect(await accumulator('PV-5')).toEqual({ selfPay: ABOVE_LEVEL_1, paid: ABOVE_LEVEL_1_PAYOUT });
    const r = await api().review(id, 'RETURN', '请补充出院小结', { sub: 'rev-a', level: 1, reasonCode: 'DOCUMENTS_INCOMPLETE' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const returned = (await api().waitForStatus(id, ['RETURNED'])).body;
    expect(returned.returned).toMatchObject({
      decision: 'RETURN',
      reasonCode: 'DOCUMENTS_INCOMPLETE',
      note: '请补充出院小结',
      reviewer: 'rev-a',
      level: 1,
    });
    // The hold is released first: nothing of the claim counts against the caps while it is returned.
    expect(await accumulator('PV-5')).toEqual({ selfPay: 0, paid: 0 });

    const amend = (body: unknown, sub = 'agent-5') => api().call('POST', `/claims/${id}/amend`, { role: 'submitter', sub, body });
    // Only the submitter; only details and incidentDate; validated as at submission.
    expect((await amend({ details: { hospitalCode: 'HOSP-RV', invoiceNo: 'RT-1', totalCost: 6_500_000 } }, 'agent-other')).status).toBe(403);
    const other = await amend({ householdId: 'HV-1' });
    expect(other.status).toBe(422);
    expect(JSON.stringify(other.body.errors)).toContain('householdId');
    const negative = await amend({ details: { hospitalCode: 'HOSP-RV', invoiceNo: 'RT-1', totalCost: 100, basicInsurancePaid: 200 } });
    expect(negative.status).toBe(422);
    expect(negative.body.errors[0].path).toBe('details.totalCost');
    expect((await amend({ incidentDate: '2024-13-01' })).body.errors[0].path).toBe('incidentDate');

    // Amended for 6,500,000: 6,000,000 above the deductible → 1,600,000 + 2,100,000 + 1,000,000 × 60% = 4,300,000.
    let ok: Reply;
    for (let i = 0; ; i++) {
      ok = await amend({ details: { hospitalCode: 'HOSP-RV', invoiceNo: 'RT-1', totalCost: 6_500_000 } });
      if (ok.status !== 409 || ok.body.type !== 'https://fangpin.dev/problems/not-ready' || i > 200) break;
      await new Promise((res) => setTimeout(res, 20));
    }
    expect(ok.status, JSON.stringify(ok.body)).toBe(202);
    expect(ok.body).toMatchObject({ status: 'RECEIVED', amendments: 1 });
    const again = (await api().waitForStatus(id, ['PENDING_REVIEW'])).body;
    expect(again).toMatchObject({ amendments: 1, returned: null, recommendation: null, review: null, details: { totalCost: 6_500_000 } });
    expect(again.assessment.payout).toBe(4_300_000);
    expect(await accumulator('PV-5')).toEqual({ selfPay: 6_500_000, paid: 4_300_000 });
    // Back in review: within level 1 now, so one approval decides.
    expect((await api().review(id, 'APPROVE', '', { sub: 'rev-a', level: 1 })).body.outcome).toBe('APPROVED');
    const paid = (await api().waitForStatus(id, ['SETTLING'])).body;
    expect(paid.allocations.reduce((s: number, a: { amount: number }) => s + a.amount, 0)).toBe(4_300_000);

    // The year's next claim pays the increment over what is held now: S 6,500,000 → 9,500,000, benefit
    // 4,300,000 → 1,600,000 + 2,100,000 + 4,000,000 × 60% = 6,100,000; +1,800,000 (under the threshold: paid at once).
    const next = await submit(medical('5', 3_000_000, 'RT-2'), 'agent-5');
    expect((await api().waitForStatus(next, ['SETTLING'])).body.assessment.payout).toBe(1_800_000);
    expect(await accumulator('PV-5')).toEqual({ selfPay: 9_500_000, paid: 6_100_000 });

    const states = await entered(api(), id);
    expect(states).toEqual([
      'Intake',
      'Eligibility',
      'Assessment',
      'Review',
      'ReturnHold',
      'AwaitAmendment',
      'Eligibility',
      'Assessment',
      'Review',
      'Split',
      'Payout',
    ]);
    const audit = await auditOf(api(), id);
    const amendRecord = audit.records.find((x) => x.step === 'Amend');
    expect(amendRecord).toMatchObject({ actor: 'submitter:agent-5', decision: 'AMENDED', figures: { amendment: 1 } });
    expect(amendRecord?.figures?.before).toMatch(/^[0-9a-f]{64}$/);
    expect(amendRecord?.figures?.before).not.toBe(amendRecord?.figures?.after);
    expect(audit.records.find((x) => x.step === 'ReviewReturn')?.figures).toEqual({
      reviewer: 'rev-a',
      level: 1,
      decision: 'RETURN',
      reasonCode: 'DOCUMENTS_INCOMPLETE',
    });
    // Two assessments in the chain, the later one stands: the chain and the store agree.
    expect(audit.records.filter((x) => x.step === 'Assessment')).toHaveLength(2);
    expect(reconcileFigures(chainFigures(audit.records as never), StoredFigures.parse(audit.stored))).toEqual([]);
  });

  it('a claim not returned cannot be amended (409)', async () => {
    const id = await submit(medical('6', 1_000_000)); // 500,000 above the deductible × 80% = 400,000: paid at once
    await api().waitForStatus(id, ['SETTLING']);
    expect((await api().call('POST', `/claims/${id}/amend`, { role: 'submitter', body: { incidentDate: '2024-05-04' } })).status).toBe(409);
  });
});

describe('a return not amended in time', () => {
  // The same state machine, its amendment wait shortened by CDK context (default 30 days).
  const { api, submit } = setup({ 'fangpin:returnTimeoutSeconds': '2' });

  it("is closed as REJECTED / RETURN_EXPIRED by the wait's timeout, its hold already released", async () => {
    const id = await submit(medical('6', ABOVE_LEVEL_1, 'EX-1'));
    await api().waitForStatus(id, ['PENDING_REVIEW']);
    expect((await api().review(id, 'RETURN', 'need the invoice original', { reasonCode: 'DOCUMENTS_INCOMPLETE' })).status).toBe(200);
    await api().waitForStatus(id, ['RETURNED']);
    const closed = (await api().waitForStatus(id, ['REJECTED'], 15_000)).body;
    expect(closed.reasonCode).toBe('RETURN_EXPIRED');
    expect(await accumulator('PV-6')).toEqual({ selfPay: 0, paid: 0 });
    const h = await api().call('GET', `/claims/${id}/history`, { role: 'auditor' });
    expect((h.body.events as Array<{ type: string }>).map((e) => e.type)).toContain('TaskTimedOut');
    expect(await entered(api(), id)).toEqual(['Intake', 'Eligibility', 'Assessment', 'Review', 'ReturnHold', 'AwaitAmendment', 'ExpireReturn']);
    const audit = await auditOf(api(), id);
    expect(audit.records.at(-1)).toMatchObject({ step: 'ExpireReturn', decision: 'REJECTED:RETURN_EXPIRED' });
    expect((await api().call('POST', `/claims/${id}/amend`, { role: 'submitter', body: { incidentDate: '2024-05-04' } })).status).toBe(409);
  });
});
