/**
 * Redriving a medical feed whose workflow failed (docs/medical-feed.md "Redrive"): a registry entry the batches
 * cannot read (written around the API, its verifiedYear missing) fails the batch that matches a member of it, the
 * map run fails and the feed stays FILING with its execution FAILED, after other rows had filed. Once the entry is
 * fixed, an admin's POST /medical-feeds/{id}/redrive starts `<feedId>-r1`: the feed reaches DONE, every matched
 * row filed once (one claim, one Submit), the control totals equal the claims' payouts. The progress view shows
 * the failed execution, then the redrive's. A DONE feed is 409, other roles 403, an unknown feed 404.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Embedded } from '../../embedded/runtime.js';
import { FEED_COLUMNS } from '../../core/medical-feed.js';
import { client, startTestSystem, type Reply } from '../support/server.js';
import { household } from '../core/fixtures.js';
import { documentClient, tableName } from '../../functions/shared/aws.js';

let system: Embedded;
let api: ReturnType<typeof client>;
/** The broken household's item as imported, put back to fix it (an import reads the stored item, which fails too). */
let goodItem: Record<string, unknown>;

const ID_A = '420922199001011234';
const ID_B = '420921198502024321';
const ID_BROKEN = '42092219800505222X';
const unknownId = (i: number) => `1101012000${String(i).padStart(7, '0')}1`;
const row = (invoice: string, id: string, total: number, hospital = 'HOSP-R1') =>
  [hospital, invoice, id, '某人', '2024-05-03', '2024-05-06', String(total), '100000', '0', '0', '0', '0'].join(',');

/** Batch 1 (lines 2–101): 7 insured rows among 93 unknown people; batch 2 (lines 102–104): the broken household's row and 2 more. */
function feedFile(): string {
  const lines = [FEED_COLUMNS.join(',')];
  for (let i = 0; i < 100; i++)
    lines.push(i % 16 === 0 ? row(`RR-${i}`, i % 32 === 0 ? ID_A : ID_B, 1_000_000 + i) : row(`RR-${i}`, unknownId(i), 500_000));
  lines.push(row('RR-X', ID_BROKEN, 2_000_000, 'HOSP-R2'), row('RR-101', ID_A, 1_500_000, 'HOSP-R2'), row('RR-102', ID_B, 1_200_000, 'HOSP-R2'));
  return `${lines.join('\r\n')}\r\n`;
}
const FILED = 10; // lines 2, 18, …, 98 (7) and the 3 of batch 2

const broken = { ...household({ householdId: 'H-RR-X', county: '420922', members: ['P-X'] }), members: [{ personId: 'P-X', idNumber: ID_BROKEN }] };

async function progress(feedId: string): Promise<Reply> {
  const r = await api.call('GET', `/medical-feeds/${feedId}?view=progress`, { role: 'auditor' });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r;
}

// biome-ignore lint/suspicious/noExplicitAny: the JSON answer
async function waitFor(feedId: string, ok: (b: Record<string, any>) => boolean, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  let last: Reply | undefined;
  while (Date.now() < deadline) {
    last = await progress(feedId);
    if (ok(last.body)) return last.body;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`feed ${feedId}: ${JSON.stringify(last?.body).slice(0, 800)}`);
}

beforeAll(async () => {
  system = await startTestSystem('mfredrive');
  api = client(system);
  const households = [
    { ...household({ householdId: 'H-RR-A', county: '420922', members: ['P-A'] }), members: [{ personId: 'P-A', idNumber: ID_A }] },
    { ...household({ householdId: 'H-RR-B', county: '420921', members: ['P-B'] }), members: [{ personId: 'P-B', idNumber: ID_B }] },
    broken,
  ];
  const r = await api.call('POST', '/households', { role: 'admin', body: households });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  // The broken household's item rewritten around the API without verifiedYear: reading it fails (MalformedItem),
  // which no retry cures. Its identity index entry stays, so the row of its member finds it and the batch fails.
  goodItem = (await documentClient().send(new GetCommand({ TableName: tableName('registry'), Key: { householdId: 'H-RR-X' } }))).Item!;
  const { verifiedYear: _v, ...withoutYear } = goodItem;
  await documentClient().send(new PutCommand({ TableName: tableName('registry'), Item: withoutYear }));
}, 120_000);

afterAll(async () => {
  await system?.stop();
});

describe('redriving a medical feed', () => {
  it('a failed feed, its data fixed, is redriven: DONE, each claim filed once, control totals = the payouts', { timeout: 300_000 }, async () => {
    const token = await system.token('admin');
    const send = () =>
      fetch(`${system.url}/medical-feeds?schemeId=xiaogan-2024`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
        body: feedFile(),
      });
    const sent = await send();
    expect(sent.status).toBe(202);
    const feedId = String(((await sent.json()) as { feedId: string }).feedId);

    const failed = await waitFor(feedId, (b) => b.execution.status !== 'RUNNING');
    expect(failed).toMatchObject({ view: 'progress', status: 'FILING', rows: 103, execution: { name: feedId, status: 'FAILED' }, redrives: 0 });
    expect(failed.rowsDone).toBeLessThan(103);
    // The first batch was under way when the map run failed: its Lambda finishes (an abort stops the execution,
    // not a call in flight) and records its rows, so the redrive meets claims this feed filed already.
    const partly = await waitFor(feedId, (b) => b.rowsDone === 100, 60_000);
    expect(partly).toMatchObject({ status: 'FILING', claimsFiled: 7, execution: { status: 'FAILED' } });
    // A resend answers the same feed and starts nothing new: the latest execution is the failed one.
    const again = await send();
    expect(await again.json()).toMatchObject({ feedId, status: 'FILING', repeated: true });
    expect((await progress(feedId)).body.execution).toEqual({ name: feedId, status: 'FAILED' });

    // Only an admin redrives.
    for (const role of ['reviewer', 'insurer', 'auditor'] as const)
      expect((await api.call('POST', `/medical-feeds/${feedId}/redrive`, { role, insurerId: 'XG-POOL-1' })).status, role).toBe(403);
    expect((await api.call('POST', '/medical-feeds/MF-00000000000000000000000000000000/redrive', { role: 'admin' })).status).toBe(404);

    // The entry fixed (its item as imported put back), then redriven.
    await documentClient().send(new PutCommand({ TableName: tableName('registry'), Item: goodItem }));
    const redriven = await api.call('POST', `/medical-feeds/${feedId}/redrive`, { role: 'admin', body: { note: 'registry entry fixed' } });
    expect(redriven.status, JSON.stringify(redriven.body)).toBe(202);
    expect(redriven.body).toEqual({ feedId, status: 'FILING', execution: `${feedId}-r1`, redrives: 1 });
    // While r1 runs (or once it is done) a second redrive is refused, naming why.
    const twice = await api.call('POST', `/medical-feeds/${feedId}/redrive`, { role: 'admin' });
    expect(twice.status).toBe(409);
    expect(twice.body.title).toBeDefined();

    const done = await waitFor(feedId, (b) => b.status === 'DONE' && b.claimsUndecided === 0);
    expect(done).toMatchObject({ rowsDone: 103, claimsFiled: FILED, execution: { name: `${feedId}-r1`, status: 'SUCCEEDED' }, redrives: 1 });
    expect(done.counts).toEqual({ FILED, NOT_IN_REGISTRY: 93, DUPLICATE: 0, CONFLICT: 0, BAD_ROW: 0 });

    // The full report agrees, and adds up to the fen against the claims themselves.
    const report = (await api.call('GET', `/medical-feeds/${feedId}`, { role: 'auditor' })).body;
    expect(report.counts).toEqual(done.counts);
    expect(report.undecided).toBe(0);
    expect(report.controlTotals.filedRows).toBe(FILED);
    expect(done.filed).toEqual({
      rows: FILED,
      totalCost: report.controlTotals.totalCost,
      byHospital: report.controlTotals.byHospital.map(({ payout: _p, ...h }: { payout: number }) => h),
    });
    const csv = await api.call('GET', `/medical-feeds/${feedId}?format=csv`, { role: 'auditor', headers: { 'accept-language': 'en' } });
    const filed = String(csv.body)
      .split('\r\n')
      .slice(1)
      .filter((l) => l.split(',')[1] === 'FILED')
      .map((l) => l.split(',')[5] ?? '');
    expect(new Set(filed).size).toBe(FILED);
    let payout = 0;
    for (const claimId of filed) {
      const c = await api.call('GET', `/claims/${claimId}`, { role: 'auditor' });
      expect(['SETTLING', 'PAID']).toContain(c.body.status);
      payout += c.body.assessment.payout as number;
      const audit = await api.call('GET', `/claims/${claimId}/audit`, { role: 'auditor' });
      expect(
        audit.body.records.filter((r: { step: string }) => r.step === 'Submit'),
        claimId,
      ).toHaveLength(1);
    }
    expect(payout).toBeGreaterThan(0);
    expect(report.controlTotals.totalPayout).toBe(payout);

    // The feed's chain says who redrove it, between its receipt and its end.
    const chain = (await import('../../functions/shared/audit.js')).readAudit;
    const steps = (await chain(`FEED#${feedId}`)).map((r) => [r.step, r.actor]);
    expect(steps.map(([s]) => s)).toEqual(['FeedReceived', 'FeedRedriven', 'FeedFinished']);
    expect(steps[1]?.[1]).toMatch(/^admin:/);

    // DONE: nothing to redrive.
    const over = await api.call('POST', `/medical-feeds/${feedId}/redrive`, { role: 'admin' });
    expect(over.status).toBe(409);
    expect(over.body.errors?.[0]).toMatchObject({ path: 'feedId', message: '状态为 DONE' });
  });
});
