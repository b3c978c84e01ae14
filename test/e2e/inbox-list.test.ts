/**
 * GET /claims as the reviewer inbox reads it: filters (scheme, county, product, payout range, review reason,
 * age) combined, both sorts, pages that are full until the listing ends (never short with a cursor while
 * matches remain, unless the read budget says so), the working days left to the 5-working-day target, and the
 * old answers unchanged. A queue of 240 claims is seeded straight into the store; one claim goes through the
 * workflow to show the assessment stores county and reviewPayout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Embedded } from '../../embedded/runtime.js';
import { DEMO_HOUSEHOLDS } from '../../embedded/demo.js';
import { localDynamoClientConfig } from '../../embedded/dynamodb-local.js';
import { paymentDue } from '../../core/calendar.js';
import { schemes } from '../../functions/shared/catalogue.js';
import { seedReviewQueue, syntheticQueue, type QueueClaim } from '../../embedded/seed/review-queue.js';
import { client, startTestSystem } from '../support/server.js';

const PREFIX = 'inboxlist';
let system: Embedded;
let api: ReturnType<typeof client>;
let queue: QueueClaim[];
let workflowClaim: string;
const DAY = 86_400_000;

interface Item {
  claimId: string;
  schemeId: string;
  product: string;
  county: string | null;
  createdAt: string;
  status: string;
  assessment: { payout: number; reviewReasons: string[] } | null;
  due: { workingDaysLeft: number; dueDate: string; level: string } | null;
}
interface PageBody {
  items: Item[];
  nextCursor: string | null;
  scanned: number;
  budgetExhausted: boolean;
}

async function page(q: string): Promise<PageBody> {
  const r = await api.call('GET', `/claims?${q}`, { role: 'reviewer' });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body as PageBody;
}

/** Every page of a listing; checks that no page is short while a cursor says more may come (budget aside). */
async function all(q: string, limit: number): Promise<{ items: Item[]; pages: PageBody[] }> {
  const pages: PageBody[] = [];
  let cursor: string | null = null;
  do {
    const p = await page(`${q}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    pages.push(p);
    if (p.nextCursor && !p.budgetExhausted) expect(p.items.length, `a page with a cursor holds ${limit}`).toBe(limit);
    cursor = p.nextCursor;
  } while (cursor && pages.length < 200);
  return { items: pages.flatMap((p) => p.items), pages };
}

const seeded = (items: Item[]) => items.filter((i) => i.claimId.startsWith('C-Q'));
const byAge = (a: QueueClaim, b: QueueClaim) => a.createdAt.localeCompare(b.createdAt) || a.claimId.localeCompare(b.claimId);

beforeAll(async () => {
  system = await startTestSystem(PREFIX);
  api = client(system);
  queue = syntheticQueue(240);
  // A claim stored before county and reviewPayout existed (needs the backfill the README describes).
  queue.push({
    claimId: 'C-Q-OLD0',
    schemeId: 'xiaogan-2024',
    product: 'MEDICAL',
    county: '420902',
    payout: 2_500_000,
    createdAt: new Date(Date.now() - 3 * DAY).toISOString(),
    reasons: ['ABOVE_THRESHOLD'],
    queueFields: false,
  });
  await seedReviewQueue(system.dynamoEndpoint, `${PREFIX}-`, queue);
  const fresh = { ...DEMO_HOUSEHOLDS[1], householdId: 'H-420902-0901', verifiedYear: 2024, members: [{ personId: 'P-901' }] };
  expect((await api.call('POST', '/households', { role: 'admin', body: [...DEMO_HOUSEHOLDS, fresh] })).status).toBe(200);
  const body = {
    schemeId: 'xiaogan-2024',
    householdId: 'H-420902-0901',
    personId: 'P-901',
    incidentDate: '2024-05-03',
    product: 'MEDICAL',
    details: { hospitalCode: 'HOSP-02', invoiceNo: 'INBOX-1', totalCost: 3_500_000 },
  };
  const r = await api.call('POST', '/claims', { role: 'submitter', body });
  expect(r.status).toBe(202);
  workflowClaim = r.body.claimId;
  await api.waitForStatus(workflowClaim, ['PENDING_REVIEW']);
}, 120_000);

afterAll(async () => {
  await system?.stop();
});

describe('the assessment stores what the queue filters and sorts on', () => {
  it('a claim sent to review has its county and reviewPayout on the item, and the list shows county and due', async () => {
    const doc = DynamoDBDocumentClient.from(new DynamoDBClient(localDynamoClientConfig(system.dynamoEndpoint)));
    const item = (await doc.send(new GetCommand({ TableName: `${PREFIX}-claims`, Key: { claimId: workflowClaim } }))).Item!;
    doc.destroy();
    expect(item).toMatchObject({ status: 'PENDING_REVIEW', county: '420902', reviewPayout: 2_300_000 });
    expect(item.assessment.reviewReasons).toContain('ABOVE_THRESHOLD');
    const { items } = await all('status=PENDING_REVIEW&county=420902&reviewReason=ABOVE_THRESHOLD&minPayout=2300000&maxPayout=2300000', 25);
    const mine = items.find((i) => i.claimId === workflowClaim);
    expect(mine).toMatchObject({ county: '420902', due: { workingDaysLeft: expect.any(Number), level: expect.stringMatching(/^(OK|NEAR|DUE)$/) } });
    expect(mine!.due).toEqual(paymentDue(mine!.createdAt, new Date().toISOString(), schemes().get('xiaogan-2024')!.holidays));
    expect((await all('status=PENDING_REVIEW&sort=amount-desc&minPayout=2300000&maxPayout=2300000', 25)).items.map((i) => i.claimId)).toContain(
      workflowClaim,
    );
  });
});

describe('filters, combined, on every page', () => {
  it.each([
    ['scheme + county', 'schemeId=xiaogan-2024&county=420921', (c: QueueClaim) => c.schemeId === 'xiaogan-2024' && c.county === '420921'],
    [
      'product + payout range',
      'product=ACCIDENT&minPayout=1000000&maxPayout=5000000',
      (c: QueueClaim) => c.product === 'ACCIDENT' && c.payout >= 1_000_000 && c.payout <= 5_000_000,
    ],
    [
      'reason + age',
      'reviewReason=MONITORING_WARNING&minAgeDays=5&maxAgeDays=20',
      (c: QueueClaim) => c.reasons.includes('MONITORING_WARNING') && age(c) >= 5 && age(c) <= 20,
    ],
    [
      'all six',
      'schemeId=xiaogan-2024&county=420902&product=MEDICAL&reviewReason=ABOVE_THRESHOLD&minPayout=500000&minAgeDays=1',
      (c: QueueClaim) =>
        c.schemeId === 'xiaogan-2024' &&
        c.county === '420902' &&
        c.product === 'MEDICAL' &&
        c.reasons.includes('ABOVE_THRESHOLD') &&
        c.payout >= 500_000 &&
        age(c) >= 1,
    ],
  ])('%s, oldest first, 7 a page', async (_name, q, match) => {
    const expected = queue
      .filter((c) => c.queueFields !== false && match(c))
      .sort(byAge)
      .map((c) => c.claimId);
    expect(expected.length).toBeGreaterThan(3);
    const { items, pages } = await all(`status=PENDING_REVIEW&${q}`, 7);
    expect(seeded(items).map((i) => i.claimId)).toEqual(expected);
    expect(pages.length).toBeGreaterThan(1); // paged, each page before the last full (checked in all())
  });

  it('sorts by amount, largest first and smallest first, with a payout range as the key range', async () => {
    const inRange = queue.filter((c) => c.queueFields !== false && c.payout >= 300_000 && c.payout <= 8_000_000 && c.schemeId === 'lishui-2017');
    const desc = [...inRange].sort((a, b) => b.payout - a.payout).map((c) => c.payout);
    const got = await all('status=PENDING_REVIEW&sort=amount-desc&minPayout=300000&maxPayout=8000000&schemeId=lishui-2017', 10);
    expect(seeded(got.items).map((i) => i.assessment!.payout)).toEqual(desc);
    const asc = await all('status=PENDING_REVIEW&sort=amount-asc&schemeId=lishui-2017&minPayout=300000&maxPayout=8000000', 10);
    expect(seeded(asc.items).map((i) => i.assessment!.payout)).toEqual([...desc].reverse());
  });

  it('newest first reverses the age order', async () => {
    const expected = queue
      .filter((c) => c.queueFields !== false && c.county === '331121')
      .sort(byAge)
      .reverse()
      .map((c) => c.claimId);
    expect(seeded((await all('status=PENDING_REVIEW&county=331121&sort=newest', 9)).items).map((i) => i.claimId)).toEqual(expected);
  });

  it('a rare match at the far end comes on the first page, not after empty pages with cursors', async () => {
    // The youngest seeded claim, alone in its county: every other claim is read before it (oldest first).
    const youngest = [...queue].sort(byAge).at(-1)!;
    const lone = { ...youngest, claimId: 'C-Q-LONE', county: '429999', createdAt: new Date().toISOString() };
    await seedReviewQueue(system.dynamoEndpoint, `${PREFIX}-`, [lone]);
    const first = await page('status=PENDING_REVIEW&county=429999&limit=5');
    expect(first.items.map((i) => i.claimId)).toEqual(['C-Q-LONE']);
    expect(first.nextCursor).toBeNull();
    expect(first.scanned).toBeGreaterThan(240);
    expect(first.budgetExhausted).toBe(false);
  });

  it('a read budget that runs out says so, and its cursor carries on to the match', async () => {
    process.env.FANGPIN_LIST_READ_BUDGET = '60';
    try {
      const { items, pages } = await all('status=PENDING_REVIEW&county=429999', 5);
      expect(pages[0]).toMatchObject({ items: [], budgetExhausted: true });
      expect(pages[0]!.nextCursor).toEqual(expect.any(String));
      expect(pages.every((p) => p.scanned <= 60)).toBe(true);
      expect(items.map((i) => i.claimId)).toEqual(['C-Q-LONE']);
    } finally {
      delete process.env.FANGPIN_LIST_READ_BUDGET;
    }
  });
});

function age(c: QueueClaim): number {
  return Math.floor((Date.now() - Date.parse(c.createdAt)) / DAY);
}

describe('due: working days left to the 5-working-day target', () => {
  it('is computed on the scheme calendar for each claim, coloured by how near it is', async () => {
    const { items } = await all('status=PENDING_REVIEW&schemeId=xiaogan-2024', 100);
    const now = new Date().toISOString();
    const levels = new Set<string>();
    for (const i of seeded(items)) {
      const d = i.due!;
      // Computed when the answer was made; a day boundary may pass between that and now: allow one working day.
      const mine = paymentDue(i.createdAt, now, schemes().get('xiaogan-2024')!.holidays);
      expect(d.dueDate).toBe(mine.dueDate);
      expect(mine.workingDaysLeft - d.workingDaysLeft).toBeGreaterThanOrEqual(-1);
      expect(mine.workingDaysLeft - d.workingDaysLeft).toBeLessThanOrEqual(0);
      expect(d.level).toBe(d.workingDaysLeft >= 3 ? 'OK' : d.workingDaysLeft >= 1 ? 'NEAR' : 'DUE');
      levels.add(d.level);
    }
    expect(levels.has('DUE')).toBe(true); // claims up to 30 days old are overdue
    const thirtyDays = seeded(items).filter((i) => Date.now() - Date.parse(i.createdAt) > 14 * DAY);
    expect(thirtyDays.every((i) => i.due!.workingDaysLeft < 0)).toBe(true);
  });
});

describe('compatibility and bad input', () => {
  it('the old listing still answers items and nextCursor, oldest first, and claims stored before the new attributes stay listed', async () => {
    const { items } = await all('status=PENDING_REVIEW', 100);
    expect(items.map((i) => i.createdAt)).toEqual([...items.map((i) => i.createdAt)].sort());
    expect(items.map((i) => i.claimId)).toContain('C-Q-OLD0');
    // Filters on the assessment (payout, reason) and the scheme find it; county and the amount sort need the backfill.
    expect(
      (await all('status=PENDING_REVIEW&reviewReason=ABOVE_THRESHOLD&minPayout=2500000&maxPayout=2500000&schemeId=xiaogan-2024', 50)).items.map(
        (i) => i.claimId,
      ),
    ).toContain('C-Q-OLD0');
    expect((await all('status=PENDING_REVIEW&county=420902', 100)).items.map((i) => i.claimId)).not.toContain('C-Q-OLD0');
    expect((await all('status=PENDING_REVIEW&sort=amount-desc', 100)).items.map((i) => i.claimId)).not.toContain('C-Q-OLD0');
    const one = (await api.call('GET', `/claims/${workflowClaim}`, { role: 'reviewer' })).body;
    const listed = items.find((i) => i.claimId === workflowClaim) as unknown as Record<string, unknown>;
    expect(Object.keys(listed).sort()).toEqual([...Object.keys(one), 'county', 'due'].sort());
  });

  it.each([
    ['sort=amount-desc', 'status=PENDING_REVIEW'],
    ['status=PAID&sort=amount-asc', 'PENDING_REVIEW'],
    ['sort=oldest', 'status or householdId'],
    ['status=PENDING_REVIEW&sort=biggest', 'sort'],
    ['status=PENDING_REVIEW&county=42', 'county'],
    ['status=PENDING_REVIEW&minPayout=12.5', 'fen'],
    ['status=PENDING_REVIEW&minPayout=500&maxPayout=100', 'above'],
    ['status=PENDING_REVIEW&reviewReason=BORED', 'reviewReason'],
    ['status=PENDING_REVIEW&minAgeDays=-1', 'days'],
  ])('%s → 400', async (q, says) => {
    // The words checked are the English ones (details follow Accept-Language; Chinese by default).
    const r = await api.call('GET', `/claims?${q}`, { role: 'reviewer', headers: { 'accept-language': 'en' } });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toContain(says);
    const zh = await api.call('GET', `/claims?${q}`, { role: 'reviewer' });
    expect(zh.body.errors.map((e: { path: string }) => e.path)).toEqual(r.body.errors.map((e: { path: string }) => e.path));
  });

  it('a cursor from one sort is refused by another (400), not a 500', async () => {
    const p = await page('status=PENDING_REVIEW&limit=3');
    expect(p.nextCursor).toEqual(expect.any(String));
    expect(
      (await api.call('GET', `/claims?status=PENDING_REVIEW&sort=amount-desc&limit=3&cursor=${p.nextCursor}`, { role: 'reviewer' })).status,
    ).toBe(400);
    expect((await api.call('GET', `/claims?limit=3&cursor=${p.nextCursor}`, { role: 'reviewer' })).status).toBe(400);
  });
});
