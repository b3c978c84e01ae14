/**
 * The reviewer inbox in a real browser over a large queue: 10,000 claims in PENDING_REVIEW written straight
 * into an embedded server's store (bench/review-queue.ts), then Chromium (playwright-core, /usr/bin/chromium or
 * FANGPIN_CHROMIUM) opens /console/inbox with a reviewer token in a fresh context (empty cache) each run.
 * consoleInboxMs: from navigation to the first page of rows (25) visible, median of the runs.
 * consoleFirstLoadKB: the gzipped JS the browser loaded before that first screen.
 * Runs alone with `npm run bench -- --only console`.
 */
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startEmbedded } from '../embedded/runtime.js';
import { ensureConsoleBuilt, firstLoadGzipBytes } from '../embedded/console-build.js';
import { seedReviewQueue, syntheticQueue } from './review-queue.js';

export interface ConsoleFigures {
  readonly claims: number;
  readonly consoleInboxMs: number;
  readonly runsMs: readonly number[];
  readonly consoleFirstLoadKB: number;
  readonly scripts: number;
  readonly seedSeconds: number;
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
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
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
      await page.locator('tbody tr[data-row-key]').nth(PAGE_ROWS - 1).waitFor({ state: 'visible', timeout: 30_000 });
      const ms = Math.round(performance.now() - start);
      const rows = await page.locator('tbody tr[data-row-key]').count();
      if (rows < PAGE_ROWS) throw new Error(`inbox showed ${rows} rows, expected ${PAGE_ROWS}`);
      times.push(ms);
      if (i === 0) scripts = loaded;
      await context.close();
    }
    const sorted = [...times].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    const files = [...scripts];
    return { claims: n, consoleInboxMs: median, runsMs: times, consoleFirstLoadKB: Math.round(firstLoadGzipBytes(files) / 1024), scripts: files.length, seedSeconds };
  } finally {
    await browser.close();
    await system.stop();
  }
}
