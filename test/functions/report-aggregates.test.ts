/**
 * The report totals against DynamoDB Local: a claim's moves are counted in the transaction that moves it, so a
 * retried step (re-invoked after its first attempt committed, or its transaction sent again after a lost answer)
 * counts nothing twice; and the totals equal a rebuild from the claims.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { HouseholdInput, type ClaimSubmission } from '../../core/index.js';
import { useStore } from '../support/store.js';
import { runDirect } from '../../embedded/direct.js';
import { createClaim, getClaim, moveClaim } from '../../functions/shared/claims-repo.js';
import { putHousehold, toStoredHousehold } from '../../functions/shared/registry-repo.js';
import { readReportTotals } from '../../functions/shared/report-aggregates.js';
import { differencesBySchemeYear, recomputeReportTotals } from '../../functions/shared/report-rebuild.js';
import { documentClient } from '../../functions/shared/aws.js';
import { handler as assessment } from '../../functions/steps/assessment.js';
import { handler as split } from '../../functions/steps/split.js';
import { handler as payout } from '../../functions/steps/payout.js';
import { lambdaContext } from '../../embedded/lambda-context.js';

const ctx = lambdaContext('test');
const SCHEME = 'xiaogan-2024';
const SETTLING = 'n|MEDICAL|420922|SETTLING';

function medical(householdId: string, selfPay: number, invoiceNo: string): ClaimSubmission {
  return {
    schemeId: SCHEME,
    product: 'MEDICAL',
    householdId,
    personId: 'P-1',
    incidentDate: '2031-05-03', // a year of its own: the totals read here hold only this file's claims
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
  } as ClaimSubmission;
}

async function file(claimId: string, sub: ClaimSubmission) {
  const now = new Date().toISOString();
  return createClaim({
    claimId,
    submission: sub,
    householdId: sub.householdId,
    schemeId: sub.schemeId,
    product: sub.product,
    county: '420922',
    status: 'RECEIVED',
    submittedBy: 'test',
    createdAt: now,
    updatedAt: now,
  });
}

beforeAll(async () => {
  await useStore('report-aggregates');
  const h = HouseholdInput.parse({
    householdId: 'H-RA-1',
    schemeId: SCHEME,
    county: '420922',
    category: 'LIFTED_OUT',
    verifiedYear: 2031,
    members: [{ personId: 'P-1' }],
    enrollment: { products: ['MEDICAL'], start: '2031-01-01', end: '2031-12-31' },
  });
  await putHousehold(await toStoredHousehold(h));
  await putHousehold(await toStoredHousehold(h)); // a repeated import counts the household once
});

describe('report totals', () => {
  it('a retried step counts once: re-invoked after it committed, or its transaction sent again', async () => {
    expect(await file('C-RA-1', medical('H-RA-1', 1_500_000, 'RA-1'))).toBe(true);
    expect(await file('C-RA-1', medical('H-RA-1', 1_500_000, 'RA-1'))).toBe(false); // a repeated filing
    expect(await runDirect('C-RA-1')).toBe('SETTLING');
    const once = await readReportTotals(SCHEME, '2031');
    expect(once[SETTLING]).toBe(1);
    expect(once[`a|MEDICAL|420922|SETTLING`]).toBe(960_000);
    expect(once['n|MEDICAL|420922|RECEIVED']).toBe(0);
    expect(once.households).toBe(1);
    // Each step again, as Step Functions retries a task whose first attempt committed but timed out.
    await assessment({ claimId: 'C-RA-1' }, ctx);
    await split({ claimId: 'C-RA-1' }, ctx);
    await payout({ claimId: 'C-RA-1' }, ctx);
    // The payout's transaction sent again as the SDK re-sends one whose answer was lost: the claim's condition
    // (APPROVED) fails, and the whole transaction, report delta included, is cancelled.
    const settling = await getClaim('C-RA-1');
    if (!settling) throw new Error('claim gone');
    const replay = await moveClaim({ ...settling, status: 'APPROVED' }, ['APPROVED'], { status: 'SETTLING' });
    await expect(documentClient().send(new TransactWriteCommand({ TransactItems: replay }))).rejects.toMatchObject({
      name: 'TransactionCanceledException',
    });
    expect(await readReportTotals(SCHEME, '2031')).toEqual(once);
  });

  it('the totals equal a rebuild from the claims and households', async () => {
    expect(await file('C-RA-2', medical('H-RA-1', 100_000, 'RA-2'))).toBe(true); // the deductible is used up: it pays
    expect(await runDirect('C-RA-2')).toBe('SETTLING');
    expect((await readReportTotals(SCHEME, '2031'))[SETTLING]).toBe(2);
    expect((await recomputeReportTotals({ write: false })).differences).toEqual([]);
  });

  it('how many shards are written is a setting: no total depends on it, and a rebuild moves the counts', async () => {
    const before = await readReportTotals(SCHEME, '2031');
    process.env.FANGPIN_REPORT_SHARDS = '1'; // as few as the embedded runtime's 4, and fewer
    try {
      expect(await file('C-RA-3', medical('H-RA-1', 100_000, 'RA-3'))).toBe(true);
      expect(await runDirect('C-RA-3')).toBe('SETTLING');
      const after = await readReportTotals(SCHEME, '2031');
      expect(after[SETTLING]).toBe((before[SETTLING] ?? 0) + 1);
      // The earlier claims and the household were counted in other shards: the shards differ, the sums do not.
      const check = await recomputeReportTotals({ write: false });
      expect(check.differences.length).toBeGreaterThan(0);
      expect(differencesBySchemeYear(check.differences)).toEqual([]);
      await recomputeReportTotals({ write: true });
      expect((await recomputeReportTotals({ write: false })).differences).toEqual([]);
      expect(await readReportTotals(SCHEME, '2031')).toEqual(after);
    } finally {
      delete process.env.FANGPIN_REPORT_SHARDS;
    }
  });
});
