/**
 * One weather observation over a county of N enrolled households (default 10,000), embedded mode: the time from
 * POST /index-events until every claim it filed is decided (status past RECEIVED), read from the same progress
 * endpoint an operator watches, polled every second as the console's index-event screen polls it (each read counts
 * the event's claims still RECEIVED, so a faster poll is store work of its own: at 0.5 s it was about five claim
 * reads per claim of the event). The registry import before it is not timed, nor is a warm-up event over another
 * county (default 1,000 households) run first: both the JIT of Node and that of DynamoDB Local's JVM settle over
 * the first few thousand claims (the store costs about 40% more CPU per claim cold), and a server that has been up
 * is the state an operator posts an observation to. `--warmup 0` measures a cold system.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbedded } from '../embedded/runtime.js';
import { documentClient } from '../functions/shared/aws.js';
import { countStoreItems, perClaim as itemsPerClaim } from './store-items.js';
import { jvmCpuMs, jvmThreadCpuMs, storeCores, storeCoresLine, storePid } from './process-cpu.js';

const COUNTY = '420982'; // Anlu, where the seed's aquaculture weather index runs
/** The progress poll, as the console's (console/src/pages/IndexEvent.tsx POLL_MS); `--poll-ms` changes it. */
const POLL_MS = 1000;
/** Households per POST /households while setting up (not timed): small enough to fit the API's 29 s on a loaded machine. */
const IMPORT_BATCH = 200;
const WARMUP_COUNTY = '420981'; // Yingcheng, next door: its own households, its own event

function household(i: number, county = COUNTY, prefix = 'HF') {
  return {
    householdId: `${prefix}-${String(i).padStart(6, '0')}`,
    schemeId: 'xiaogan-2024',
    county,
    category: 'LIFTED_OUT',
    verifiedYear: 2024,
    members: [{ personId: `PF-${i}` }],
    // 1–30 mu: at 600 yuan/mu every payout stays under the 20,000-yuan review threshold (a decision either way).
    enrollment: { products: ['INDUSTRY'], start: '2024-01-01', end: '2024-12-31', insured: { area_mu: 1 + (i % 30) } },
  };
}

const round2 = (x: number) => Math.round(x * 100) / 100;
const perClaim = (counts: Record<string, number>, n: number) =>
  Object.fromEntries(
    Object.entries(counts)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => [k, round2(v / n)]),
  );
export interface FanoutFigures {
  readonly households: number;
  /** Where the store and the journal were, and how many households the untimed warm-up event covered (0: cold). */
  readonly configuration: 'data directory' | 'in memory';
  readonly warmup: number;
  readonly seconds: number;
  readonly claimsPerSec: number;
  readonly byStatus: Record<string, number>;
  /** CPU time per claim in the timed window: this process (handlers, engine, SDK, HTTP) and DynamoDB Local. */
  readonly cpuMsPerClaim: { node: number; store: number | null };
  /** Cores DynamoDB Local used over the timed window, by kind of thread (process-cpu.ts). */
  readonly storeCores: ReturnType<typeof storeCores>;
  /** Store requests per claim during the timed window, by command (progress polls included; they are few). */
  readonly requestsPerClaim: Record<string, number>;
  /** DynamoDB items written and read per claim, by table (bench/store-items.ts). */
  readonly storeItemsPerClaim: ReturnType<typeof itemsPerClaim>;
}

export async function benchFanout(
  opts: { households?: number; warmup?: number; pollMs?: number; dataDir?: string; log?: (line: string) => void } = {},
): Promise<FanoutFigures> {
  const n = opts.households ?? 10_000;
  const warmup = opts.warmup ?? 1_000;
  const log = opts.log ?? (() => undefined);
  // In memory by default; `--data-dir` runs with a persistent store and execution journal, as `npm start` does.
  const system = await startEmbedded({ dataDir: opts.dataDir ?? null, port: 0 });
  try {
    const admin = await system.token('admin');
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${system.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await res.json()) as Record<string, unknown>;
      if (res.status >= 300 && res.status !== 202) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
      return json;
    };
    const t0 = performance.now();
    for (let i = 0; i < n; i += IMPORT_BATCH)
      await call(
        'POST',
        '/households',
        Array.from({ length: Math.min(IMPORT_BATCH, n - i) }, (_, k) => household(i + k)),
      );
    log(`  imported ${n.toLocaleString('en-US')} households in ${((performance.now() - t0) / 1000).toFixed(1)} s (not timed)`);
    const weather = (county: string) => ({
      kind: 'WEATHER',
      schemeId: 'xiaogan-2024',
      county,
      period: { start: '2024-07-01', end: '2024-07-03' },
      rainfallMm: 260,
    });
    const waitDone = async (eventId: string, onPoll: (progress: Record<string, unknown>) => void) => {
      for (;;) {
        await new Promise((r) => setTimeout(r, opts.pollMs ?? POLL_MS));
        const progress = await call('GET', `/index-events/${eventId}?limit=1`);
        onPoll(progress);
        if (progress.done === true) return progress;
      }
    };
    if (warmup > 0) {
      const w0 = performance.now();
      for (let i = 0; i < warmup; i += IMPORT_BATCH)
        await call(
          'POST',
          '/households',
          Array.from({ length: Math.min(IMPORT_BATCH, warmup - i) }, (_, k) => household(i + k, WARMUP_COUNTY, 'HW')),
        );
      const posted = await call('POST', '/index-events', weather(WARMUP_COUNTY));
      await waitDone(String(posted.eventId), () => undefined);
      log(
        `  warm-up: ${warmup.toLocaleString('en-US')} households of another county imported and their event decided in ${((performance.now() - w0) / 1000).toFixed(1)} s (not timed)`,
      );
    }

    // Which store requests one index claim costs (read from the SDK, so nothing is guessed).
    const requests: Record<string, number> = {};
    documentClient().middlewareStack.add(
      (next, context) => async (args) => {
        const name = (context.commandName ?? '?').replace(/Command$/, '');
        requests[name] = (requests[name] ?? 0) + 1;
        return next(args);
      },
      { step: 'initialize', name: 'fangpinFanoutRequestCounter' },
    );
    // And which items, by table: the store's cost follows the items more than the requests.
    const items = countStoreItems();
    const javaPid = storePid();
    const jvmAtStart = jvmCpuMs(javaPid);
    const threadsAtStart = jvmThreadCpuMs(javaPid);
    const nodeAtStart = process.cpuUsage();
    const start = performance.now();
    const posted = await call('POST', '/index-events', weather(COUNTY));
    const eventId = String(posted.eventId);
    let lastPrint = 0;
    const last =
      posted.done === true
        ? posted
        : await waitDone(eventId, (progress) => {
            const elapsed = (performance.now() - start) / 1000;
            if (elapsed - lastPrint >= 5) {
              lastPrint = elapsed;
              log(`  ${elapsed.toFixed(0)} s: ${String(progress.status)}, ${String(progress.created)} filed, ${String(progress.decided)} decided`);
            }
            if (elapsed > 1800) throw new Error(`fan-out not done after 30 minutes: ${JSON.stringify(progress).slice(0, 300)}`);
          });
    const seconds = (performance.now() - start) / 1000;
    const storeItems = items.snapshot(); // the timed window's (the counts by status below read the whole event)
    const node = process.cpuUsage(nodeAtStart);
    const jvm = jvmCpuMs(javaPid) - jvmAtStart;
    const cores = storeCores(threadsAtStart, jvmThreadCpuMs(javaPid), seconds);
    log(
      `  CPU per claim (timed window): Node ${((node.user + node.system) / 1000 / n).toFixed(2)} ms, DynamoDB Local ${javaPid ? (jvm / n).toFixed(2) : '?'} ms`,
    );
    log(`  DynamoDB Local's cores over the window: ${storeCoresLine(cores)}`);
    const final = await call('GET', `/index-events/${eventId}?limit=1&byStatus=true`);
    // What the server keeps of the executions: with a journal, a stopped execution's history leaves memory.
    await new Promise((r) => setTimeout(r, 1_000));
    (globalThis as { gc?: () => void }).gc?.();
    log(
      `  memory after the event: ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB of heap, ${system.sfn.eventsInMemory().toLocaleString('en')} history events held (${opts.dataDir ? 'journal' : 'no journal: every history is held'})`,
    );
    if (last.created !== n) throw new Error(`expected ${n} claims, the event filed ${String(last.created)}`);
    return {
      households: n,
      configuration: opts.dataDir ? 'data directory' : 'in memory',
      warmup,
      seconds: Number(seconds.toFixed(1)),
      claimsPerSec: Math.round(n / seconds),
      cpuMsPerClaim: { node: round2((node.user + node.system) / 1000 / n), store: javaPid ? round2(jvm / n) : null },
      storeCores: cores,
      byStatus: final.byStatus as Record<string, number>,
      requestsPerClaim: perClaim(requests, n),
      storeItemsPerClaim: itemsPerClaim(storeItems, n),
    };
  } finally {
    await system.stop();
  }
}

/**
 * The same measurement in a process of its own, as the server runs in use (`npm start`): not sharing a heap and
 * a garbage collector with the benchmarks that ran before it in `npm run bench`. Its lines are passed on.
 */
export async function benchFanoutInChild(
  opts: { households?: number; warmup?: number; dataDir?: boolean; log?: (line: string) => void } = {},
): Promise<FanoutFigures> {
  const log = opts.log ?? (() => undefined);
  // `dataDir: true`: a fresh data directory, as `npm start` runs (DynamoDB Local on disk, the journal appended).
  const dataDir = opts.dataDir ? mkdtempSync(join(tmpdir(), 'fangpin-bench-fanout-')) : undefined;
  const args = [
    '--import',
    'tsx',
    fileURLToPath(import.meta.url),
    ...(opts.households ? ['--households', String(opts.households)] : []),
    ...(opts.warmup !== undefined ? ['--warmup', String(opts.warmup)] : []),
    ...(dataDir ? ['--data-dir', dataDir] : []),
  ];
  try {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let figures: FanoutFigures | undefined;
    for await (const line of createInterface({ input: child.stdout })) {
      if (line.startsWith('{')) figures = JSON.parse(line) as FanoutFigures;
      else log(line);
    }
    const code = await new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('close', resolve)));
    if (code !== 0 || !figures) throw new Error(`bench/fanout.ts exited with ${code}${figures ? '' : ' without figures'}`);
    return figures;
  } finally {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string) => {
    const at = process.argv.indexOf(`--${name}`);
    return at > 0 ? Number(process.argv[at + 1]) : undefined;
  };
  const dataDirAt = process.argv.indexOf('--data-dir');
  const dataDir = dataDirAt > 0 ? process.argv[dataDirAt + 1] : undefined;
  const figures = await benchFanout({
    households: arg('households'),
    warmup: arg('warmup'),
    pollMs: arg('poll-ms'),
    dataDir,
    log: (l) => console.log(l),
  });
  console.log(JSON.stringify(figures));
}
