/**
 * The reviewer inbox in a real browser over a large queue: 10,000 claims in PENDING_REVIEW written straight
 * into an embedded server's store (embedded/seed/review-queue.ts), then Chromium (playwright-core, /usr/bin/chromium or
 * FANGPIN_CHROMIUM) opens /console/inbox with a reviewer token in a fresh context (empty cache) each run.
 * consoleInboxMs: from navigation to the first page of rows (25) visible, median of the runs.
 * consoleFirstLoadKB: the gzipped JS the browser loaded before that first screen.
 * consoleCaseFileMs: an auditor opens the case file of a claim decided by the real workflow (the README's Dawu
 * claim, on the demo registry), from navigation to its execution graph drawn, fresh context each run, median.
 * consoleCaseFileWarmMs: the same case file opened from a console already open (the auditor's search screen,
 * the claim found by its household): from the click on the claim's link to its graph drawn, client-side
 * navigation, fresh context each run (the case file's own chunks not loaded yet), median.
 * Runs alone with `npm run bench -- --only console`.
 */
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startEmbedded } from '../embedded/runtime.js';
import { ensureConsoleBuilt, firstLoadGzipBytes } from '../embedded/console-build.js';
import { seedReviewQueue, syntheticQueue } from '../embedded/seed/review-queue.js';
import { loadDemo } from '../embedded/demo.js';

export interface ConsoleFigures {
  readonly claims: number;
  readonly consoleInboxMs: number;
  readonly runsMs: readonly number[];
  readonly consoleFirstLoadKB: number;
  readonly scripts: number;
  readonly seedSeconds: number;
  readonly consoleCaseFileMs: number;
  readonly caseFileRunsMs: readonly number[];
  readonly consoleCaseFileWarmMs: number;
  readonly caseFileWarmRunsMs: readonly number[];
}

/** The README's worked example (Dawu, 9,600.00 yuan), submitted and decided by the workflow: its claim id. */
async function decidedClaim(system: { url: string; token(role: 'submitter' | 'auditor'): Promise<string> }): Promise<string> {
  const res = await fetch(`${system.url}/claims`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await system.token('submitter')}`, 'content-type': 'application/json', 'idempotency-key': 'bench-case-file' },
    body: JSON.stringify({
      schemeId: 'xiaogan-2024',
      product: 'MEDICAL',
      householdId: 'H-420922-0001',
      personId: 'P-1',
      incidentDate: '2024-05-03',
      details: {
        hospitalCode: 'HOSP-01',
        invoiceNo: 'INV-BENCH-1',
        totalCost: 4_000_000,
        basicInsurancePaid: 2_000_000,
        criticalIllnessPaid: 500_000,
        payee: 'HOSPITAL',
      },
    }),
  });
  if (res.status !== 202) throw new Error(`bench claim: ${res.status} ${await res.text()}`);
  const { claimId } = (await res.json()) as { claimId: string };
  const auditor = await system.token('auditor');
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 100))) {
    const claim = (await (await fetch(`${system.url}/claims/${claimId}`, { headers: { authorization: `Bearer ${auditor}` } })).json()) as {
      status?: string;
    };
    if (claim.status === 'SETTLING') return claimId;
  }
  throw new Error(`bench claim ${claimId} did not reach SETTLING`);
}

function median(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

const CHROMIUM = process.env.FANGPIN_CHROMIUM ?? '/usr/bin/chromium';
const PAGE_ROWS = 25;

export async function benchConsole(opts: { claims?: number; runs?: number; log?: (line: string) => void } = {}): Promise<ConsoleFigures> {
  const n = opts.claims ?? 10_000;
  const runs = opts.runs ?? 7;
  const log = opts.log ?? (() => undefined);
  if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM} (apt-get install -y chromium fonts-wqy-microhei)`);
  await ensureConsoleBuilt(log);
  const prefix = 'bench-inbox-';
  const system = await startEmbedded({ dataDir: null, port: 0, tablePrefix: prefix });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  try {
    const t0 = performance.now();
    await seedReviewQueue(system.dynamoEndpoint, prefix, syntheticQueue(n));
    const seedSeconds = Number(((performance.now() - t0) / 1000).toFixed(1));
    log(`  seeded ${n.toLocaleString('en-US')} claims in PENDING_REVIEW in ${seedSeconds} s (batch writes)`);
    const token = await system.token('reviewer');
    const times: number[] = [];
    let scripts = new Set<string>();
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
      const page = await context.newPage();
      const loaded = new Set<string>();
      page.on('request', (r) => {
        if (r.resourceType() === 'script') loaded.add(new URL(r.url()).pathname.replace(/^\/console\//, ''));
      });
      const start = performance.now();
      await page.goto(`${system.url}/console/inbox#token=${token}`, { waitUntil: 'commit' });
      await page
        .locator('tbody tr[data-row-key]')
        .nth(PAGE_ROWS - 1)
        .waitFor({ state: 'visible', timeout: 30_000 });
      const ms = Math.round(performance.now() - start);
      const rows = await page.locator('tbody tr[data-row-key]').count();
      if (rows < PAGE_ROWS) throw new Error(`inbox showed ${rows} rows, expected ${PAGE_ROWS}`);
      times.push(ms);
      if (i === 0) scripts = loaded;
      await context.close();
    }
    const files = [...scripts];

    await loadDemo(system);
    const claimId = await decidedClaim(system);
    const auditor = await system.token('auditor');
    const caseFileRunsMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
      const page = await context.newPage();
      const start = performance.now();
      await page.goto(`${system.url}/console/claims/${encodeURIComponent(claimId)}#token=${auditor}`, { waitUntil: 'commit' });
      await page.locator('[data-drawn="true"] [data-state="Settling"]').waitFor({ state: 'visible', timeout: 30_000 });
      caseFileRunsMs.push(Math.round(performance.now() - start));
      await context.close();
    }
    const caseFileWarmRunsMs: number[] = [];
    for (let i = 0; i < runs; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
      const page = await context.newPage();
      await page.goto(`${system.url}/console/search#token=${auditor}`);
      await page.locator('#householdId').fill('H-420922-0001');
      await page.locator('#householdId').press('Enter');
      const link = page.locator(`tr[data-row-key="${claimId}"] a`);
      await link.waitFor({ state: 'visible', timeout: 30_000 });
      const start = performance.now();
      await link.click();
      await page.locator('[data-drawn="true"] [data-state="Settling"]').waitFor({ state: 'visible', timeout: 30_000 });
      caseFileWarmRunsMs.push(Math.round(performance.now() - start));
      await context.close();
    }
    return {
      claims: n,
      consoleInboxMs: median(times),
      runsMs: times,
      consoleFirstLoadKB: Math.round(firstLoadGzipBytes(files) / 1024),
      scripts: files.length,
      seedSeconds,
      consoleCaseFileMs: median(caseFileRunsMs),
      caseFileRunsMs,
      consoleCaseFileWarmMs: median(caseFileWarmRunsMs),
      caseFileWarmRunsMs,
    };
  } finally {
    await browser.close();
    await system.stop();
  }
}
