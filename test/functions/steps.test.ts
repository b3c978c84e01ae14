/** Workflow step handlers against DynamoDB Local: decisions, idempotent retries, caps under concurrency. */
import { beforeAll, describe, expect, it } from 'vitest';
import { HouseholdInput, type ClaimSubmission } from '../../core/index.js';
import { chainFigures, reconcileFigures, StoredFigures } from '../../core/audit-figures.js';
import { storedFigures, type ClaimRecord } from '../../functions/shared/claim-record.js';
import { useStore } from '../support/store.js';
import { runDirect } from '../../embedded/direct.js';
import { createClaim, getClaim, transitionClaim } from '../../functions/shared/claims-repo.js';
import { putHousehold, toStoredHousehold, getHousehold } from '../../functions/shared/registry-repo.js';
import { readAccumulator } from '../../functions/shared/accumulators.js';
import { appendAudit, headOf, readAudit, verifyChain } from '../../functions/shared/audit.js';
import { documentClient, tableName } from '../../functions/shared/aws.js';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { handler as intake } from '../../functions/steps/intake.js';
import { handler as split } from '../../functions/steps/split.js';
import { settlementsOfClaim } from '../../functions/shared/settlements-repo.js';
import { handler as assessment } from '../../functions/steps/assessment.js';
import { handler as payout } from '../../functions/steps/payout.js';
import { handler as eligibility } from '../../functions/steps/eligibility.js';
import { lambdaContext } from '../../embedded/lambda-context.js';

const ctx = lambdaContext('test');
let seq = 0;

async function household(id: string, overrides: Partial<HouseholdInput> = {}) {
  const h = HouseholdInput.parse({
    householdId: id,
    schemeId: 'xiaogan-2024',
    county: '420922',
    category: 'LIFTED_OUT',
    verifiedYear: 2024,
    members: [{ personId: 'P-1', idNumber: '420922199001011234' }],
    enrollment: {
      products: ['MEDICAL', 'EDUCATION', 'DISASTER', 'INDUSTRY'],
      start: '2024-01-01',
      end: '2024-12-31',
      insured: { area_mu: 12, quantity_kg: 500 },
    },
    ...overrides,
  });
  await putHousehold(await toStoredHousehold(h));
}

async function submit(sub: ClaimSubmission): Promise<string> {
  const claimId = `C-test-${++seq}-${Date.now()}`;
  const now = new Date().toISOString();
  await createClaim({
    claimId,
    submission: sub,
    householdId: sub.householdId,
    schemeId: sub.schemeId,
    product: sub.product,
    status: 'RECEIVED',
    submittedBy: 'test',
    createdAt: now,
    updatedAt: now,
  });
  return claimId;
}

function medical(householdId: string, selfPay: number, invoiceNo = `INV-${++seq}`): ClaimSubmission {
  return {
    schemeId: 'xiaogan-2024',
    product: 'MEDICAL',
    householdId,
    personId: 'P-1',
    incidentDate: '2024-05-03',
    details: {
      hospitalCode: 'HOSP-01',
      invoiceNo,
      totalCost: selfPay,
      basicInsurancePaid: 0,
      criticalIllnessPaid: 0,
      medicalAssistancePaid: 0,
      otherReimbursement: 0,
      nonCoveredCost: 0,
      payee: 'HOSPITAL',
    },
  };
}

beforeAll(async () => {
  await useStore('steps');
});

describe('registry', () => {
  it('stores identity numbers only hashed and masked', async () => {
    await household('H-PRIV');
    const stored = await getHousehold('H-PRIV');
    expect(JSON.stringify(stored)).not.toContain('420922199001011234');
    expect(stored?.members[0]?.idMasked).toBe('4209**********1234');
    expect(stored?.members[0]?.idHash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('a MEDICAL claim through the steps', () => {
  it('is assessed, split over the Xiaogan pool and settled, with a verifying audit chain', async () => {
    await household('H-MED-1');
    // self-pay 1,500,000; above the 500,000 deductible 1,000,000 × 80% × uplift 120% = 960,000 fen
    const id = await submit(medical('H-MED-1', 1_500_000));
    expect(await runDirect(id)).toBe('SETTLING');
    const claim = await getClaim(id);
    expect(claim?.status).toBe('SETTLING');
    expect(claim?.assessment?.payout).toBe(960_000);
    // 960,000 × 40/35/25% = 384,000 / 336,000 / 240,000
    expect(claim?.allocations?.map((a) => a.amount)).toEqual([384_000, 336_000, 240_000]);
    const settlements = await settlementsOfClaim(id);
    expect(settlements.map((s) => s.amount).sort((a, b) => a - b)).toEqual([240_000, 336_000, 384_000]);
    const audit = await readAudit(id);
    expect(audit.map((r) => r.step)).toEqual(['Intake', 'Eligibility', 'Assessment', 'Split', 'Payout']);
    expect(verifyChain(audit).verified).toBe(true);
  });

  it('retried steps change nothing: no second accrual, no second settlement', async () => {
    await household('H-MED-2');
    const id = await submit(medical('H-MED-2', 1_500_000));
    await runDirect(id);
    await assessment({ claimId: id }, ctx);
    await payout({ claimId: id }, ctx);
    const acc = await readAccumulator('ACC#P#xiaogan-2024#P-1#MEDICAL#2024');
    expect(acc.counters.paid).toBeGreaterThan(0);
    expect((await settlementsOfClaim(id)).length).toBe(3);
  });

  it('rejects the same invoice twice with DUPLICATE_INVOICE', async () => {
    await household('H-MED-3');
    const first = await submit(medical('H-MED-3', 600_000, 'DUP-1'));
    const second = await submit(medical('H-MED-3', 600_000, 'DUP-1'));
    await runDirect(first);
    expect(await runDirect(second)).toBe('REJECTED');
    expect((await getClaim(second))?.reasonCode).toBe('DUPLICATE_INVOICE');
  });

  it('rejects with DUPLICATE_INVOICE a claim whose invoice another claim took between its eligibility and its assessment', async () => {
    // The assessment does not read the invoice's holder on its first attempt: the invoice Put's condition must catch it.
    await household('H-MED-4');
    const late = await submit(medical('H-MED-4', 600_000, 'DUP-RACE'));
    const early = await submit(medical('H-MED-4', 600_000, 'DUP-RACE'));
    expect(await eligibility({ claimId: late }, ctx)).toMatchObject({ outcome: 'ELIGIBLE' });
    expect(await runDirect(early)).toBe('SETTLING');
    const held = await readAccumulator('ACC#P#xiaogan-2024#P-1#MEDICAL#2024');
    expect(await assessment({ claimId: late }, ctx)).toMatchObject({ outcome: 'REJECTED' });
    const claim = await getClaim(late);
    expect(claim?.reasonCode).toBe('DUPLICATE_INVOICE');
    expect(claim?.assessment).toBeUndefined();
    // Nothing of the rejected claim was held against the person's cap.
    expect(await readAccumulator('ACC#P#xiaogan-2024#P-1#MEDICAL#2024')).toEqual(held);
  });

  it('rejects an unknown household with HOUSEHOLD_NOT_FOUND', async () => {
    const id = await submit(medical('H-NOPE', 600_000));
    expect(await runDirect(id)).toBe('REJECTED');
    expect((await getClaim(id))?.reasonCode).toBe('HOUSEHOLD_NOT_FOUND');
  });
});

describe('the split of a claim the assessment approved', () => {
  async function assessed(householdId: string) {
    // A person of their own: nobody else's claims have used the deductible or the cap.
    await household(householdId, { members: [{ personId: `P-${householdId}` }] });
    const id = await submit({ ...medical(householdId, 1_500_000), personId: `P-${householdId}` });
    const i = await intake({ claimId: id }, ctx);
    const a = await assessment(await eligibility(i, ctx), ctx);
    expect(a.outcome).toBe('PAYABLE');
    return { id, a };
  }
  const splits = async (id: string) => (await readAudit(id)).filter((r) => r.step === 'Split').length;

  it('writes nothing to the claim: its record is the decision, the allocations go to the payout, which stores them', async () => {
    const { id, a } = await assessed('H-SPLIT-1');
    const before = await getClaim(id);
    const s = await split(a, ctx);
    expect(s.allocations?.map((x) => x.amount)).toEqual([384_000, 336_000, 240_000]);
    expect(await getClaim(id)).toEqual(before); // not written: still APPROVED, no allocations, same updatedAt
    // The audit export's reconciliation: a claim split but not paid out yet holds no allocations, rightly.
    const figures = StoredFigures.parse(storedFigures(before as ClaimRecord, []));
    expect(reconcileFigures(chainFigures(await readAudit(id)), figures)).toEqual([]);
    // Retried with the input of its first attempt (whose record is now the head): not recorded twice.
    expect((await split(a, ctx)).audit).toEqual(s.audit);
    expect(await splits(id)).toBe(1);
    await payout(s, ctx);
    const paid = await getClaim(id);
    expect(paid?.status).toBe('SETTLING');
    expect(paid?.allocations).toEqual(s.allocations);
    const trail = await readAudit(id);
    expect(trail.map((r) => r.step)).toEqual(['Intake', 'Eligibility', 'Assessment', 'Split', 'Payout']);
    expect(verifyChain(trail).verified).toBe(true);
  });

  it('a run after a redrive keeps the split already recorded instead of recording it again', async () => {
    const { id, a } = await assessed('H-SPLIT-2');
    const first = await split(a, ctx);
    // The payout failed and was recorded; an admin redrove the claim, and the new run reaches the split again.
    const failure = await appendAudit(
      { claimId: id, step: 'RecordFailure', actor: 'workflow', input: { claimId: id }, output: { error: 'x' } },
      first.audit,
    );
    expect(await transitionClaim(id, ['APPROVED'], { redrives: 1 })).toBe(true);
    const again = await split(a, ctx);
    expect(again.allocations).toEqual(first.allocations);
    expect(again.audit).toEqual(headOf(failure));
    expect(await splits(id)).toBe(1);
  });

  it('the payout refuses a claim with no allocations, or allocations that do not add up to the payout', async () => {
    const { id, a } = await assessed('H-SPLIT-3');
    await expect(payout({ claimId: id }, ctx)).rejects.toThrow(/no allocations/);
    const s = await split(a, ctx);
    const wrong = s.allocations?.map((x, i) => (i === 0 ? { ...x, amount: x.amount + 1 } : x));
    await expect(payout({ ...s, allocations: wrong }, ctx)).rejects.toThrow(
      `allocations total ${(s.allocations ?? []).reduce((t, x) => t + x.amount, 1)} fen`,
    );
    expect(await settlementsOfClaim(id)).toEqual([]);
    expect((await getClaim(id))?.status).toBe('APPROVED');
  });
});

describe('the assessment as stored', () => {
  it('keeps its explanation as one JSON string, read back as the object it was; a claim stored before reads as it was', async () => {
    await household('H-EXPL');
    const id = await submit(medical('H-EXPL', 1_500_000));
    expect(await runDirect(id)).toBe('SETTLING');
    const raw = await documentClient().send(new GetCommand({ TableName: tableName('claims'), Key: { claimId: id }, ConsistentRead: true }));
    expect(typeof raw.Item?.assessment?.explanation).toBe('string');
    const claim = await getClaim(id);
    expect(claim?.assessment?.explanation.figures).toMatchObject({ deductible: 500_000 });
    expect(claim?.assessment?.explanation.steps.length).toBeGreaterThan(0);
    expect(claim?.assessment?.explanation).toEqual(JSON.parse(raw.Item?.assessment.explanation));
    // The same claim as an earlier version stored it: the explanation as nested maps.
    const older = { ...raw.Item, claimId: `${id}-older`, assessment: { ...raw.Item?.assessment, explanation: claim?.assessment?.explanation } };
    await documentClient().send(new PutCommand({ TableName: tableName('claims'), Item: older }));
    expect((await getClaim(`${id}-older`))?.assessment).toEqual(claim?.assessment);
  });
});

describe('caps under concurrency', () => {
  it('20 concurrent claims for one person pay exactly what sequential processing pays, within the cap', async () => {
    // A person in a non-uplift county: cap 8,000,000. 20 bills of 1,000,000 self-pay = 20,000,000 cumulative.
    await household('H-CONC', { county: '420902', members: [{ personId: 'P-CONC' }] });
    const ids = await Promise.all(Array.from({ length: 20 }, (_, i) => submit({ ...medical('H-CONC', 1_000_000, `CONC-${i}`), personId: 'P-CONC' })));
    await Promise.all(ids.map((id) => runDirect(id)));
    const claims = await Promise.all(ids.map((id) => getClaim(id)));
    const paid = claims.reduce((s, c) => s + (c?.assessment?.payout ?? 0), 0);
    // Sequentially: x = 20,000,000 − 500,000 = 19,500,000 above the deductible →
    // 2,000,000 × 80% + 3,000,000 × 70% + 14,500,000 × 60% = 1,600,000 + 2,100,000 + 8,700,000 = 12,400,000 → capped at 8,000,000.
    expect(paid).toBe(8_000_000);
    const acc = await readAccumulator('ACC#P#xiaogan-2024#P-CONC#MEDICAL#2024');
    expect(acc.counters).toEqual({ selfPay: 20_000_000, paid: 8_000_000 });
    expect(acc.version).toBe(20);
  });
});
