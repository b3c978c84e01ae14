/** The auditor's tools end to end: export from the running server, verify offline, catch an edited stored record. */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Embedded } from '../../embedded/runtime.js';
import { DEMO_HOUSEHOLDS } from '../../embedded/demo.js';
import { client, startTestSystem } from '../support/server.js';
import { documentClient, tableName } from '../../functions/shared/aws.js';
import { FEED_COLUMNS } from '../../core/medical-feed.js';

const run = promisify(execFile);
let system: Embedded;
let api: ReturnType<typeof client>;
const dir = mkdtempSync(join(tmpdir(), 'fangpin-audit-'));

async function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env = { ...process.env, FANGPIN_URL: system.url, FANGPIN_TOKEN: await api.token('auditor') };
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'embedded/audit-cli.ts', ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  system = await startTestSystem('auditcli');
  api = client(system);
  expect((await api.call('POST', '/households', { role: 'admin', body: DEMO_HOUSEHOLDS })).status).toBe(200);
});

afterAll(async () => {
  await system?.stop();
});

describe('npm run audit', () => {
  it('exports every claim, verifies it, and names the first broken link after a stored record is edited', async () => {
    const body = {
      schemeId: 'xiaogan-2024',
      product: 'MEDICAL',
      householdId: 'H-420922-0001',
      personId: 'P-1',
      incidentDate: '2024-05-03',
      details: { hospitalCode: 'H1', invoiceNo: 'A-1', totalCost: 1_500_000 },
    };
    const r = await api.call('POST', '/claims', { role: 'submitter', body });
    const claimId = r.body.claimId as string;
    await api.waitForStatus(claimId, ['SETTLING']);

    const clean = join(dir, 'clean.json');
    const exported = await cli(['export', '--out', clean]);
    expect(exported.code, exported.stderr).toBe(0);
    const ok = await cli(['verify', clean]);
    expect(ok.code, ok.stderr).toBe(0);
    // The claim's 6 records, and the 3 demo households' registry changes (one record each).
    expect(ok.stdout).toMatch(/verified 1 claims, 3 households, 0 index events and 0 medical feeds, 9 records/);

    // Someone with write access to the table changes the assessment's decision (record 4).
    await documentClient().send(
      new UpdateCommand({
        TableName: tableName('audit'),
        Key: { claimId, seq: 4 },
        UpdateExpression: 'SET decision = :d',
        ExpressionAttributeValues: { ':d': 'REJECTED' },
      }),
    );
    const audit = await api.call('GET', `/claims/${claimId}/audit`, { role: 'auditor' });
    expect(audit.body.verified).toBe(false);
    expect(audit.body.brokenAt).toBe(4);

    const tampered = join(dir, 'tampered.json');
    expect((await cli(['export', '--out', tampered])).code).toBe(0);
    const bad = await cli(['verify', tampered]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(`claim ${claimId}, record 4`);
  });

  it("exports households' chains too, and names an edited registry-change record", async () => {
    await documentClient().send(
      new UpdateCommand({
        TableName: tableName('audit'),
        Key: { claimId: 'HOUSEHOLD#H-420902-0002', seq: 1 },
        UpdateExpression: 'SET actor = :a',
        ExpressionAttributeValues: { ':a': 'admin:someone-else' },
      }),
    );
    // An index event too: its own chain (posted, fan-out finished) is exported beside the claims it filed.
    const posted = await api.call('POST', '/index-events', {
      role: 'admin',
      body: { kind: 'WEATHER', schemeId: 'xiaogan-2024', county: '420922', period: { start: '2024-07-01', end: '2024-07-03' }, rainfallMm: 260 },
    });
    expect(posted.status, JSON.stringify(posted.body)).toBe(201);
    // And a medical feed: its chain (who sent which file, its end with the totals) is exported too, once it is DONE.
    const feedFile = `${FEED_COLUMNS.join(',')}\r\nHOSP-01,INV-AUDIT-1,420922199001011234,某人,2024-05-03,2024-05-08,800000,0,0,0,0,0\r\n`;
    const sent = await fetch(`${system.url}/medical-feeds?schemeId=xiaogan-2024`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await api.token('admin')}`, 'content-type': 'text/csv' },
      body: feedFile,
    });
    expect(sent.status).toBe(202);
    const { feedId } = (await sent.json()) as { feedId: string };
    for (const deadline = Date.now() + 60_000; ; await new Promise((r) => setTimeout(r, 250))) {
      const chain = await api.call('GET', `/medical-feeds/${feedId}/audit`, { role: 'auditor' });
      if ((chain.body.records as { step: string }[]).some((r) => r.step === 'FeedFinished')) break;
      if (Date.now() > deadline) throw new Error(`feed ${feedId} did not finish: ${JSON.stringify(chain.body).slice(0, 300)}`);
    }
    const file = join(dir, 'households.json');
    expect((await cli(['export', '--out', file])).code).toBe(0);
    const bad = await cli(['verify', file]);
    expect(bad.code).toBe(1);
    // The claim edited in the test before is reported first; both are in the export.
    const doc = JSON.parse(readFileSync(file, 'utf8')) as {
      households: Array<{ claimId: string; records: unknown[] }>;
      indexEvents: Array<{ claimId: string; records: unknown[] }>;
      medicalFeeds: Array<{ claimId: string; records: unknown[] }>;
    };
    expect(doc.medicalFeeds.map((f) => f.claimId)).toEqual([`FEED#${feedId}`]);
    expect(doc.medicalFeeds[0]!.records).toHaveLength(2);
    expect(doc.indexEvents.map((e) => e.claimId)).toEqual([`INDEX#${posted.body.eventId}`]);
    expect(doc.indexEvents[0]!.records).toHaveLength(2);
    expect(doc.households.map((h) => h.claimId).sort()).toEqual(DEMO_HOUSEHOLDS.map((h) => `HOUSEHOLD#${h.householdId}`).sort());
    for (const h of doc.households) expect(h.records.length).toBeGreaterThan(0);
    const { verifyExport } = await import('../../embedded/audit-verify.js');
    const householdsOnly = verifyExport({ ...doc, claims: [] });
    expect(householdsOnly).toMatchObject({ ok: false, problem: expect.stringContaining('household chain HOUSEHOLD#H-420902-0002, record 1') });
    expect(verifyExport({ ...doc, claims: [], households: [] })).toEqual({
      ok: true,
      claims: 0,
      households: 0,
      indexEvents: 1,
      medicalFeeds: 1,
      records: 4,
      reconciled: 0,
    });
  });
});
