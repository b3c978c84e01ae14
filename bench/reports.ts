/**
 * The report and the search over a city's history: 100,000 decided claims over 30,000 households written
 * straight into a fresh embedded store (embedded/seed/decided-claims.ts, batch writes, the report totals with
 * them), then, over HTTP as the console calls them:
 * - reportSummaryMs: GET /reports/summary for Xiaogan 2024, median of 20 reads;
 * - claimSearchMs: the first page (25) of a filtered search (scheme + county + status PAID, newest first),
 *   median of 20 reads;
 * - monitoringSeconds: POST /monitoring/run over the whole registry (every scheme) as a job, from the request to
 *   GET /monitoring/jobs/{jobId} answering SUCCEEDED.
 */
import { startEmbedded } from '../embedded/runtime.js';
import { seedDecidedClaims } from '../embedded/seed/decided-claims.js';

export interface ReportFigures {
  readonly claims: number;
  readonly households: number;
  readonly seedSeconds: number;
  readonly reportSummaryMs: number;
  readonly reportRunsMs: readonly number[];
  readonly claimSearchMs: number;
  readonly searchRunsMs: readonly number[];
  readonly monitoringSeconds: number;
  readonly monitoringHouseholds: number;
  readonly monitoringOpened: number;
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? (s[(s.length - 1) / 2] as number) : Math.round(((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2);
};

async function timed(url: string, token: string, check: (body: Record<string, unknown>) => void): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const body = (await res.json()) as Record<string, unknown>;
  const ms = performance.now() - t0;
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${JSON.stringify(body)}`);
  check(body);
  return Math.round(ms);
}

export async function benchReports(
  opts: { claims?: number; households?: number; runs?: number; log?: (line: string) => void } = {},
): Promise<ReportFigures> {
  const claims = opts.claims ?? 100_000;
  const households = opts.households ?? 30_000;
  const runs = opts.runs ?? 20;
  const log = opts.log ?? (() => {});
  const prefix = 'benchreports-';
  const system = await startEmbedded({ dataDir: null, port: 0, tablePrefix: prefix });
  try {
    const t0 = performance.now();
    await seedDecidedClaims({ dynamoEndpoint: system.dynamoEndpoint, tablePrefix: prefix, households, claims, log: (l) => log(`  ${l}`) });
    const seedSeconds = Math.round((performance.now() - t0) / 100) / 10;
    const token = await system.token('auditor');
    const reportRunsMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      reportRunsMs.push(
        await timed(`${system.url}/reports/summary?schemeId=xiaogan-2024&year=2024`, token, (b) => {
          if ((b.claims as { count: number }).count < claims / 2) throw new Error('the report does not see the seeded claims');
        }),
      );
    }
    const searchRunsMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      searchRunsMs.push(
        await timed(`${system.url}/claims?schemeId=xiaogan-2024&county=420922&status=PAID&sort=newest&limit=25`, token, (b) => {
          if ((b.items as unknown[]).length !== 25) throw new Error('the search did not fill its first page');
        }),
      );
    }
    const monitoring = await timeMonitoring(system.url, await system.token('admin'));
    if (monitoring.households !== households) throw new Error(`the monitoring run examined ${monitoring.households} of ${households} households`);
    return {
      claims,
      households,
      seedSeconds,
      reportSummaryMs: median(reportRunsMs),
      reportRunsMs,
      claimSearchMs: median(searchRunsMs),
      searchRunsMs,
      monitoringSeconds: monitoring.seconds,
      monitoringHouseholds: monitoring.households,
      monitoringOpened: monitoring.opened,
    };
  } finally {
    await system.stop();
  }
}

/** One whole-registry monitoring run as a job, timed from the POST to the job answering SUCCEEDED. */
async function timeMonitoring(url: string, token: string): Promise<{ seconds: number; households: number; opened: number }> {
  const t0 = performance.now();
  const res = await fetch(`${url}/monitoring/run`, { method: 'POST', headers: { authorization: `Bearer ${token}`, prefer: 'respond-async' } });
  const started = (await res.json()) as { jobId: string; status: string };
  if (res.status !== 202) throw new Error(`POST /monitoring/run: ${res.status} ${JSON.stringify(started)}`);
  for (;;) {
    await new Promise((r) => setTimeout(r, 250));
    const r = await fetch(`${url}/monitoring/jobs/${started.jobId}`, { headers: { authorization: `Bearer ${token}` } });
    const job = (await r.json()) as { status: string; households: number; opened: number; error: string | null };
    if (job.status === 'RUNNING') continue;
    if (job.status !== 'SUCCEEDED') throw new Error(`monitoring job ${started.jobId}: ${job.status} ${job.error ?? ''}`);
    return { seconds: Math.round((performance.now() - t0) / 100) / 10, households: job.households, opened: job.opened };
  }
}
