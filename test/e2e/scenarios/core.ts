/**
 * The core workflow scenarios, written once and run each way the embedded system runs:
 * - as it starts by default (test/e2e/claims, concurrency, webhooks and redrive test files call the pieces);
 * - with store coalescing off (test/e2e/core-uncoalesced.test.ts): what a Lambda on AWS does, one request each;
 * - from the Lambda bundles the CDK app deploys instead of the sources (test/e2e/core-bundles.test.ts).
 * A claim of each product to its terminal state (MEDICAL on to PAID), review both ways, 50 concurrent claims
 * against one household cap (not from the bundles: that is about concurrency, not packaging), a signed webhook,
 * a redrive.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { Webhook } from 'standardwebhooks';
import type { Embedded, EmbeddedOptions } from '../../../embedded/runtime.js';
import { DEMO_HOUSEHOLDS } from '../../../embedded/demo.js';
import { documentClient, tableName } from '../../../functions/shared/aws.js';
import { chainFigures, reconcileFigures, StoredFigures } from '../../../core/audit-figures.js';
import { client, startTestSystem } from '../../support/server.js';

export type Api = ReturnType<typeof client>;
/** The running system of a suite (set in its beforeAll, hence a getter). */
export type SystemOf = () => { system: Embedded; api: Api };

// ---- claims: fixtures ----

export const base = { schemeId: 'xiaogan-2024', householdId: 'H-420922-0001', personId: 'P-1', incidentDate: '2024-05-03' };
export const lishui = { schemeId: 'lishui-2017', householdId: 'H-331102-0003', personId: 'P-4', incidentDate: '2024-06-01' };
let invoice = 0;
export const medical = (totalCost: number, extra: Record<string, unknown> = {}) => ({
  ...base,
  product: 'MEDICAL',
  details: {
    hospitalCode: 'HOSP-01',
    invoiceNo: `INV-${++invoice}`,
    totalCost,
    basicInsurancePaid: 0,
    criticalIllnessPaid: 0,
    payee: 'HOSPITAL',
    ...extra,
  },
});
const fresh = (n: number) => ({
  ...DEMO_HOUSEHOLDS[1],
  householdId: `H-420902-${String(n).padStart(4, '0')}`,
  verifiedYear: 2024,
  members: [{ personId: `P-${n}` }],
});
/** The registry the product and review scenarios claim against. */
export const CLAIM_HOUSEHOLDS = [...DEMO_HOUSEHOLDS, fresh(9), fresh(10)];

export async function submit(api: Api, body: unknown, headers: Record<string, string> = {}): Promise<string> {
  const r = await api.call('POST', '/claims', { role: 'submitter', body, headers });
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  return r.body.claimId as string;
}

// ---- claims: every product, review ----

export function productScenarios(sys: SystemOf): void {
  describe('every product reaches its terminal state', () => {
    it('MEDICAL (Xiaogan, uplift county) → SETTLING with the pool split, then PAID once every insurer confirms', async () => {
      const { api } = sys();
      // self-pay 40,000 − 20,000 − 5,000 = 15,000 yuan; (15,000 − 5,000) × 80% × 120% = 9,600 yuan
      const id = await submit(api, medical(4_000_000, { basicInsurancePaid: 2_000_000, criticalIllnessPaid: 500_000 }));
      const claim = (await api.waitForStatus(id, ['SETTLING'])).body;
      expect(claim.reasonCode).toBeNull();
      expect(claim.assessment.payout).toBe(960_000);
      expect(claim.assessment.bankShare).toBeNull();
      expect(claim.assessment.explanation.steps.length).toBeGreaterThan(3);
      // Sentences in the reader's language, Chinese by default; figures and codes the same in both.
      expect(claim.assessment.explanation.steps.at(-1)).toBe('赔付金额 = min(9,600.00 元, 96,000.00 元) = 9,600.00 元');
      const en = await api.call('GET', `/claims/${id}`, { role: 'auditor', headers: { 'accept-language': 'en-US,en;q=0.9' } });
      expect(en.headers.get('content-language')).toBe('en');
      expect(en.body.assessment.explanation.steps.at(-1)).toBe('payout = min(9,600.00, 96,000.00) = 9,600.00 yuan');
      expect(en.body.assessment.explanation.figures).toEqual(claim.assessment.explanation.figures);
      // A list says the same sentences in the language asked for.
      const listed = await api.call('GET', `/claims?householdId=${claim.householdId}&limit=100`, {
        role: 'auditor',
        headers: { 'accept-language': 'en' },
      });
      expect(listed.headers.get('content-language')).toBe('en');
      expect(listed.body.items.find((c: { claimId: string }) => c.claimId === id)?.assessment.explanation.steps).toEqual(
        en.body.assessment.explanation.steps,
      );
      expect(claim.allocations).toEqual([
        { insurerId: 'XG-POOL-1', shareBp: 4000, amount: 384_000 },
        { insurerId: 'XG-POOL-2', shareBp: 3500, amount: 336_000 },
        { insurerId: 'XG-POOL-3', shareBp: 2500, amount: 240_000 },
      ]);
      expect(claim.settlements).toHaveLength(3);
      const paidAt = new Date().toISOString();
      for (const s of claim.settlements) {
        const c = await api.call('POST', `/settlements/${s.settlementId}/confirm`, {
          role: 'insurer',
          insurerId: s.insurerId,
          body: { paidAt, reference: `BANK-${s.insurerId}` },
        });
        expect(c.status, JSON.stringify(c.body)).toBe(200);
      }
      expect((await api.waitForStatus(id, ['PAID'])).body.paidAt).toBe(paidAt);
    });

    it.each([
      ['EDUCATION', { ...base, personId: 'P-2', product: 'EDUCATION', details: { stage: 'PRIMARY', expense: 300_000 } }, 'SETTLING', 300_000],
      ['DISASTER', { ...base, product: 'DISASTER', details: { cause: 'FLOOD', damage: 'PARTIAL', assessedLoss: 1_000_000 } }, 'SETTLING', 1_000_000],
      // strike = floor(1000 × 8500 / 10000) = 850 fen/kg; (850 − 700) × 500 kg = 75,000 fen
      [
        'INDUSTRY price index',
        { ...base, product: 'INDUSTRY', details: { kind: 'PRICE_INDEX', costPrice: 1000, observedPrice: 700, insuredQuantity: 500 } },
        'SETTLING',
        75_000,
      ],
      // grade 5: 5,000,000 × (11 − 5) × 10% = 3,000,000 fen > the 2,000,000 review threshold
      ['ACCIDENT disability', { ...lishui, product: 'ACCIDENT', details: { kind: 'DISABILITY', grade: 5 } }, 'PENDING_REVIEW', 3_000_000],
      // outpatient: (30,000 − 10,000) × 80% = 16,000 fen
      ['ACCIDENT outpatient', { ...lishui, product: 'ACCIDENT', details: { kind: 'OUTPATIENT', expense: 30_000 } }, 'SETTLING', 16_000],
    ])('%s', async (_name, body, status, payout) => {
      const { api } = sys();
      const id = await submit(api, body);
      const claim = (await api.waitForStatus(id, [status])).body;
      expect(claim.assessment.payout).toBe(payout);
    });

    it('LOAN_GUARANTEE: insurer 70% rounded half up, bank keeps the rest, the bank is the payee', async () => {
      const { api } = sys();
      // loss = 1,000,000 + 50,001 − 0 = 1,050,001; insurer = floor((1,050,001 × 7000 + 5000) / 10000) = 735,001; bank 315,000
      const id = await submit(api, {
        ...lishui,
        product: 'LOAN_GUARANTEE',
        details: { loanId: 'L-1', bankId: 'BANK-LS', outstandingPrincipal: 1_000_000, unpaidInterest: 50_001, recoveries: 0 },
      });
      const claim = (await api.waitForStatus(id, ['SETTLING'])).body;
      expect(claim.assessment.payout).toBe(735_001);
      expect(claim.assessment.bankShare).toBe(315_000);
      expect(claim.allocations).toEqual([{ insurerId: 'LS-LOAN-GUARANTEE-CENTRE', shareBp: 10000, amount: 735_001 }]);
      expect(claim.settlements[0].payee).toEqual({ type: 'BANK', id: 'BANK-LS' });
    });

    it('a product rule refuses with a reason code, and says why in Chinese or in English', async () => {
      const { api } = sys();
      const id = await submit(api, { ...base, personId: 'P-2', product: 'EDUCATION', details: { stage: 'HIGHER', expense: 300_000 } });
      const zh = (await api.waitForStatus(id, ['REJECTED'])).body;
      expect(zh.reasonCode).toBe('STAGE_NOT_ELIGIBLE');
      expect(zh.reasonDetail).toBe('学段“高等教育”不在保障范围内；保障范围：小学、初中');
      const en = await api.call('GET', `/claims/${id}`, { role: 'auditor', headers: { 'accept-language': 'en' } });
      expect(en.body.reasonCode).toBe('STAGE_NOT_ELIGIBLE');
      expect(en.body.reasonDetail).toBe('stage HIGHER is not covered; covered: PRIMARY, JUNIOR_SECONDARY');
    });

    it('a bill below the deductible closes with no payout', async () => {
      const { api } = sys();
      // A person with nothing claimed yet this year: 4,000 yuan is below the 5,000 deductible.
      const id = await submit(api, { ...medical(400_000), householdId: 'H-420902-0010', personId: 'P-10' });
      expect((await api.waitForStatus(id, ['CLOSED_NO_PAYOUT'])).body.assessment.payout).toBe(0);
    });
  });
}

export function reviewScenarios(sys: SystemOf): void {
  describe('manual review', () => {
    it('a registry not verified this year goes to review; approval settles it', async () => {
      const { api } = sys();
      const id = await submit(api, {
        ...base,
        householdId: 'H-420902-0002',
        personId: 'P-3',
        product: 'DISASTER',
        details: { cause: 'FIRE', damage: 'COLLAPSE', assessedLoss: 500_000 },
      });
      const pending = (await api.waitForStatus(id, ['PENDING_REVIEW'])).body;
      expect(pending.assessment.reviewReasons).toEqual(['REGISTRY_NOT_VERIFIED']);
      const r = await api.review(id, 'APPROVE', 'checked on site');
      expect(r.status, JSON.stringify(r.body)).toBe(200);
      const done = (await api.waitForStatus(id, ['SETTLING'])).body;
      expect(done.review.decision).toBe('APPROVE');
      expect(done.allocations.reduce((s: number, a: { amount: number }) => s + a.amount, 0)).toBe(500_000);
    });

    it('a claim above the threshold rejected in review is REJECTED with REVIEW_REJECTED and releases its hold', async () => {
      const { api } = sys();
      // 3,000,000 above the deductible: 2,000,000 × 80% + 1,000,000 × 70% = 2,300,000 > 2,000,000 threshold (county 420902, no uplift)
      const body = {
        ...base,
        householdId: 'H-420902-0009',
        personId: 'P-9',
        product: 'MEDICAL',
        details: { hospitalCode: 'HOSP-02', invoiceNo: 'BIG-1', totalCost: 3_500_000 },
      };
      const id = await submit(api, body);
      expect((await api.waitForStatus(id, ['PENDING_REVIEW'])).body.assessment.payout).toBe(2_300_000);
      expect((await api.review(id, 'REJECT', 'invoice forged')).status).toBe(200);
      expect((await api.waitForStatus(id, ['REJECTED'])).body.reasonCode).toBe('REVIEW_REJECTED');
      // The invoice was released: the same invoice can be claimed again and gets the same assessment.
      const again = await submit(api, body);
      expect((await api.waitForStatus(again, ['PENDING_REVIEW'])).body.assessment.payout).toBe(2_300_000);
    });
  });
}

// ---- concurrency ----

const capHousehold = {
  schemeId: 'xiaogan-2024',
  county: '420902',
  category: 'LIFTED_OUT',
  verifiedYear: 2024,
  enrollment: { products: ['MEDICAL', 'DISASTER'], start: '2024-01-01', end: '2024-12-31' },
};
/** One person's medical cap (HC-1) and one household's disaster cap (HC-2, two members). */
export const CAP_HOUSEHOLDS = [
  { ...capHousehold, householdId: 'HC-1', members: [{ personId: 'PC-1' }] },
  { ...capHousehold, householdId: 'HC-2', members: [{ personId: 'PC-2' }, { personId: 'PC-3' }] },
];

async function submitAll(api: Api, bodies: unknown[]) {
  const ids = await Promise.all(bodies.map(async (body) => (await api.call('POST', '/claims', { role: 'submitter', body })).body.claimId as string));
  return Promise.all(ids.map((id) => api.waitForStatus(id, ['SETTLING', 'CLOSED_NO_PAYOUT', 'REJECTED', 'FAILED'], 60_000).then((r) => r.body)));
}

/** 50 concurrent claims against one cap pay exactly what sequential processing pays. `personCap`: also the medical one. */
export function capScenarios(sys: SystemOf, { personCap }: { personCap: boolean }): void {
  describe('50 concurrent claims', () => {
    if (personCap)
      it('for one person pay the sequential MEDICAL total', { timeout: 90_000 }, async () => {
        const claims = await submitAll(
          sys().api,
          Array.from({ length: 50 }, (_, i) => ({
            schemeId: 'xiaogan-2024',
            product: 'MEDICAL',
            householdId: 'HC-1',
            personId: 'PC-1',
            incidentDate: '2024-03-01',
            details: { hospitalCode: 'HC', invoiceNo: `C-${i}`, totalCost: 100_000 },
          })),
        );
        expect(
          claims.filter((c) => c.status !== 'SETTLING' && c.status !== 'CLOSED_NO_PAYOUT').map((c) => `${c.status} ${JSON.stringify(c.error)}`),
        ).toEqual([]);
        // S = 50 × 100,000 = 5,000,000; above the 500,000 deductible 4,500,000:
        // 2,000,000 × 80% + 2,500,000 × 70% = 1,600,000 + 1,750,000 = 3,350,000 fen, under the 8,000,000 cap.
        expect(claims.reduce((s, c) => s + c.assessment.payout, 0)).toBe(3_350_000);
      });

    it('for one household never exceed the household DISASTER cap, whoever reports', { timeout: 90_000 }, async () => {
      const claims = await submitAll(
        sys().api,
        Array.from({ length: 50 }, (_, i) => ({
          schemeId: 'xiaogan-2024',
          product: 'DISASTER',
          householdId: 'HC-2',
          personId: i % 2 ? 'PC-2' : 'PC-3',
          incidentDate: '2024-07-01',
          details: { cause: 'FLOOD', damage: 'PARTIAL', assessedLoss: 200_000 },
        })),
      );
      expect(
        claims.filter((c) => c.status !== 'SETTLING' && c.status !== 'CLOSED_NO_PAYOUT').map((c) => `${c.status} ${JSON.stringify(c.error)}`),
      ).toEqual([]);
      // 50 × 200,000 = 10,000,000 of losses against a 5,000,000 household cap: exactly 25 claims pay in full.
      expect(claims.reduce((s, c) => s + c.assessment.payout, 0)).toBe(5_000_000);
      expect(claims.filter((c) => c.status === 'SETTLING')).toHaveLength(25);
    });
  });
}

// ---- webhooks ----

export interface Received {
  headers: Record<string, string>;
  body: string;
}

/** A receiver whose answer each test can change: status codes to return, in order, then 200. */
export function receiver() {
  const received: Received[] = [];
  let script: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8') });
      const status = script.shift() ?? 200;
      res.writeHead(status).end();
    });
  });
  return {
    received,
    answer: (statuses: number[]) => {
      script = [...statuses];
    },
    listen: () =>
      new Promise<string>((resolve) =>
        server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`)),
      ),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
export type Receiver = ReturnType<typeof receiver>;

export async function until<T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

let loss = 0;
/** A DISASTER claim of H-420922-0001 (Xiaogan pool: XG-POOL-1 gets a settlement), once it is SETTLING. */
export async function settledClaim(api: Api): Promise<string> {
  const body = {
    schemeId: 'xiaogan-2024',
    product: 'DISASTER',
    householdId: 'H-420922-0001',
    personId: 'P-1',
    incidentDate: '2024-07-01',
    details: { cause: 'FLOOD', damage: 'PARTIAL', assessedLoss: 100_000 + ++loss },
  };
  const r = await api.call('POST', '/claims', { role: 'submitter', body });
  expect(r.status).toBe(202);
  await api.waitForStatus(r.body.claimId, ['SETTLING']);
  return r.body.claimId as string;
}

/** Registers XG-POOL-1's endpoint at the receiver; returns its signing secret. */
export async function registerEndpoint(api: Api, hookUrl: string): Promise<string> {
  const ep = await api.call('POST', '/webhook-endpoints', { role: 'admin', body: { insurerId: 'XG-POOL-1', url: hookUrl } });
  expect(ep.status).toBe(201);
  expect(ep.body.secret).toMatch(/^whsec_/);
  return ep.body.secret as string;
}

/** `hooked`: the receiver XG-POOL-1's endpoint points at, and that endpoint's secret. */
export function webhookDeliveryScenario(sys: SystemOf, hooked: () => { hook: Receiver; secret: string }): void {
  it('arrive signed as Standard Webhooks says, verified by the spec library, with a thin payload', async () => {
    const { hook, secret } = hooked();
    const claimId = await settledClaim(sys().api);
    const msg = await until('a webhook', async () => hook.received.find((m) => JSON.parse(m.body).data.claimId === claimId));
    const verified = new Webhook(secret).verify(msg.body, msg.headers) as { type: string; data: Record<string, unknown> };
    expect(verified.type).toBe('settlement.created');
    expect(verified.data.insurerId).toBe('XG-POOL-1');
    expect(Object.keys(verified.data).sort()).toEqual(['amount', 'claimId', 'insurerId', 'payee', 'settlementId']);
    expect(msg.body).not.toMatch(/\d{17}[\dX]/);
    // Only XG-POOL-1 registered an endpoint: the other two pool members' settlements send nothing.
    expect(hook.received.filter((m) => JSON.parse(m.body).data.claimId === claimId)).toHaveLength(1);
    expect(() => new Webhook(`whsec_${Buffer.from('wrong key wrong key wrong').toString('base64')}`).verify(msg.body, msg.headers)).toThrow();
  });
}

// ---- redrive ----

export const REDRIVE_HOUSEHOLD = {
  householdId: 'HR-1',
  schemeId: 'xiaogan-2024',
  county: '420902',
  category: 'LIFTED_OUT',
  verifiedYear: 2024,
  members: [{ personId: 'PR-1' }],
  enrollment: { products: ['MEDICAL'], start: '2024-01-01', end: '2024-12-31' },
};
// 3,000,000 above the deductible: 2,000,000 × 80% + 1,000,000 × 70% = 2,300,000 fen, over the 2,000,000 review threshold.
export const bigClaim = {
  schemeId: 'xiaogan-2024',
  product: 'MEDICAL',
  householdId: 'HR-1',
  personId: 'PR-1',
  incidentDate: '2024-05-03',
  details: { hospitalCode: 'HR', invoiceNo: 'R-1', totalCost: 3_500_000 },
};

export async function storedClaim(claimId: string) {
  return (await documentClient().send(new GetCommand({ TableName: tableName('claims'), Key: { claimId }, ConsistentRead: true }))).Item as {
    taskToken?: string | null;
    failedFrom?: string | null;
    redrives?: number;
  };
}

export async function tokenOf(claimId: string): Promise<string> {
  for (let i = 0; i < 200; i++) {
    const token = (await storedClaim(claimId)).taskToken;
    if (token) return token;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`claim ${claimId} never got a review token`);
}

async function paidSoFar(): Promise<number | undefined> {
  const acc = await documentClient().send(
    new GetCommand({ TableName: tableName('accumulators'), Key: { pk: 'ACC#P#xiaogan-2024#PR-1#MEDICAL#2024' }, ConsistentRead: true }),
  );
  return (acc.Item?.counters as { paid?: number } | undefined)?.paid;
}

/** Needs REDRIVE_HOUSEHOLD, and no other claim of PR-1. */
export function redriveScenario(sys: SystemOf): void {
  it('puts it back where it stopped; the new execution finishes it; nothing is held or paid twice', async () => {
    const { api, system } = sys();
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
}

// ---- all of them, on one system ----

export interface CoreRun {
  /** Table prefix of the suite. */
  readonly prefix: string;
  /** What the system is started with (computed in beforeAll: a synth may be needed first). */
  readonly options: () => Promise<Partial<EmbeddedOptions>>;
  /** Whether the store client must come out coalesced: checked, so a run meant to be uncoalesced cannot quietly be otherwise. */
  readonly coalesced: boolean;
  /** The 50-claim household cap scenario (default on): about concurrency, so the bundle run leaves it out. */
  readonly cap?: boolean;
  readonly cleanup?: () => Promise<void> | void;
}

export function coreScenarios(run: CoreRun): SystemOf {
  let system: Embedded;
  let api: Api;
  const hook = receiver();
  let secret = '';
  const sys: SystemOf = () => ({ system, api });

  beforeAll(async () => {
    const hookUrl = await hook.listen();
    system = await startTestSystem(run.prefix, await run.options());
    api = client(system);
    const r = await api.call('POST', '/households', { role: 'admin', body: [...CLAIM_HOUSEHOLDS, ...CAP_HOUSEHOLDS, REDRIVE_HOUSEHOLD] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    secret = await registerEndpoint(api, hookUrl);
  });

  afterAll(async () => {
    await system?.stop();
    await hook.close();
    await run.cleanup?.();
  });

  it(`the store client is ${run.coalesced ? '' : 'not '}coalesced`, () => {
    // The coalescers replace the client's send (embedded/sdk/): an own property only when they are installed.
    expect(Object.hasOwn(documentClient(), 'send')).toBe(run.coalesced);
  });
  productScenarios(sys);
  reviewScenarios(sys);
  if (run.cap ?? true) capScenarios(sys, { personCap: false });
  describe('settlement.created webhooks', () => webhookDeliveryScenario(sys, () => ({ hook, secret })));
  describe('redriving a FAILED claim', () => redriveScenario(sys));
  return sys;
}
