/**
 * One weather observation over a county of N enrolled households (default 10,000), embedded mode: the time from
 * POST /index-events until every claim it filed is decided (status past RECEIVED), read from the same progress
 * endpoint an operator watches. The registry import before it is not timed.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { startEmbedded } from '../embedded/runtime.js';
import { documentClient } from '../functions/shared/aws.js';

const COUNTY = '420982'; // Anlu, where the seed's aquaculture weather index runs

function household(i: number) {
  return {
    householdId: `HF-${String(i).padStart(6, '0')}`,
    schemeId: 'xiaogan-2024',
    county: COUNTY,
    category: 'LIFTED_OUT',
    verifiedYear: 2024,
    members: [{ personId: `PF-${i}` }],
    // 1–30 mu: at 600 yuan/mu every payout stays under the 20,000-yuan review threshold (a decision either way).
    enrollment: { products: ['INDUSTRY'], start: '2024-01-01', end: '2024-12-31', insured: { area_mu: 1 + (i % 30) } },
  };
}

/** DynamoDB Local's process (the newest java child), for its CPU time; undefined where /proc is not there. */
function storePid(): number | undefined {
  try {
    const pid = execFileSync('pgrep', ['-n', 'java']).toString().trim();
    return pid ? Number(pid) : undefined;
  } catch {
    return undefined;
  }
}
const round2 = (x: number) => Math.round(x * 100) / 100;
function jvmCpuMs(pid: number | undefined): number {
  if (!pid) return 0;
  const fields = (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in 10 ms clock ticks
}

export interface FanoutFigures {
  readonly households: number;
  readonly seconds: number;
  readonly claimsPerSec: number;
  readonly byStatus: Record<string, number>;
  /** CPU time per claim in the timed window: this process (handlers, engine, SDK, HTTP) and DynamoDB Local. */
  readonly cpuMsPerClaim: { node: number; store: number | null };
  /** Store requests per claim during the timed window, by command (progress polls included; they are few). */
  readonly requestsPerClaim: Record<string, number>;
}

export async function benchFanout(opts: { households?: number; pollMs?: number; log?: (line: string) => void } = {}): Promise<FanoutFigures> {
  const n = opts.households ?? 10_000;
  const log = opts.log ?? (() => undefined);
  const system = await startEmbedded({ dataDir: null, port: 0 });
  try {
    const admin = await system.token('admin');
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${system.url}${path}`, { method, headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
      const json = (await res.json()) as Record<string, unknown>;
      if (res.status >= 300 && res.status !== 202) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json).slice(0, 300)}`);
      return json;
    };
    const t0 = performance.now();
    for (let i = 0; i < n; i += 1000) await call('POST', '/households', Array.from({ length: Math.min(1000, n - i) }, (_, k) => household(i + k)));
    log(`  imported ${n.toLocaleString('en-US')} households in ${((performance.now() - t0) / 1000).toFixed(1)} s (not timed)`);

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
    const javaPid = storePid();
    const jvmAtStart = jvmCpuMs(javaPid);
    const nodeAtStart = process.cpuUsage();
    const start = performance.now();
    const posted = await call('POST', '/index-events', { kind: 'WEATHER', schemeId: 'xiaogan-2024', county: COUNTY, period: { start: '2024-07-01', end: '2024-07-03' }, rainfallMm: 260 });
    const eventId = String(posted.eventId);
    let last: Record<string, unknown> = posted;
    let lastPrint = 0;
    while (!(last.done === true)) {
      await new Promise((r) => setTimeout(r, opts.pollMs ?? 500));
      last = await call('GET', `/index-events/${eventId}?limit=1`);
      const elapsed = (performance.now() - start) / 1000;
      if (elapsed - lastPrint >= 5) {
        lastPrint = elapsed;
        log(`  ${elapsed.toFixed(0)} s: ${String(last.status)}, ${String(last.created)} filed, ${String(last.decided)} decided`);
      }
      if (elapsed > 1800) throw new Error(`fan-out not done after 30 minutes: ${JSON.stringify(last).slice(0, 300)}`);
    }
    const seconds = (performance.now() - start) / 1000;
    const node = process.cpuUsage(nodeAtStart);
    const jvm = jvmCpuMs(javaPid) - jvmAtStart;
    log(`  CPU per claim (timed window): Node ${((node.user + node.system) / 1000 / n).toFixed(2)} ms, DynamoDB Local ${javaPid ? (jvm / n).toFixed(2) : '?'} ms`);
    const final = await call('GET', `/index-events/${eventId}?limit=1&byStatus=true`);
    if (last.created !== n) throw new Error(`expected ${n} claims, the event filed ${String(last.created)}`);
    return { households: n, seconds: Number(seconds.toFixed(1)), claimsPerSec: Math.round(n / seconds), cpuMsPerClaim: { node: round2((node.user + node.system) / 1000 / n), store: javaPid ? round2(jvm / n) : null }, byStatus: final.byStatus as Record<string, number>, requestsPerClaim: Object.fromEntries(Object.entries(requests).map(([k, v]) => [k, Math.round((v / n) * 100) / 100])) };
  } finally {
    await system.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const at = process.argv.indexOf('--households');
  const poll = process.argv.indexOf('--poll-ms');
  const figures = await benchFanout({ households: at > 0 ? Number(process.argv[at + 1]) : undefined, pollMs: poll > 0 ? Number(process.argv[poll + 1]) : undefined, log: (l) => console.log(l) });
  console.log(JSON.stringify(figures));
}
