/**
 * The medical bureau's feed cut off mid-file (issue 18 "A restart mid-file resumes and files nothing twice"):
 * the embedded system is stopped while the feed's Distributed Map is filing batches, started again on the same
 * data directory, and the feed must reach DONE with every matched row filed once, every claim decided and paid
 * once, and the report adding up. The restarted feed execution runs its map again under the same map run: the
 * batch executions that had finished are found (not run again), those cut off are run again, each row idempotent.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startEmbedded, type Embedded } from '../../embedded/runtime.js';
import { FEED_COLUMNS } from '../../core/medical-feed.js';
import { client } from '../support/server.js';

const dataDir = mkdtempSync(join(tmpdir(), 'fangpin-feed-restart-'));
const start = () => startEmbedded({ dataDir, port: 0, dynamoEndpoint: inject('dynamoEndpoint'), tablePrefix: 'mfr-', retryIntervalScale: 0.001 });
let system: Embedded | undefined;

afterAll(async () => {
  await system?.stop();
});

/** Matched rows (one insured person each) and rows of people the registry does not know. */
const MATCHED = 900;
const UNKNOWN = 300;
const ROWS = MATCHED + UNKNOWN;
const BATCH = 100; // lib/medical-feed.ts MaxItemsPerBatch
const idOf = (i: number) => `4209221990${String(i).padStart(7, '0')}X`;
const unknownIdOf = (i: number) => `1101012000${String(i).padStart(7, '0')}1`;

function feedFile(): string {
  const lines = [FEED_COLUMNS.join(',')];
  for (let i = 0; i < ROWS; i++) {
    // Unknown people interleaved, so every batch has both kinds.
    const id = i % 4 === 3 ? unknownIdOf(i) : idOf(i - Math.floor(i / 4));
    lines.push([`HOSP-${i % 3}`, `RS-${i}`, id, '某人', '2024-05-03', '2024-05-06', String(1_000_000 + i), '100000', '0', '0', '0', '0'].join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

describe('a medical feed cut off mid-file', () => {
  it('resumes after a restart: every matched row filed once, every claim decided and paid once, the report adds up', {
    timeout: 600_000,
  }, async () => {
    system = await start();
    let api = client(system);
    for (let from = 0; from < MATCHED; from += 150) {
      const households = Array.from({ length: Math.min(150, MATCHED - from) }, (_, k) => ({
        householdId: `HFR-${from + k}`,
        schemeId: 'xiaogan-2024',
        county: '420902',
        category: 'LIFTED_OUT',
        verifiedYear: 2024,
        members: [{ personId: `PFR-${from + k}`, idNumber: idOf(from + k) }],
        enrollment: { products: ['MEDICAL'], start: '2024-01-01', end: '2024-12-31' },
      }));
      const r = await api.call('POST', '/households', { role: 'admin', body: households });
      expect(r.status, JSON.stringify(r.body).slice(0, 400)).toBe(200);
    }
    const token = await system.token('admin');
    const sent = await fetch(`${system.url}/medical-feeds?schemeId=xiaogan-2024`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: feedFile(),
    });
    expect(sent.status).toBe(202);
    const feedId = String(((await sent.json()) as { feedId: string }).feedId);

    // Stop once some batches have recorded their rows and others have not: really mid-file.
    let seen: { rowsDone: number; status: string } | undefined;
    for (let i = 0; i < 6000 && !(seen && seen.rowsDone >= BATCH); i++) {
      await new Promise((r) => setTimeout(r, 20));
      seen = (await api.call('GET', `/medical-feeds/${feedId}`, { role: 'auditor' })).body;
    }
    await system.stop();
    system = undefined;
    expect(seen?.status).toBe('FILING');
    expect(seen?.rowsDone).toBeGreaterThanOrEqual(BATCH);
    expect(seen?.rowsDone, 'stopped after the whole file was filed: this test would prove nothing').toBeLessThan(ROWS);

    const restartedAt = Date.now();
    system = await start();
    api = client(system);
    // biome-ignore lint/suspicious/noExplicitAny: the JSON answer
    let done: Record<string, any> | undefined;
    const deadline = Date.now() + 480_000;
    while (Date.now() < deadline && done?.status !== 'DONE') {
      await new Promise((r) => setTimeout(r, 500));
      done = (await api.call('GET', `/medical-feeds/${feedId}`, { role: 'auditor' })).body;
    }
    expect(done?.status, JSON.stringify(done).slice(0, 600)).toBe('DONE');
    console.log(
      `feed restart: stopped at ${seen?.rowsDone}/${ROWS} rows done; DONE ${((Date.now() - restartedAt) / 1000).toFixed(1)} s after the restart`,
    );
    // Every row one outcome; no matched row reported as a duplicate of itself or of another line.
    expect(done?.counts).toEqual({ FILED: MATCHED, NOT_IN_REGISTRY: UNKNOWN, DUPLICATE: 0, CONFLICT: 0, BAD_ROW: 0 });
    expect(done?.rowsDone).toBe(ROWS);
    expect(done?.undecided).toBe(0);
    expect(done?.controlTotals.filedRows).toBe(MATCHED);
    // The batch summaries (the cheap progress) count every row once: the batches cut off wrote theirs when run again.
    const progress = (await api.call('GET', `/medical-feeds/${feedId}?view=progress`, { role: 'auditor' })).body;
    expect(progress).toMatchObject({ rowsDone: ROWS, counts: done?.counts, claimsFiled: MATCHED, claimsUndecided: 0 });

    // The feed execution ran twice (started, cut off, started again); its map run kept its batches: one child
    // execution per batch, each SUCCEEDED, none started anew under another name.
    const machine = system.sfn.listStateMachines().find((m) => m.name.endsWith('-medical-feed'));
    expect(machine).toBeDefined();
    const feedExecution = `${machine!.stateMachineArn.replace(':stateMachine:', ':execution:')}:${feedId}`;
    const history = system.sfn.getExecutionHistory({ executionArn: feedExecution, maxResults: 1000 }).events;
    expect(history.filter((e) => e.type === 'ExecutionStarted')).toHaveLength(2);
    const mapRuns = system.sfn.listMapRuns({ executionArn: feedExecution }).mapRuns;
    expect(mapRuns).toHaveLength(1);
    const batches = system.sfn.listExecutions({ mapRunArn: mapRuns[0]!.mapRunArn, maxResults: 1000 }).executions;
    expect(batches).toHaveLength(Math.ceil(ROWS / BATCH));
    expect(batches.every((b) => b.status === 'SUCCEEDED')).toBe(true);
    // Some batch was cut off mid-way and resumed (run again under its own name), not started anew.
    const starts = batches.map(
      (b) =>
        system!.sfn.getExecutionHistory({ executionArn: b.executionArn, maxResults: 1000 }).events.filter((e) => e.type === 'ExecutionStarted')
          .length,
    );
    expect(Math.max(...starts)).toBe(2);

    // Each filed claim: decided once, paid once (its settlements sum to its payout), its Submit recorded once;
    // the control totals are the sum of the payouts, to the fen.
    const csv = await api.call('GET', `/medical-feeds/${feedId}?format=csv`, { role: 'auditor', headers: { 'accept-language': 'en' } });
    const filed = String(csv.body)
      .split('\r\n')
      .slice(1)
      .filter((l) => l.split(',')[1] === 'FILED')
      .map((l) => l.split(',')[5] ?? '');
    expect(new Set(filed).size).toBe(MATCHED);
    let payout = 0;
    for (let k = 0; k < filed.length; k += 25) {
      const claims = await Promise.all(filed.slice(k, k + 25).map((id) => api.call('GET', `/claims/${id}`, { role: 'auditor' })));
      for (const c of claims) {
        expect(c.status).toBe(200);
        expect(['SETTLING', 'PAID']).toContain(c.body.status);
        const settled = (c.body.settlements as Array<{ amount: number }>).reduce((s, x) => s + x.amount, 0);
        expect(settled, c.body.claimId).toBe(c.body.assessment.payout);
        payout += c.body.assessment.payout as number;
      }
    }
    expect(payout).toBeGreaterThan(0);
    expect(done?.controlTotals.totalPayout).toBe(payout);
    const audits = await Promise.all(filed.slice(0, 50).map((id) => api.call('GET', `/claims/${id}/audit`, { role: 'auditor' })));
    for (const a of audits) {
      expect(a.status).toBe(200);
      expect(a.body.records.filter((r: { step: string }) => r.step === 'Submit')).toHaveLength(1);
    }
  });
});
