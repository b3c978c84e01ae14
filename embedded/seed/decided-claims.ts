/**
 * A city's history written straight into an empty store (batch writes, not through the workflow): households in
 * the registry and decided claims over them, for the report and search bench (100,000 claims over 30,000
 * households) and the search tests (a few hundred). Records have the shape the steps store (status, assessment,
 * county and schemeCounty, paidAt) and their search keys (table claimKeys), without settlements or audit chains. The report totals are written from
 * the same contribution function the claim moves use (core/report-aggregates.ts), summed per shard, so they are
 * what `npm run reports -- rebuild` would write: `npm run reports -- check` finds no difference. Deterministic:
 * a repeat on the same store writes the same items. Fixture loading, not a write path of the system.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchWrite } from './batch-write.js';
import { addInto, claimContribution, householdContribution, type Counters } from '../../core/report-aggregates.js';
import { schemes } from '../../functions/shared/catalogue.js';
import {
  AccidentDetails,
  decidedMonitoringEntryOf,
  DisasterDetails,
  EducationDetails,
  fanoutShardOf,
  schemeShardOf,
  IndustryDetails,
  LoanGuaranteeDetails,
  MedicalDetails,
  type Product,
} from '../../core/index.js';
import { localDynamoClientConfig } from '../dynamodb-local.js';
import { claimFacts, reportItemKey, shardOf } from '../../functions/shared/report-aggregates.js';
import { ENTRY_PREFIX } from '../../functions/shared/monitoring-repo.js';
import type { ClaimRecord } from '../../functions/shared/claim-record.js';
import { claimKeysOf } from '../../functions/shared/claim-keys-repo.js';
import type { StoredHousehold } from '../../functions/shared/registry-repo.js';

/** Xiaogan's counties (three) and Lishui's (one); a tenth of the households are Lishui's. */
const XIAOGAN_COUNTIES = ['420902', '420921', '420922'];
const LISHUI_COUNTY = '331102';
const PRODUCTS: Record<string, readonly Product[]> = {
  'xiaogan-2024': ['MEDICAL', 'EDUCATION', 'DISASTER', 'INDUSTRY'],
  'lishui-2017': ['MEDICAL', 'ACCIDENT', 'DISASTER', 'INDUSTRY', 'LOAN_GUARANTEE'],
};
/** Decided statuses, most claims paid (weights out of 20). */
const STATUSES: ReadonlyArray<readonly [ClaimRecord['status'], number]> = [
  ['PAID', 12],
  ['SETTLING', 3],
  ['REJECTED', 2],
  ['CLOSED_NO_PAYOUT', 2],
  ['PENDING_REVIEW', 1],
];

export function seedHousehold(i: number): StoredHousehold {
  const lishui = i % 10 === 9;
  const schemeId = lishui ? 'lishui-2017' : 'xiaogan-2024';
  const county = lishui ? LISHUI_COUNTY : (XIAOGAN_COUNTIES[i % 3] as string);
  const members = Array.from({ length: 1 + (i % 4) }, (_, m) => ({ personId: `P-${m + 1}` }));
  const h = {
    householdId: `H-${county}-S${String(i).padStart(6, '0')}`,
    schemeId,
    county,
    category: lishui ? 'DIBAO' : 'LIFTED_OUT',
    verifiedYear: 2024,
    exitedOn: null,
    members,
    enrollment: { products: [...(PRODUCTS[schemeId] ?? [])], start: '2024-01-01', end: '2024-12-31', insured: {} },
    // Incomes from 500 to 1,700 yuan a month, so the monitoring bench meets households whose costs pass half of it.
    monthlyIncome: 50_000 + (i % 7) * 20_000,
    updatedAt: '2024-01-01T00:00:00.000Z',
  } as unknown as StoredHousehold;
  return { ...h, fanoutShard: fanoutShardOf(h), schemeShard: schemeShardOf(h) };
}

/**
 * Details a real submission of the product could have carried (parsed by the product's own schema, defaults
 * filled), so a seeded claim reads through the API exactly as a filed one does.
 */
function seedDetails(product: Product, i: number, payout: number): unknown {
  const amount = Math.max(payout, 1) * 2;
  switch (product) {
    case 'MEDICAL':
      return MedicalDetails.parse({ hospitalCode: 'HOSP-SEED', invoiceNo: `SEED-${i}`, totalCost: amount });
    case 'ACCIDENT':
      return AccidentDetails.parse({ kind: 'OUTPATIENT', expense: amount });
    case 'EDUCATION':
      return EducationDetails.parse({ stage: 'PRIMARY', expense: amount });
    case 'DISASTER':
      return DisasterDetails.parse({ cause: 'FLOOD', damage: 'PARTIAL', assessedLoss: amount });
    case 'INDUSTRY':
      return IndustryDetails.parse({ kind: 'INDEMNITY', assessedLoss: amount });
    case 'LOAN_GUARANTEE':
      return LoanGuaranteeDetails.parse({
        loanId: `L-SEED-${i}`,
        bankId: 'BANK-SEED',
        outstandingPrincipal: amount,
        unpaidInterest: 0,
        recoveries: 0,
      });
  }
}

export function seedClaim(i: number, households: number): ClaimRecord {
  const h = seedHousehold((i * 7919) % households);
  const products = PRODUCTS[h.schemeId] ?? ['MEDICAL'];
  const product = products[i % products.length] as Product;
  let pick = i % 20;
  let status: ClaimRecord['status'] = 'PAID';
  for (const [s, w] of STATUSES) {
    if (pick < w) {
      status = s;
      break;
    }
    pick -= w;
  }
  // Spread over the year, a few seconds apart, so createdAt orders are long and ties are rare.
  const created = new Date(Date.UTC(2024, 0, 2) + i * 311_000);
  const createdAt = created.toISOString();
  const payout = status === 'REJECTED' || status === 'CLOSED_NO_PAYOUT' ? 0 : 10_000 + ((i * 104_729) % 5_000_000);
  const paidAt = status === 'PAID' ? new Date(created.getTime() + (1 + (i % 9)) * 86_400_000).toISOString() : null;
  const claimId = `C-SEED-${String(i).padStart(7, '0')}`;
  return {
    claimId,
    submission: {
      schemeId: h.schemeId,
      product,
      householdId: h.householdId,
      personId: 'P-1',
      incidentDate: createdAt.slice(0, 10),
      details: seedDetails(product, i, payout),
    } as unknown as ClaimRecord['submission'],
    householdId: h.householdId,
    schemeId: h.schemeId,
    product,
    status,
    reasonCode: status === 'REJECTED' ? 'OUTSIDE_POLICY_PERIOD' : null,
    assessment:
      status === 'REJECTED'
        ? null
        : {
            payout,
            bankShare: null,
            accrual: {},
            accumulatorKey: null,
            invoiceKey: null,
            route: status === 'CLOSED_NO_PAYOUT' ? 'NO_PAYOUT' : status === 'PENDING_REVIEW' ? 'REVIEW' : 'PAYABLE',
            reviewReasons: status === 'PENDING_REVIEW' ? ['ABOVE_THRESHOLD'] : [],
            explanation: { figures: { payout }, steps: ['seeded'] },
          },
    county: h.county,
    schemeCounty: `${h.schemeId}#${h.county}`,
    ...(status === 'PENDING_REVIEW' ? { reviewPayout: payout } : {}),
    submittedBy: 'seed',
    idempotencyKey: null,
    createdAt,
    decidedAt: createdAt,
    paidAt,
    updatedAt: paidAt ?? createdAt,
  };
}

/** Writes `households` registry entries and `claims` decided claims, then the report totals they add up to. */
export async function seedDecidedClaims(opts: {
  dynamoEndpoint: string;
  tablePrefix: string;
  households: number;
  claims: number;
  parallel?: number;
  log?: (line: string) => void;
}): Promise<void> {
  const doc = DynamoDBDocumentClient.from(new DynamoDBClient(localDynamoClientConfig(opts.dynamoEndpoint)), {
    marshallOptions: { removeUndefinedValues: true },
  });
  const parallel = opts.parallel ?? 8;
  const log = opts.log ?? (() => {});
  const totals = new Map<string, Counters>();
  const into = (pk: string, c: Counters) => {
    const sum = totals.get(pk) ?? {};
    totals.set(pk, addInto(sum, c));
  };
  try {
    const households = Array.from({ length: opts.households }, (_, i) => seedHousehold(i));
    for (const h of households) {
      const scheme = schemes().get(h.schemeId);
      if (scheme)
        for (const { year, counters } of householdContribution(h, scheme)) into(reportItemKey(h.schemeId, year, shardOf(h.householdId)), counters);
    }
    await batchWrite(doc, `${opts.tablePrefix}registry`, households as unknown as Array<Record<string, unknown>>, parallel);
    log(`seeded ${households.length} households`);
    const CHUNK = 10_000;
    // Each household's monitoring item as the claim moves would have left it (functions/shared/monitoring-repo.ts).
    const monitoring = new Map<string, Record<string, unknown>>();
    for (let from = 0; from < opts.claims; from += CHUNK) {
      const claims = Array.from({ length: Math.min(CHUNK, opts.claims - from) }, (_, k) => seedClaim(from + k, opts.households));
      for (const c of claims) {
        into(
          reportItemKey(c.schemeId, c.submission.incidentDate.slice(0, 4), shardOf(c.claimId)),
          claimContribution(claimFacts(c), schemes().get(c.schemeId)?.holidays ?? []),
        );
        const entry = decidedMonitoringEntryOf(c);
        if (!entry) continue;
        const item = monitoring.get(c.householdId) ?? { householdId: c.householdId, ver: 0 };
        item[`${ENTRY_PREFIX}${c.claimId}`] = entry;
        item.ver = Number(item.ver) + 1;
        monitoring.set(c.householdId, item);
      }
      await batchWrite(doc, `${opts.tablePrefix}claims`, claims as unknown as Array<Record<string, unknown>>, parallel);
      // Their search keys, as filing writes them with each claim (claim-keys-repo.ts).
      await batchWrite(doc, `${opts.tablePrefix}claimKeys`, claims.map(claimKeysOf), parallel);
      log(`seeded ${from + claims.length} claims`);
    }
    await batchWrite(
      doc,
      `${opts.tablePrefix}reports`,
      [...totals].map(([pk, counters]) => ({ ...counters, pk })),
      parallel,
    );
    log(`wrote ${totals.size} report total items`);
    await batchWrite(doc, `${opts.tablePrefix}monitoring`, [...monitoring.values()], parallel);
    log(`wrote ${monitoring.size} monitoring items`);
  } finally {
    doc.destroy();
  }
}
