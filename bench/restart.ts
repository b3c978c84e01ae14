/**
 * `restartSeconds`: how long the embedded system takes to be ready again (HTTP server listening, every execution
 * loaded) after a stop, with 100,000 claims journaled.
 *
 * The journal is generated, in the real format from real executions: a few claims are run through the embedded
 * system on a fresh data directory (HTTP → state machine → handlers), their journal lines are taken as they were
 * written, and each is copied with the claim id replaced, spread over ten closed days (10,000 claims a day) as
 * a server running for ten days leaves them. Only the journal is generated: the store holds the few real claims
 * (the store's start does not depend on how many items it holds; the journal's load does).
 *
 * Timed: the first start after the journal was written (no day indexed, as after an upgrade or a long stop: a
 * worker thread reads and indexes every day before the server is ready; compaction is left to the background), the
 * compaction alone (in its worker, with this thread's event-loop delay meanwhile), then a restart after a stop
 * (`restartSeconds`: closed days read from their indexes). The journal's size per claim before and after.
 */
import { createReadStream, createWriteStream, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { type Embedded, startEmbedded, STATE_MACHINE_ARN } from '../embedded/runtime.js';
import { Journal } from '../embedded/sfn/journal.js';

const JOURNAL_FILE = /^\d{4}-\d{2}-\d{2}\.jsonl$/;

export interface RestartFigures {
  readonly claims: number;
  readonly restartSeconds: number;
  readonly firstStartSeconds: number;
  readonly firstServingSeconds: number;
  readonly journalBytesPerClaimBefore: number;
  readonly journalBytesPerClaimAfter: number;
  readonly compactSeconds: number;
  readonly compactMaxEventLoopDelayMs: number;
  readonly historyChecked: boolean;
}

/** The last generated claim's history, as GET /claims/{id}/history reads it, is its template's event for event. */
function historyComplete(system: Embedded, templates: Array<{ name: string; lines: string[] }>, n: number): boolean {
  const probe = n - 1;
  const template = templates[probe % templates.length] as { name: string; lines: string[] };
  const arnOf = (name: string) => `${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${name}`;
  const events = system.sfn.getExecutionHistory({ executionArn: arnOf(`C-SYN${String(probe).padStart(7, '0')}`), maxResults: 1000 }).events;
  const expected = template.lines.flatMap((l) => (JSON.parse(l) as { events: Array<{ type: string }> }).events.map((e) => e.type));
  return JSON.stringify(events.map((e) => e.type)) === JSON.stringify(expected);
}

function journalBytes(dir: string): number {
  return readdirSync(dir)
    .filter((f) => JOURNAL_FILE.test(f))
    .reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}

/** The journal lines of each finished claim execution, in order, from a real run. */
async function realExecutions(executionsDir: string): Promise<Array<{ name: string; lines: string[] }>> {
  const byArn = new Map<string, { name: string; lines: string[]; status: string }>();
  for (const file of readdirSync(executionsDir)
    .filter((f) => JOURNAL_FILE.test(f))
    .sort()) {
    for await (const raw of createInterface({ input: createReadStream(join(executionsDir, file)) })) {
      if (!raw) continue;
      const line = JSON.parse(raw) as { executionArn: string; stateMachineArn: string; name: string; status: string };
      if (line.stateMachineArn !== STATE_MACHINE_ARN) continue;
      const e = byArn.get(line.executionArn) ?? { name: line.name, lines: [], status: line.status };
      e.lines.push(raw);
      e.status = line.status;
      byArn.set(line.executionArn, e);
    }
  }
  return [...byArn.values()].filter((e) => e.status === 'SUCCEEDED');
}

export async function benchRestart(opts: { claims?: number; log?: (line: string) => void } = {}): Promise<RestartFigures> {
  const n = opts.claims ?? 100_000;
  const log = opts.log ?? (() => undefined);
  const dir = mkdtempSync(join(tmpdir(), 'fangpin-bench-restart-'));
  const executionsDir = join(dir, 'executions');
  try {
    // 1. A few real claims through the system, for their journal lines.
    let system = await startEmbedded({ dataDir: dir, port: 0 });
    const admin = await system.token('admin');
    const submitter = await system.token('submitter');
    const post = async (path: string, token: string, body: unknown) => {
      const res = await fetch(`${system.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      if (res.status >= 300) throw new Error(`POST ${path}: ${res.status} ${(await res.text()).slice(0, 300)}`);
      return (await res.json()) as Record<string, unknown>;
    };
    const people = 8;
    await post(
      '/households',
      admin,
      Array.from({ length: people }, (_, i) => ({
        householdId: `HR-${i}`,
        schemeId: 'xiaogan-2024',
        county: '420902',
        category: 'LIFTED_OUT',
        verifiedYear: 2024,
        members: [{ personId: `PR-${i}` }],
        enrollment: { products: ['MEDICAL'], start: '2024-01-01', end: '2024-12-31' },
      })),
    );
    const ids: string[] = [];
    for (let i = 0; i < people; i++) {
      const body = {
        schemeId: 'xiaogan-2024',
        product: 'MEDICAL',
        householdId: `HR-${i}`,
        personId: `PR-${i}`,
        incidentDate: '2024-05-03',
        details: { hospitalCode: 'HOSP-R', invoiceNo: `INV-R-${i}`, totalCost: 700_000 + i * 1000 },
      };
      ids.push(String((await post('/claims', submitter, body)).claimId));
    }
    for (const id of ids) await system.sfn.waitForExecution(`${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${id}`);
    await system.stop();
    const templates = await realExecutions(executionsDir);
    if (templates.length === 0) throw new Error('no finished claim execution in the journal to copy');

    // 2. N executions in the real format: each template's lines with its claim id replaced, over ten closed days.
    const days = 10;
    const dayMs = 86_400_000;
    const t0 = performance.now();
    for (let d = 0; d < days; d++) {
      const file = `${new Date(Date.now() - (days - d) * dayMs).toISOString().slice(0, 10)}.jsonl`;
      const out = createWriteStream(join(executionsDir, file));
      for (let i = Math.floor((d * n) / days); i < Math.floor(((d + 1) * n) / days); i++) {
        const t = templates[i % templates.length] as { name: string; lines: string[] };
        const id = `C-SYN${String(i).padStart(7, '0')}`;
        if (!out.write(`${t.lines.map((l) => l.split(t.name).join(id)).join('\n')}\n`)) await once(out, 'drain');
      }
      out.end();
      await once(out, 'close');
    }
    const before = journalBytes(executionsDir);
    log(
      `  generated ${n.toLocaleString('en-US')} claim executions (${templates.length} real ones copied, ${templates[0]?.lines.length} lines each) over ${days} closed days: ${(before / 2 ** 20).toFixed(0)} MB of journal, ${(before / n / 1024).toFixed(1)} KB per claim (${((performance.now() - t0) / 1000).toFixed(1)} s, not timed)`,
    );

    // 3. The first start after those days closed (as after an upgrade or a long stop: no day indexed): a worker
    //    thread reads every day and indexes it, and the server is ready; the compaction starts in the background.
    let t = performance.now();
    const firstSaid: string[] = [];
    // As `npm start` runs: serving while the journal is read (Step Functions requests wait for it).
    system = await startEmbedded({ dataDir: dir, port: 0, serveWhileLoading: true, log: (l) => firstSaid.push(l) });
    const firstServingSeconds = (performance.now() - t) / 1000;
    const health = await fetch(`${system.url}/openapi.json`);
    if (!health.ok) throw new Error(`GET /openapi.json while the journal loads: ${health.status}`);
    await system.loaded;
    const firstStartSeconds = (performance.now() - t) / 1000;
    const firstHistoryChecked = historyComplete(system, templates, n);
    await system.stop(); // abandons the compaction it started (resumed at the next start)
    log(
      `  first start (no day indexed: a worker reads the ${days} days and indexes them; compaction left to the background): serving in ${firstServingSeconds.toFixed(1)} s, every execution loaded in ${firstStartSeconds.toFixed(1)} s; a history read back ${firstHistoryChecked ? 'complete' : 'DIFFERENT FROM WHAT WAS WRITTEN'}`,
    );
    for (const l of firstSaid.filter((l) => /execution journal|store|synthesized|handlers loaded|ready|serving/.test(l))) log(`    ${l}`);

    // 4. The compaction a running server does in the background, timed here on its own, with this thread's
    //    event-loop delay measured meanwhile (the worker parses; this thread only renames and swaps offsets).
    const journal = new Journal(executionsDir);
    await journal.load();
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    t = performance.now();
    await journal.compact();
    const compactSeconds = (performance.now() - t) / 1000;
    delay.disable();
    await journal.close();
    const after = journalBytes(executionsDir);
    const indexBytes = readdirSync(executionsDir)
      .filter((f) => f.endsWith('.index.jsonl'))
      .reduce((sum, f) => sum + statSync(join(executionsDir, f)).size, 0);
    log(
      `  compaction of the ${days} days in the worker: ${compactSeconds.toFixed(1)} s; this thread's event loop delayed at most ${(delay.max / 1e6).toFixed(0)} ms meanwhile (p99 ${(delay.percentile(99) / 1e6).toFixed(0)} ms); journal now ${(after / 2 ** 20).toFixed(0)} MB, ${(after / n / 1024).toFixed(1)} KB per claim, indexes ${(indexBytes / 2 ** 20).toFixed(0)} MB`,
    );

    // 5. A restart after a stop: what `restartSeconds` measures (every closed day read from its index).
    t = performance.now();
    const said: string[] = [];
    system = await startEmbedded({ dataDir: dir, port: 0, log: (l) => said.push(l) });
    const restartSeconds = (performance.now() - t) / 1000; // every execution loaded: not only serving
    // The history auditors read is complete: a generated execution's history is its template's, event for event.
    const historyChecked = historyComplete(system, templates, n);
    await system.stop();
    log(
      `  restart after a stop: ready in ${restartSeconds.toFixed(1)} s; a history read back ${historyChecked ? 'complete' : 'DIFFERENT FROM WHAT WAS WRITTEN'}`,
    );
    for (const l of said.filter((l) => /execution journal|store|synthesized|handlers loaded|ready|serving/.test(l))) log(`    ${l}`);
    return {
      claims: n,
      restartSeconds: Number(restartSeconds.toFixed(1)),
      firstStartSeconds: Number(firstStartSeconds.toFixed(1)),
      firstServingSeconds: Number(firstServingSeconds.toFixed(1)),
      journalBytesPerClaimBefore: Math.round(before / n),
      journalBytesPerClaimAfter: Math.round(after / n),
      compactSeconds: Number(compactSeconds.toFixed(1)),
      compactMaxEventLoopDelayMs: Math.round(delay.max / 1e6),
      historyChecked: historyChecked && firstHistoryChecked,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const at = process.argv.indexOf('--claims');
  console.log(JSON.stringify(await benchRestart({ claims: at > 0 ? Number(process.argv[at + 1]) : undefined, log: (l) => console.log(l) })));
}
