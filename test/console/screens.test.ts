/**
 * Issue 15's console screens in a real browser (Debian's Chromium driven by playwright-core) against the embedded
 * system: the settlements desk, index events, monitoring, the registry with its file import, the household's chain
 * and the attention list. Each screen is checked with axe (no serious or critical violation) and photographed
 * into docs/console/. One system and one browser for the file.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Embedded } from '../../embedded/runtime.js';
import { DEMO_HOUSEHOLDS } from '../../embedded/demo.js';
import { ensureConsoleBuilt } from '../../embedded/console-build.js';
import type { Role } from '../../functions/api/routes.js';
import { client, startTestSystem } from '../support/server.js';
import { tokenOf } from '../e2e/scenarios/core.js';
import { screenshotPath } from '../support/screenshots.js';
import { assertAccessible, consoleContext, launchChromium } from '../support/browser.js';

type InPage = { sessionStorage: { getItem(k: string): string | null } };

let system: Embedded;
let api: ReturnType<typeof client>;
let browser: Browser;
const contexts: BrowserContext[] = [];

// Monitoring: 1,000 yuan a month; two months of 600 yuan self-pay (below the 5,000-yuan deductible, so closed
// with no payout) are each above half of it: a HEALTH warning once monitoring runs.
const HEALTH_H = 'H-MON-0101';
const healthRow = {
  householdId: HEALTH_H,
  schemeId: 'xiaogan-2024',
  county: '420902',
  category: 'LIFTED_OUT',
  verifiedYear: 2024,
  monthlyIncome: 100_000,
  exitedOn: null,
  members: [{ personId: 'P-M1', name: '测试', idNumber: '420902199001019999' }],
  enrollment: { products: ['MEDICAL'], start: '2024-01-01', end: '2024-12-31' },
};
// A verified household in 420902 whose 35,000-yuan bill pays 23,000 yuan: over the review threshold.
const REVIEW_H = { ...DEMO_HOUSEHOLDS[1], householdId: 'H-420902-0901', verifiedYear: 2024, members: [{ personId: 'P-901' }] };

async function submit(body: unknown): Promise<string> {
  const r = await api.call('POST', '/claims', { role: 'submitter', body });
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  return r.body.claimId as string;
}

async function open(role: Role | null, path: string, insurerId?: string): Promise<Page> {
  const context = await consoleContext(browser, { viewport: { width: 1280, height: 800 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' });
  contexts.push(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  (page as Page & { errors: string[] }).errors = errors;
  const token = role ? await api.token(role, insurerId) : null;
  await page.goto(`${system.url}/console/${path}${token ? `#token=${token}` : ''}`);
  return page;
}

async function accessible(page: Page, what: string): Promise<void> {
  await assertAccessible(page, what);
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: screenshotPath(name), fullPage: true, animations: 'disabled' });
}

/** The status of an API call made from the page with its own session's token. */
function fromPage(page: Page, method: string, path: string, body?: unknown): Promise<number> {
  return page.evaluate(
    async ([m, p, b]) => {
      const token = (globalThis as unknown as InPage).sessionStorage.getItem('fangpin.token');
      const res = await fetch(p as string, {
        method: m as string,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: b === undefined ? undefined : JSON.stringify(b),
      });
      return res.status;
    },
    [method, path, body] as const,
  );
}

const menuLink = (page: Page, name: string) => page.getByRole('navigation').getByRole('link', { name, exact: true });
const row = (page: Page, key: string) => page.locator(`tr[data-row-key="${key}"]`);

beforeAll(async () => {
  await ensureConsoleBuilt();
  system = await startTestSystem('screens');
  api = client(system);
  // The income arrives with a later import (after the claims below): with it known, the second claim's decision
  // would open the warning itself; arriving after, it is the run the monitoring screen starts that opens it.
  const { monthlyIncome: _later, ...healthWithoutIncome } = healthRow;
  const r = await api.call('POST', '/households', { role: 'admin', body: [...DEMO_HOUSEHOLDS, healthWithoutIncome, REVIEW_H] });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  const medical = (incidentDate: string, invoiceNo: string) => ({
    schemeId: 'xiaogan-2024',
    product: 'MEDICAL',
    householdId: HEALTH_H,
    personId: 'P-M1',
    incidentDate,
    details: { hospitalCode: 'HOSP-MON', invoiceNo, totalCost: 60_000, payee: 'HOSPITAL' },
  });
  for (const id of [await submit(medical('2024-05-20', 'SCR-MON-1')), await submit(medical('2024-06-02', 'SCR-MON-2'))])
    await api.waitForStatus(id, ['CLOSED_NO_PAYOUT']);
  expect((await api.call('POST', '/households', { role: 'admin', body: [healthRow] })).status).toBe(200);
  browser = await launchChromium();
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await system?.stop();
});

describe('settlements desk', () => {
  it('an insurer sees its own settlements, confirms one with paid-at and reference, and the claim is PAID', async () => {
    // Lishui MEDICAL has one underwriter: 1,000 yuan at 90% pays 900 yuan, all of it LS-MED-INSURER's.
    const claimId = await submit({
      schemeId: 'lishui-2017',
      product: 'MEDICAL',
      householdId: 'H-331102-0003',
      personId: 'P-4',
      incidentDate: '2024-06-01',
      details: { hospitalCode: 'LS-H', invoiceNo: 'SCR-LS-1', totalCost: 100_000 },
    });
    const claim = (await api.waitForStatus(claimId, ['SETTLING'])).body;
    expect(claim.settlements).toHaveLength(1);
    const s = claim.settlements[0] as { settlementId: string; insurerId: string; amount: number };
    expect(s).toMatchObject({ insurerId: 'LS-MED-INSURER', amount: 90_000 });

    const page = await open('insurer', '', 'LS-MED-INSURER');
    await page.getByRole('heading', { name: '结算工作台', level: 1 }).waitFor();
    await row(page, s.settlementId).waitFor();
    const cells = await row(page, s.settlementId).locator('td').allTextContents();
    expect(cells).toContain('900.00');
    expect(cells).toContain('待确认');
    expect(cells).toContain(claimId); // shown, not linked: an insurer may not read claims
    expect(await row(page, s.settlementId).getByRole('link').count()).toBe(0);
    // Only the desk in the menu; the webhook deliveries are not the insurer's to read, and the page says so.
    expect(await menuLink(page, '结算').count()).toBe(1);
    expect(await page.getByRole('navigation').getByRole('link').count()).toBe(1);
    await page.getByText('接口不允许承保公司读取').waitFor();
    await accessible(page, 'settlements desk (insurer)');

    await row(page, s.settlementId).getByRole('button', { name: '确认支付' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox', { name: '支付时间' }).fill('2024-06-05 10:00');
    await dialog.getByRole('button', { name: '确认', exact: true }).click();
    await dialog.getByText('请填写带时区的 ISO-8601 时间').waitFor();
    await dialog.getByText('请填写支付凭证号').waitFor();
    await accessible(page, 'confirm dialog');
    expect((await api.call('GET', `/settlements?claimId=${claimId}`, { role: 'auditor' })).body.items[0].status).toBe('PENDING');
    await dialog.getByRole('textbox', { name: '支付时间' }).fill('2024-06-05T10:00:00+08:00');
    await dialog.getByRole('textbox', { name: '支付凭证号' }).fill('LS-PAY-0001');
    await dialog.getByRole('button', { name: '确认', exact: true }).click();
    await row(page, s.settlementId).getByText('已确认').waitFor();
    expect(await row(page, s.settlementId).locator('td').allTextContents()).toContain('LS-PAY-0001');
    await shot(page, 'desk-zh');

    const paid = (await api.waitForStatus(claimId, ['PAID'])).body;
    expect(paid.paidAt).toBe('2024-06-05T10:00:00+08:00');
    // The claim shows PAID in its case file.
    const auditor = await open('auditor', `claims/${claimId}`);
    await expect.poll(() => auditor.getByTestId('claim-status').textContent()).toBe('已赔付');
    // The insurer may not read the claim itself: the API refuses.
    expect(await fromPage(page, 'GET', `/claims/${claimId}`)).toBe(403);
    expect((page as Page & { errors: string[] }).errors).toEqual([]);
  });

  it('an admin reads every settlement and the webhook deliveries (read only: no confirm button)', async () => {
    const page = await open('admin', 'settlements');
    await page.getByRole('heading', { name: '结算工作台', level: 1 }).waitFor();
    await page.locator('tr[data-row-key^="S-"]').first().waitFor();
    expect(await page.getByRole('button', { name: '确认支付' }).count()).toBe(0);
    await page.getByRole('table', { name: '结算通知推送（Webhook）' }).waitFor();
  });
});

describe('index events', () => {
  it('an admin posts a weather observation (the form validates as the API does) and watches it reach CREATED', async () => {
    const page = await open('admin', 'index-events');
    await page.getByRole('heading', { name: '指数事件', level: 1 }).waitFor();
    await page.getByText('还没有指数事件').waitFor();
    await page.getByRole('textbox', { name: '县（区）代码' }).fill('42092');
    await page.getByRole('textbox', { name: '观测起始日' }).fill('2024-07-03');
    await page.getByRole('textbox', { name: '观测截止日' }).fill('2024-07-01');
    await page.getByRole('textbox', { name: '降雨量（毫米，整数）' }).fill('26.5');
    await page.getByRole('button', { name: '提交观测' }).click();
    await page.getByText('请填写 6 位县（区）代码').waitFor();
    await page.getByText('截止日不能早于起始日').waitFor();
    await page.getByText('请填写 0–100000 的整数毫米数').waitFor();
    await accessible(page, 'index events with the form');
    await shot(page, 'index-events-zh');
    expect((await api.call('GET', '/index-events', { role: 'auditor' })).body.items).toEqual([]); // nothing was posted

    // Only Xiaogan insures a weather index (Lishui has none): it is the form's first choice.
    expect(await page.locator('.ant-select', { has: page.getByRole('combobox', { name: '方案' }) }).textContent()).toBe('xiaogan-2024');
    await page.getByRole('textbox', { name: '县（区）代码' }).fill('420922');
    await page.getByRole('textbox', { name: '观测起始日' }).fill('2024-07-01');
    await page.getByRole('textbox', { name: '观测截止日' }).fill('2024-07-03');
    await page.getByRole('textbox', { name: '降雨量（毫米，整数）' }).fill('260');
    await page.getByRole('button', { name: '提交观测' }).click();
    await page.getByRole('heading', { name: /^指数事件 IX-/, level: 1 }).waitFor();
    await page.getByTestId('ix-status').getByText('已立案').waitFor();
    await page.getByTestId('ix-status').getByText('全部完成').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('ix-created').textContent()).toBe('1');
    expect(await page.getByTestId('ix-decided').textContent()).toBe('1');
    const claims = page.getByRole('table', { name: '本事件的理赔' });
    expect(await claims.locator('tbody tr td:nth-child(2)').allTextContents()).toEqual(['H-420922-0001']);
    await page.getByRole('table', { name: '登记册分片' }).waitFor();
    await accessible(page, 'index event');
    await shot(page, 'index-event-zh');

    const link = claims.getByRole('link').first();
    const claimId = (await link.textContent()) ?? '';
    expect(claimId).toMatch(/^C-IX-/);
    await link.click();
    await page.getByTestId('payout').waitFor();
    expect(await page.getByTestId('payout').textContent()).toBe('7,200.00'); // 12 mu × 600 yuan
    expect(page.url()).toContain(`/console/claims/${claimId}`);
  });
});

describe('monitoring', () => {
  it('an admin runs monitoring and sees the warning; a reviewer closes it with a note; the household chain records it', async () => {
    const admin = await open('admin', 'monitoring');
    await admin.getByRole('heading', { name: '防返贫监测预警', level: 1 }).waitFor();
    await admin.getByText('没有未关闭的预警').waitFor();
    await admin.getByRole('button', { name: '运行监测' }).click();
    const key = `${HEALTH_H}/HEALTH-2024-05`;
    await row(admin, key).waitFor();
    const cells = await row(admin, key).locator('td').allTextContents();
    expect(cells).toContain('健康（因病）');
    expect(cells).toContain('中');
    expect(cells).toContain('420902');
    expect(cells).toContain('电话核实');
    expect(cells.join(' ')).toContain('月收入 1,000.00 元；2024-05 自付 600.00 元；2024-06 自付 600.00 元');
    await accessible(admin, 'monitoring (admin)');
    await shot(admin, 'monitoring-zh');

    const reviewer = await open('reviewer', 'monitoring');
    await row(reviewer, key).waitFor();
    expect(await reviewer.getByRole('button', { name: '运行监测' }).count()).toBe(0); // admin only
    expect(await row(reviewer, key).getByRole('link').count()).toBe(0); // the registry is not the reviewer's
    await row(reviewer, key).getByRole('button', { name: '关闭预警' }).click();
    const dialog = reviewer.getByRole('dialog');
    await dialog.getByRole('button', { name: '确认关闭' }).click();
    await dialog.getByText('关闭预警必须填写跟进情况').waitFor();
    expect((await api.call('GET', '/monitoring/warnings', { role: 'auditor' })).body.count).toBe(1);
    await dialog.getByRole('textbox').fill('电话核实：已纳入医疗救助');
    await dialog.getByRole('button', { name: '确认关闭' }).click();
    await row(reviewer, key).waitFor({ state: 'detached' });
    const h = (await api.call('GET', `/households/${HEALTH_H}`, { role: 'auditor' })).body;
    expect(h.openWarnings).toEqual([]);
    expect(h.closedWarnings[0]).toMatchObject({ warningId: 'HEALTH-2024-05', note: '电话核实：已纳入医疗救助', closedBy: 'reviewer:reviewer-local' });

    // The admin's link to the household's audit chain.
    await admin.reload();
    await admin.getByText('没有未关闭的预警').waitFor();
    await admin.goto(`${system.url}/console/households/${HEALTH_H}`);
    await admin.getByTestId('household-audit-badge').waitFor();
    expect(await admin.getByTestId('household-audit-badge').textContent()).toBe('已验证');
    const steps = await admin.getByRole('table', { name: '本户审计链' }).locator('tbody tr td:nth-child(2)').allTextContents();
    // Two registry changes: the household, then its income (imported after its claims, so that the run, not a
    // decision, opens the warning: decisions open warnings themselves since monitoring became incremental).
    expect(steps).toEqual(['RegistryChange', 'RegistryChange', 'WarningOpened', 'WarningClosed']);
    expect(await admin.getByRole('table', { name: '已关闭预警' }).getByText('电话核实：已纳入医疗救助').count()).toBe(1);
    expect(await admin.content()).not.toContain('420902199001019999'); // identity numbers masked only
    await accessible(admin, 'household');
    await shot(admin, 'household-zh');
  });
});

describe('registry', () => {
  const header =
    'householdId,schemeId,county,category,verifiedYear,monthlyIncome,previousMonthlyIncome,exitedOn,products,start,end,area_mu,quantity_kg,personId,name,idNumber,birthDate';
  const csv = [
    header,
    'H-REG-0001,xiaogan-2024,420922,LIFTED_OUT,2024,250000,,,MEDICAL|INDUSTRY,2024-01-01,2024-12-31,8.5,,P-R1,"赵,六",420922199001011234,1990-01-01',
    'H-REG-0001,,,,,,,,,,,,,P-R2,赵小六,,2015-03-01',
    'H-REG-0002,xiaogan-2024,42A922,LIFTED_OUT,2024,,,,MEDICAL,2024-01-01,2024-12-31,,,P-R3,,,',
    'H-REG-0003,xiaogan-2024,420922,LIFTED_OUT,2024,,,,MEDICAL,2024-01-01,2024-12-31,,,P-R4,,,',
    'H-REG-0003,,,,,,,,,,,,,P-R5,,42092219900101123,',
  ].join('\r\n');

  it('an admin imports a CSV file: the good household is stored, the report names each bad line and field', async () => {
    const page = await open('admin', 'registry');
    await page.getByRole('heading', { name: '建档立卡登记', level: 1 }).waitFor();
    await row(page, 'H-420922-0001').waitFor();
    // Masked as the API gives it.
    expect(await row(page, 'H-420922-0001').textContent()).toContain('4209**********1234');
    expect(await page.content()).not.toContain('420922199001011234');
    await page.setInputFiles('#registry-file', { name: 'registry.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    const report = page.getByTestId('import-report');
    await report.waitFor();
    expect(await report.getByRole('alert').first().textContent()).toContain('新增 1 户，更新 0 户，2 户有错误未导入');
    const lines = await report
      .getByRole('table', { name: '错误明细' })
      .locator('tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    expect(lines).toEqual([
      // The API's field messages, in the console's language.
      ['第 4 行', 'H-REG-0002', 'county', '应为 6 位县级行政区划代码'],
      ['第 6 行', 'H-REG-0003', 'idNumber', '应为 18 位身份证号码'],
    ]);
    await accessible(page, 'registry with an import report');
    await shot(page, 'registry-zh');
    const stored = (await api.call('GET', '/households/H-REG-0001', { role: 'auditor' })).body;
    expect(stored.members.map((m: { personId: string; name?: string }) => [m.personId, m.name])).toEqual([
      ['P-R1', '赵,六'],
      ['P-R2', '赵小六'],
    ]);
    expect(stored.enrollment.insured).toEqual({ area_mu: 8.5 });
    for (const id of ['H-REG-0002', 'H-REG-0003']) expect((await api.call('GET', `/households/${id}`, { role: 'auditor' })).status).toBe(404);
  });

  it('a JSON file with no valid entry changes nothing and names the entry and field', async () => {
    const page = await open('admin', 'registry');
    await page.locator('#registry-file').waitFor();
    const bad = [{ ...healthRow, householdId: 'H-REG-0009', verifiedYear: 'last year' }];
    await page.setInputFiles('#registry-file', { name: 'registry.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
    const report = page.getByTestId('import-report');
    await report.waitFor();
    expect(await report.getByRole('alert').first().textContent()).toContain('没有可导入的行');
    const cells = await report.getByRole('table', { name: '错误明细' }).locator('tbody tr td').allTextContents();
    expect(cells.slice(0, 3)).toEqual(['第 1 条', 'H-REG-0009', 'verifiedYear']);
    expect((await api.call('GET', '/households/H-REG-0009', { role: 'auditor' })).status).toBe(404);
  });
});

describe('attention', () => {
  it('lists a FAILED claim with a link to its case file', async () => {
    const id = await submit({
      schemeId: 'xiaogan-2024',
      product: 'MEDICAL',
      householdId: REVIEW_H.householdId,
      personId: 'P-901',
      incidentDate: '2024-05-03',
      details: { hospitalCode: 'HOSP-02', invoiceNo: 'SCR-FAIL-1', totalCost: 3_500_000 },
    });
    await api.waitForStatus(id, ['PENDING_REVIEW']);
    // The review task fails (what a 30-day timeout does): the claim is FAILED.
    await system.sfn.sendTaskFailure(await tokenOf(id), 'ReviewerUnavailable', 'nobody reviewed it');
    await api.waitForStatus(id, ['FAILED']);

    const page = await open('auditor', 'attention');
    await page.getByRole('heading', { name: '需要人工处理的事项', level: 1 }).waitFor();
    const item = row(page, `CLAIM_FAILED:${id}`);
    await item.waitFor();
    expect(await item.locator('td').first().textContent()).toBe('处理失败');
    expect(await item.textContent()).toContain('ReviewerUnavailable');
    expect(await page.getByTestId('att-count-CLAIM_FAILED').textContent()).toContain('1');
    await accessible(page, 'attention');
    await shot(page, 'attention-zh');
    await item.getByRole('link', { name: id }).click();
    await page.getByTestId('claim-status').waitFor();
    expect(await page.getByTestId('claim-status').textContent()).toBe('处理失败');
  });
});

describe('roles', () => {
  it('a role sees only the screens it may use, and the API refuses the rest (403)', async () => {
    const reviewer = await open('reviewer', 'attention');
    await reviewer.getByText('当前角色无权查看此页面。').waitFor();
    expect(await menuLink(reviewer, '监测预警').count()).toBe(1);
    for (const name of ['结算', '指数事件', '建档立卡', '待处理事项']) expect(await menuLink(reviewer, name).count(), name).toBe(0);
    expect(await fromPage(reviewer, 'GET', '/ops/attention')).toBe(403);
    expect(await fromPage(reviewer, 'GET', '/households')).toBe(403);
    expect(await fromPage(reviewer, 'GET', '/index-events')).toBe(403);
    expect(await fromPage(reviewer, 'POST', '/monitoring/run', {})).toBe(403);

    const submitter = await open('submitter', 'monitoring');
    await submitter.getByText('当前角色无权查看此页面。').waitFor();
    for (const name of ['结算', '指数事件', '监测预警', '建档立卡', '待处理事项']) expect(await menuLink(submitter, name).count(), name).toBe(0);
    expect(await fromPage(submitter, 'GET', '/monitoring/warnings')).toBe(403);
    expect(await fromPage(submitter, 'GET', '/settlements')).toBe(403);

    const insurer = await open('insurer', 'registry', 'LS-MED-INSURER');
    await insurer.getByText('当前角色无权查看此页面。').waitFor();
    expect(await fromPage(insurer, 'GET', '/households')).toBe(403);
    expect(await fromPage(insurer, 'GET', '/webhook-deliveries')).toBe(403);

    // An auditor reads index events, the registry and the warnings, but gets no form, no import, no run, no close.
    const auditor = await open('auditor', 'index-events');
    await auditor.locator('tr[data-row-key^="IX-"]').first().waitFor();
    expect(await auditor.getByRole('button', { name: '提交观测' }).count()).toBe(0);
    expect(
      await fromPage(auditor, 'POST', '/index-events', {
        kind: 'WEATHER',
        schemeId: 'xiaogan-2024',
        county: '420922',
        period: '2024-08-01',
        rainfallMm: 300,
      }),
    ).toBe(403);
    await auditor.goto(`${system.url}/console/registry`);
    await row(auditor, 'H-420922-0001').waitFor();
    expect(await auditor.locator('#registry-file').count()).toBe(0);
    expect(await fromPage(auditor, 'POST', '/households', [healthRow])).toBe(403);
    await auditor.goto(`${system.url}/console/monitoring`);
    await auditor.getByRole('heading', { name: '防返贫监测预警', level: 1 }).waitFor();
    expect(await auditor.getByRole('button', { name: '运行监测' }).count()).toBe(0);
  });
});
