/**
 * The lists an operator on any machine finds yesterday's work in: GET /medical-feeds and GET /audit-samples, newest
 * first across schemes (each scheme a partition of a sparse index, merged), paged with a cursor, filtered by scheme
 * (and a feed's status); the roles that may not read them get 403, a bad limit or cursor 400 naming it. Answers are
 * checked against the OpenAPI document by the test client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Embedded } from '../../embedded/runtime.js';
import { FEED_COLUMNS } from '../../core/medical-feed.js';
import { client, startTestSystem } from '../support/server.js';
import { household } from '../core/fixtures.js';
import { documentClient, tableName } from '../../functions/shared/aws.js';

let system: Embedded;
let api: ReturnType<typeof client>;

/** A member of a household whose registry item is broken (below): a feed row for them fails its batch, so the feed stays FILING. */
const ID_BROKEN = '42092219800505222X';
const HEADER = FEED_COLUMNS.join(',');
/** A row of the bureau's file; `id` unknown to the registry files nothing (NOT_IN_REGISTRY), so the feed is DONE at once. */
const row = (invoice: string, id: string, total: number) =>
  ['HOSP-L1', invoice, id, '某人', '2024-05-03', '2024-05-09', String(total), '0', '0', '0', '0', '0'].join(',');
const unknownPerson = (n: number) => `1101012000010100${String(n).padStart(2, '0')}`;

async function sendFeed(schemeId: string, rows: string[]): Promise<string> {
  const res = await fetch(`${system.url}/medical-feeds?schemeId=${schemeId}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await system.token('admin')}`, 'content-type': 'text/csv' },
    body: `${[HEADER, ...rows].join('\n')}\n`,
  });
  const body = (await res.json()) as { feedId: string };
  expect(res.status, JSON.stringify(body)).toBe(202);
  // Distinct createdAt instants, so "newest first" has one answer to check against.
  await new Promise((r) => setTimeout(r, 15));
  return body.feedId;
}

async function waitFeed(feedId: string, until: (p: Record<string, unknown>) => boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let last: Record<string, unknown> = {};
  while (Date.now() < deadline) {
    const r = await api.call('GET', `/medical-feeds/${feedId}?view=progress`, { role: 'admin' });
    expect(r.status).toBe(200);
    last = r.body;
    if (until(last)) return last;
    await new Promise((res) => setTimeout(res, 200));
  }
  throw new Error(`feed ${feedId}: ${JSON.stringify(last).slice(0, 600)}`);
}

/** Every page of a list, following nextCursor; the pages' sizes too. */
async function allPages(path: string, limit: number, role: 'admin' | 'auditor' = 'admin') {
  const sep = path.includes('?') ? '&' : '?';
  const items: Array<Record<string, unknown>> = [];
  const sizes: number[] = [];
  let cursor: string | null = null;
  do {
    const r = await api.call('GET', `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { role });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    items.push(...r.body.items);
    sizes.push(r.body.items.length);
    cursor = r.body.nextCursor;
    expect(sizes.length).toBeLessThan(20);
  } while (cursor);
  return { items, sizes };
}

beforeAll(async () => {
  system = await startTestSystem('lists');
  api = client(system);
  const r = await api.call('POST', '/households', {
    role: 'admin',
    body: [{ ...household({ householdId: 'H-LI-X', county: '420922', members: ['P-X'] }), members: [{ personId: 'P-X', idNumber: ID_BROKEN }] }],
  });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  // As in medical-feed-redrive.test.ts: the household's item rewritten around the API without verifiedYear, so
  // reading it fails (MalformedItem) on every retry, and the feed that matches its member never finishes.
  const item = (await documentClient().send(new GetCommand({ TableName: tableName('registry'), Key: { householdId: 'H-LI-X' } }))).Item!;
  const { verifiedYear: _v, ...withoutYear } = item;
  await documentClient().send(new PutCommand({ TableName: tableName('registry'), Item: withoutYear }));
}, 120_000);

afterAll(async () => {
  await system?.stop();
});

describe('GET /medical-feeds', () => {
  // Sent in this order: f1 (xiaogan), f2 (lishui), f3 (xiaogan: its row matches the broken household, so its
  // workflow fails and the feed stays FILING), f4 (xiaogan).
  const feeds: string[] = [];

  it('lists every scheme’s feeds newest first, page by page with the cursor, each page full but the last', async () => {
    feeds.push(await sendFeed('xiaogan-2024', [row('L-1', unknownPerson(1), 1000)]));
    feeds.push(await sendFeed('lishui-2017', [row('L-2', unknownPerson(2), 2000), row('L-3', unknownPerson(3), 3000)]));
    feeds.push(await sendFeed('xiaogan-2024', [row('L-4', ID_BROKEN, 800_000)]));
    feeds.push(await sendFeed('xiaogan-2024', [row('L-5', unknownPerson(5), 5000)]));
    const [f1, f2, f3, f4] = feeds as [string, string, string, string];
    for (const f of [f1, f2, f4]) await waitFeed(f, (p) => p.status === 'DONE');
    await waitFeed(f3, (p) => p.status === 'FILING' && (p.execution as { status: string }).status === 'FAILED', 120_000);

    const newestFirst = [f4, f3, f2, f1];
    for (const limit of [1, 2, 3, 4, 100]) {
      const { items, sizes } = await allPages('/medical-feeds', limit);
      expect(
        items.map((i) => i.feedId),
        `limit ${limit}`,
      ).toEqual(newestFirst);
      expect(sizes.slice(0, -1).every((s) => s === limit)).toBe(true);
    }
    const first = await api.call('GET', '/medical-feeds?limit=2', { role: 'auditor' });
    expect(first.body.items.map((i: { feedId: string }) => i.feedId)).toEqual([f4, f3]);
    expect(typeof first.body.nextCursor).toBe('string');
    expect(first.body.items[1]).toEqual({
      feedId: f3,
      schemeId: 'xiaogan-2024',
      status: 'FILING',
      rows: 1,
      sentBy: 'admin-local',
      createdAt: expect.any(String),
      completedAt: null,
      encoding: 'utf-8',
      bytes: expect.any(Number),
      redrives: 0,
    });
    expect(first.body.items[0]).toMatchObject({ feedId: f4, status: 'DONE', completedAt: expect.any(String) });
    // The last page says so: no cursor to an empty page.
    const whole = await api.call('GET', '/medical-feeds?limit=4', { role: 'admin' });
    expect(whole.body.nextCursor).toBeNull();
  }, 240_000);

  it('filters by scheme and by status, the cursor still paging within the filter', async () => {
    const [f1, f2, f3, f4] = feeds as [string, string, string, string];
    expect((await allPages('/medical-feeds?schemeId=xiaogan-2024', 1)).items.map((i) => i.feedId)).toEqual([f4, f3, f1]);
    expect((await allPages('/medical-feeds?schemeId=lishui-2017', 1)).items.map((i) => i.feedId)).toEqual([f2]);
    const done = await allPages('/medical-feeds?status=DONE', 1);
    expect(done.items.map((i) => i.feedId)).toEqual([f4, f2, f1]);
    expect(done.sizes).toEqual([1, 1, 1]);
    expect((await allPages('/medical-feeds?status=FILING', 2)).items.map((i) => i.feedId)).toEqual([f3]);
    expect((await allPages('/medical-feeds?schemeId=xiaogan-2024&status=DONE', 1)).items.map((i) => i.feedId)).toEqual([f4, f1]);
  });

  it('refuses the roles that may not read feeds, a bad limit, a bad cursor, an unknown scheme or status', async () => {
    for (const role of ['reviewer', 'insurer', 'submitter'] as const) {
      const r = await api.call('GET', '/medical-feeds', { role, insurerId: 'XG-POOL-1' });
      expect(r.status, role).toBe(403);
    }
    for (const limit of ['0', '101', 'abc', '-1']) {
      const r = await api.call('GET', `/medical-feeds?limit=${limit}`, { role: 'admin' });
      expect(r.status, limit).toBe(400);
      expect(r.body.errors[0].path).toBe('limit');
    }
    const forged = [
      'not-base64-json!',
      Buffer.from('[1,2]').toString('base64url'),
      Buffer.from(JSON.stringify({ p: 0 })).toString('base64url'),
      // A position whose partition key is not the partition it names: never sent to DynamoDB.
      Buffer.from(
        JSON.stringify({ m: { 'xiaogan-2024': { feedId: 'MF-x', item: 'FEED', listScheme: 'lishui-2017', createdAt: '2026-01-01' } } }),
      ).toString('base64url'),
      Buffer.from(JSON.stringify({ m: { 'xiaogan-2024': { feedId: 'MF-x' } } })).toString('base64url'),
    ];
    for (const cursor of forged) {
      const r = await api.call('GET', `/medical-feeds?cursor=${encodeURIComponent(cursor)}`, { role: 'admin' });
      expect(r.status, cursor).toBe(400);
      expect(r.body.errors[0].path).toBe('cursor');
    }
    const scheme = await api.call('GET', '/medical-feeds?schemeId=nowhere-2020', { role: 'admin' });
    expect(scheme.status).toBe(400);
    expect(scheme.body.errors[0].path).toBe('schemeId');
    const status = await api.call('GET', '/medical-feeds?status=LOST', { role: 'admin' });
    expect(status.status).toBe(400);
    expect(status.body.errors[0].path).toBe('status');
  });
});

describe('GET /audit-samples', () => {
  const samples: string[] = [];
  const draw = async (schemeId: string, seed: string) => {
    const r = await api.call('POST', '/audit-samples', {
      role: 'auditor',
      body: { schemeId, from: '2024-01-01', to: '2024-12-31', randomBp: 1000, minPayout: 0, seed },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    await new Promise((res) => setTimeout(res, 15));
    return r.body.sampleId as string;
  };

  it('lists every scheme’s samples newest first, paged with the cursor and filtered by scheme', async () => {
    samples.push(await draw('xiaogan-2024', 's1'), await draw('lishui-2017', 's2'), await draw('xiaogan-2024', 's3'));
    const [s1, s2, s3] = samples as [string, string, string];
    for (const limit of [1, 2, 3]) {
      const { items, sizes } = await allPages('/audit-samples', limit, 'auditor');
      expect(
        items.map((i) => i.sampleId),
        `limit ${limit}`,
      ).toEqual([s3, s2, s1]);
      expect(sizes.slice(0, -1).every((s) => s === limit)).toBe(true);
    }
    const page = await api.call('GET', '/audit-samples?limit=2', { role: 'admin' });
    expect(page.body.items[0]).toEqual({
      sampleId: s3,
      schemeId: 'xiaogan-2024',
      from: '2024-01-01',
      to: '2024-12-31',
      drawnBy: 'auditor-local',
      drawnAt: expect.any(String),
      claimCount: 0,
      findingsRecorded: 0,
    });
    expect(typeof page.body.nextCursor).toBe('string');
    expect((await allPages('/audit-samples?schemeId=xiaogan-2024', 1)).items.map((i) => i.sampleId)).toEqual([s3, s1]);
    expect((await allPages('/audit-samples?schemeId=lishui-2017', 5)).items.map((i) => i.sampleId)).toEqual([s2]);
    // The sample itself still reads as before: the list's index attributes are not part of it.
    const one = await api.call('GET', `/audit-samples/${s1}`, { role: 'auditor' });
    expect(one.status).toBe(200);
    expect(one.body).not.toHaveProperty('listScheme');
    expect(one.body).not.toHaveProperty('claimCount');
  });

  it('refuses the roles that may not read samples, a bad limit and a bad cursor', async () => {
    for (const role of ['reviewer', 'insurer', 'submitter'] as const) {
      const r = await api.call('GET', '/audit-samples', { role, insurerId: 'XG-POOL-1' });
      expect(r.status, role).toBe(403);
    }
    for (const limit of ['0', '1000', 'x']) {
      const r = await api.call('GET', `/audit-samples?limit=${limit}`, { role: 'auditor' });
      expect(r.status, limit).toBe(400);
      expect(r.body.errors[0].path).toBe('limit');
    }
    // A feed list's cursor is not a sample list's: its key has other attributes.
    const feedCursor = (await api.call('GET', '/medical-feeds?limit=1', { role: 'admin' })).body.nextCursor as string;
    for (const cursor of ['%%%', feedCursor]) {
      const r = await api.call('GET', `/audit-samples?cursor=${encodeURIComponent(cursor)}`, { role: 'auditor' });
      expect(r.status, cursor).toBe(400);
      expect(r.body.errors[0].path).toBe('cursor');
    }
  });
});
