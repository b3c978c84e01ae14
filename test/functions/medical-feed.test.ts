/**
 * The medical feed's batch step against DynamoDB Local: matching by identity number through the registry's
 * identity index, filing through the HTTP intake path, idempotency on a re-run, repeats and conflicts across
 * batches and files, control totals to the fen, and the feed's audit chain. Step Functions is a stand-in that
 * records StartExecution calls; the claims are then decided by the step handlers directly (embedded/direct.ts).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { FEED_COLUMNS, feedSha256, HouseholdInput, medicalFeedClaimId, medicalFeedId, readFeed, sayRowProblem } from '../../core/index.js';
import { useStore } from '../support/store.js';
import { lambdaContext } from '../../embedded/lambda-context.js';

type Repo = typeof import('../../functions/shared/medical-feeds-repo.js');
let repo: Repo;
let registry: typeof import('../../functions/shared/registry-repo.js');
let identities: typeof import('../../functions/shared/identities-repo.js');
let claims: typeof import('../../functions/shared/claims-repo.js');
let audit: typeof import('../../functions/shared/audit.js');
let aws: typeof import('../../functions/shared/aws.js');
let batch: typeof import('../../functions/steps/medical-feed-batch.js')['handler'];
let runDirect: typeof import('../../embedded/direct.js')['runDirect'];

const started: string[] = [];
let fakeSfn: Server | undefined;
afterAll(() => fakeSfn?.close());

const ID_A = '420922199001011234';
const ID_B = '420921198502024321';
const ID_C = '42092119700303111X'; // a second member of B's household
const ID_UNKNOWN = '110101200001010011';
const HEADER = FEED_COLUMNS.join(',');

async function household(householdId: string, county: string, members: { personId: string; idNumber?: string }[]) {
  const h = HouseholdInput.parse({
    householdId,
    schemeId: 'xiaogan-2024',
    county,
    category: 'LIFTED_OUT',
    verifiedYear: 2024,
    members,
    enrollment: { products: ['MEDICAL'], start: '2024-01-01', end: '2024-12-31' },
  });
  await registry.putHousehold(await registry.toStoredHousehold(h));
}

/** A feed as the phase-2 route will make it: read, digested, recorded; answers the feed and its rows as map items. */
async function receive(csvRows: string[], sentBy = 'admin:bureau') {
  const bytes = Buffer.from(`${[HEADER, ...csvRows].join('\r\n')}\r\n`);
  const read = readFeed(bytes);
  const sha256 = feedSha256(bytes);
  const feedId = medicalFeedId('xiaogan-2024', sha256);
  const { record } = await repo.recordFeed({
    feedId,
    schemeId: 'xiaogan-2024',
    sha256,
    bytes: bytes.byteLength,
    encoding: read.encoding,
    rows: read.items.length,
    sentBy,
    createdAt: new Date().toISOString(),
  });
  const items = read.items.map((i) => ({ line: String(i.line), ...i.cells, ...(i.problem ? { problem: JSON.stringify(i.problem) } : {}) }));
  return { feed: record, items };
}

type BatchOut = { feedId: string; counts: Record<string, number>; rows: { line: number; outcome: string; claimId: string | null }[] };
/** The problems of the row on `line` as an English reader reads them. */
function english(outcomes: Awaited<ReturnType<Repo['rowOutcomes']>>, line: number): string[] | undefined {
  return outcomes.find((o) => o.line === line)?.problems?.map((p) => sayRowProblem(p, 'en'));
}

async function runBatch(feedId: string, items: readonly object[]): Promise<BatchOut> {
  return (await batch({ Items: items, BatchInput: { feedId, schemeId: 'xiaogan-2024' } } as never, lambdaContext('t'))) as BatchOut;
}

const row = (hospital: string, invoice: string, id: string, admission: string, discharge: string, total: number, basic = 0, critical = 0) =>
  `${hospital},${invoice},${id},张三,${admission},${discharge},${total},${basic},${critical},0,0,0`;

beforeAll(async () => {
  fakeSfn = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const target = req.headers['x-amz-target'];
      res.writeHead(target === 'AWSStepFunctions.StartExecution' ? 200 : 400, { 'content-type': 'application/x-amz-json-1.0' });
      if (target !== 'AWSStepFunctions.StartExecution') return res.end(JSON.stringify({ __type: 'InvalidArn', message: 'not here' }));
      const { name } = JSON.parse(body) as { name: string };
      started.push(name);
      res.end(JSON.stringify({ executionArn: `arn:aws:states:us-east-1:000000000000:execution:none:${name}`, startDate: Date.now() / 1000 }));
    });
  });
  await new Promise<void>((ok) => fakeSfn!.listen(0, '127.0.0.1', ok));
  process.env.AWS_ENDPOINT_URL_SFN = `http://127.0.0.1:${(fakeSfn.address() as AddressInfo).port}`;
  await useStore('mfeed');
  process.env.STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:none';
  repo = await import('../../functions/shared/medical-feeds-repo.js');
  registry = await import('../../functions/shared/registry-repo.js');
  identities = await import('../../functions/shared/identities-repo.js');
  claims = await import('../../functions/shared/claims-repo.js');
  audit = await import('../../functions/shared/audit.js');
  aws = await import('../../functions/shared/aws.js');
  batch = (await import('../../functions/steps/medical-feed-batch.js')).handler;
  runDirect = (await import('../../embedded/direct.js')).runDirect;
  await household('H-MF-A', '420922', [{ personId: 'P-A', idNumber: ID_A }]);
  await household('H-MF-B', '420921', [{ personId: 'P-B', idNumber: ID_B }, { personId: 'P-C', idNumber: ID_C.toLowerCase() }, { personId: 'P-D' }]);
});

describe('the report reads its rows in ranges of line numbers', () => {
  it('covering every line once, in order, the cuts spread over the data lines', async () => {
    const { lineRanges } = await import('../../functions/shared/medical-feeds-repo.js');
    for (const [rows, parts] of [
      [0, 4],
      [1, 4],
      [3, 4],
      [10, 4],
      [10_000, 4],
      [250_000, 7],
    ] as const) {
      const ranges = lineRanges(rows, parts);
      expect(ranges.length).toBe(Math.max(1, Math.min(parts, rows)));
      expect(ranges[0]?.[0]).toBe(0);
      expect(ranges.at(-1)?.[1]).toBe(999_999_999);
      for (let i = 1; i < ranges.length; i++) expect(ranges[i]?.[0]).toBe((ranges[i - 1]?.[1] ?? 0) + 1);
      for (const [lo, hi] of ranges) expect(hi).toBeGreaterThanOrEqual(lo);
    }
    // 10,000 data lines (2 to 10,001) in four ranges of 2,500.
    expect(lineRanges(10_000, 4)).toEqual([
      [0, 2501],
      [2502, 5001],
      [5002, 7501],
      [7502, 999_999_999],
    ]);
  });
});

describe('the identity index', () => {
  it('finds a member of the scheme by number, any member of a household, never another scheme', async () => {
    expect(await identities.findInsuredByIdentity('xiaogan-2024', ID_A)).toEqual([
      { householdId: 'H-MF-A', personId: 'P-A', idMasked: '4209**********1234', county: '420922' },
    ]);
    expect(await identities.findInsuredByIdentity('xiaogan-2024', ID_C)).toEqual([
      { householdId: 'H-MF-B', personId: 'P-C', idMasked: '4209**********111x', county: '420921' },
    ]);
    expect(await identities.findInsuredByIdentity('lishui-2017', ID_A)).toEqual([]);
    expect(await identities.findInsuredByIdentity('xiaogan-2024', ID_UNKNOWN)).toEqual([]);
    // One lookup item per scheme and number, naming the member; the number itself is nowhere in the table.
    const items = (await aws.documentClient().send(new ScanCommand({ TableName: aws.tableName('identityLookup') }))).Items ?? [];
    const named = items.flatMap((i) => Object.keys(i).filter((k) => k.startsWith('m:["H-MF-B"')));
    expect(named.sort()).toEqual(['m:["H-MF-B","P-B"]', 'm:["H-MF-B","P-C"]']);
    expect(items.every((i) => /^xiaogan-2024#[0-9a-f]{64}$/.test(String(i.lookup)))).toBe(true);
    expect(JSON.stringify(items)).not.toContain(ID_B);
  });

  it('answers many numbers in their order, reading the households they point at in one request', async () => {
    let householdReads = 0;
    aws.documentClient().middlewareStack.add(
      (next, ctx) => async (args) => {
        const keys = (args.input as { RequestItems?: Record<string, { Keys?: unknown[] }> }).RequestItems?.[aws.tableName('registry')]?.Keys;
        if (ctx.commandName === 'BatchGetItemCommand' && keys) householdReads++;
        return next(args);
      },
      { step: 'initialize', name: 'countHouseholdReads' },
    );
    try {
      const found = await identities.findInsuredByIdentities('xiaogan-2024', [ID_C, ID_UNKNOWN, ID_A, ID_B, ID_A]);
      expect(found).toEqual([
        [{ householdId: 'H-MF-B', personId: 'P-C', idMasked: '4209**********111x', county: '420921' }],
        [],
        [{ householdId: 'H-MF-A', personId: 'P-A', idMasked: '4209**********1234', county: '420922' }],
        [{ householdId: 'H-MF-B', personId: 'P-B', idMasked: expect.any(String), county: '420921' }],
        [{ householdId: 'H-MF-A', personId: 'P-A', idMasked: '4209**********1234', county: '420922' }],
      ]);
      expect(householdReads).toBe(1);
      expect(await identities.findInsuredByIdentities('xiaogan-2024', [])).toEqual([]);
    } finally {
      aws.documentClient().middlewareStack.remove('countHouseholdReads');
    }
  });

  it('follows re-imports: a dropped member or a corrected number is no longer found', async () => {
    await household('H-MF-X', '420922', [
      { personId: 'P-X1', idNumber: '420922198001010015' },
      { personId: 'P-X2', idNumber: '420922198001010023' },
    ]);
    expect(await identities.findInsuredByIdentity('xiaogan-2024', '420922198001010023')).toHaveLength(1);
    await household('H-MF-X', '420922', [{ personId: 'P-X1', idNumber: '420922198001010031' }]);
    expect(await identities.findInsuredByIdentity('xiaogan-2024', '420922198001010015')).toEqual([]);
    expect(await identities.findInsuredByIdentity('xiaogan-2024', '420922198001010023')).toEqual([]);
    expect(await identities.findInsuredByIdentity('xiaogan-2024', '420922198001010031')).toEqual([
      { householdId: 'H-MF-X', personId: 'P-X1', idMasked: '4209**********0031', county: '420922' },
    ]);
  });
});

describe('a batch of the feed', () => {
  let feedId: string;
  let first: BatchOut;
  let items: object[];
  let rest: object[];

  it('files matched rows as MEDICAL claims to the hospital; reports the rest row by row', async () => {
    const received = await receive([
      row('HOSP-01', 'INV-1', ID_A, '2024-05-01', '2024-05-09', 4_000_000, 2_000_000, 500_000), // line 2: pays 960,000 (README's worked example)
      row('HOSP-02', 'INV-7', ID_C, '2024-06-01', '2024-06-03', 700_000), // line 3: 200,000 × 80% × 120% = 192,000
      row('HOSP-01', 'INV-2', ID_UNKNOWN, '2024-05-01', '2024-05-02', 100_000), // line 4: NOT_IN_REGISTRY
      row('HOSP-01', 'INV-1', ID_A, '2024-05-01', '2024-05-09', 4_000_000, 2_000_000, 500_000), // line 5: DUPLICATE of line 2
      row('HOSP-01', 'INV-1', ID_A, '2024-05-01', '2024-05-09', 4_000_001, 2_000_000, 500_000), // line 6: CONFLICT with line 2
      row('HOSP-01', 'INV-3', ID_A, '2024-13-01', '2024-05-09', 100), // line 7: bad date
      row('HOSP-01', 'INV-4', ID_A, '2024-05-01', '2024-05-09', -100), // line 8: negative money
      // Lines 9 and 10 go to a second batch (the map's batcher cut the file there).
      row('HOSP-01', 'INV-1', ID_A, '2024-05-01', '2024-05-09', 4_000_000, 2_000_000, 500_000), // line 9: DUPLICATE of line 2
      row('HOSP-01', 'INV-1', ID_B, '2024-05-01', '2024-05-09', 4_000_000, 2_000_000, 500_000), // line 10: CONFLICT (another person)
    ]);
    feedId = received.feed.feedId;
    items = received.items.slice(0, 7);
    rest = received.items.slice(7);
    first = await runBatch(feedId, items);
    const claimA = medicalFeedClaimId('xiaogan-2024', 'HOSP-01', 'INV-1');
    const claimC = medicalFeedClaimId('xiaogan-2024', 'HOSP-02', 'INV-7');
    expect(first.rows).toEqual([
      { line: 2, outcome: 'FILED', claimId: claimA },
      { line: 3, outcome: 'FILED', claimId: claimC },
      { line: 4, outcome: 'NOT_IN_REGISTRY', claimId: null },
      { line: 5, outcome: 'DUPLICATE', claimId: claimA },
      { line: 6, outcome: 'CONFLICT', claimId: claimA },
      { line: 7, outcome: 'BAD_ROW', claimId: null },
      { line: 8, outcome: 'BAD_ROW', claimId: null },
    ]);
    expect(first.counts).toEqual({ FILED: 2, NOT_IN_REGISTRY: 1, DUPLICATE: 1, CONFLICT: 1, BAD_ROW: 2 });
    expect(started.filter((n) => n === claimA || n === claimC).sort()).toEqual([claimA, claimC].sort());

    const a = await claims.getClaim(claimA);
    expect(a).toMatchObject({
      status: 'RECEIVED',
      householdId: 'H-MF-A',
      product: 'MEDICAL',
      medicalFeedId: feedId,
      feedLine: 2,
      submittedBy: `medical-feed:${feedId}`,
      // Filed in the household's county, as POST /claims files: counted there, its search keys whole from the start.
      county: '420922',
      schemeCounty: 'xiaogan-2024#420922',
    });
    expect(a?.submission).toEqual({
      schemeId: 'xiaogan-2024',
      product: 'MEDICAL',
      householdId: 'H-MF-A',
      personId: 'P-A',
      incidentDate: '2024-05-01',
      details: {
        hospitalCode: 'HOSP-01',
        invoiceNo: 'INV-1',
        admissionDate: '2024-05-01',
        dischargeDate: '2024-05-09',
        totalCost: 4_000_000,
        basicInsurancePaid: 2_000_000,
        criticalIllnessPaid: 500_000,
        medicalAssistancePaid: 0,
        otherReimbursement: 0,
        nonCoveredCost: 0,
        payee: 'HOSPITAL',
      },
    });
    expect((await audit.readAudit(claimA)).map((r) => [r.step, r.actor])).toEqual([['Submit', `medical-feed:${feedId}`]]);

    const stored = await repo.rowOutcomes(feedId);
    expect(stored.map((o) => [o.line, o.outcome])).toEqual(first.rows.map((r) => [r.line, r.outcome]));
    expect(stored.find((o) => o.line === 4)).toMatchObject({ idMasked: '1101**********0011', hospitalCode: 'HOSP-01', invoiceNo: 'INV-2' });
    expect(english(stored, 5)).toEqual(['line 5: invoiceNo: invoice already filed by line 2 of this file']);
    expect(english(stored, 6)).toEqual(['line 6: invoiceNo: invoice already filed by line 2 of this file with other figures; not filed']);
    expect(english(stored, 7)).toEqual(['line 7: admissionDate: not a calendar date']);
    expect(english(stored, 8)).toEqual(['line 8: totalCost: must not be negative']);
    // Stored as data, not as a sentence: line, field, the sentence's key and its figures.
    expect(stored.find((o) => o.line === 5)?.problems).toEqual([
      { line: 5, field: 'invoiceNo', key: 'invoice already filed by line {{line}} of this file', values: { line: '2' } },
    ]);
    // Identity numbers only masked, names not at all: in the outcomes, the step's answer and the claims.
    const everything = JSON.stringify([stored, first, a, await claims.getClaim(claimC)]);
    for (const secret of [ID_A, ID_C, ID_C.toLowerCase(), ID_UNKNOWN, '张三']) expect(everything).not.toContain(secret);
  });

  it('a re-run of the same batch files nothing twice and answers the same', async () => {
    const claimsBefore = await countFeedClaims();
    const again = await runBatch(feedId, items);
    expect(again).toEqual(first);
    expect(await countFeedClaims()).toBe(claimsBefore);
    expect((await audit.readAudit(medicalFeedClaimId('xiaogan-2024', 'HOSP-01', 'INV-1'))).map((r) => r.step)).toEqual(['Submit']);
    expect((await repo.rowOutcomes(feedId)).length).toBe(7); // lines 9 and 10 not yet: their batch has not run
  });

  it('across batches of one file, and across files: the same invoice is DUPLICATE, other figures CONFLICT', async () => {
    const claimA = medicalFeedClaimId('xiaogan-2024', 'HOSP-01', 'INV-1');
    const claimsBefore = await countFeedClaims();
    const later = await runBatch(feedId, rest);
    expect(later.rows).toEqual([
      { line: 9, outcome: 'DUPLICATE', claimId: claimA },
      { line: 10, outcome: 'CONFLICT', claimId: claimA },
    ]);
    expect(english(await repo.rowOutcomes(feedId), 10)).toEqual([
      'line 10: invoiceNo: invoice already filed by line 2 of this file with other figures; not filed',
    ]);
    // Another file overlapping the first: its known invoices file nothing, its new one files.
    const other = await receive([
      row('HOSP-02', 'INV-7', ID_C, '2024-06-01', '2024-06-03', 700_000),
      row('HOSP-01', 'INV-1', ID_A, '2024-05-01', '2024-05-10', 4_000_000, 2_000_000, 500_000), // another discharge date
      row('HOSP-03', 'INV-9', ID_B, '2024-07-01', '2024-07-05', 300_000, 50_000),
    ]);
    const out = await runBatch(other.feed.feedId, other.items);
    expect(out.rows.map((r) => r.outcome)).toEqual(['DUPLICATE', 'CONFLICT', 'FILED']);
    expect(english(await repo.rowOutcomes(other.feed.feedId), 2)).toEqual([`line 2: invoiceNo: invoice already filed by line 3 of feed ${feedId}`]);
    expect(await countFeedClaims()).toBe(claimsBefore + 1);
  });

  it('the cheap progress: one summary per batch, written once, and the undecided claims counted on the status index', async () => {
    const progress = await import('../../functions/shared/medical-feed-progress.js');
    const summaries = await progress.batchSummaries(feedId, true);
    // Two batches (lines 2–8, re-run once, and 9–10): one summary each, the re-run's not written again.
    expect(summaries.map((b) => [b.item, b.rows])).toEqual([
      ['BATCH#000000002', 7],
      ['BATCH#000000009', 2],
    ]);
    const feed = (await repo.getFeed(feedId))!;
    const before = await progress.feedProgress(feed, { consistent: true });
    const report = await repo.feedReport(feed);
    expect(before).toMatchObject({ rows: 9, rowsDone: 9, counts: report.counts, claimsFiled: 2, claimsUndecided: 2, claimsReceived: 2 });
    expect(before.filed).toEqual({
      rows: report.controlTotals.filedRows,
      totalCost: report.controlTotals.totalCost,
      byHospital: report.controlTotals.byHospital.map(({ payout: _p, ...h }) => h),
    });
    // Another feed's claims are not this feed's: the other file's filed claim is RECEIVED too, and not counted.
    expect(await progress.feedClaimsIn(feed, progress.UNDECIDED_STATUSES)).toBe(2);
  });

  it('control totals equal the sum of the claims’ payouts to the fen, per hospital too', async () => {
    for (const o of (await repo.rowOutcomes(feedId)).filter((r) => r.outcome === 'FILED')) await runDirect(o.claimId!);
    const feed = (await repo.getFeed(feedId))!;
    const report = await repo.feedReport(feed);
    const filed = report.outcomes.filter((o) => o.outcome === 'FILED');
    const decided = await Promise.all(filed.map((o) => claims.getClaim(o.claimId!)));
    expect(decided.map((c) => c?.status)).toEqual(['SETTLING', 'SETTLING']);
    const payouts = decided.map((c) => c!.assessment!.payout);
    expect(payouts).toEqual([960_000, 192_000]); // by hand: README's worked example; 200,000 above the deductible × 80% × 120%
    const allocated = decided.map((c) => c!.allocations!.reduce((s, a) => s + a.amount, 0));
    expect(allocated).toEqual(payouts);
    expect(report.counts).toEqual({ FILED: 2, NOT_IN_REGISTRY: 1, DUPLICATE: 2, CONFLICT: 2, BAD_ROW: 2 });
    expect(report.undecided).toBe(0);
    expect(report.claimsByStatus).toEqual({ SETTLING: 2 });
    const progress = await import('../../functions/shared/medical-feed-progress.js');
    expect(await progress.feedProgress(feed)).toMatchObject({ claimsUndecided: 0, claimsReceived: 0 });
    expect(report.controlTotals).toEqual({
      rows: 9,
      filedRows: 2,
      totalCost: 4_700_000,
      totalPayout: 1_152_000,
      byHospital: [
        { hospitalCode: 'HOSP-01', rows: 1, totalCost: 4_000_000, payout: 960_000 },
        { hospitalCode: 'HOSP-02', rows: 1, totalCost: 700_000, payout: 192_000 },
      ],
    });
  });

  it("the feed's own audit chain: who sent which file, and its totals when it finished", async () => {
    const finished = await repo.finishFeed(feedId, 'workflow');
    expect(finished?.status).toBe('DONE');
    expect(await repo.finishFeed(feedId, 'workflow')).toBeNull(); // a retried finish records nothing more
    const chain = await audit.auditAnswer(repo.feedChainId(feedId));
    expect(chain.verified).toBe(true);
    expect(chain.records.map((r) => [r.step, r.actor, r.decision])).toEqual([
      ['FeedReceived', 'admin:bureau', 'FILING'],
      ['FeedFinished', 'workflow', 'DONE'],
    ]);
    const feed = await repo.getFeed(feedId);
    expect(chain.records[0]?.figures).toEqual({ schemeId: 'xiaogan-2024', sha256: feed?.sha256, bytes: feed?.bytes, encoding: 'utf-8', rows: 9 });
    expect(chain.records[1]?.figures).toEqual({
      rows: 9,
      counts: { FILED: 2, NOT_IN_REGISTRY: 1, DUPLICATE: 2, CONFLICT: 2, BAD_ROW: 2 },
      totalCost: 4_700_000,
      totalPayout: 1_152_000,
      undecided: 0,
    });
    expect(feed?.status).toBe('DONE');
  });

  it('a resent file is the feed it already is: same id, no second record', async () => {
    const feed = (await repo.getFeed(feedId))!;
    const again = await repo.recordFeed({
      feedId,
      schemeId: feed.schemeId,
      sha256: feed.sha256,
      bytes: feed.bytes,
      encoding: feed.encoding,
      rows: feed.rows,
      sentBy: 'admin:someone-else',
      createdAt: new Date().toISOString(),
    });
    expect(again).toEqual({ created: false, record: feed });
    expect((await audit.readAudit(repo.feedChainId(feedId))).length).toBe(2);
  });

  it('a redrive raises the count once from the one read, with FeedRedriven in the same transaction; never on a DONE feed', async () => {
    expect(await repo.recordFeedRedrive(feedId, 0, 'admin:a1', 'late')).toBe(false); // DONE
    const other = await receive([row('HOSP-09', 'INV-R', ID_A, '2024-09-01', '2024-09-02', 100_000)]);
    expect(await repo.recordFeedRedrive(other.feed.feedId, 0, 'admin:a1', 'fixed')).toBe(true);
    expect(await repo.recordFeedRedrive(other.feed.feedId, 0, 'admin:a1', 'fixed')).toBe(false); // the same request again
    expect(await repo.getFeed(other.feed.feedId)).toMatchObject({ status: 'FILING', redrives: 1 });
    const chain = await audit.readAudit(repo.feedChainId(other.feed.feedId));
    expect(chain.map((r) => [r.step, r.actor])).toEqual([
      ['FeedReceived', 'admin:bureau'],
      ['FeedRedriven', 'admin:a1'],
    ]);
    expect(chain[1]?.decision).toBe('FILING');
    expect(repo.feedExecutionName(other.feed.feedId, 0)).toBe(other.feed.feedId);
  });

  it('refuses a batch for a feed that does not exist or another scheme', async () => {
    await expect(
      batch({ Items: items, BatchInput: { feedId: `MF-${'0'.repeat(32)}`, schemeId: 'xiaogan-2024' } } as never, lambdaContext('t')),
    ).rejects.toThrow(/does not exist/);
    await expect(batch({ Items: items, BatchInput: { feedId, schemeId: 'lishui-2017' } } as never, lambdaContext('t'))).rejects.toThrow(
      /is for scheme xiaogan-2024/,
    );
    await expect(batch({ Items: [], BatchInput: { feedId, schemeId: 'xiaogan-2024' } } as never, lambdaContext('t'))).rejects.toThrow(
      /bad step input/,
    );
  });
});

async function countFeedClaims(): Promise<number> {
  const out = await aws
    .documentClient()
    .send(new ScanCommand({ TableName: aws.tableName('claims'), FilterExpression: 'attribute_exists(medicalFeedId)', Select: 'COUNT' }));
  return out.Count ?? 0;
}

describe('settling the feed', () => {
  it('checks every second for the first ten turns, then less and less often, at most once a minute', async () => {
    const { waitAfter } = await import('../../functions/steps/medical-feed-settle.js');
    expect(Array.from({ length: 12 }, (_, attempt) => waitAfter(attempt))).toEqual([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 3]);
    expect(waitAfter(200)).toBe(60);
  });
});
