/**
 * `npm run soak`: the heavy drills, each on a fresh system, with a summary table.
 *   crash  a real `npm start` process SIGKILLed in the middle of a load, then started again on the same data
 *          directory; clients resubmit with their Idempotency-Keys. Every claim must finish exactly once.
 *   faults 20% of store requests fail (half after the write succeeded), in-process.
 *   fuzz   10,000 hostile requests.
 * Options: --claims N (crash run, default 1000), --fault-claims N (default 500), --fuzz N (default 10000),
 *          --only crash|faults|fuzz.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataDirSecret, issueToken } from '../embedded/auth.js';
import { medicalBenefit } from '../core/index.js';
import { schemes } from '../functions/shared/catalogue.js';
import type { Role } from '../functions/api/routes.js';
import { sendHostile } from '../test/support/hostile.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
process.env.FANGPIN_LOG_LEVEL = 'CRITICAL';
const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const only = (() => {
  const i = process.argv.indexOf('--only');
  return i >= 0 ? process.argv[i + 1] : undefined;
})();

interface Row {
  run: string;
  requests: number;
  claims: number;
  terminal: number;
  duplicates: number;
  fiveHundreds: number;
  chainsVerified: string;
  seconds: number;
  notes: string;
}
const rows: Row[] = [];

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

function http(base: string, tokens: Map<Role, string>) {
  let requests = 0;
  let fiveHundreds = 0;
  return {
    get requests() {
      return requests;
    },
    get fiveHundreds() {
      return fiveHundreds;
    },
    async call(
      method: string,
      path: string,
      opts: { role?: Role; body?: unknown; raw?: string; headers?: Record<string, string>; insurerId?: string } = {},
    ) {
      requests++;
      const headers: Record<string, string> = { ...opts.headers };
      if (opts.role) headers.authorization = `Bearer ${tokens.get(opts.role)}`;
      if (opts.body !== undefined || opts.raw !== undefined) headers['content-type'] ??= 'application/json';
      const res = await fetch(`${base}${path}`, {
        method,
        headers,
        body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
      });
      if (res.status >= 500) fiveHundreds++;
      const text = await res.text();
      let body: unknown = text;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        // keep the text
      }
      // biome-ignore lint/suspicious/noExplicitAny: the soak reads JSON answers without declaring their shapes
      return { status: res.status, headers: res.headers, body: body as any };
    },
  };
}

const PEOPLE = 100;
function households(prefix: string) {
  return Array.from({ length: PEOPLE }, (_, i) => ({
    householdId: `${prefix}H-${i}`,
    schemeId: 'xiaogan-2024',
    county: '420902',
    category: 'LIFTED_OUT',
    verifiedYear: 2024,
    members: [{ personId: `${prefix}P-${i}` }],
    enrollment: { products: ['MEDICAL'], start: '2024-01-01', end: '2024-12-31' },
  }));
}
function claim(prefix: string, i: number) {
  return {
    schemeId: 'xiaogan-2024',
    product: 'MEDICAL',
    householdId: `${prefix}H-${i % PEOPLE}`,
    personId: `${prefix}P-${i % PEOPLE}`,
    incidentDate: '2024-05-03',
    details: { hospitalCode: `${prefix}HOSP`, invoiceNo: `${prefix}${i}`, totalCost: 300_000 + ((i * 7919) % 1_500_000) },
  };
}

/** What sequential processing pays a person in a year: min(benefit(ΣS), cap), from the core's own formula. */
function expectedPaid(selfPays: number[]): number {
  const terms = schemes().get('xiaogan-2024')?.products.MEDICAL;
  if (!terms) throw new Error('no MEDICAL terms');
  return Math.min(
    medicalBenefit(
      terms,
      10_000,
      selfPays.reduce((s, x) => s + x, 0),
    ),
    terms.cap,
  );
}

type Api = ReturnType<typeof http>;

/** Submit every claim (retrying refused or failed submissions with the same key) and collect the claim ids. */
async function submitAll(api: Api, prefix: string, count: number, onProgress?: (done: number) => void): Promise<Array<string | undefined>> {
  // Not `new Array(count)`: map and some skip the holes of a sparse array.
  const ids: Array<string | undefined> = Array.from({ length: count }, () => undefined);
  let next = 0;
  let done = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < count) {
        const i = next++;
        try {
          const r = await api.call('POST', '/claims', { role: 'submitter', body: claim(prefix, i), headers: { 'idempotency-key': `${prefix}${i}` } });
          if (r.status === 202) ids[i] = r.body.claimId;
          else if (process.env.FANGPIN_SOAK_DEBUG) console.log(`POST ${prefix}${i} → ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
        } catch {
          // the server went away: the client will resubmit with the same key
        }
        onProgress?.(++done);
      }
    }),
  );
  return ids;
}

async function check(api: Api, ids: string[], run: string, started: number, extra: { requests?: number } = {}) {
  const terminal = new Set(['SETTLING', 'CLOSED_NO_PAYOUT', 'REJECTED', 'FAILED', 'PAID']);
  const deadline = Date.now() + 10 * 60_000;
  // biome-ignore lint/suspicious/noExplicitAny: claims as the API answers them (JSON)
  const claims = new Map<string, any>();
  const pending = new Map<string, string>();
  while (Date.now() < deadline && claims.size < ids.length) {
    for (const id of ids) {
      if (claims.has(id)) continue;
      const r = await api.call('GET', `/claims/${id}`, { role: 'auditor' }).catch(() => undefined);
      if (r?.status === 200 && terminal.has(r.body.status)) {
        claims.set(id, r.body);
        pending.delete(id);
      } else pending.set(id, r ? `${r.status} ${r.body?.status ?? ''}` : 'no answer');
    }
    const waiting: Record<string, number> = {};
    for (const v of pending.values()) waiting[v] = (waiting[v] ?? 0) + 1;
    process.stdout.write(`\r  ${run}: ${claims.size}/${ids.length} claims terminal; waiting: ${JSON.stringify(waiting)}   `);
    if (claims.size < ids.length) await new Promise((r) => setTimeout(r, 1000));
  }
  process.stdout.write('\n');
  let duplicates = 0;
  const bad: string[] = [];
  const byPerson = new Map<string, { paid: number; selfPays: number[] }>();
  for (const c of claims.values()) {
    if (c.status === 'SETTLING' || c.status === 'PAID') {
      const sum = c.settlements.reduce((s: number, x: { amount: number }) => s + x.amount, 0);
      if (c.settlements.length !== 3 || sum !== c.assessment.payout) duplicates++;
    }
    if (c.assessment && c.status !== 'REJECTED') {
      const p = byPerson.get(c.personId) ?? { paid: 0, selfPays: [] };
      p.paid += c.assessment.payout;
      p.selfPays.push(c.details.totalCost);
      byPerson.set(c.personId, p);
    }
    if (c.status === 'FAILED') bad.push(`${c.claimId} FAILED ${c.error?.error}`);
  }
  // Only when no claim failed is the sequential total the exact expectation (a failed claim may hold its amounts).
  let capMismatch = 0;
  if (bad.length === 0) for (const p of byPerson.values()) if (p.paid !== expectedPaid(p.selfPays)) capMismatch++;
  let verified = 0;
  for (const id of ids) {
    const a = await api.call('GET', `/claims/${id}/audit`, { role: 'auditor' }).catch(() => undefined);
    if (a?.body?.verified) verified++;
  }
  rows.push({
    run,
    requests: extra.requests ?? api.requests,
    claims: ids.length,
    terminal: claims.size,
    duplicates: duplicates + capMismatch,
    fiveHundreds: api.fiveHundreds,
    chainsVerified: `${verified}/${ids.length}`,
    seconds: Math.round((Date.now() - started) / 1000),
    notes: `${bad.length} FAILED; per-person totals ${bad.length ? 'not compared' : capMismatch ? `${capMismatch} differ` : 'equal sequential processing'}`,
  });
}

const servers = new Set<ChildProcess>();
process.once('exit', () => {
  for (const c of servers) c.kill('SIGKILL');
});

function startServer(dataDir: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'embedded/main.ts'], {
    env: { ...process.env, PORT: String(port), FANGPIN_DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  servers.add(child);
  child.once('exit', () => servers.delete(child));
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${out}`)), 60_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      if (out.includes('fangpin: listening on http')) {
        clearTimeout(timer);
        resolve(child);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`server exited (${code}):\n${out}`)));
  });
}

async function crashRun(count: number) {
  const started = Date.now();
  const dataDir = mkdtempSync(join(tmpdir(), 'fangpin-soak-'));
  const port = await freePort();
  console.log(`crash run: ${count} claims, npm start on port ${port}, data in ${dataDir}`);
  let child = await startServer(dataDir, port);
  const secret = dataDirSecret(dataDir, 'token-secret');
  const tokens = new Map<Role, string>();
  for (const role of ['admin', 'submitter', 'auditor'] as Role[]) tokens.set(role, await issueToken(secret, role));
  const api = http(`http://127.0.0.1:${port}`, tokens);
  const seeded = await api.call('POST', '/households', { role: 'admin', body: households('K') });
  if (seeded.status !== 200) throw new Error(`seeding: ${seeded.status}`);
  let killed = false;
  const first = await submitAll(api, 'K', count, (done) => {
    if (!killed && done >= count * 0.4) {
      killed = true;
      console.log(`  SIGKILL after ${done} submissions`);
      child.kill('SIGKILL');
    }
  });
  console.log(`  ${first.filter(Boolean).length} accepted before and during the crash; restarting`);
  child = await startServer(dataDir, port);
  const ids = await submitAll(api, 'K', count); // every client resubmits with its key
  const missing = ids.filter((x) => !x).length;
  if (missing) throw new Error(`${missing} claims could not be submitted after the restart`);
  const lost = first.filter((id, i) => id && id !== ids[i]).length;
  if (lost) throw new Error(`${lost} claims changed id across the crash`);
  await check(api, ids as string[], 'crash (SIGKILL mid-load)', started);
  child.kill('SIGTERM');
}

async function faultRun(count: number) {
  const started = Date.now();
  console.log(`fault run: ${count} claims with 20% of store requests failing`);
  process.env.FANGPIN_FAULT_RATE = '0.2';
  const { startEmbedded } = await import('../embedded/runtime.js');
  const system = await startEmbedded({ dataDir: null, port: 0, retryIntervalScale: 0.05 });
  try {
    const tokens = new Map<Role, string>();
    for (const role of ['admin', 'submitter', 'auditor'] as Role[]) tokens.set(role, await system.token(role));
    const api = http(system.url, tokens);
    // Seed in small batches: a batch that meets a fault answers 500 and is sent again (an upsert is repeatable).
    const rowsToSeed = households('F');
    for (let b = 0; b < rowsToSeed.length; b += 5) {
      for (let tries = 0; (await api.call('POST', '/households', { role: 'admin', body: rowsToSeed.slice(b, b + 5) })).status !== 200; tries++) {
        if (tries > 50) throw new Error('seeding failed');
      }
    }
    let ids = await submitAll(api, 'F', count);
    for (let round = 0; ids.some((x) => !x) && round < 20; round++) {
      const again = await submitAll(api, 'F', count);
      ids = ids.map((x, i) => x ?? again[i]);
    }
    // Reads in the check also meet faults: retry them until they answer.
    await check(
      {
        ...api,
        call: async (...a: Parameters<Api['call']>) => {
          for (let i = 0; ; i++) {
            const r = await api.call(...a);
            if (r.status < 500 || i > 20) return r;
          }
        },
      } as Api,
      ids as string[],
      'faults (20% store failures)',
      started,
    );
    rows.at(-1)!.notes += '; 5xx here are injected faults answered as retryable 500s';
  } finally {
    await system.stop();
    delete process.env.FANGPIN_FAULT_RATE;
  }
}

async function fuzzRun(count: number) {
  const started = Date.now();
  console.log(`fuzz run: ${count} hostile requests`);
  const { startEmbedded } = await import('../embedded/runtime.js');
  const system = await startEmbedded({ dataDir: null, port: 0 });
  try {
    const tokens = new Map<Role, string>();
    for (const role of ['admin', 'submitter', 'auditor', 'reviewer'] as Role[]) tokens.set(role, await system.token(role));
    tokens.set('insurer', await system.token('insurer', 'XG-POOL-1'));
    const api = http(system.url, tokens);
    const out = await sendHostile((m, p, o) => api.call(m, p, o), count, Date.now() % 100_000);
    rows.push({
      run: 'fuzz (hostile requests)',
      requests: count,
      claims: out.accepted,
      terminal: out.accepted,
      duplicates: 0,
      fiveHundreds: out.fiveHundreds,
      chainsVerified: '-',
      seconds: Math.round((Date.now() - started) / 1000),
      notes: out.failures.length ? `${out.failures.length} contract breaks, first: ${out.failures[0]}` : 'every 4xx is problem+json',
    });
  } finally {
    await system.stop();
  }
}

if (!only || only === 'crash') await crashRun(arg('claims', 1000));
if (!only || only === 'faults') await faultRun(arg('fault-claims', 500));
if (!only || only === 'fuzz') await fuzzRun(arg('fuzz', 10_000));

console.log('\nrun                          requests  claims  terminal  duplicates  5xx  chains     s  notes');
for (const r of rows) {
  console.log(
    `${r.run.padEnd(28)} ${String(r.requests).padStart(8)} ${String(r.claims).padStart(7)} ${String(r.terminal).padStart(9)} ${String(r.duplicates).padStart(11)} ${String(r.fiveHundreds).padStart(4)}  ${r.chainsVerified.padEnd(9)} ${String(r.seconds).padStart(3)}  ${r.notes}`,
  );
}
const failed = rows.some(
  (r) =>
    r.terminal !== r.claims ||
    r.duplicates > 0 ||
    (r.run.startsWith('crash') && r.chainsVerified !== `${r.claims}/${r.claims}`) ||
    (r.run.startsWith('fuzz') && r.fiveHundreds > 0),
);
process.exit(failed ? 1 : 0);
