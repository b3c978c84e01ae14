/**
 * The report and the search over a city's history: 100,000 decided claims over 30,000 households written
 * straight into a fresh embedded store (embedded/seed/decided-claims.ts, batch writes, the report totals with
 * them), then, over HTTP as the console calls them:
 * - reportSummaryMs: GET /reports/summary for Xiaogan 2024, median of 20 reads;
 * - claimSearchMs: the first page (25) of a filtered search (scheme + county + status PAID, newest first),
 *   median of 20 reads.
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

export async function benchReports(opts: { claims?: number; households?: number; runs?: number; log?: (line: string) => void } = {}): Promise<ReportFigures> {
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
    return { claims, households, seedSeconds, reportSummaryMs: median(reportRunsMs), reportRunsMs, claimSearchMs: median(searchRunsMs), searchRunsMs };
  } finally {
    await system.stop();
  }
}
