/**
 * The medical bureau's feed (issue 18), embedded, in the default configuration (a fresh data directory, as
 * `npm start` runs: DynamoDB Local on disk and the execution journal), cold:
 * - `medicalFeed10kSeconds`: a 10,000-row file of which 9,000 rows are insured people (one row each; the other
 *   1,000 are people the registry does not know), from `POST /medical-feeds` until the feed is DONE and every
 *   claim it filed is decided (`claimsUndecided` 0), polled on the progress view an operator's screen polls, then
 *   the full report read once (timed too), whose counts are checked. Every payout is
 *   under the review threshold, so the claim workflow decides each one alone.
 * - `medicalFeedResendSeconds`: the same file sent again, until the answer (`repeated: true`, the feed it
 *   already is): nothing filed, checked by counting the claim workflow's executions before and after.
 * - also (not a target): the same rows re-exported with other bytes (LF line ends), which is a new feed whose
 *   every row meets the stored claims (DUPLICATE) or the registry's silence: time until DONE, nothing filed.
 * The registry import before it is not timed. Run alone with `npm run bench -- --only medical-feed`.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbedded, type Embedded } from '../embedded/runtime.js';
import { FEED_COLUMNS } from '../core/medical-feed.js';
import { countStoreItems, perClaim } from './store-items.js';
import { jvmCpuMs, jvmThreadCpuMs, storeCores, storeCoresLine, storePid } from './process-cpu.js';

/** Households per POST /households while setting up (not timed), as the fan-out bench imports. */
const IMPORT_BATCH = 200;
const SCHEME = 'xiaogan-2024';

const idOf = (i: number) => `4209021985${String(i).padStart(7, '0')}X`;
const unknownIdOf = (i: number) => `1101052000${String(i).padStart(7, '0')}1`;

function household(i: number) {
  return {
    householdId: `HMF-${String(i).padStart(6, '0')}`,
    schemeId: SCHEME,
    county: '420902', // Xiaonan
    category: 'LIFTED_OUT',
    verifiedYear: 2024,
    members: [{ personId: `PMF-${i}`, idNumber: idOf(i) }],
    enrollment: { products: ['MEDICAL'], start: '2024-01-01', end: '2024-12-31' },
  };
}

/**
 * `rows` rows, every tenth a person the registry does not know. 10,000 yuan of cost, 1,000 reimbursed by the
 * basic insurance: 9,000 yuan self-paid, 4,000 above the deductible, a payout of a few thousand yuan, under the
 * 20,000-yuan review threshold.
 */
function feedFile(rows: number, lineEnd: string): string {
  const lines = [FEED_COLUMNS.join(',')];
  let person = 0;
  for (let i = 0; i < rows; i++) {
    const id = i % 10 === 9 ? unknownIdOf(i) : idOf(person++);
    lines.push(
      [`HOSP-${i % 7}`, `B-${i}`, id, '某人', '2024-05-03', '2024-05-08', String(1_000_000 + (i % 1000)), '100000', '0', '0', '0', '0'].join(','),
    );
  }
  return `${lines.join(lineEnd)}${lineEnd}`;
}

export interface MedicalFeedFigures {
  readonly rows: number;
  readonly matched: number;
  readonly configuration: 'data directory' | 'in memory';
  readonly medicalFeed10kSeconds: number;
  readonly counts: Record<string, number>;
  readonly claimsByStatus: Record<string, number>;
  readonly medicalFeedResendSeconds: number;
  /** The same rows with other bytes: a new feed, nothing filed. */
  readonly reExportSeconds: number;
  readonly reExportCounts: Record<string, number>;
  /** Claim workflow executions started by the resend and by the re-export (both must be 0). */
  readonly executionsStartedByResends: number;
  /** DynamoDB items written and read per filed claim from the POST until DONE, progress reads included (bench/store-items.ts). */
  readonly storeItemsPerFiledClaim: ReturnType<typeof perClaim>;
  /** CPU time per filed claim from the POST until DONE: this process (handlers, engine, SDK, HTTP) and DynamoDB Local. */
  readonly cpuMsPerFiledClaim: { node: number; store: number | null };
  /** Cores DynamoDB Local used until the feed was done, by kind of thread (process-cpu.ts). */
  readonly storeCores: ReturnType<typeof storeCores>;
}

async function claimExecutions(system: Embedded): Promise<number> {
  // The feed's machine is named `<claims machine>-medical-feed` (lib/medical-feed.ts).
  const machines = system.sfn.listStateMachines();
  const feed = machines.find((m) => m.name.endsWith('-medical-feed'));
  const arn = machines.find((m) => feed && m.name === feed.name.slice(0, -'-medical-feed'.length))?.stateMachineArn;
  if (!arn) throw new Error(`no claim state machine among ${machines.map((m) => m.name).join(', ')}`);
  let n = 0;
  let nextToken: string | undefined;
  do {
    const page = system.sfn.listExecutions({ stateMachineArn: arn, maxResults: 1000, nextToken });
    n += page.executions.length;
    nextToken = page.nextToken;
  } while (nextToken);
  return n;
}

export async function benchMedicalFeed(opts: { rows?: number; dataDir?: string; log?: (line: string) => void } = {}): Promise<MedicalFeedFigures> {
  const rows = opts.rows ?? 10_000;
  const matched = rows - Math.floor(rows / 10);
  const log = opts.log ?? (() => undefined);
  const system = await startEmbedded({ dataDir: opts.dataDir ?? null, port: 0 });
  try {
    const admin = await system.token('admin');
    const call = async (method: string, path: string, body?: unknown, contentType = 'application/json') => {
      const res = await fetch(`${system.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${admin}`, 'content-type': contentType },
        body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const json = (await res.json()) as Record<string, unknown>;
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
      return json;
    };
    const t0 = performance.now();
    // One import at a time, each retried: under load a 200-household import can overrun the store's timeouts
    // (a re-import of the same households is the same registry).
    for (let from = 0; from < matched; from += IMPORT_BATCH) {
      const batch = Array.from({ length: Math.min(IMPORT_BATCH, matched - from) }, (_, k) => household(from + k));
      for (let attempt = 1; ; attempt++) {
        try {
          await call('POST', '/households', batch);
          break;
        } catch (err) {
          if (attempt >= 4) throw err;
          log(`  import of households ${from}.. failed (${String(err).slice(0, 120)}); again`);
          await new Promise((r) => setTimeout(r, 2000));
        }
      }
    }
    log(`  imported ${matched.toLocaleString('en-US')} households in ${((performance.now() - t0) / 1000).toFixed(1)} s (not timed)`);

    // The cheap progress (`view=progress`: one summary per finished batch, the feed's undecided claims counted on
    // the status index) every second until DONE with nothing undecided, then the full report (every row and claim)
    // once, inside the timed window: its counts are the ones checked. A failed read (a store timeout under load) is
    // read again, up to 5 times in a row.
    let failedReads = 0;
    const read = async (path: string) => {
      for (;;) {
        try {
          const view = await call('GET', path);
          failedReads = 0;
          return view;
        } catch (err) {
          if (++failedReads > 5) throw err;
          log(`  a read of ${path.split('?')[0]} failed (${String(err).slice(0, 100)}); read again`);
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
    };
    const waitDone = async (feedId: string, start: number) => {
      let lastPrint = 0;
      let allRowsAt = 0;
      for (;;) {
        await new Promise((r) => setTimeout(r, 1000));
        const p = await read(`/medical-feeds/${feedId}?view=progress`);
        const elapsed = (performance.now() - start) / 1000;
        if (p.status === 'DONE' && p.claimsUndecided === 0) {
          const r0 = performance.now();
          const full = await read(`/medical-feeds/${feedId}`);
          log(`  DONE at ${elapsed.toFixed(1)} s; the full report read in ${((performance.now() - r0) / 1000).toFixed(2)} s`);
          return full;
        }
        if (p.rowsDone === p.rows && !allRowsAt) {
          allRowsAt = elapsed;
          log(`  all rows done at ${elapsed.toFixed(1)} s, ${String(p.claimsUndecided)} undecided`);
        }
        if (elapsed - lastPrint >= 10) {
          lastPrint = elapsed;
          log(
            `  ${elapsed.toFixed(0)} s: ${String(p.status)}, ${String(p.rowsDone)} rows done, ${String(p.claimsFiled)} filed, ${String(p.claimsUndecided)} undecided`,
          );
        }
        if (elapsed > 1800) throw new Error(`feed not done after 30 minutes: ${JSON.stringify(p).slice(0, 300)}`);
      }
    };

    const file = feedFile(rows, '\r\n');
    const items = countStoreItems();
    const javaPid = storePid();
    const jvmAtStart = jvmCpuMs(javaPid);
    const threadsAtStart = jvmThreadCpuMs(javaPid);
    const nodeAtStart = process.cpuUsage();
    const start = performance.now();
    const sent = await call('POST', `/medical-feeds?schemeId=${SCHEME}`, file, 'text/csv');
    const done = await waitDone(String(sent.feedId), start);
    const seconds = (performance.now() - start) / 1000;
    const storeItems = items.snapshot();
    const nodeCpu = process.cpuUsage(nodeAtStart);
    const cpuMsPerFiledClaim = {
      node: Math.round(((nodeCpu.user + nodeCpu.system) / 1000 / matched) * 100) / 100,
      store: javaPid ? Math.round(((jvmCpuMs(javaPid) - jvmAtStart) / matched) * 100) / 100 : null,
    };
    const cores = storeCores(threadsAtStart, jvmThreadCpuMs(javaPid), seconds);
    log(`  CPU per filed claim: Node ${cpuMsPerFiledClaim.node} ms, DynamoDB Local ${cpuMsPerFiledClaim.store ?? '?'} ms`);
    log(`  DynamoDB Local's cores until done: ${storeCoresLine(cores)}`);
    const counts = done.counts as Record<string, number>;
    if (counts.FILED !== matched) throw new Error(`expected ${matched} rows filed, the feed says ${JSON.stringify(counts)}`);

    const executionsBefore = await claimExecutions(system);
    const r0 = performance.now();
    const again = await call('POST', `/medical-feeds?schemeId=${SCHEME}`, file, 'text/csv');
    const resendSeconds = (performance.now() - r0) / 1000;
    if (again.repeated !== true || again.feedId !== sent.feedId) throw new Error(`the resend was not the same feed: ${JSON.stringify(again)}`);

    const x0 = performance.now();
    const reExport = await call('POST', `/medical-feeds?schemeId=${SCHEME}`, feedFile(rows, '\n'), 'text/csv');
    const reDone = await waitDone(String(reExport.feedId), x0);
    const reExportSeconds = (performance.now() - x0) / 1000;
    const reCounts = reDone.counts as Record<string, number>;
    const started = (await claimExecutions(system)) - executionsBefore;
    if (reCounts.FILED !== 0 || started !== 0) throw new Error(`the re-export filed ${reCounts.FILED} rows and started ${started} executions`);
    return {
      rows,
      matched,
      configuration: opts.dataDir ? 'data directory' : 'in memory',
      medicalFeed10kSeconds: Number(seconds.toFixed(1)),
      counts,
      claimsByStatus: done.claimsByStatus as Record<string, number>,
      medicalFeedResendSeconds: Number(resendSeconds.toFixed(2)),
      reExportSeconds: Number(reExportSeconds.toFixed(1)),
      reExportCounts: reCounts,
      executionsStartedByResends: started,
      storeItemsPerFiledClaim: perClaim(storeItems, matched),
      cpuMsPerFiledClaim,
      storeCores: cores,
    };
  } finally {
    await system.stop();
  }
}

/** In a process of its own with a fresh data directory, as the server runs in use (`npm start`); lines passed on. */
export async function benchMedicalFeedInChild(opts: { rows?: number; log?: (line: string) => void } = {}): Promise<MedicalFeedFigures> {
  const log = opts.log ?? (() => undefined);
  const dataDir = mkdtempSync(join(tmpdir(), 'fangpin-bench-feed-'));
  const args = ['--import', 'tsx', fileURLToPath(import.meta.url), '--data-dir', dataDir, ...(opts.rows ? ['--rows', String(opts.rows)] : [])];
  try {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let figures: MedicalFeedFigures | undefined;
    for await (const line of createInterface({ input: child.stdout })) {
      // The figures are the one JSON line with the bench's keys; the server's own JSON log lines are passed on.
      const parsed = line.startsWith('{') ? (JSON.parse(line) as Partial<MedicalFeedFigures>) : undefined;
      if (parsed?.medicalFeed10kSeconds !== undefined) figures = parsed as MedicalFeedFigures;
      else log(line);
    }
    const code = await new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('close', resolve)));
    if (code !== 0 || !figures) throw new Error(`bench/medical-feed.ts exited with ${code}${figures ? '' : ' without figures'}`);
    return figures;
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const at = (name: string) => process.argv.indexOf(`--${name}`);
  const rows = at('rows') > 0 ? Number(process.argv[at('rows') + 1]) : undefined;
  const dataDir = at('data-dir') > 0 ? process.argv[at('data-dir') + 1] : undefined;
  const figures = await benchMedicalFeed({ rows, dataDir, log: (l) => console.log(l) });
  console.log(JSON.stringify(figures));
}
