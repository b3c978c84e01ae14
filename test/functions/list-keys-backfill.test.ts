/**
 * The list index keys written after an upgrade (functions/shared/list-keys-backfill.ts, `npm run reports --
 * rebuild`): items as an older version stored them (written by today's code, their index key then removed) are out
 * of their lists; a counting run finds them and writes nothing; the rebuild gives each its key as today's code
 * derives it, and the lists read through the same store functions the API uses show them again; a second run
 * finds nothing. A settlement whose status moved on (its own key written by the confirmation) is left alone.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { HouseholdInput, type OpenWarning } from '../../core/index.js';
import type { TableId } from '../../functions/shared/tables.js';
import { useStore } from '../support/store.js';

type Aws = typeof import('../../functions/shared/aws.js');
type Backfill = typeof import('../../functions/shared/list-keys-backfill.js');
type Registry = typeof import('../../functions/shared/registry-repo.js');
type Settlements = typeof import('../../functions/shared/settlements-repo.js');
type Feeds = typeof import('../../functions/shared/medical-feeds-repo.js');
type Samples = typeof import('../../functions/shared/audit-samples-repo.js');
type Claims = typeof import('../../functions/shared/claims-repo.js');
type ClaimKeys = typeof import('../../functions/shared/claim-keys-repo.js');
let aws: Aws;
let claims: Claims;
let claimKeys: ClaimKeys;
let backfill: Backfill;
let registry: Registry;
let settlements: Settlements;
let feeds: Feeds;
let samples: Samples;

const SCHEME = 'xiaogan-2024';
const FEED_ID = `MF-${'b'.repeat(32)}`;

const household = (householdId: string) =>
  HouseholdInput.parse({
    householdId,
    schemeId: SCHEME,
    county: '420902',
    category: 'LIFTED_OUT',
    verifiedYear: 2024,
    monthlyIncome: 100_000,
    members: [{ personId: 'P-1', idNumber: '420902199001011234' }],
    enrollment: { products: ['MEDICAL'], start: '2024-01-01', end: '2024-12-31' },
  });

const warning: OpenWarning = {
  warningId: 'HEALTH-2024-06',
  type: 'HEALTH',
  level: 'MEDIUM',
  followUp: 'PHONE_CHECK',
  openedAt: '2024-07-01T00:00:00.000Z',
  evidence: {
    monthlyIncome: 100_000,
    thresholdBp: 5000,
    months: [
      { month: '2024-05', medicalCost: 60_000, claimIds: ['C-1'] },
      { month: '2024-06', medicalCost: 60_000, claimIds: ['C-2'] },
    ],
  },
};

const settlement = (settlementId: string) => ({
  settlementId,
  claimId: `C-${settlementId}`,
  insurerId: 'XG-PICC',
  amount: 12_345,
  payee: { type: 'HOSPITAL' as const, id: 'H-1' },
  schemeId: SCHEME,
  product: 'MEDICAL',
  status: 'PENDING' as const,
  createdAt: '2024-07-01T00:00:00.000Z',
});

/** Takes an item back to how an older version stored it: without the index key(s). */
async function forget(table: TableId, Key: Record<string, string>, ...attrs: string[]) {
  await aws.documentClient().send(new UpdateCommand({ TableName: aws.tableName(table), Key, UpdateExpression: `REMOVE ${attrs.join(', ')}` }));
}

const byKey = (runs: readonly { what: string; key: string; missing: number; written: number }[]) =>
  Object.fromEntries(runs.map((r) => [`${r.what}/${r.key}`, [r.missing, r.written]]));

beforeAll(async () => {
  await useStore('listkeys');
  aws = await import('../../functions/shared/aws.js');
  backfill = await import('../../functions/shared/list-keys-backfill.js');
  registry = await import('../../functions/shared/registry-repo.js');
  settlements = await import('../../functions/shared/settlements-repo.js');
  feeds = await import('../../functions/shared/medical-feeds-repo.js');
  samples = await import('../../functions/shared/audit-samples-repo.js');
  claims = await import('../../functions/shared/claims-repo.js');
  claimKeys = await import('../../functions/shared/claim-keys-repo.js');
  const { TransactWriteCommand, DeleteCommand } = await import('@aws-sdk/lib-dynamodb');

  // C-LK-1 as a version before table claimKeys stored it (no keys item); C-LK-2 filed today.
  for (const [claimId, createdAt] of [
    ['C-LK-1', '2024-07-01T00:00:00.000Z'],
    ['C-LK-2', '2024-07-02T00:00:00.000Z'],
  ] as const) {
    const submission = { schemeId: SCHEME, product: 'ACCIDENT', householdId: 'H-LK-1', personId: 'P-1', incidentDate: '2024-06-30', details: {} };
    const filed = { claimId, submission, householdId: 'H-LK-1', schemeId: SCHEME, product: 'ACCIDENT', county: '420902', status: 'RECEIVED' };
    expect(await claims.createClaim({ ...filed, submittedBy: 'test', createdAt, updatedAt: createdAt } as never)).toBe(true);
  }
  await aws.documentClient().send(new DeleteCommand({ TableName: aws.tableName('claimKeys'), Key: { claimId: 'C-LK-1' } }));

  await registry.putHousehold(await registry.toStoredHousehold(household('H-LK-1')));
  expect(await registry.openHouseholdWarning('H-LK-1', warning, 'admin:test')).toBe(true);
  await forget('registry', { householdId: 'H-LK-1' }, 'schemeShard', 'fanoutShard', 'warnedScheme');
  await registry.putHousehold(await registry.toStoredHousehold(household('H-LK-2'))); // today's: keys kept

  expect(await settlements.createSettlement(settlement('S-LK-1'))).toBe(true);
  expect(await settlements.createSettlement(settlement('S-LK-2'))).toBe(true);
  await forget('settlements', { settlementId: 'S-LK-1' }, 'insurerStatus');
  await forget('settlements', { settlementId: 'S-LK-2' }, 'insurerStatus');
  // S-LK-2 is confirmed after the upgrade: the confirmation writes its own key, so nothing is missing there.
  const s2 = await settlements.getSettlement('S-LK-2');
  expect(await settlements.recordSettlementConfirmation(s2!, '2024-07-02T00:00:00.000Z', 'REF-2')).toBe(true);

  await feeds.recordFeed({
    feedId: FEED_ID,
    schemeId: SCHEME,
    sha256: 'c'.repeat(64),
    bytes: 100,
    encoding: 'utf-8',
    rows: 1,
    sentBy: 'admin-local',
    createdAt: '2024-07-01T00:00:00.000Z',
  });
  await forget('medicalFeeds', { feedId: FEED_ID, item: 'FEED' }, 'listScheme');

  await aws.documentClient().send(
    new TransactWriteCommand({
      TransactItems: [
        samples.sampleItem({
          sampleId: 'AS-LK-1',
          schemeId: SCHEME,
          from: '2024-01-01',
          to: '2024-06-30',
          params: { randomBp: 500, minPayout: 1_000_000, seed: 'seed' },
          population: { count: 3, digest: 'd'.repeat(64) },
          claims: [
            { claimId: 'C-1', reasons: ['RANDOM'] },
            { claimId: 'C-2', reasons: ['AMOUNT'] },
          ],
          drawnBy: 'auditor-1',
          drawnAt: '2024-07-01T00:00:00.000Z',
        }),
      ],
    }),
  );
  await forget('auditSamples', { pk: 'SAMPLE#AS-LK-1', sk: 'SAMPLE' }, 'listScheme', 'claimCount');
}, 60_000);

describe('list index keys after an upgrade', () => {
  it('finds the items without their keys, gives each its key, and the lists show them again', async () => {
    const listed = async () => ({
      households: (await registry.householdsPage([SCHEME], 50, undefined)).items.map((h) => h.householdId).sort(),
      warned: (await registry.householdsWithOpenWarnings(SCHEME)).map((h) => h.householdId),
      pending: (await settlements.settlementsPage({ insurerId: 'XG-PICC', status: 'PENDING', schemeIds: [SCHEME] }, 50)).items.map(
        (s) => s.settlementId,
      ),
      feeds: (await feeds.feedsPage({ schemeIds: [SCHEME] }, 50)).items.map((f) => f.feedId),
      samples: (await samples.samplesPage([SCHEME], 50)).items.map((s) => [s.sampleId, s.claimCount]),
      claims: (
        await claimKeys.readClaimKeysIndex({
          indexName: 'byHousehold',
          keyCondition: 'householdId = :pk',
          values: { ':pk': 'H-LK-1' },
          names: {},
          filter: undefined,
          keep: undefined,
          forward: true,
          limit: 50,
          start: undefined,
          parse: claims.parseStoredClaim,
        })
      ).found.map((f) => f.claim.claimId),
    });
    expect(await listed()).toEqual({ households: ['H-LK-2'], warned: [], pending: [], feeds: [], samples: [], claims: ['C-LK-2'] });

    const counted = await backfill.backfillListKeys({ write: false });
    expect(byKey(counted)).toEqual({
      'medical feeds/listScheme': [1, 0],
      'audit samples/listScheme': [1, 0],
      'settlements/insurerStatus': [1, 0],
      'households/schemeShard': [1, 0],
      'households/fanoutShard': [1, 0],
      'households with open warnings/warnedScheme': [1, 0],
      'claims/claimKeys': [1, 0],
    });
    expect(await listed()).toMatchObject({ households: ['H-LK-2'], feeds: [], claims: ['C-LK-2'] }); // counting wrote nothing

    const lines: string[] = [];
    const written = await backfill.backfillListKeys({ write: true, progress: (l) => lines.push(l) });
    expect(byKey(written)).toEqual({
      'medical feeds/listScheme': [1, 1],
      'audit samples/listScheme': [1, 1],
      'settlements/insurerStatus': [1, 1],
      'households/schemeShard': [1, 1],
      'households/fanoutShard': [1, 1],
      'households with open warnings/warnedScheme': [1, 1],
      'claims/claimKeys': [1, 1],
    });
    expect(lines).toContain('settlements: 1 without insurerStatus, 1 given it');
    expect(await listed()).toEqual({
      households: ['H-LK-1', 'H-LK-2'],
      warned: ['H-LK-1'],
      pending: ['S-LK-1'],
      feeds: [FEED_ID],
      samples: [['AS-LK-1', 2]],
      claims: ['C-LK-1', 'C-LK-2'],
    });
    // The key is the one today's code derives: the household's slice is the one an import would have written.
    const h1 = await registry.getHousehold('H-LK-1');
    const asImported = await registry.toStoredHousehold(household('H-LK-1'));
    expect([h1?.schemeShard, h1?.fanoutShard]).toEqual([asImported.schemeShard, asImported.fanoutShard]);
    // …and an index event's slice finds it again.
    const slice = Number(asImported.fanoutShard?.split('#').pop());
    expect((await registry.householdsInFanoutSlice(SCHEME, '420902', slice, 50, undefined)).households.map((h) => h.householdId)).toContain('H-LK-1');
    expect(
      (await settlements.settlementsPage({ insurerId: 'XG-PICC', status: 'CONFIRMED', schemeIds: [SCHEME] }, 50)).items.map((s) => s.settlementId),
    ).toEqual(['S-LK-2']);

    // Once more: nothing missing, nothing written.
    const again = await backfill.backfillListKeys({ write: true });
    expect(again.every((b) => b.missing === 0 && b.written === 0)).toBe(true);
  });
});
