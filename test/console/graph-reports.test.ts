/**
 * The console's execution graph, reports dashboard and search CSV export in a real browser (Debian's Chromium
 * through playwright-core) against the embedded system, as test/console/console.test.ts does for the first slice.
 * One claim's steps are sabotaged on purpose (the system's handler loader is wrapped) so the graph also shows a
 * retried, a caught and a failed state.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Embedded } from '../../embedded/runtime.js';
import { DEMO_HOUSEHOLDS } from '../../embedded/demo.js';
import { ensureConsoleBuilt } from '../../embedded/console-build.js';
import { loadHandler } from '../../embedded/handler-modules.js';
import { TransientError, WorkflowError } from '../../functions/shared/errors.js';
import type { Role } from '../../functions/api/routes.js';
import { STATE } from '../../lib/workflow-names.js';
import { stateRuns } from '../../console/src/graph/outcomes.js';
import { client, startTestSystem } from '../support/server.js';
import { screenshotPath } from '../support/screenshots.js';
import { assertAccessible, consoleContext, launchChromium } from '../support/browser.js';

const BOM = [0xef, 0xbb, 0xbf];

let system: Embedded;
let api: ReturnType<typeof client>;
let browser: Browser;
const contexts: BrowserContext[] = [];
let approved: string; // reviewed and approved: SETTLING
let failed: string; // Intake retried once, Split failed and caught: FAILED

/** While set, the next claim's Intake fails once (transient, retried) and its Split fails for good (caught). */
let sabotage = false;
const intakeFailed = new Set<string>();

const fresh = (n: number) => ({
  ...DEMO_HOUSEHOLDS[1],
  householdId: `H-420902-${String(n).padStart(4, '0')}`,
  verifiedYear: 2024,
  members: [{ personId: `P-${n}` }],
});
let invoice = 0;
async function medicalClaim(n: number, totalCost: number): Promise<string> {
  const body = {
    schemeId: 'xiaogan-2024',
    householdId: `H-420902-${String(n).padStart(4, '0')}`,
    personId: `P-${n}`,
    incidentDate: '2024-05-03',
    product: 'MEDICAL',
    details: { hospitalCode: 'HOSP-02', invoiceNo: `GR-${++invoice}`, totalCost },
  };
  const r = await api.call('POST', '/claims', { role: 'submitter', body });
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  return r.body.claimId as string;
}

async function open(role: Role, path: string, context?: BrowserContext): Promise<Page> {
  const ctx =
    context ??
    (await consoleContext(browser, { viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true }));
  contexts.push(ctx);
  const page = await ctx.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  (page as Page & { errors: string[] }).errors = errors;
  await page.goto(`${system.url}/console/${path}#token=${await api.token(role)}`);
  return page;
}
const errorsOf = (page: Page) => (page as Page & { errors: string[] }).errors;

async function accessible(page: Page, what: string): Promise<void> {
  await assertAccessible(page, what);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: screenshotPath(name), fullPage: true, animations: 'disabled' });
}

const outcomeOf = (page: Page, state: string) => page.locator(`[data-state="${state}"]`).getAttribute('data-outcome');

beforeAll(async () => {
  await ensureConsoleBuilt();
  system = await startTestSystem('graph', {
    loadHandler: async (entry) => {
      const real = await loadHandler(entry);
      if (entry !== 'functions/steps/intake.ts' && entry !== 'functions/steps/split.ts') return real;
      return async (event, context) => {
        const claimId = (event as { claimId?: string }).claimId ?? '';
        if (sabotage && entry === 'functions/steps/intake.ts' && !intakeFailed.has(claimId)) {
          intakeFailed.add(claimId);
          throw new TransientError('injected by the test: once');
        }
        if (sabotage && entry === 'functions/steps/split.ts') throw new WorkflowError('injected by the test: split refused');
        return real(event, context);
      };
    },
  });
  api = client(system);
  const r = await api.call('POST', '/households', { role: 'admin', body: [...DEMO_HOUSEHOLDS, ...[21, 22, 23].map(fresh)] });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  // 35,000.00 yuan pays 23,000.00: above the review threshold, so it waits for a reviewer, who approves.
  approved = await medicalClaim(21, 3_500_000);
  await api.waitForStatus(approved, ['PENDING_REVIEW']);
  expect((await api.review(approved, 'APPROVE', '已核实')).status).toBe(200);
  await api.waitForStatus(approved, ['SETTLING']);
  // 15,000.00 yuan pays 8,000.00, without review: straight to Split, which the sabotage makes fail.
  sabotage = true;
  try {
    failed = await medicalClaim(22, 1_500_000);
    await api.waitForStatus(failed, ['FAILED']);
  } finally {
    sabotage = false;
  }
  // A third claim for the reports and the search: settles without review.
  await api.waitForStatus(await medicalClaim(23, 1_500_000), ['SETTLING']);
  browser = await launchChromium();
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await system?.stop();
});

describe('GET /workflows/claims/definition', () => {
  it('gives auditors and admins every state of the claim workflow and its transitions, and no ARN', async () => {
    const r = await api.call('GET', '/workflows/claims/definition', { role: 'auditor' });
    expect(r.status).toBe(200);
    expect(r.body.definition.startAt).toBe(STATE.intake);
    expect(Object.keys(r.body.definition.states).sort()).toEqual(Object.values(STATE).sort());
    expect(r.body.definition.states[STATE.route].choices.map((c: { condition: string }) => c.condition)).toContain('$.outcome == "REVIEW"');
    expect(r.body.definition.states[STATE.split].catch).toEqual([{ errors: ['States.ALL'], next: STATE.recordFailure }]);
    expect(r.body.definition.states[STATE.review].integration).toBe('lambda:invoke.waitForTaskToken');
    expect(JSON.stringify(r.body)).not.toContain('arn:');
    expect((await api.call('GET', '/workflows/claims/definition', { role: 'admin' })).status).toBe(200);
    expect((await api.call('GET', '/workflows/claims/definition', { role: 'reviewer' })).status).toBe(403);
  });
});

describe('execution graph outcomes (pure)', () => {
  it('tells succeeded, retried, caught, failed, running and not reached apart', () => {
    const g = {
      startAt: 'A',
      states: {
        A: { type: 'Task', next: 'B' },
        B: { type: 'Task', next: 'C', catch: [{ errors: ['States.ALL'], next: 'F' }] },
        C: { type: 'Task', end: true as const },
        F: { type: 'Fail' },
      },
    };
    let id = 0;
    const ev = (type: string, name?: string) => ({
      id: ++id,
      type,
      timestamp: '2024-01-01T00:00:00Z',
      ...(name && type.endsWith('Entered') ? { stateEnteredEventDetails: { name } } : {}),
      ...(name && type.endsWith('Exited') ? { stateExitedEventDetails: { name } } : {}),
    });
    const caught = [
      ev('ExecutionStarted'),
      ev('TaskStateEntered', 'A'),
      ev('LambdaFunctionFailed'),
      ev('LambdaFunctionSucceeded'),
      ev('TaskStateExited', 'A'),
      ev('TaskStateEntered', 'B'),
      ev('LambdaFunctionFailed'),
      ev('FailStateEntered', 'F'),
      ev('ExecutionFailed'),
    ];
    const { runs, path } = stateRuns(g, caught, 'FAILED');
    expect(path).toEqual(['A', 'B', 'F']);
    expect([runs.A?.outcome, runs.A?.retries, runs.B?.outcome, runs.C?.outcome, runs.F?.outcome]).toEqual([
      'succeeded',
      1,
      'caught',
      'notReached',
      'failed',
    ]);
    expect(runs.B?.events.map((e) => e.type)).toEqual(['TaskStateEntered', 'LambdaFunctionFailed']);
    const waiting = stateRuns(g, [ev('ExecutionStarted'), ev('TaskStateEntered', 'A')], 'RUNNING').runs;
    expect(waiting.A?.outcome).toBe('running');
    const died = stateRuns(
      g,
      [ev('ExecutionStarted'), ev('TaskStateEntered', 'A'), ev('LambdaFunctionFailed'), ev('ExecutionFailed')],
      'FAILED',
    ).runs;
    expect(died.A?.outcome).toBe('failed');
  });
});

describe('the execution graph in the case file', () => {
  it('an auditor sees the whole state machine, the path taken, and a state’s events and audit record', async () => {
    // Timed cold: a fresh browser context (nothing cached), from navigation to the graph drawn.
    const context = await consoleContext(browser, { viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
    await api.token('auditor'); // minted before the clock starts
    const t0 = Date.now();
    const page = await open('auditor', `claims/${approved}`, context);
    await page.locator('[data-drawn="true"] [data-state="Settling"]').waitFor();
    const consoleCaseFileMs = Date.now() - t0;
    const slowest = await page.evaluate(() =>
      (globalThis as unknown as { performance: { getEntriesByType(t: string): { name: string; startTime: number; duration: number }[] } }).performance
        .getEntriesByType('resource')
        .map((e) => `${e.name.replace(/^.*\/(?=[^/]+$)/, '')} ${Math.round(e.startTime)}+${Math.round(e.duration)}`),
    );
    console.log(`consoleCaseFileMs=${consoleCaseFileMs} (cold: navigation to the execution graph drawn, claim ${approved}); ${slowest.join(', ')}`);
    // Warm: the same tab opens the case file again (scripts cached, token in the session).
    const t1 = Date.now();
    await page.goto(`${system.url}/console/claims/${approved}`);
    await page.locator('[data-drawn="true"] [data-state="Settling"]').waitFor();
    console.log(`consoleCaseFileMs warm=${Date.now() - t1}`);
    expect(consoleCaseFileMs).toBeLessThan(10_000);

    // Every state is drawn; the path taken is coloured, the rest not reached.
    const drawn = await page
      .locator('[data-state]')
      .evaluateAll((els) => els.map((e) => [e.getAttribute('data-state'), e.getAttribute('data-outcome')]));
    expect(Object.fromEntries(drawn)).toEqual({
      Intake: 'succeeded',
      Eligibility: 'succeeded',
      'Eligible?': 'succeeded',
      Assessment: 'succeeded',
      Route: 'succeeded',
      Review: 'succeeded',
      ReviewDecision: 'succeeded',
      Split: 'succeeded',
      Payout: 'succeeded',
      Settling: 'succeeded',
      ReleaseHold: 'notReached',
      Rejected: 'notReached',
      ClosedNoPayout: 'notReached',
      RecordFailure: 'notReached',
      Failed: 'notReached',
      // The final review (above the first reviewer's limit) and the return for information: not on this claim's path.
      FinalReview: 'notReached',
      FinalReviewDecision: 'notReached',
      ReturnHold: 'notReached',
      AwaitAmendment: 'notReached',
      ExpireReturn: 'notReached',
    });
    // The taken transitions are drawn bold: Intake → … → Settling is 9 of them.
    expect(await page.locator('.react-flow__edge.fp-taken').count()).toBe(9);
    expect(await page.locator('.react-flow__edge').count()).toBeGreaterThan(15);
    expect(await page.getByText('点击流程图中的状态查看详情').count()).toBe(1);

    // Clicking a state shows its events and its audit record.
    await page.locator('[data-state="Review"]').click();
    const detail = page.getByTestId('state-detail');
    await detail.waitFor();
    expect(await page.locator('[data-state="Review"]').getAttribute('aria-pressed')).toBe('true');
    expect(await detail.getByRole('heading').first().textContent()).toBe('状态 Review');
    const types = await detail.getByRole('table', { name: '该状态的事件' }).locator('tbody tr td:nth-child(2)').allTextContents();
    expect(types[0]).toBe('TaskStateEntered');
    expect(types).toContain('TaskSucceeded');
    expect(types.at(-1)).toBe('TaskStateExited');
    // The audit chain arrives on its own (the page does not wait for it): its table appears once it is there.
    await detail.getByRole('table', { name: '该状态的审计记录' }).waitFor();
    const audit = await detail.getByRole('table', { name: '该状态的审计记录' }).locator('tbody tr').allTextContents();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toContain('AWAITING_REVIEW');
    await page.locator('[data-state="ReviewDecision"]').click();
    await detail.getByRole('heading', { name: '状态 ReviewDecision' }).waitFor();
    expect(await detail.getByRole('table', { name: '该状态的审计记录' }).locator('tbody tr').allTextContents()).toEqual([
      expect.stringContaining('APPROVE'),
    ]);
    // A state not reached has no events.
    await page.locator('[data-state="Rejected"]').click();
    await detail.getByText('本次执行未到达该状态').waitFor();
    // The event table is still there.
    const all = await page.getByRole('table', { name: '执行历史' }).locator('tbody tr td:nth-child(2)').allTextContents();
    expect(all[0]).toBe('ExecutionStarted');
    await page.locator('[data-state="Review"]').click();
    await accessible(page, 'case file with the execution graph');
    await page.getByTestId('execution-graph').screenshot({ path: screenshotPath('graph-zh'), animations: 'disabled' });
    expect(errorsOf(page)).toEqual([]);
  });

  it('a failed claim: the retried state, the caught one, and the failure path', async () => {
    const page = await open('admin', `claims/${failed}`);
    await page.locator('[data-drawn="true"] [data-state="Failed"]').waitFor();
    expect(await outcomeOf(page, 'Intake')).toBe('succeeded');
    expect(await page.locator('[data-state="Intake"]').textContent()).toContain('重试 1 次');
    expect(await outcomeOf(page, 'Route')).toBe('succeeded');
    expect(await outcomeOf(page, 'Split')).toBe('caught');
    expect(await outcomeOf(page, 'RecordFailure')).toBe('succeeded');
    expect(await outcomeOf(page, 'Failed')).toBe('failed');
    expect(await outcomeOf(page, 'Review')).toBe('notReached');
    expect(await outcomeOf(page, 'Payout')).toBe('notReached');
    await page.locator('[data-state="Split"]').click();
    const detail = page.getByTestId('state-detail');
    expect(await detail.getByTestId('state-outcome').textContent()).toBe('失败已捕获');
    expect(await detail.getByRole('table', { name: '该状态的事件' }).locator('tbody tr td:nth-child(2)').allTextContents()).toContain(
      'LambdaFunctionFailed',
    );
    await page.locator('[data-state="RecordFailure"]').click();
    await detail.getByRole('table', { name: '该状态的审计记录' }).waitFor();
    expect(await detail.getByRole('table', { name: '该状态的审计记录' }).locator('tbody tr').allTextContents()).toEqual([
      expect.stringContaining('FAILED'),
    ]);
    await accessible(page, 'failed claim graph');
    await page.getByTestId('execution-graph').screenshot({ path: screenshotPath('graph-failed-zh'), animations: 'disabled' });
  });
});

describe('reports dashboard', () => {
  it('draws the summary of a scheme and year as charts and tables, and downloads its CSV with a BOM', async () => {
    const summary = (await api.call('GET', '/reports/summary?schemeId=xiaogan-2024&year=2024', { role: 'auditor' })).body;
    expect(summary.claims.count).toBeGreaterThanOrEqual(3);
    const page = await open('auditor', 'reports?schemeId=xiaogan-2024&year=2024');
    await page.getByTestId('report').waitFor();
    // ECharts drew SVG: a count bar (blue) per product and per county, a sector label per status.
    await page.locator('[data-testid="chart-status"] svg text').first().waitFor({ state: 'attached' });
    // (+1: the legend's symbol for the count series)
    expect(await page.locator('[data-testid="chart-product"] svg path[fill="#0b5cad"]').count()).toBe(Object.keys(summary.byProduct).length + 1);
    expect(await page.locator('[data-testid="chart-county"] svg path[fill="#0b5cad"]').count()).toBe(Object.keys(summary.byCounty).length + 1);
    const labels = await page.locator('[data-testid="chart-status"] svg text').allTextContents();
    expect(labels).toContain(`结算中: ${summary.claims.byStatus.SETTLING}`);
    expect(labels).toContain(`处理失败: ${summary.claims.byStatus.FAILED}`);
    const medical = await page
      .getByRole('table', { name: '按险种' })
      .locator('tbody tr')
      .filter({ hasText: '医疗救助' })
      .locator('td')
      .allTextContents();
    expect(medical).toEqual([
      '医疗救助',
      String(summary.byProduct.MEDICAL.count),
      summary.byProduct.MEDICAL.payout === 0 ? '0.00' : expect.stringMatching(/^\d{1,3}(,\d{3})*\.\d{2}$/),
    ]);
    expect(
      await page.getByRole('table', { name: '按状态' }).locator('tbody tr').filter({ hasText: '处理失败' }).locator('td').nth(1).textContent(),
    ).toBe(String(summary.claims.byStatus.FAILED));
    expect(await page.getByTestId('risk-reserve').textContent()).toMatch(/^\d{1,3}(,\d{3})*\.\d{2}$/);
    expect(await page.getByTestId('corridor').textContent()).toContain('该方案未设风险调节机制');
    await accessible(page, 'reports');
    await shot(page, 'reports-zh');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载 CSV' }).click()]);
    expect(download.suggestedFilename()).toBe('xiaogan-2024-2024-summary.csv');
    const bytes = readFileSync((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual(BOM);
    const text = bytes.subarray(3).toString('utf8');
    expect(text.split('\n')[0]).toBe('分类,项目,件数,金额（分）或数值'); // column names in the console's language
    expect(text).toContain(`product,MEDICAL,${summary.byProduct.MEDICAL.count},`);
    expect(errorsOf(page)).toEqual([]);
  });

  it('shows the Lishui risk corridor', async () => {
    const page = await open('admin', 'reports?schemeId=lishui-2017&year=2024');
    await page.getByTestId('report').waitFor();
    await page.locator('[data-testid="chart-corridor"] svg path').first().waitFor({ state: 'attached' });
    expect(await page.locator('[data-testid="chart-corridor"] svg path[fill="#0b5cad"]').count()).toBe(1); // the loss ratio's bar
    const corridor = (await api.call('GET', '/reports/summary?schemeId=lishui-2017&year=2024', { role: 'admin' })).body.riskCorridor;
    expect(corridor).not.toBeNull();
    const text = await page.getByTestId('corridor').textContent();
    expect(text).toContain(`${corridor.lowerLossRatioBp / 100}% – ${corridor.upperLossRatioBp / 100}%`);
    // The corridor's bounds are marked on the chart.
    const marks = await page.locator('[data-testid="chart-corridor"] svg text').allTextContents();
    expect(marks).toEqual(expect.arrayContaining([`${corridor.lowerLossRatioBp / 100}%`, `${corridor.upperLossRatioBp / 100}%`]));
  });

  it('is not offered to reviewers', async () => {
    const page = await open('reviewer', 'reports');
    await page.getByText('只有审计员和管理员可查看统计报表').waitFor();
    expect(await page.getByRole('link', { name: '统计报表' }).count()).toBe(0);
  });
});

describe('search CSV export', () => {
  it('fetches every page with the cursor and downloads the rows as UTF-8 with a BOM', async () => {
    const page = await open('auditor', 'search');
    // Pages of 2 instead of 100, so the export has to follow the cursor.
    const pages: string[] = [];
    await page.route(/\/claims\?/, (route) => {
      const url = new URL(route.request().url());
      if (url.searchParams.get('limit') === '100') {
        url.searchParams.set('limit', '2');
        pages.push(url.search);
        return route.continue({ url: url.toString() });
      }
      return route.continue();
    });
    await page.getByRole('combobox', { name: '状态' }).click();
    await page.locator('.ant-select-item-option[title="结算中"]').click();
    await page.getByRole('button', { name: '查询' }).click();
    await page.locator(`tr[data-row-key="${approved}"]`).waitFor();
    const shown = (await page.locator('tr[data-row-key]').evaluateAll((els) => els.map((e) => e.getAttribute('data-row-key')))).sort();
    expect(shown.length).toBeGreaterThanOrEqual(2);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 CSV' }).click()]);
    await page.getByTestId('csv-progress').getByText(`已导出 ${shown.length} 条`).waitFor();
    expect(pages.length).toBeGreaterThanOrEqual(Math.max(2, Math.ceil(shown.length / 2)));
    const bytes = readFileSync((await download.path())!);
    expect([...bytes.subarray(0, 3)]).toEqual(BOM);
    const lines = bytes.subarray(3).toString('utf8').trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'claimId,status,schemeId,product,householdId,personId,incidentDate,payout_fen,payout_yuan,reasonCode,createdAt,decidedAt,paidAt',
    );
    expect(
      lines
        .slice(1)
        .map((l) => l.split(',')[0])
        .sort(),
    ).toEqual(shown);
    const row = lines.find((l) => l.startsWith(`${approved},`))!;
    expect(row).toContain(',SETTLING,xiaogan-2024,MEDICAL,H-420902-0021,P-21,2024-05-03,2300000,"23,000.00",');
    expect(bytes.includes(Buffer.from('42090219'))).toBe(false); // no identity number (the API gives none)
    await accessible(page, 'search with export');
    expect(errorsOf(page)).toEqual([]);
  });
});
