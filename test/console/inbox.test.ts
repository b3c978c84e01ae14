/**
 * The reviewer inbox's filters, sort and due column in Chromium (as test/console/console.test.ts drives it),
 * over a queue seeded straight into the store: filter by county and payout range (元), sort by amount, the
 * due column coloured by the server's level; axe clean; screenshot docs/console/inbox-filters-zh.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Embedded } from '../../embedded/runtime.js';
import { ensureConsoleBuilt } from '../../embedded/console-build.js';
import { paymentDue } from '../../core/calendar.js';
import { schemes } from '../../functions/shared/catalogue.js';
import { seedReviewQueue, type QueueClaim } from '../../embedded/seed/review-queue.js';
import { client, startTestSystem } from '../support/server.js';
import { screenshotPath } from '../support/screenshots.js';
import { assertAccessible, consoleContext, launchChromium } from '../support/browser.js';

const PREFIX = 'inboxui';
const DAY = 86_400_000;
const COL = { claimId: 0, scheme: 1, county: 4, payout: 6, due: 8 };

let system: Embedded;
let api: ReturnType<typeof client>;
let browser: Browser;
const contexts: BrowserContext[] = [];
let queue: QueueClaim[];
const holidays = schemes().get('xiaogan-2024')!.holidays;

/** Fen → the console's 元 text, computed here independently (BigInt, thousands separators). */
const yuan = (fen: number) => `${(BigInt(fen) / 100n).toLocaleString('en-US')}.${String(fen % 100).padStart(2, '0')}`;

async function open(path: string): Promise<Page> {
  const context = await consoleContext(browser, { viewport: { width: 1600, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  contexts.push(context);
  const page = await context.newPage();
  await page.goto(`${system.url}/console/${path}#token=${await api.token('reviewer')}`);
  return page;
}

const rows = (page: Page) => page.locator('tbody tr[data-row-key]');
async function column(page: Page, n: number): Promise<string[]> {
  return rows(page)
    .locator(`td:nth-child(${n + 1})`)
    .allTextContents();
}

async function accessible(page: Page, what: string): Promise<void> {
  await assertAccessible(page, what);
}

beforeAll(async () => {
  await ensureConsoleBuilt();
  system = await startTestSystem(PREFIX);
  api = client(system);
  const now = Date.now();
  // A claim 1..7 days old whose days left are 1 or 2 (orange) on today's calendar.
  const nearAge = [1, 2, 3, 4, 5, 6, 7].find(
    (d) => paymentDue(new Date(now - d * DAY).toISOString(), new Date(now).toISOString(), holidays).level === 'NEAR',
  )!;
  const counties = ['420921', '420922', '420923'];
  queue = Array.from({ length: 30 }, (_, i) => ({
    claimId: `C-UI${String(i).padStart(3, '0')}`,
    schemeId: 'xiaogan-2024' as const,
    product: 'MEDICAL' as const,
    county: counties[i % 3]!,
    payout: 2_000_000 + ((i * 7919) % 30) * 100_037, // distinct amounts, 20,000.00 .. ~49,000 元
    // three ages, mixed across the counties: today (green), a NEAR age (orange), 20 days (red)
    createdAt: new Date(now - [0, nearAge, 20][Math.floor(i / 3) % 3]! * DAY - i * 60_000).toISOString(),
    reasons: ['ABOVE_THRESHOLD'],
  }));
  await seedReviewQueue(system.dynamoEndpoint, `${PREFIX}-`, queue);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await system?.stop();
});

describe('reviewer inbox: filters, sort, due', () => {
  it('filters by county and payout range in 元, then sorts by amount, largest first', async () => {
    const page = await open('inbox');
    await rows(page).first().waitFor();
    await page.getByRole('textbox', { name: '区县代码' }).fill('420922');
    await page.getByRole('textbox', { name: '赔付不低于（元）' }).fill('25,000');
    await page.getByRole('textbox', { name: '赔付不高于（元）' }).fill('40000.5');
    await page
      .getByRole('button', { name: '筛 选' })
      .or(page.getByRole('button', { name: '筛选', exact: true }))
      .click();
    const wanted = queue.filter((c) => c.county === '420922' && c.payout >= 2_500_000 && c.payout <= 4_000_050);
    expect(wanted.length).toBeGreaterThan(2);
    expect(wanted.length).toBeLessThan(queue.filter((c) => c.county === '420922').length);
    await expect.poll(async () => (await column(page, COL.claimId)).sort(), { timeout: 15_000 }).toEqual(wanted.map((c) => c.claimId).sort());
    expect(new Set(await column(page, COL.county))).toEqual(new Set(['420922']));
    // Oldest first by default.
    expect(await column(page, COL.claimId)).toEqual([...wanted].sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map((c) => c.claimId));

    await page.locator('label', { hasText: '排序' }).locator('.ant-select').click();
    await page.locator('.ant-select-item-option[title="金额从高到低"]').click();
    const byAmount = [...wanted].sort((a, b) => b.payout - a.payout);
    await expect.poll(() => column(page, COL.claimId), { timeout: 15_000 }).toEqual(byAmount.map((c) => c.claimId));
    expect(await column(page, COL.payout)).toEqual(byAmount.map((c) => yuan(c.payout)));
    // Approve/Reject stay on each row.
    expect(await page.getByRole('button', { name: '批准', exact: true }).count()).toBe(wanted.length);
    expect(await page.getByRole('button', { name: '驳回', exact: true }).count()).toBe(wanted.length);
    await accessible(page, 'inbox with filters (zh)');
    await page.screenshot({ path: screenshotPath('inbox-filters-zh'), fullPage: true, animations: 'disabled' });

    // A bad amount is refused in the page, before any request.
    await page.getByRole('textbox', { name: '赔付不低于（元）' }).fill('12.345');
    await page
      .getByRole('button', { name: '筛 选' })
      .or(page.getByRole('button', { name: '筛选', exact: true }))
      .click();
    await page.getByText('金额须为元，最多两位小数').waitFor();
  });

  it('colours the due column green, orange and red by the working days left', async () => {
    const page = await open('inbox');
    await rows(page).first().waitFor();
    await expect.poll(() => rows(page).count(), { timeout: 15_000 }).toBe(25); // a page
    await page.getByRole('button', { name: '加载更多' }).click();
    await expect.poll(() => rows(page).count(), { timeout: 15_000 }).toBe(queue.length);
    const now = new Date().toISOString();
    const colours = { OK: 'rgb(19, 82, 0)', NEAR: 'rgb(135, 56, 0)', DUE: 'rgb(168, 7, 26)' };
    const seen = new Set<string>();
    for (const c of queue) {
      const cell = page.locator(`tr[data-row-key="${c.claimId}"] [data-due-level]`);
      const due = paymentDue(c.createdAt, now, holidays);
      expect(await cell.getAttribute('data-due-level'), c.claimId).toBe(due.level);
      expect(
        await cell.evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(el).color),
      ).toBe(colours[due.level]);
      const text = await cell.textContent();
      expect(text).toBe(
        due.workingDaysLeft > 0
          ? `剩 ${due.workingDaysLeft} 个工作日`
          : due.workingDaysLeft === 0
            ? '今日到期'
            : `已超时 ${-due.workingDaysLeft} 个工作日`,
      );
      seen.add(due.level);
    }
    expect([...seen].sort()).toEqual(['DUE', 'NEAR', 'OK']);
    // The pointer rests on a row after "load more", whose hover shade is a transient state; axe reads the rows at rest.
    await page.mouse.move(0, 0);
    await accessible(page, 'inbox due column');
  });

  it('in English the due column and the sort speak English', async () => {
    const page = await open('inbox?lang=en');
    await rows(page).first().waitFor();
    expect(await page.getByText('Target (5 working days)').count()).toBe(1);
    expect(await page.locator('[data-due-level="DUE"]').first().textContent()).toMatch(/^Overdue by \d+ working days$/);
    expect(await page.getByRole('button', { name: 'Approve', exact: true }).count()).toBeGreaterThan(0);
  });
});
