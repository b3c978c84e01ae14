/**
 * The history auditors read (GET /claims/{id}/history) of claims decided on an earlier day stays complete and
 * identical across restarts: while a start still reads the journal (the request waits for it), once the day is
 * indexed, and once it is compacted to one line per execution.
 */
import { mkdtempSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { startEmbedded, type Embedded } from '../../embedded/runtime.js';
import { Journal } from '../../embedded/sfn/journal.js';
import { client } from '../support/server.js';

const dataDir = mkdtempSync(join(tmpdir(), 'fangpin-history-restart-'));
const executions = join(dataDir, 'executions');
const start = (serveWhileLoading = false) =>
  startEmbedded({
    dataDir,
    port: 0,
    dynamoEndpoint: inject('dynamoEndpoint'),
    tablePrefix: 'histrestart-',
    retryIntervalScale: 0.001,
    serveWhileLoading,
  });
let system: Embedded | undefined;

afterAll(async () => {
  await system?.stop();
});

describe('execution history after restarts', () => {
  it('an earlier day’s claims read the same history before, while and after their day is indexed and compacted', { timeout: 120_000 }, async () => {
    system = await start();
    let api = client(system);
    const household = {
      householdId: 'HH-0',
      schemeId: 'xiaogan-2024',
      county: '420902',
      category: 'LIFTED_OUT',
      verifiedYear: 2024,
      members: [{ personId: 'PH-0' }],
      enrollment: { products: ['MEDICAL'], start: '2024-01-01', end: '2024-12-31' },
    };
    expect((await api.call('POST', '/households', { role: 'admin', body: [household] })).status).toBe(200);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const body = {
        schemeId: 'xiaogan-2024',
        product: 'MEDICAL',
        householdId: 'HH-0',
        personId: 'PH-0',
        incidentDate: '2024-05-03',
        details: { hospitalCode: 'HH', invoiceNo: `H-${i}`, totalCost: 700_000 },
      };
      const r = await api.call('POST', '/claims', { role: 'submitter', body });
      expect(r.status).toBe(202);
      ids.push(r.body.claimId as string);
    }
    for (const id of ids) await api.waitForStatus(id, ['SETTLING', 'CLOSED_NO_PAYOUT'], 60_000);
    const histories = async () => Promise.all(ids.map(async (id) => (await api.call('GET', `/claims/${id}/history`, { role: 'auditor' })).body));
    const before = await histories();
    expect(before.every((h) => h.events.length > 10)).toBe(true);
    await system.stop();

    // The day closes: what the server wrote today becomes an earlier day's file, not indexed yet.
    const [today] = readdirSync(executions).filter((f) => /^\d{4}-\d{2}-\d{2}\.jsonl$/.test(f));
    renameSync(join(executions, today ?? ''), join(executions, '2024-05-03.jsonl'));
    const linesBefore = readFileSync(join(executions, '2024-05-03.jsonl'), 'utf8').split('\n').filter(Boolean).length;

    // Serving while a worker reads the day: the history requests wait for it and read it whole.
    system = await start(true);
    api = client(system);
    expect(await histories()).toEqual(before);
    await system.loaded;
    await system.stop();
    expect(readdirSync(executions)).toContain('2024-05-03.index.jsonl');

    // Compacted, as a running server does in the background: one line per execution, the same histories.
    const journal = new Journal(executions);
    await journal.load();
    await journal.compact();
    await journal.close();
    const linesAfter = readFileSync(join(executions, '2024-05-03.jsonl'), 'utf8').split('\n').filter(Boolean).length;
    expect(linesAfter).toBeLessThan(linesBefore);
    system = await start();
    api = client(system);
    expect(await histories()).toEqual(before);
    const claim = await api.call('GET', `/claims/${ids[0]}`, { role: 'auditor' });
    expect(claim.status).toBe(200);
  });
});
