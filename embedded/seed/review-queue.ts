/**
 * A review queue written straight into the claims table (batch writes, not through the workflow): the inbox
 * bench's 10,000 claims and the list tests' fixtures. Each record has the shape the assessment stores for a
 * claim it sends to review (status PENDING_REVIEW, assessment with payout and reasons, county, reviewPayout),
 * without a task token (a review answers 409 "Not ready"). Ids are deterministic, so a repeat overwrites the
 * same items (idempotent); this is fixture loading, not a write path of the system.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchWrite } from './batch-write.js';
import { localDynamoClientConfig } from '../dynamodb-local.js';
import type { ClaimRecord } from '../../functions/shared/claim-record.js';
import { claimKeysOf } from '../../functions/shared/claim-keys-repo.js';

export interface QueueClaim {
  readonly claimId: string;
  readonly schemeId: 'xiaogan-2024' | 'lishui-2017';
  readonly product: 'MEDICAL' | 'ACCIDENT';
  readonly county: string | null;
  readonly payout: number;
  readonly createdAt: string;
  readonly reasons: readonly string[];
  /** false: a claim stored before county and reviewPayout existed (no top-level copies). */
  readonly queueFields?: boolean;
}

export function queueRecord(c: QueueClaim): ClaimRecord & Record<string, unknown> {
  const householdId = `H-${c.county ?? '000000'}-${c.claimId.slice(-4)}`;
  const details =
    c.product === 'MEDICAL'
      ? {
          hospitalCode: 'HOSP-02',
          invoiceNo: `Q-${c.claimId}`,
          totalCost: c.payout * 2,
          basicInsurancePaid: 0,
          criticalIllnessPaid: 0,
          medicalAssistancePaid: 0,
          otherReimbursement: 0,
          nonCoveredCost: 0,
          payee: 'HOSPITAL',
        }
      : { kind: 'DISABILITY', grade: 5 };
  const submission = {
    schemeId: c.schemeId,
    product: c.product,
    householdId,
    personId: 'P-1',
    incidentDate: c.createdAt.slice(0, 10),
    details,
  } as unknown as ClaimRecord['submission'];
  return {
    claimId: c.claimId,
    submission,
    householdId,
    schemeId: c.schemeId,
    product: c.product,
    status: 'PENDING_REVIEW',
    assessment: {
      payout: c.payout,
      bankShare: null,
      accrual: {},
      accumulatorKey: null,
      invoiceKey: null,
      route: 'REVIEW',
      reviewReasons: [...c.reasons],
      explanation: { figures: { payout: c.payout }, steps: ['seeded review-queue fixture'] },
    },
    ...(c.queueFields === false ? {} : { county: c.county, reviewPayout: c.payout }),
    submittedBy: 'seed',
    idempotencyKey: null,
    createdAt: c.createdAt,
    decidedAt: c.createdAt,
    updatedAt: c.createdAt,
  };
}

/**
 * Writes the claims, then their search keys (table claimKeys, as filing writes them: claim-keys-repo.ts), through
 * the seeds' batchWrite.
 */
export async function seedReviewQueue(dynamoEndpoint: string, tablePrefix: string, claims: readonly QueueClaim[], parallel = 8): Promise<void> {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient(localDynamoClientConfig(dynamoEndpoint)), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const records = claims.map(queueRecord);
  await batchWrite(doc, `${tablePrefix}claims`, records, parallel);
  await batchWrite(doc, `${tablePrefix}claimKeys`, records.map(claimKeysOf), parallel);
  doc.destroy();
}

/** A deterministic queue of `n` claims: two schemes, six counties, two products, payouts 200.00–99,999.99 元, ages 0–30 days. */
export function syntheticQueue(n: number, now = Date.now()): QueueClaim[] {
  const counties = ['420902', '420921', '420922', '420923', '331102', '331121'];
  const reasons = [['ABOVE_THRESHOLD'], ['REGISTRY_NOT_VERIFIED'], ['ABOVE_THRESHOLD', 'MONITORING_WARNING'], ['FRAUD_SIGNAL']];
  let seed = 12345;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  return Array.from({ length: n }, (_, i) => {
    const lishui = i % 3 === 0;
    return {
      claimId: `C-Q${String(i).padStart(6, '0')}`,
      schemeId: lishui ? 'lishui-2017' : 'xiaogan-2024',
      product: i % 5 === 0 ? 'ACCIDENT' : 'MEDICAL',
      county: lishui ? counties[4 + (i % 2)]! : counties[i % 4]!,
      payout: 20_000 + Math.floor(rnd() * 9_998_000),
      createdAt: new Date(now - Math.floor(rnd() * 30 * 86_400_000)).toISOString(),
      reasons: reasons[i % 4]!,
    };
  });
}
