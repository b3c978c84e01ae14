/**
 * The newest-first lists merged across scheme partitions (functions/shared/merged-page.ts), through the store
 * functions that use them (feedsPage, samplesPage) on DynamoDB Local: every item exactly once whatever the page
 * size, newest first, equal instants across and within partitions included, pages full but the last, a status
 * filter that leaves partition reads short; a malformed indexed item refused naming it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { useStore } from '../support/store.js';
import { documentClient, tableName } from '../../functions/shared/aws.js';
import { feedsPage, type FeedListItem } from '../../functions/shared/medical-feeds-repo.js';
import { samplesPage } from '../../functions/shared/audit-samples-repo.js';
import type { MergedCursor } from '../../functions/shared/merged-page.js';

const SCHEMES = ['s-a', 's-b', 's-c'];
/** 41 feeds: scheme i % 3, instants with repeats (i / 2, so pairs share one), every third one FILING. */
const FEEDS = Array.from({ length: 41 }, (_, i) => ({
  feedId: `MF-${String(i).padStart(32, '0')}`,
  schemeId: SCHEMES[i % 3]!,
  createdAt: `2026-11-${String(1 + Math.floor(i / 2)).padStart(2, '0')}T08:00:00.000Z`,
  status: i % 3 === 1 ? 'FILING' : 'DONE',
}));

async function all(o: { schemeIds: string[]; status?: 'FILING' | 'DONE' }, limit: number) {
  const items: FeedListItem[] = [];
  const sizes: number[] = [];
  let cursor: MergedCursor | undefined;
  do {
    // The cursor as a client holds it: through JSON.
    const page = await feedsPage(o, limit, cursor ? (JSON.parse(JSON.stringify(cursor)) as MergedCursor) : undefined);
    items.push(...page.items);
    sizes.push(page.items.length);
    cursor = page.next;
  } while (cursor);
  return { items, sizes };
}

beforeAll(async () => {
  await useStore('mergedpage');
  for (const f of FEEDS)
    await documentClient().send(
      new PutCommand({
        TableName: tableName('medicalFeeds'),
        Item: {
          ...f,
          item: 'FEED',
          listScheme: f.schemeId,
          sha256: 'x',
          bytes: 100,
          encoding: 'utf-8',
          rows: 1,
          sentBy: 'admin',
          ...(f.status === 'DONE' ? { completedAt: f.createdAt } : {}),
        },
      }),
    );
  // Row items of a feed are never in the index.
  await documentClient().send(new PutCommand({ TableName: tableName('medicalFeeds'), Item: { feedId: FEEDS[0]!.feedId, item: 'ROW#000000002' } }));
}, 60_000);

describe('feeds merged across schemes', () => {
  for (const [label, o] of [
    ['every scheme', { schemeIds: SCHEMES }],
    ['every scheme, DONE only', { schemeIds: SCHEMES, status: 'DONE' as const }],
    ['every scheme, FILING only', { schemeIds: SCHEMES, status: 'FILING' as const }],
    ['one scheme', { schemeIds: ['s-b'] }],
  ] as const) {
    it(`${label}: each feed once, newest first, at any page size`, async () => {
      const expected = FEEDS.filter((f) => (o.schemeIds as readonly string[]).includes(f.schemeId) && (!('status' in o) || f.status === o.status));
      for (const limit of [1, 2, 3, 5, 7, 40, 100]) {
        const { items, sizes } = await all({ ...o, schemeIds: [...o.schemeIds] }, limit);
        expect(items.map((i) => i.feedId).sort(), `limit ${limit}`).toEqual(expected.map((f) => f.feedId).sort());
        expect(new Set(items.map((i) => i.feedId)).size).toBe(items.length);
        for (let i = 1; i < items.length; i++) expect(items[i - 1]!.createdAt >= items[i]!.createdAt, `limit ${limit} at ${i}`).toBe(true);
        expect(sizes.slice(0, -1).every((s) => s === limit)).toBe(true);
        expect(sizes.at(-1)).toBeGreaterThan(0);
      }
    });
  }

  it('answers the listed fields, without index attributes', async () => {
    const { items } = await feedsPage({ schemeIds: ['s-a'] }, 1);
    expect(items[0]).toEqual({
      feedId: FEEDS[39]!.feedId,
      schemeId: 's-a',
      status: 'DONE',
      rows: 1,
      sentBy: 'admin',
      createdAt: FEEDS[39]!.createdAt,
      completedAt: FEEDS[39]!.createdAt,
      encoding: 'utf-8',
      bytes: 100,
      redrives: 0,
    });
  });

  it('refuses a malformed indexed feed, naming its key and field', async () => {
    await documentClient().send(
      new PutCommand({
        TableName: tableName('medicalFeeds'),
        Item: { feedId: 'MF-bad', item: 'FEED', listScheme: 's-z', schemeId: 's-z', createdAt: '2026-12-01T00:00:00Z', status: 'LOST' },
      }),
    );
    await expect(feedsPage({ schemeIds: ['s-z'] }, 5)).rejects.toThrow(/medicalFeeds table: MF-bad\/FEED .*status/);
  });
});

describe('samples merged across schemes', () => {
  it('lists SAMPLE items only, newest first, with their claim count and findings recorded', async () => {
    const put = (Item: Record<string, unknown>) => documentClient().send(new PutCommand({ TableName: tableName('auditSamples'), Item }));
    const sample = (id: string, schemeId: string, drawnAt: string, claimCount: number) =>
      put({
        pk: `SAMPLE#${id}`,
        sk: 'SAMPLE',
        listScheme: schemeId,
        sampleId: id,
        schemeId,
        from: '2026-01-01',
        to: '2026-06-30',
        drawnBy: 'a',
        drawnAt,
        claimCount,
      });
    await sample('AS-1', 's-a', '2026-11-01T00:00:00Z', 2);
    await sample('AS-2', 's-b', '2026-11-02T00:00:00Z', 0);
    await sample('AS-3', 's-a', '2026-11-03T00:00:00Z', 3);
    for (const c of ['C-1', 'C-2']) await put({ pk: 'SAMPLE#AS-3', sk: `CLAIM#${c}`, claimId: c, finding: 'OK', note: '', auditor: 'a', at: 'x' });
    await put({ pk: 'OBJECTED#s-a', sk: 'C-9', objectedAt: 'x' });
    const first = await samplesPage(['s-a', 's-b'], 2);
    expect(first.items.map((s) => [s.sampleId, s.claimCount, s.findingsRecorded])).toEqual([
      ['AS-3', 3, 2],
      ['AS-2', 0, 0],
    ]);
    const second = await samplesPage(['s-a', 's-b'], 2, first.next);
    expect(second.items.map((s) => s.sampleId)).toEqual(['AS-1']);
    expect(second.next).toBeUndefined();
  });
});
