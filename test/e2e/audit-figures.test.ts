/**
 * The audit trail carries the money: each step's record states its figures in clear, the export carries each
 * claim's stored figures, and `npm run audit -- verify` names every claim and field the store changed behind
 * the chain's back (here: UpdateItem straight into DynamoDB Local, as someone with table access would).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Embedded } from '../../embedded/runtime.js';
import { DEMO_HOUSEHOLDS } from '../../embedded/demo.js';
import { client, startTestSystem } from '../support/server.js';
import { documentClient, tableName } from '../../functions/shared/aws.js';

const run = promisify(execFile);
let system: Embedded;
let api: ReturnType<typeof client>;
const dir = mkdtempSync(join(tmpdir(), 'fangpin-figures-'));

// The demo household's members (P-1 claims below, P-2 is reviewed): names and identity numbers that must never
// reach an audit record.
const NAME = '张小明';
const ID_NUMBER = '420922201201015678';
const PERSONAL = ['张三', '420922199001011234', NAME, ID_NUMBER];

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, FANGPIN_URL: system.url, FANGPIN_TOKEN: await api.token('auditor') };
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'embedded/audit-cli.ts', ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function submit(body: unknown): Promise<string> {
  const r = await api.call('POST', '/claims', { role: 'submitter', body });
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  return r.body.claimId as string;
}

let invoice = 0;
const medical = (totalCost: number, personId = 'P-1') => ({
  schemeId: 'xiaogan-2024',
  product: 'MEDICAL',
  householdId: 'H-420922-0001',
  personId,
  incidentDate: '2024-05-03',
  details: { hospitalCode: 'HOSP-01', invoiceNo: `FIG-${++invoice}`, totalCost, payee: 'CLAIMANT' },
});

interface Rec {
  step: string;
  decision: string | null;
  figures?: Record<string, unknown>;
}
const figuresOf = (records: Rec[], step: string) => records.filter((r) => r.step === step).map((r) => r.figures);

let paid: string;
let settling: string;
let rejected: string;
let reviewRejected: string;

beforeAll(async () => {
  system = await startTestSystem('auditfig');
  api = client(system);
  expect((await api.call('POST', '/households', { role: 'admin', body: DEMO_HOUSEHOLDS })).status).toBe(200);

  paid = await submit(medical(1_500_000));
  settling = await submit(medical(1_200_000));
  rejected = await submit(medical(1_000_000, 'P-NOBODY'));
  // P-2's first claim: 3,000,000 above the deductible, 2,000,000 × 80% + 1,000,000 × 70% = 2,300,000, uplifted
  // 120% = 2,760,000 > the 2,000,000 review threshold. The reviewer's note names P-2: it stays out of the figures.
  reviewRejected = await submit(medical(3_500_000, 'P-2'));

  const claim = (await api.waitForStatus(paid, ['SETTLING'])).body;
  for (const s of claim.settlements) {
    const c = await api.call('POST', `/settlements/${s.settlementId}/confirm`, {
      role: 'insurer',
      insurerId: s.insurerId,
      body: { paidAt: '2024-05-06T09:00:00Z', reference: `BANK-${s.insurerId}` },
    });
    expect(c.status, JSON.stringify(c.body)).toBe(200);
  }
  await api.waitForStatus(paid, ['PAID']);
  await api.waitForStatus(settling, ['SETTLING']);
  expect((await api.waitForStatus(rejected, ['REJECTED'])).body.reasonCode).toBe('PERSON_NOT_IN_HOUSEHOLD');
  await api.waitForStatus(reviewRejected, ['PENDING_REVIEW']);
  expect((await api.review(reviewRejected, 'REJECT', `called ${NAME}, id ${ID_NUMBER}: invoice not hers`)).status).toBe(200);
  await api.waitForStatus(reviewRejected, ['REJECTED']);
}, 60_000);

afterAll(async () => {
  await system?.stop();
});

describe('figures in the audit trail', () => {
  it("each money step's record states its figures, equal to what the claim and its settlements show", async () => {
    const claim = (await api.call('GET', `/claims/${paid}`, { role: 'auditor' })).body;
    const audit = (await api.call('GET', `/claims/${paid}/audit`, { role: 'auditor' })).body;
    expect(audit.verified).toBe(true);
    const records = audit.records as Rec[];
    expect(records.map((r) => r.step)).toEqual([
      'Submit',
      'Intake',
      'Eligibility',
      'Assessment',
      'Split',
      'Payout',
      'Confirm',
      'Confirm',
      'Confirm',
      'Paid',
    ]);
    expect(figuresOf(records, 'Assessment')).toEqual([{ payout: claim.assessment.payout, bankShare: null, route: 'PAYABLE' }]);
    expect(claim.assessment.payout).toBeGreaterThan(0);
    expect(figuresOf(records, 'Split')).toEqual([{ allocations: claim.allocations }]);
    const settlements = claim.settlements as Array<{ settlementId: string; insurerId: string; amount: number; paidAt: string; reference: string }>;
    expect(figuresOf(records, 'Payout')).toEqual([
      { settlements: settlements.map((s) => ({ settlementId: s.settlementId, insurerId: s.insurerId, amount: s.amount })) },
    ]);
    expect(figuresOf(records, 'Confirm')).toEqual(
      expect.arrayContaining(
        settlements.map((s) => ({
          settlementId: s.settlementId,
          amount: s.amount,
          paidAt: '2024-05-06T09:00:00Z',
          reference: `BANK-${s.insurerId}`,
        })),
      ),
    );
    expect(figuresOf(records, 'Paid')).toEqual([{ paidAt: '2024-05-06T09:00:00Z' }]);
    // Steps that decide no money carry no figures.
    expect(figuresOf(records, 'Intake')).toEqual([undefined]);
    // The audit answer carries the stored figures the export reconciles.
    expect(audit.stored).toMatchObject({
      status: 'PAID',
      payout: claim.assessment.payout,
      allocations: claim.allocations,
      paidAt: '2024-05-06T09:00:00Z',
    });

    const review = (await api.call('GET', `/claims/${reviewRejected}/audit`, { role: 'auditor' })).body;
    const reviewer = (await api.call('GET', `/claims/${reviewRejected}`, { role: 'auditor' })).body.review.reviewer as string;
    // Since authority levels: the reviewer's level (a token without one is level 3) and the reason code (a rejection
    // sent without one is OTHER) are stated too.
    expect(figuresOf(review.records, 'ReviewDecision')).toEqual([{ reviewer, decision: 'REJECT', level: 3, reasonCode: 'OTHER' }]);
    expect(figuresOf(review.records, 'Assessment')).toEqual([{ payout: 2_760_000, bankShare: null, route: 'REVIEW' }]);
    expect(review.stored).toMatchObject({ status: 'REJECTED', payout: 2_760_000, allocations: [], settlements: [] });
  });

  it("a claim's whole chain holds neither the person's identity number nor name (not even the reviewer's note)", async () => {
    for (const id of [paid, settling, reviewRejected]) {
      const text = JSON.stringify((await api.call('GET', `/claims/${id}/audit`, { role: 'auditor' })).body);
      expect(text).toContain('"figures"'); // the clear figures are there to be searched
      for (const p of PERSONAL) expect(text).not.toContain(p);
    }
    // The note was taken: the claim shows it (to those allowed to read the claim), so its absence above means something.
    expect(JSON.stringify((await api.call('GET', `/claims/${reviewRejected}`, { role: 'auditor' })).body)).toContain(NAME);
  });

  it('verify passes on an untouched store, then names each claim and field edited in the claims and settlements tables', async () => {
    const clean = join(dir, 'clean.json');
    const exported = await cli(['export', '--out', clean]);
    expect(exported.code, exported.stderr).toBe(0);
    const ok = await cli(['verify', clean]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/verified 4 claims, .*every chain is intact; the stored figures of 4 claims agree with their chains/);
    const doc = JSON.parse(readFileSync(clean, 'utf8')) as {
      claims: Array<{ claimId: string; stored: { payout: number | null; settlements: unknown[] } }>;
    };
    expect(doc.claims.find((c) => c.claimId === rejected)?.stored).toMatchObject({ payout: null, settlements: [] });

    const before = (await api.call('GET', `/claims/${settling}`, { role: 'auditor' })).body;
    const paidClaim = (await api.call('GET', `/claims/${paid}`, { role: 'auditor' })).body;
    const send = (table: 'claims' | 'settlements', key: Record<string, string>, expr: string, values: Record<string, unknown>) =>
      documentClient().send(new UpdateCommand({ TableName: tableName(table), Key: key, UpdateExpression: expr, ExpressionAttributeValues: values }));
    // Someone with write access to the tables: a payout raised, an allocation and a settlement amount changed,
    // and money put on a claim that was rejected.
    await send('claims', { claimId: settling }, 'SET assessment.payout = :p', { ':p': before.assessment.payout + 100_000 });
    await send('claims', { claimId: paid }, 'SET allocations[1].amount = :a', { ':a': paidClaim.allocations[1].amount + 1 });
    const s0 = paidClaim.settlements[0] as { settlementId: string; amount: number };
    await send('settlements', { settlementId: s0.settlementId }, 'SET amount = :a', { ':a': s0.amount * 10 });
    await send('claims', { claimId: rejected }, 'SET allocations = :a', { ':a': [{ insurerId: 'XG-POOL-1', shareBp: 10000, amount: 500_000 }] });

    // The chains are untouched and still verify: only the reconciliation can see these edits.
    expect((await api.call('GET', `/claims/${settling}/audit`, { role: 'auditor' })).body.verified).toBe(true);
    const edited = join(dir, 'edited.json');
    expect((await cli(['export', '--out', edited])).code).toBe(0);
    const bad = await cli(['verify', edited]);
    expect(bad.code).toBe(1);
    const lines = bad.stderr.trim().split('\n').sort();
    expect(lines).toEqual(
      [
        `BROKEN: claim ${settling}: assessment.payout is ${before.assessment.payout + 100_000} in the store, the chain says ${before.assessment.payout}`,
        `BROKEN: claim ${paid}: allocations[${paidClaim.allocations[1].insurerId}].amount is ${paidClaim.allocations[1].amount + 1} in the store, the chain says ${paidClaim.allocations[1].amount}`,
        `BROKEN: claim ${paid}: settlements[${s0.settlementId}].amount is ${s0.amount * 10} in the store, the chain says ${s0.amount}`,
        `BROKEN: claim ${rejected}: allocations[XG-POOL-1] is 500000 in the store, the chain says none (rejected in record 3)`,
      ].sort(),
    );
  });
});
