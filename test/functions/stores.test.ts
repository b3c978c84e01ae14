/**
 * The store modules against DynamoDB Local: what they write they read back through their schemas, and an item that
 * does not fit (written by hand here, as a bug or a botched migration would) is refused with an error naming the
 * table, the item's key and the field, never handed on. One describe per store module.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { HouseholdInput } from '../../core/index.js';
import type { TableId } from '../../functions/shared/tables.js';
import { useStore } from '../support/store.js';

let aws: typeof import('../../functions/shared/aws.js');
let registry: typeof import('../../functions/shared/registry-repo.js');
let identities: typeof import('../../functions/shared/identities-repo.js');

beforeAll(async () => {
  await useStore('stores');
  aws = await import('../../functions/shared/aws.js');
  registry = await import('../../functions/shared/registry-repo.js');
  identities = await import('../../functions/shared/identities-repo.js');
});

const put = (table: TableId, Item: Record<string, unknown>) => aws.documentClient().send(new PutCommand({ TableName: aws.tableName(table), Item }));

const household = (householdId: string, idNumber = '420902199001011234') =>
  HouseholdInput.parse({
    householdId,
    schemeId: 'xiaogan-2024',
    county: '420902',
    category: 'LIFTED_OUT',
    verifiedYear: 2024,
    members: [{ personId: 'P-1', idNumber }],
    enrollment: { products: ['MEDICAL'], start: '2024-01-01', end: '2024-12-31' },
  });

describe('registry-repo', () => {
  it('reads back what an import stored, by id, by slice and page', async () => {
    const stored = await registry.toStoredHousehold(household('H-ST-1'));
    expect(await registry.putHousehold(stored)).toBe('created');
    const got = await registry.getHousehold('H-ST-1');
    expect(got?.members[0]?.idMasked).toBe('4209**********1234');
    expect(got).toEqual(stored);
    expect([...(await registry.householdsByIds(['H-ST-1', 'H-ST-NONE'])).keys()]).toEqual(['H-ST-1']);
    const shard = Number(stored.fanoutShard?.split('#').pop());
    const slice = await registry.householdsInFanoutSlice('xiaogan-2024', '420902', shard, 10, undefined);
    expect(slice.households.map((h) => h.householdId)).toContain('H-ST-1');
    const page = await registry.householdsPage(['xiaogan-2024'], 10, undefined);
    expect(page.items.map((h) => h.householdId)).toContain('H-ST-1');
  });

  it('refuses a malformed household, naming the table, the household and the field', async () => {
    await put('registry', { householdId: 'H-ST-BAD', schemeId: 'xiaogan-2024', county: '420902', updatedAt: 'x', members: 'P-1' });
    await expect(registry.getHousehold('H-ST-BAD')).rejects.toThrow(/^registry table: H-ST-BAD is not a valid household: .*members/);
    await expect(registry.householdsByIds(['H-ST-BAD'])).rejects.toThrow(/H-ST-BAD is not a valid household/);
  });
});

describe('identities-repo', () => {
  it('finds a member by identity number through its lookup item, ignoring a member its household does not confirm', async () => {
    await registry.putHousehold(await registry.toStoredHousehold(household('H-ST-2', '420902199001015678')));
    const { hashIdNumber } = await import('../../functions/shared/identity.js');
    const lookup = `xiaogan-2024#${await hashIdNumber('420902199001015678')}`;
    const { GetCommand, UpdateCommand } = await import('@aws-sdk/lib-dynamodb');
    // Sets (or removes) one attribute of the lookup item, as a stray or broken writer might have left it.
    const attribute = (name: string, present: boolean) =>
      aws.documentClient().send(
        new UpdateCommand({
          TableName: aws.tableName('identityLookup'),
          Key: { lookup },
          UpdateExpression: present ? 'SET #m = :t' : 'REMOVE #m',
          ExpressionAttributeNames: { '#m': name },
          ...(present ? { ExpressionAttributeValues: { ':t': true } } : {}),
        }),
      );
    // Left behind by a household that no longer exists: read, checked, and matched against nothing.
    await attribute('m:["H-ST-GONE","P-1"]', true);
    expect(await identities.findInsuredByIdentity('xiaogan-2024', '420902199001015678')).toEqual([
      { householdId: 'H-ST-2', personId: 'P-1', idMasked: '4209**********5678', county: '420902' },
    ]);
    const item = (await aws.documentClient().send(new GetCommand({ TableName: aws.tableName('identityLookup'), Key: { lookup } }))).Item;
    expect(Object.keys(item ?? {}).sort()).toEqual(['lookup', 'm:["H-ST-2","P-1"]', 'm:["H-ST-GONE","P-1"]']);
    expect(JSON.stringify(item)).not.toContain('420902199001015678');
    // An attribute that names no member is a broken item, said as such, not a person silently not found.
    await attribute('m:["H-ST-2"]', true);
    await expect(identities.findInsuredByIdentity('xiaogan-2024', '420902199001015678')).rejects.toThrow(/identity lookup item .* names no member/);
    await attribute('m:["H-ST-2"]', false);
  });

  it('indexes a registry from before the index (every household, page by page) and finds its members after', async () => {
    await registry.putHousehold(await registry.toStoredHousehold(household('H-ST-OLD', '420902199001019999')));
    const { DeleteCommand } = await import('@aws-sdk/lib-dynamodb');
    // The malformed entry of the registry test would stop the whole run (a whole-registry read checks every item).
    await aws.documentClient().send(new DeleteCommand({ TableName: aws.tableName('registry'), Key: { householdId: 'H-ST-BAD' } }));
    // As an older version stored it: the household without its index entry.
    const { hashIdNumber } = await import('../../functions/shared/identity.js');
    await aws.documentClient().send(
      new DeleteCommand({
        TableName: aws.tableName('identityLookup'),
        Key: { lookup: `xiaogan-2024#${await hashIdNumber('420902199001019999')}` },
      }),
    );
    expect(await identities.findInsuredByIdentity('xiaogan-2024', '420902199001019999')).toEqual([]);
    expect(await identities.indexWholeRegistry()).toBeGreaterThanOrEqual(2);
    expect(await identities.findInsuredByIdentity('xiaogan-2024', '420902199001019999')).toEqual([
      { householdId: 'H-ST-OLD', personId: 'P-1', idMasked: '4209**********9999', county: '420902' },
    ]);
  });
});

describe('monitoring-repo', () => {
  it('reads a household’s entries, checked, and refuses a malformed entry naming the household and the attribute', async () => {
    const monitoring = await import('../../functions/shared/monitoring-repo.js');
    const entry = { claimId: 'C-ST-1', product: 'MEDICAL', incidentDate: '2024-05-03', selfPay: 1_500_000, invoice: 'HOSP-01#INV-1' };
    await put('monitoring', { householdId: 'H-ST-M1', ver: 1, 'e#C-ST-1': entry });
    expect(await monitoring.readMonitoring('H-ST-M1')).toEqual({ householdId: 'H-ST-M1', ver: 1, entries: [entry] });
    expect((await monitoring.monitoringOfHouseholds(['H-ST-M1', 'H-ST-NONE'])).get('H-ST-M1')?.entries).toEqual([entry]);
    // A monitoring page may hold up to 1,000 households: more than one BatchGetItem's 100 keys.
    const many = await monitoring.monitoringOfHouseholds([...Array.from({ length: 249 }, (_, i) => `H-ST-N${i}`), 'H-ST-M1']);
    expect([...many.keys()]).toEqual(['H-ST-M1']);
    await put('monitoring', { householdId: 'H-ST-M2', ver: 2, 'e#C-ST-2': { claimId: 'C-ST-2', product: 'MEDICAL', selfPay: '15000' } });
    await expect(monitoring.readMonitoring('H-ST-M2')).rejects.toThrow(
      /^monitoring table: H-ST-M2 e#C-ST-2 is not a valid monitoring entry: incidentDate: .*; selfPay: /,
    );
  });
});

describe('settlements-repo', () => {
  it('creates a settlement once, reads it back checked, and records its confirmation once with its audit record', async () => {
    const settlements = await import('../../functions/shared/settlements-repo.js');
    const { readAudit } = await import('../../functions/shared/audit.js');
    const s = {
      settlementId: 'S-C-ST-1-XG-POOL-1-HOSPITAL',
      claimId: 'C-ST-1',
      insurerId: 'XG-POOL-1',
      amount: 384_000,
      payee: { type: 'HOSPITAL', id: 'HOSP-01' },
      schemeId: 'xiaogan-2024',
      product: 'MEDICAL',
      status: 'PENDING',
      insurerStatus: 'XG-POOL-1#PENDING',
      createdAt: '2024-07-04T00:00:00.000Z',
    } as const;
    expect(await settlements.createSettlement(s)).toBe(true);
    expect(await settlements.createSettlement(s)).toBe(false);
    const { insurerStatus: _key, ...shown } = s;
    expect(await settlements.getSettlement(s.settlementId)).toEqual(shown);
    expect(await settlements.recordSettlementConfirmation(s, '2024-07-05T00:00:00.000Z', 'REF-1')).toBe(true);
    expect(await settlements.recordSettlementConfirmation(s, '2024-07-05T00:00:00.000Z', 'REF-1')).toBe(false);
    expect(await settlements.settlementsOfClaim('C-ST-1')).toMatchObject([{ status: 'CONFIRMED', reference: 'REF-1' }]);
    expect((await readAudit('C-ST-1')).map((r) => [r.step, r.actor, r.figures])).toEqual([
      ['Confirm', 'insurer:XG-POOL-1', { settlementId: s.settlementId, amount: 384_000, paidAt: '2024-07-05T00:00:00.000Z', reference: 'REF-1' }],
    ]);
  });

  it('refuses a malformed settlement, naming it and the field', async () => {
    const settlements = await import('../../functions/shared/settlements-repo.js');
    await put('settlements', { settlementId: 'S-ST-BAD', claimId: 'C-ST-2', insurerId: 'X', amount: '600', payee: { type: 'HOSPITAL', id: 'H' } });
    await expect(settlements.getSettlement('S-ST-BAD')).rejects.toThrow(/^settlements table: S-ST-BAD is not a valid settlement: amount: .*schemeId/);
  });
});

describe('audit', () => {
  it('appends once per identical entry, reads the chain back checked, and refuses a record without the shape', async () => {
    const audit = await import('../../functions/shared/audit.js');
    const entry = { claimId: 'C-ST-A', step: 'Submit', actor: 'submitter:u1', input: { a: 1 }, output: { b: 2 }, decision: null };
    const first = await audit.appendAudit(entry);
    expect(await audit.appendAudit(entry)).toEqual(first); // a retried step: the head is the same entry
    const answer = await audit.auditAnswer('C-ST-A');
    expect(answer.records).toEqual([first]);
    expect(answer.verified).toBe(true);
    await put('audit', { ...first, seq: 2, prevHash: first.hash, hash: 'x', decision: 7 });
    await expect(audit.readAudit('C-ST-A')).rejects.toThrow(/^audit table: C-ST-A\/2 is not a valid audit record: decision: /);
    await expect(audit.chainHead('C-ST-A')).rejects.toThrow(/C-ST-A\/2 is not a valid audit record/);
  });

  it('reports an edited value as a broken link, not a malformed record (tamper evidence)', async () => {
    const audit = await import('../../functions/shared/audit.js');
    const first = await audit.appendAudit({ claimId: 'C-ST-B', step: 'Submit', actor: 'a', input: {}, output: {}, decision: null });
    await put('audit', { ...first, actor: 'someone else' });
    expect(await audit.auditAnswer('C-ST-B')).toMatchObject({ verified: false, brokenAt: 1 });
  });
});

describe('evidence-repo', () => {
  it('declares an attachment once and reads it back checked; refuses a malformed note naming it', async () => {
    const evidence = await import('../../functions/shared/evidence-repo.js');
    const a = {
      claimId: 'C-ST-E',
      item: evidence.attachmentItemKey('A-1'),
      attachmentId: 'A-1',
      fileName: 'invoice.pdf',
      contentType: 'application/pdf',
      size: 1024,
      sha256: 'ab'.repeat(32),
      objectKey: 'C-ST-E/A-1',
      status: 'PENDING_UPLOAD',
      uploadedBy: 'u1',
      createdAt: '2024-07-04T00:00:00.000Z',
    } as const;
    const audit = { claimId: 'C-ST-E', step: 'AttachmentDeclared', actor: 'u1', input: {}, output: { attachmentId: 'A-1' }, decision: null };
    expect(await evidence.declareAttachment(a, audit)).not.toBeNull();
    expect(await evidence.declareAttachment(a, audit)).toBeNull();
    expect(await evidence.getAttachment('C-ST-E', 'A-1')).toEqual(a);
    expect(await evidence.attachmentsOf('C-ST-E')).toEqual([a]);
    await put('evidence', { claimId: 'C-ST-E', item: evidence.noteItemKey('N-1'), noteId: 'N-1', text: 'x', author: 'u1', at: 'now' });
    await expect(evidence.notesOf('C-ST-E')).rejects.toThrow(/^evidence table: C-ST-E\/NOTE#N-1 is not a valid note: role: /);
  });
});

describe('index-events-repo', () => {
  it('stores an event once, reads it back checked, records a redrive once, and refuses a malformed event naming it', async () => {
    const events = await import('../../functions/shared/index-events-repo.js');
    const rec = {
      eventId: 'IE-ST-1',
      observation: { kind: 'WEATHER', schemeId: 'xiaogan-2024', county: '420902' },
      status: 'FAILED',
      postedBy: 'admin:a1',
      createdAt: '2024-07-04T00:00:00.000Z',
      error: 'boom',
    } as unknown as import('../../functions/shared/index-events-repo.js').IndexEventRecord;
    expect((await events.recordIndexEvent(rec)).created).toBe(true);
    expect(await events.recordIndexEvent(rec)).toEqual({ created: false, record: rec });
    await events.recordSliceProgress('IE-ST-1', 3, 5);
    expect(events.claimsFiledSoFar((await events.getIndexEvent('IE-ST-1'))!)).toBe(5);
    expect(await events.recordFanoutRedrive('IE-ST-1', 'FAILED', 0)).toBe(true);
    expect(await events.recordFanoutRedrive('IE-ST-1', 'FAILED', 0)).toBe(false);
    expect(await events.getIndexEvent('IE-ST-1')).toMatchObject({ status: 'FANNING_OUT', redrives: 1, error: null });
    await put('indexEvents', { ...rec, eventId: 'IE-ST-BAD', filedSlice2: '7' });
    await expect(events.getIndexEvent('IE-ST-BAD')).rejects.toThrow(/^indexEvents table: IE-ST-BAD is not a valid index event: filedSlice2: /);
  });
});

describe('medical-feed-progress', () => {
  it('writes a batch summary once, reads it back checked, and refuses a malformed summary naming it', async () => {
    const progress = await import('../../functions/shared/medical-feed-progress.js');
    const feedId = 'MF-00000000000000000000000000000001';
    const rows = [
      { line: 2, outcome: 'FILED', hospitalCode: 'H1', claimId: 'C-MF-1', totalCost: 1_000 },
      { line: 3, outcome: 'BAD_ROW' },
      { line: 4, outcome: 'FILED', hospitalCode: 'H2', claimId: 'C-MF-2', totalCost: 2_500 },
    ] as const;
    await progress.recordBatchSummary(feedId, rows);
    // A retried batch that derived something else: the first summary stays.
    await progress.recordBatchSummary(feedId, [{ line: 2, outcome: 'DUPLICATE' }]);
    expect(await progress.batchSummaries(feedId, true)).toEqual([
      expect.objectContaining({
        item: 'BATCH#000000002',
        rows: 3,
        counts: { FILED: 2, NOT_IN_REGISTRY: 0, DUPLICATE: 0, CONFLICT: 0, BAD_ROW: 1 },
        filedRows: 2,
        totalCost: 3_500,
        byHospital: { H1: { rows: 1, totalCost: 1_000 }, H2: { rows: 1, totalCost: 2_500 } },
      }),
    ]);
    await put('medicalFeeds', { ...progress.summarizeBatch(feedId, rows), item: 'BATCH#000000102', rows: -1 });
    await expect(progress.batchSummaries(feedId, true)).rejects.toThrow(
      /^medicalFeeds table: MF-0+1 BATCH#000000102 is not a valid feed batch summary: rows: /,
    );
  });
});

describe('monitoring-jobs', () => {
  it('creates a job, sums its slices’ figures, finishes it once, and refuses a malformed job naming it', async () => {
    const jobs = await import('../../functions/shared/monitoring-jobs.js');
    await jobs.createJob('J-ST-1', { schemeId: null, asOf: '2024-07-01', startedBy: 'admin:a1' });
    await jobs.recordSlice('J-ST-1', 0, 10, 1, true);
    await jobs.recordSlice('J-ST-1', 5, 7, 0, false);
    await jobs.finishJob('J-ST-1', 'SUCCEEDED');
    await jobs.finishJob('J-ST-1', 'FAILED', 'late');
    expect(await jobs.getJob('J-ST-1')).toMatchObject({
      status: 'SUCCEEDED',
      households: 17,
      open: 1,
      slicesDone: 1,
      opened: 0,
      refs: [],
      error: null,
    });
    await put('monitoring', {
      householdId: 'JOB#J-ST-BAD',
      jobId: 'J-ST-BAD',
      status: 'RUNNING',
      schemeId: null,
      asOf: 'x',
      startedBy: 'a',
      startedAt: 'x',
      h3: -1,
    });
    await expect(jobs.getJob('J-ST-BAD')).rejects.toThrow(/^monitoring table: JOB#J-ST-BAD is not a valid monitoring job: h3: /);
  });
});

describe('audit-samples-repo', () => {
  it('reads back a sample, its findings and objection markers checked, and refuses a malformed finding naming it', async () => {
    const samples = await import('../../functions/shared/audit-samples-repo.js');
    const send = (tx: import('../../functions/shared/audit.js').TxItem) => put('auditSamples', tx.Put?.Item as Record<string, unknown>);
    const sample = {
      sampleId: 'AS-ST-1',
      schemeId: 'xiaogan-2024',
      from: '2024-01-01',
      to: '2024-06-30',
      params: { randomBp: 1000, minPayout: 500_000, seed: 's' },
      population: { count: 2, digest: 'ab'.repeat(32) },
      claims: [{ claimId: 'C-1', reasons: ['AMOUNT'] }],
      drawnBy: 'auditor:u1',
      drawnAt: '2024-07-01T00:00:00.000Z',
    } as const;
    await send(samples.sampleItem(sample));
    expect(await samples.getSample('AS-ST-1')).toEqual(sample);
    const finding = { claimId: 'C-1', finding: 'OK', note: '', auditor: 'auditor:u1', at: '2024-07-02T00:00:00.000Z' } as const;
    await send(samples.findingItem('AS-ST-1', finding));
    expect(await samples.sampleFindings('AS-ST-1')).toEqual([finding]);
    // The marker is an update (objectionMarkerItem) inside the objection's transaction; as it leaves the item:
    await put('auditSamples', { pk: 'OBJECTED#xiaogan-2024', sk: 'C-9', objectedAt: '2024-07-03T00:00:00.000Z' });
    expect(await samples.objectedClaims('xiaogan-2024')).toEqual(['C-9']);
    await put('auditSamples', {
      pk: samples.samplePk('AS-ST-1'),
      sk: 'CLAIM#C-2',
      claimId: 'C-2',
      finding: 'MAYBE',
      note: '',
      auditor: 'a',
      at: 'x',
    });
    await expect(samples.sampleFindings('AS-ST-1')).rejects.toThrow(
      /^auditSamples table: SAMPLE#AS-ST-1\/CLAIM#C-2 is not a valid audit sample finding: finding: /,
    );
  });
});

describe('accumulators', () => {
  it('reads an absent accumulator as version 0, a written one as written, and refuses a malformed one naming it', async () => {
    const acc = await import('../../functions/shared/accumulators.js');
    expect(await acc.readAccumulator('ACC#P#ST#P-1#MEDICAL#2024')).toEqual({ key: 'ACC#P#ST#P-1#MEDICAL#2024', counters: {}, version: 0 });
    const put0 = acc.accumulatorPut({ key: 'ACC#P#ST#P-1#MEDICAL#2024', counters: {}, version: 0 }, { selfPay: 1_500_000 }, 'C-1');
    await put('accumulators', put0.Put.Item);
    expect(await acc.readAccumulator('ACC#P#ST#P-1#MEDICAL#2024')).toMatchObject({ counters: { selfPay: 1_500_000 }, version: 1 });
    await put('accumulators', { pk: 'ACC#P#ST#P-2#MEDICAL#2024', counters: { selfPay: '15000' }, version: 1 });
    await expect(acc.readAccumulator('ACC#P#ST#P-2#MEDICAL#2024')).rejects.toThrow(
      /^accumulators table: ACC#P#ST#P-2#MEDICAL#2024 is not a valid year-to-date accumulator: counters.selfPay: /,
    );
  });
});

describe('batchGetAll', () => {
  it('reads every key, however many, 100 a request: the items that exist, the rest simply absent', async () => {
    const { batchGetAll } = await import('../../functions/shared/query-all.js');
    const table = aws.tableName('accumulators');
    await Promise.all(
      Array.from({ length: 250 }, (_, i) => aws.documentClient().send(new PutCommand({ TableName: table, Item: { pk: `BGA#${i * 3}`, n: i * 3 } }))),
    );
    // 950 keys: ten requests, one in three of the keys stored.
    const keys = Array.from({ length: 950 }, (_, i) => ({ pk: `BGA#${i}` }));
    for (const atOnce of [1, 4]) {
      const found = await batchGetAll(table, keys, { what: 'test', atOnce, projection: 'pk, n' });
      expect(found.map((x) => x.n as number).sort((a, b) => a - b)).toEqual(Array.from({ length: 250 }, (_, i) => i * 3));
    }
  });
});
