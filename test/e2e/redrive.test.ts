/**
 * Redrive: a claim whose workflow failed (here its review task failed, as a 30-day review timeout would) is FAILED
 * with the status it stopped in; an admin's POST /claims/{id}/redrive puts it back there and a new execution
 * carries on. Nothing is held or paid twice, the history shows both executions, the audit chain records who.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Embedded } from '../../embedded/runtime.js';
import { chainFigures, reconcileFigures, StoredFigures } from '../../core/audit-figures.js';
import { client, startTestSystem } from '../support/server.js';
import { documentClient, tableName } from '../../functions/shared/aws.js';

let system: Embedded;
let api: ReturnType<typeof client>;

const household = {
  householdId: 'HR-1',
  schemeId: 'xiaogan-2024',
  county: '420902',
  category: 'LIFTED_OUT',
  verifiedYear: 2024,
  members: [{ personId: 'PR-1' }],
  enrollment: { products: ['MEDICAL'], start: '2024-01-01', end: '2024-12-31' },
};
// 3,000,000 above the deductible: 2,000,000 × 80% + 1,000,000 × 70% = 2,300,000 fen, over the 2,000,000 review threshold.
const bigClaim = { schemeId: 'xiaogan-2024', product: 'MEDICAL', householdId: 'HR-1', personId: 'PR-1', incidentDate: '2024-05-03', details: { hospitalCode: 'HR', invoiceNo: 'R-1', totalCost: 3_500_000 } };

async function storedClaim(claimId: string) {
  return (await documentClient().send(new GetCommand({ TableName: tableName('claims'), Key: { claimId }, ConsistentRead: true }))).Item as { taskToken?: string | null; failedFrom?: string | null; redrives?: number };
}

async function tokenOf(claimId: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const token = (await storedClaim(claimId)).taskToken;
    if (token) return token;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`claim ${claimId} never got a review token`);
}

async function paidSoFar(): Promise<number | undefined> {
  const acc = await documentClient().send(new GetCommand({ TableName: tableName('accumulators'), Key: { pk: 'ACC#P#xiaogan-2024#PR-1#MEDICAL#2024' }, ConsistentRead: true }));
  return (acc.Item?.counters as { paid?: number } | undefined)?.paid;
}

beforeAll(async () => {
  system = await startTestSystem('redrive');
  api = client(system);
  expect((await api.call('POST', '/households', { role: 'admin', body: [household] })).status).toBe(200);
});

afterAll(async () => {
  await system?.stop();
});

describe('redriving a FAILED claim', () => {
  it('puts it back where it stopped; the new execution finishes it; nothing is held or paid twice', async () => {
    const submitted = await api.call('POST', '/claims', { role: 'submitter', body: bigClaim });
    expect(submitted.status).toBe(202);
    const id = submitted.body.claimId as string;
    expect((await api.waitForStatus(id, ['PENDING_REVIEW'])).body.assessment.payout).toBe(2_300_000);
    const held = await paidSoFar();
    expect(held).toBe(2_300_000); // in review it holds its payout against the caps

    // Only a FAILED claim can be redriven, and only by an admin.
    expect((await api.call('POST', `/claims/${id}/redrive`, { role: 'admin' })).status).toBe(409);
    expect((await api.call('POST', `/claims/${id}/redrive`, { role: 'reviewer' })).status).toBe(403);

    // The review task fails (no reviewer: what a 30-day timeout does): Catch → RecordFailure → FAILED.
    await system.sfn.sendTaskFailure(await tokenOf(id), 'ReviewerUnavailable', 'nobody reviewed it');
    const failed = (await api.waitForStatus(id, ['FAILED'])).body;
    expect(failed.error).toMatchObject({ error: 'ReviewerUnavailable' });
    expect((await storedClaim(id)).failedFrom).toBe('PENDING_REVIEW');
    expect(await paidSoFar()).toBe(held); // the hold stays while it is FAILED

    const bad = await api.call('POST', `/claims/${id}/redrive`, { role: 'admin', body: { note: 1 } });
    expect(bad.status).toBe(422); // the project's validation answer, naming the field
    expect(JSON.stringify(bad.body)).toContain('note');

    const redriven = await api.call('POST', `/claims/${id}/redrive`, { role: 'admin', body: { note: 'reviewer assigned' } });
    expect(redriven.status, JSON.stringify(redriven.body)).toBe(202);
    expect(redriven.body).toMatchObject({ claimId: id, status: 'PENDING_REVIEW', redrive: 1 });
    // A second redrive while it runs again is refused: it is no longer FAILED.
    expect((await api.call('POST', `/claims/${id}/redrive`, { role: 'admin' })).status).toBe(409);

    // The new execution reaches the review again (a fresh token); approval settles it.
    const r = await api.review(id, 'APPROVE', 'checked');
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const done = (await api.waitForStatus(id, ['SETTLING'])).body;
    expect(done).toMatchObject({ redrives: 1, error: null });
    expect(await paidSoFar()).toBe(held); // held once, by the first assessment, never again
    const settlements = await api.call('GET', `/settlements?claimId=${id}`, { role: 'auditor' });
    expect(settlements.body.items.reduce((s: number, x: { amount: number }) => s + x.amount, 0)).toBe(2_300_000);

    // History: the first execution failed, the redrive's succeeded; the audit chain names the admin.
    let h = await api.call('GET', `/claims/${id}/history`, { role: 'auditor' });
    for (let i = 0; i < 200 && h.body.redrives?.[0]?.status === 'RUNNING'; i++) {
      await new Promise((res) => setTimeout(res, 25));
      h = await api.call('GET', `/claims/${id}/history`, { role: 'auditor' });
    }
    expect(h.body.status).toBe('FAILED');
    expect(h.body.redrives).toHaveLength(1);
    expect(h.body.redrives[0]).toMatchObject({ redrive: 1, status: 'SUCCEEDED' });
    expect(h.body.redrives[0].executionArn).toMatch(new RegExp(`:${id}-r1$`));
    const audit = await api.call('GET', `/claims/${id}/audit`, { role: 'auditor' });
    expect(audit.body.verified).toBe(true);
    const steps = (audit.body.records as Array<{ step: string; actor: string }>).map((x) => x.step);
    expect(steps).toContain('RecordFailure');
    expect(steps.indexOf('Redrive')).toBeGreaterThan(steps.indexOf('RecordFailure'));
    expect((audit.body.records as Array<{ step: string; actor: string }>).find((x) => x.step === 'Redrive')?.actor).toMatch(/^admin:/);
    // The redriven execution re-ran steps that had committed: still one figure record per money step, agreeing with the store.
    const withFigures = (audit.body.records as Array<{ step: string; figures?: unknown }>).filter((x) => x.figures !== undefined).map((x) => x.step);
    expect(withFigures).toEqual(['Assessment', 'ReviewDecision', 'Split', 'Payout']);
    expect(reconcileFigures(chainFigures(audit.body.records), StoredFigures.parse(audit.body.stored))).toEqual([]);
  });

  it('a stuck claim (its execution failed and RecordFailure never ran) and a claim whose start was lost are redriven too', async () => {
    const approve = async (id: string) => {
      const r = await api.review(id, 'APPROVE', 'ok');
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    };
    // Stuck: the review task fails, then the claim is put back to PENDING_REVIEW by hand, as if RecordFailure had
    // run out of retries: undecided, with no execution running.
    const stuck = (await api.call('POST', '/claims', { role: 'submitter', body: { ...bigClaim, details: { ...bigClaim.details, invoiceNo: 'R-2' } } })).body.claimId as string;
    await api.waitForStatus(stuck, ['PENDING_REVIEW']);
    await system.sfn.sendTaskFailure(await tokenOf(stuck), 'ReviewerUnavailable', 'nobody reviewed it');
    await api.waitForStatus(stuck, ['FAILED']);
    await documentClient().send(new UpdateCommand({ TableName: tableName('claims'), Key: { claimId: stuck }, UpdateExpression: 'SET #s = :p REMOVE failedFrom', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':p': 'PENDING_REVIEW' } }));
    const r1 = await api.call('POST', `/claims/${stuck}/redrive`, { role: 'admin' });
    expect(r1.status, JSON.stringify(r1.body)).toBe(202);
    expect(r1.body).toMatchObject({ status: 'PENDING_REVIEW', redrive: 1 });
    await approve(stuck);
    expect((await api.waitForStatus(stuck, ['SETTLING'])).body.redrives).toBe(1);

    // Start lost: a claim stored as RECEIVED whose execution never started (here: a copy under a new id).
    const stored = (await documentClient().send(new GetCommand({ TableName: tableName('claims'), Key: { claimId: stuck }, ConsistentRead: true }))).Item ?? {};
    const { assessment: _a, allocations: _b, settlementIds: _c, review: _d, taskToken: _e, redrives: _f, decidedAt: _g, ...asSubmitted } = stored;
    const lost = 'C-lost-start-1';
    await documentClient().send(
      new PutCommand({
        TableName: tableName('claims'),
        Item: { ...asSubmitted, claimId: lost, status: 'RECEIVED', submission: { ...stored.submission, details: { ...stored.submission.details, invoiceNo: 'R-3' } } },
      }),
    );
    const r2 = await api.call('POST', `/claims/${lost}/redrive`, { role: 'admin' });
    expect(r2.status, JSON.stringify(r2.body)).toBe(202);
    expect(r2.body).toMatchObject({ status: 'RECEIVED', redrive: 0 });
    await api.waitForStatus(lost, ['PENDING_REVIEW']);
    // Running now: another redrive is refused.
    expect((await api.call('POST', `/claims/${lost}/redrive`, { role: 'admin' })).status).toBe(409);
    await approve(lost);
    await api.waitForStatus(lost, ['SETTLING']);
  });

  it('an unknown claim is 404', async () => {
    expect((await api.call('POST', '/claims/C-nope/redrive', { role: 'admin' })).status).toBe(404);
  });
});
