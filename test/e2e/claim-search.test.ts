/**
 * GET /claims as the console's search reads it, over a city's history seeded straight into the store
 * (embedded/seed/decided-claims.ts): scheme + county, product, scheme, a closed status, and no filter at all,
 * each on an index (the listing merges one partition per scheme when the scheme is not given), oldest or newest
 * first, every page full until the last, every claim listed once; and the report over the same store equals a
 * rebuild from the claims.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Embedded } from '../../embedded/runtime.js';
import { seedClaim, seedDecidedClaims } from '../../embedded/seed/decided-claims.js';
import { recomputeReportTotals } from '../../functions/shared/report-rebuild.js';
import { client, startTestSystem } from '../support/server.js';
import type { ClaimRecord } from '../../functions/shared/claim-record.js';

const PREFIX = 'claimsearch';
const HOUSEHOLDS = 60;
const CLAIMS = 400;
let system: Embedded;
let api: ReturnType<typeof client>;
const claims: ClaimRecord[] = Array.from({ length: CLAIMS }, (_, i) => seedClaim(i, HOUSEHOLDS));

interface Item {
  claimId: string;
  schemeId: string;
  product: string;
  county: string | null;
  status: string;
  createdAt: string;
  settlements?: unknown[];
}
interface PageBody {
  items: Item[];
  nextCursor: string | null;
  budgetExhausted: boolean;
}

async function all(q: string, limit: number): Promise<Item[]> {
  const items: Item[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const r = await api.call('GET', `/claims?${q}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`, { role: 'auditor' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const p = r.body as PageBody;
    // A page is full, or it is the last: never short (or empty) with a cursor.
    if (p.nextCursor) expect(p.items.length, `${q}: a page with a cursor holds ${limit}`).toBe(limit);
    expect(p.budgetExhausted).toBe(false);
    items.push(...p.items);
    cursor = p.nextCursor;
  } while (cursor && ++pages < 500);
  return items;
}

const oldestFirst = (a: { createdAt: string; claimId: string }, b: { createdAt: string; claimId: string }) =>
  a.createdAt.localeCompare(b.createdAt) || a.claimId.localeCompare(b.claimId);
const ids = (xs: Array<{ claimId: string }>) => xs.map((x) => x.claimId);

beforeAll(async () => {
  system = await startTestSystem(PREFIX);
  api = client(system);
  await seedDecidedClaims({ dynamoEndpoint: system.dynamoEndpoint, tablePrefix: `${PREFIX}-`, households: HOUSEHOLDS, claims: CLAIMS });
}, 120_000);

afterAll(async () => {
  await system?.stop();
});

describe('claim search', () => {
  it.each([
    ['schemeId=xiaogan-2024&county=420921', (c: ClaimRecord) => c.schemeId === 'xiaogan-2024' && c.county === '420921'],
    ['county=331102', (c: ClaimRecord) => c.county === '331102'],
    ['product=DISASTER', (c: ClaimRecord) => c.product === 'DISASTER'],
    ['schemeId=lishui-2017', (c: ClaimRecord) => c.schemeId === 'lishui-2017'],
    ['status=PAID&schemeId=xiaogan-2024&county=420902', (c: ClaimRecord) => c.status === 'PAID' && c.county === '420902'],
    ['status=SETTLING', (c: ClaimRecord) => c.status === 'SETTLING'],
    [`householdId=${claims[0]?.householdId}&status=PAID`, (c: ClaimRecord) => c.householdId === claims[0]?.householdId && c.status === 'PAID'],
    ['product=MEDICAL&county=420922', (c: ClaimRecord) => c.product === 'MEDICAL' && c.county === '420922'],
    // What only the claim holds, on an index of table claimKeys: checked on the claims read, as DynamoDB would.
    [
      'product=MEDICAL&minPayout=100000&maxPayout=2000000',
      (c: ClaimRecord) => c.product === 'MEDICAL' && (c.assessment?.payout ?? -1) >= 100_000 && (c.assessment?.payout ?? -1) <= 2_000_000,
    ],
    [
      'schemeId=xiaogan-2024&reviewReason=ABOVE_THRESHOLD',
      (c: ClaimRecord) => c.schemeId === 'xiaogan-2024' && !!c.assessment?.reviewReasons.includes('ABOVE_THRESHOLD'),
    ],
    ['county=420902&minPayout=1', (c: ClaimRecord) => c.county === '420902' && (c.assessment?.payout ?? 0) >= 1],
  ])('%s: every match once, oldest first, in full pages', async (q, match) => {
    const want = claims.filter(match).sort(oldestFirst);
    expect(want.length).toBeGreaterThan(5);
    expect(ids(await all(q, 7))).toEqual(ids(want));
  });

  it('no filter: every claim once, oldest first, merged over the schemes', async () => {
    expect(ids(await all('', 30))).toEqual(ids([...claims].sort(oldestFirst)));
  });

  it('newest first reverses the order, on one partition and merged over several', async () => {
    const county = claims
      .filter((c) => c.county === '331102')
      .sort(oldestFirst)
      .reverse();
    expect(ids(await all('county=331102&sort=newest', 6))).toEqual(ids(county));
    const paid = claims
      .filter((c) => c.status === 'PAID' && c.product === 'MEDICAL')
      .sort(oldestFirst)
      .reverse();
    expect(ids(await all('product=MEDICAL&status=PAID&sort=newest', 9))).toEqual(ids(paid));
  });

  it('a cursor from another listing is refused with 400', async () => {
    const r = await api.call('GET', '/claims?limit=3', { role: 'auditor' });
    expect(r.body.nextCursor).toEqual(expect.any(String));
    expect((await api.call('GET', `/claims?limit=3&schemeId=xiaogan-2024&cursor=${r.body.nextCursor}`, { role: 'auditor' })).status).toBe(400);
  });

  it('the report over the seeded history equals a rebuild from the claims', async () => {
    expect((await recomputeReportTotals({ write: false })).differences).toEqual([]);
    const r = await api.call('GET', '/reports/summary?schemeId=xiaogan-2024&year=2024', { role: 'auditor' });
    expect(r.body.claims.count).toBe(claims.filter((c) => c.schemeId === 'xiaogan-2024').length);
    expect(r.body.payment.paid).toBe(claims.filter((c) => c.schemeId === 'xiaogan-2024' && c.status === 'PAID').length);
  });
});
