/**
 * Claims per second through the embedded system (HTTP → API handler → local state machine → step handlers →
 * DynamoDB Local) and through the same handlers called directly, in one process, alternating; medians taken, the
 * ratio as the median of the rounds' paired ratios.
 * Also per-claim latency from POST to the end of its execution, and DynamoDB writes per claim as issued.
 */
import { Agent, request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbedded, STATE_MACHINE_ARN, type Embedded } from '../embedded/runtime.js';
import { documentClient } from '../functions/shared/aws.js';
import { createClaim } from '../functions/shared/claims-repo.js';
import { appendAudit, headOf } from '../functions/shared/audit.js';
import { ClaimSubmission } from '../core/index.js';
import { runDirect } from '../embedded/direct.js';
import { countStoreItems, perClaim } from './store-items.js';
import { jvmThreadCpuMs, storeCores, storeCoresLine, storePid, type StoreThread } from './process-cpu.js';

// Enough people that no one reaches the annual cap during the bench (80,000 yuan: about 11 of these claims): every
// claim takes the happy path to payout, so rounds compare the same work (with 200 people, later rounds were mostly
// cheaper no-payout claims, and the side that ran second in a round got more of them).
const HOUSEHOLDS = 1000;

function households() {
  return Array.from({ length: HOUSEHOLDS }, (_, i) => ({
    householdId: `HB-${i}`,
    schemeId: 'xiaogan-2024',
    county: '420902',
    category: 'LIFTED_OUT',
    verifiedYear: 2024,
    members: [{ personId: `PB-${i}` }],
    enrollment: { products: ['MEDICAL'], start: '2024-01-01', end: '2024-12-31' },
  }));
}

let serial = 0;
function claimBody(run: string) {
  const i = serial++;
  return {
    schemeId: 'xiaogan-2024',
    product: 'MEDICAL',
    householdId: `HB-${i % HOUSEHOLDS}`,
    personId: `PB-${i % HOUSEHOLDS}`,
    incidentDate: '2024-05-03',
    details: { hospitalCode: `HOSP-${run}`, invoiceNo: `INV-${i}`, totalCost: 600_000 + ((i * 7919) % 900_000) },
  };
}

// The load generator shares the process (and the two cores) with the system it measures, so it uses the
// leanest client there is: node:http with keep-alive (fetch's streams cost about 1 ms of CPU a claim here).
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

function postJson(url: string, token: string, body: unknown): Promise<unknown> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if ((res.statusCode ?? 0) >= 300) reject(new Error(`POST ${url}: ${res.statusCode} ${text.slice(0, 300)}`));
          else resolve(JSON.parse(text));
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

async function e2eRun(system: Embedded, token: string, count: number, concurrency: number) {
  const latencies: number[] = [];
  const t0 = performance.now();
  await pool(
    Array.from({ length: count }, (_, i) => i),
    concurrency,
    async () => {
      const start = performance.now();
      const { claimId } = (await postJson(`${system.url}/claims`, token, claimBody('E'))) as { claimId: string };
      const done = await system.sfn.waitForExecution(`${STATE_MACHINE_ARN.replace(':stateMachine:', ':execution:')}:${claimId}`);
      if (done.status !== 'SUCCEEDED') throw new Error(`claim ${claimId} execution ${done.status}`);
      latencies.push(performance.now() - start);
    },
  );
  const seconds = (performance.now() - t0) / 1000;
  return { perSec: count / seconds, latencies };
}

async function directRun(count: number, concurrency: number) {
  const t0 = performance.now();
  await pool(
    Array.from({ length: count }, (_, i) => i),
    concurrency,
    async () => {
      const submission = ClaimSubmission.parse(claimBody('D'));
      const claimId = `CD-${serial}-${Math.random().toString(36).slice(2)}`;
      const now = new Date().toISOString();
      await createClaim({
        claimId,
        submission,
        householdId: submission.householdId,
        schemeId: submission.schemeId,
        product: submission.product,
        status: 'RECEIVED',
        submittedBy: 'bench',
        createdAt: now,
        updatedAt: now,
      });
      const submitted = await appendAudit(
        { claimId, step: 'Submit', actor: 'bench', input: submission, output: { claimId }, decision: 'RECEIVED' },
        null,
      );
      await runDirect(claimId, headOf(submitted));
    },
  );
  return count / ((performance.now() - t0) / 1000);
}

export interface E2eFigures {
  e2eClaimsPerSec: number;
  directClaimsPerSec: number;
  orchestrationRatio: number;
  /** Each round's paired ratio (state machine / direct), in round order: the spread behind the median. */
  ratioRounds: number[];
  /** Where the store and the journal were: a fresh data directory (as `npm start` runs), or memory. */
  configuration: 'data directory' | 'in memory';
  p50Ms: number;
  p99Ms: number;
  writesPerClaim: number;
  writeUnitsPerClaim: number;
  /** DynamoDB items written and read per paid claim in the state machine's rounds, by table (bench/store-items.ts). */
  storeItemsPerClaim: ReturnType<typeof perClaim>;
  /** DynamoDB Local's CPU per claim and cores, by kind of thread, over the state machine's rounds (process-cpu.ts). */
  storeCpuMsPerClaim: number | null;
  storeCores: ReturnType<typeof storeCores>;
}

export async function benchE2e(
  opts: { claims?: number; rounds?: number; warmupRounds?: number; concurrency?: number; dataDir?: boolean; log?: (s: string) => void } = {},
): Promise<E2eFigures> {
  const log = opts.log ?? (() => undefined);
  const claims = opts.claims ?? 400;
  const rounds = opts.rounds ?? 5;
  const concurrency = opts.concurrency ?? 16;
  // `dataDir: true`: a fresh data directory, as `npm start` runs (DynamoDB Local on disk, the execution journal
  // appended); removed afterwards. Default in memory.
  const dataDir = opts.dataDir === true ? mkdtempSync(join(tmpdir(), 'fangpin-bench-e2e-')) : null;
  const system = await startEmbedded({ dataDir, port: 0 });
  try {
    const admin = await system.token('admin');
    // 200 a request, as bench/fanout.ts imports: a request of 1,000 can pass the API's 29 s on a loaded machine.
    const all = households();
    for (let i = 0; i < all.length; i += 200) {
      const seeded = await fetch(`${system.url}/households`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify(all.slice(i, i + 200)),
      });
      if (!seeded.ok) throw new Error(`seeding households: ${seeded.status} ${(await seeded.text()).slice(0, 300)}`);
    }
    const token = await system.token('submitter');
    // Count the DynamoDB writes the handlers issue (transactions: each item twice, as DynamoDB bills them).
    let writes = 0;
    let units = 0;
    documentClient().middlewareStack.add(
      (next, context) => async (args) => {
        const name = context.commandName ?? '';
        const input = args.input as { TransactItems?: unknown[] };
        if (name === 'TransactWriteItemsCommand') {
          writes += input.TransactItems?.length ?? 0;
          units += 2 * (input.TransactItems?.length ?? 0);
        } else if (/^(Put|Update|Delete)ItemCommand$/.test(name)) {
          writes++;
          units++;
        }
        return next(args);
      },
      { step: 'initialize', name: 'fangpinWriteCounter' },
    );
    const items = countStoreItems();
    // Warm-up: the JITs of both processes (Node, and above all DynamoDB Local's JVM, whose throughput about
    // doubles) settle over the first two to three thousand claims; rounds measured before that compare a cold
    // side with a warmer one.
    for (let w = 0; w < (opts.warmupRounds ?? 3); w++) {
      await e2eRun(system, token, 400, concurrency);
      await directRun(400, concurrency);
    }
    const e2e: number[] = [];
    const direct: number[] = [];
    const latencies: number[] = [];
    let counted = { writes: 0, units: 0, claims: 0 };
    const javaPid = storePid();
    const zero = jvmThreadCpuMs(undefined); // every kind of thread at 0 ms: the rounds' store CPU adds up from here
    const storeCpu = { ...zero };
    let e2eSeconds = 0;
    const itemsCounted = { written: 0, read: 0, requests: 0, byTable: {} as Record<string, number> };
    for (let r = 0; r < rounds; r++) {
      // Alternate which goes first, so a drift of the machine during a round pair does not favour one side.
      if (r % 2 === 1) direct.push(await directRun(claims, concurrency));
      writes = 0;
      units = 0;
      items.reset();
      const threadsBefore = jvmThreadCpuMs(javaPid);
      const t0 = performance.now();
      const a = await e2eRun(system, token, claims, concurrency);
      e2eSeconds += (performance.now() - t0) / 1000;
      const threadsAfter = jvmThreadCpuMs(javaPid);
      for (const k of Object.keys(storeCpu) as StoreThread[]) storeCpu[k] += threadsAfter[k] - threadsBefore[k];
      counted = { writes: counted.writes + writes, units: counted.units + units, claims: counted.claims + claims };
      const round = items.snapshot();
      itemsCounted.written += round.written;
      itemsCounted.read += round.read;
      itemsCounted.requests += round.requests;
      for (const [k, v] of Object.entries(round.byTable)) itemsCounted.byTable[k] = (itemsCounted.byTable[k] ?? 0) + v;
      e2e.push(a.perSec);
      latencies.push(...a.latencies);
      if (r % 2 === 0) direct.push(await directRun(claims, concurrency));
      log(`  round ${r + 1}/${rounds}: state machine ${a.perSec.toFixed(0)} claims/s, direct ${direct.at(-1)?.toFixed(0)} claims/s`);
    }
    const cores = storeCores(zero, storeCpu, e2eSeconds);
    if (javaPid) log(`  DynamoDB Local over the state machine's rounds: ${storeCoresLine(cores)} cores`);
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)] ?? 0;
    latencies.sort((x, y) => x - y);
    const e = median(e2e);
    const d = median(direct);
    return {
      e2eClaimsPerSec: Math.round(e),
      directClaimsPerSec: Math.round(d),
      // Paired: each round's two runs saw the same machine state, so the median of the round ratios is steadier
      // than the ratio of the medians while the JITs are still warming.
      orchestrationRatio: Math.round(median(e2e.map((x, r) => x / (direct[r] ?? x))) * 100) / 100,
      ratioRounds: e2e.map((x, r) => Math.round((x / (direct[r] ?? x)) * 100) / 100),
      configuration: dataDir ? 'data directory' : 'in memory',
      p50Ms: Math.round(percentile(latencies, 50)),
      p99Ms: Math.round(percentile(latencies, 99)),
      writesPerClaim: Math.round((counted.writes / counted.claims) * 10) / 10,
      writeUnitsPerClaim: Math.round((counted.units / counted.claims) * 10) / 10,
      storeItemsPerClaim: perClaim(itemsCounted, counted.claims),
      storeCpuMsPerClaim: javaPid ? Math.round((Object.values(storeCpu).reduce((x, y) => x + y, 0) / counted.claims) * 100) / 100 : null,
      storeCores: cores,
    };
  } finally {
    await system.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (name: string) => {
    const at = process.argv.indexOf(`--${name}`);
    return at > 0 ? Number(process.argv[at + 1]) : undefined;
  };
  console.log(
    JSON.stringify(
      await benchE2e({
        concurrency: arg('concurrency'),
        claims: arg('claims'),
        rounds: arg('rounds'),
        warmupRounds: arg('warmup-rounds'),
        dataDir: process.argv.includes('--data-dir'),
        log: (l) => console.log(l),
      }),
    ),
  );
}
