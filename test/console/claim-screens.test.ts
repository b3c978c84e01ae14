/**
 * The console screens for issues 17 and 18 in a real browser (Debian's Chromium driven by playwright-core) against
 * the embedded system: the medical feeds screen (upload, live progress, the report), the case file's evidence and
 * notes, the amendment of a returned claim, the public notice (公示) with its CSV downloads and an objection, and
 * after-payment audit samples. Each screen is checked with axe and photographed into docs/console/.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import type { Embedded } from '../../embedded/runtime.js';
import { DEMO_HOUSEHOLDS } from '../../embedded/demo.js';
import { ensureConsoleBuilt } from '../../embedded/console-build.js';
import type { Role } from '../../functions/api/routes.js';
import { client, startTestSystem } from '../support/server.js';
import { screenshotPath } from '../support/screenshots.js';
import { assertAccessible, consoleContext, launchChromium } from '../support/browser.js';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, tableName } from '../../functions/shared/aws.js';

let system: Embedded;
let api: ReturnType<typeof client>;
let browser: Browser;
const contexts: BrowserContext[] = [];

/** Today in China time: the day the claims below are approved, as the notice and the sample date them. */
const TODAY = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
const ID_ZHANG = '420922199001011234'; // DEMO_HOUSEHOLDS[0], P-1 张三
const ID_UNKNOWN = '110101200001010011';
// A verified household in 420902 whose 35,000-yuan bill pays 23,000 yuan: over the review threshold.
const REVIEW_H = { ...DEMO_HOUSEHOLDS[1], householdId: 'H-420902-0951', verifiedYear: 2024, members: [{ personId: 'P-951', name: '赵六' }] };
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(120, 7)]);

async function submit(body: unknown): Promise<string> {
  const r = await api.call('POST', '/claims', { role: 'submitter', body });
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  return r.body.claimId as string;
}

async function open(role: Role, path: string, lang?: 'en'): Promise<Page> {
  const context = await consoleContext(browser, {
    viewport: { width: 1280, height: 800 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    acceptDownloads: true,
  });
  contexts.push(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  (page as Page & { errors: string[] }).errors = errors;
  await page.goto(`${system.url}/console/${path}${lang ? `?lang=${lang}` : ''}#token=${await api.token(role)}`);
  return page;
}
const errorsOf = (page: Page) => (page as Page & { errors: string[] }).errors;
const shot = (page: Page, name: string) => page.screenshot({ path: screenshotPath(name), fullPage: true, animations: 'disabled' });
const menu = (page: Page) => page.getByRole('navigation').getByRole('link');
const row = (scope: Page | Locator, key: string | number) => scope.locator(`tr[data-row-key="${key}"]`);

let paidClaim = ''; // Lishui, paid: in the notice, objected to, then sampled
let settlingClaim = ''; // Xiaogan, SETTLING: in the notice; its documents and notes

beforeAll(async () => {
  await ensureConsoleBuilt();
  system = await startTestSystem('claim-screens');
  api = client(system);
  const r = await api.call('POST', '/households', { role: 'admin', body: [...DEMO_HOUSEHOLDS, REVIEW_H] });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  // Lishui MEDICAL has one underwriter: 1,000 yuan at 90% pays 900 yuan; confirmed, the claim is PAID.
  paidClaim = await submit({
    schemeId: 'lishui-2017',
    product: 'MEDICAL',
    householdId: 'H-331102-0003',
    personId: 'P-4',
    incidentDate: '2024-06-01',
    details: { hospitalCode: 'LS-H', invoiceNo: 'CS-LS-1', totalCost: 100_000 },
  });
  const s = (await api.waitForStatus(paidClaim, ['SETTLING'])).body.settlements[0] as { settlementId: string };
  const c = await api.call('POST', `/settlements/${s.settlementId}/confirm`, {
    role: 'insurer',
    insurerId: 'LS-MED-INSURER',
    body: { paidAt: `${TODAY}T10:00:00+08:00`, reference: 'CS-PAY-1' },
  });
  expect(c.status, JSON.stringify(c.body)).toBe(200);
  await api.waitForStatus(paidClaim, ['PAID']);
  settlingClaim = await submit({
    schemeId: 'xiaogan-2024',
    product: 'MEDICAL',
    householdId: 'H-420922-0001',
    personId: 'P-1',
    incidentDate: '2024-05-03',
    details: { hospitalCode: 'HOSP-CS', invoiceNo: 'CS-XG-1', totalCost: 600_000, payee: 'HOSPITAL' },
  });
  await api.waitForStatus(settlingClaim, ['SETTLING']);
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await system?.stop();
});

describe('medical feeds', () => {
  it('an admin uploads a CSV, watches it file, and reads the report with masked identity numbers only', { timeout: 120_000 }, async () => {
    const page = await open('admin', 'medical-feeds');
    await page.getByRole('heading', { name: '医保结算数据（一站式结算）', level: 1 }).waitFor();
    // Exact: the feeds list's own filter is named 按方案筛选批次.
    await page.locator('.ant-select', { has: page.getByRole('combobox', { name: '方案', exact: true }) }).click();
    await page.locator('.ant-select-item-option[title="xiaogan-2024"]').click();
    const header =
      'hospitalCode,invoiceNo,idNumber,name,admissionDate,dischargeDate,totalCost,basicInsurancePaid,criticalIllnessPaid,medicalAssistancePaid,otherReimbursement,nonCoveredCost';
    const file = [
      header,
      `HOSP-FEED,FE-1,${ID_ZHANG},张三,2024-07-01,2024-07-05,600000,0,0,0,0,0`, // 2: files
      `HOSP-FEED,FE-2,${ID_UNKNOWN},某人,2024-07-01,2024-07-05,500000,0,0,0,0,0`, // 3: not insured
      `HOSP-FEED,FE-3,${ID_ZHANG},张三,2024-02-30,2024-03-01,500000,0,0,0,0,0`, // 4: no such day
    ].join('\r\n');
    await page.getByLabel('选择 CSV 文件').setInputFiles({ name: 'feed.csv', mimeType: 'text/csv', buffer: Buffer.from(file) });
    await page.waitForURL(/\/console\/medical-feeds\/MF-[0-9a-f]{32}$/);
    await expect.poll(() => page.getByTestId('feed-status').textContent(), { timeout: 90_000 }).toBe('已完成');
    const counts = page.getByTestId('feed-counts');
    await counts.locator('[data-outcome="FILED"]').getByText('已建案: 1').waitFor();
    await counts.locator('[data-outcome="NOT_IN_REGISTRY"]').getByText('非参保人员: 1').waitFor();
    await counts.locator('[data-outcome="BAD_ROW"]').getByText('错误行: 1').waitFor();
    expect(await page.getByTestId('feed-rows').textContent()).toBe('已处理 3 / 3 行');
    expect(await row(page, 3).locator('td').allTextContents()).toContain('1101**********0011');
    // The row's problems follow the reader's language (the feed stores them as data, the API renders them).
    expect((await row(page, 4).textContent()) ?? '').toContain('第 4 行：admissionDate：不是有效的日历日期');
    const html = await page.content();
    expect(html).not.toContain(ID_UNKNOWN);
    expect(html).not.toContain(ID_ZHANG);
    await page.getByRole('table', { name: '按医院合计' }).getByText('HOSP-FEED').waitFor();
    await assertAccessible(page, 'feed report');
    await shot(page, 'feed-zh');
    // The per-row CSV, as the API writes it.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载各行结果 CSV' }).click()]);
    const csv = readFileSync((await download.path())!, 'utf8');
    expect(csv).toContain('NOT_IN_REGISTRY');
    expect(csv).not.toContain(ID_UNKNOWN);

    // The upload screen lists the feed it opened; a wrong header is refused naming the problem, nothing filed.
    const feedId = page.url().split('/').pop()!;
    // Under the menu's "More" (更多), with the public notice and the audit samples.
    await page.getByRole('navigation').getByText('更多', { exact: true }).hover();
    await page.getByRole('link', { name: '赔付公示' }).waitFor();
    await page.getByRole('link', { name: '事后抽查' }).waitFor();
    await page.getByRole('link', { name: '医保直连' }).click();
    // The list of every feed (GET /medical-feeds) has its row, DONE; the browser's recent list has it too.
    const listed = page.getByRole('table', { name: '全部批次' });
    await row(listed, feedId).getByRole('link', { name: feedId }).waitFor();
    expect(await row(listed, feedId).locator('td').allTextContents()).toEqual(expect.arrayContaining(['xiaogan-2024', '已完成', '3', 'admin-local']));
    await page.getByRole('listitem').getByRole('link', { name: feedId }).waitFor();
    // The status filter asks the server: a DONE feed is not among those still filing.
    await page.locator('.ant-select', { has: page.getByRole('combobox', { name: '按状态筛选批次' }) }).click();
    await page.locator('.ant-select-item-option[title="处理中"]').click();
    await listed.getByText('没有符合条件的批次').waitFor();
    expect(await row(listed, feedId).count()).toBe(0);
    await page.locator('.ant-select', { has: page.getByRole('combobox', { name: '按状态筛选批次' }) }).click();
    await page.locator('.ant-select-item-option[title="已完成"]').click();
    await row(listed, feedId).waitFor();
    await page
      .getByLabel('选择 CSV 文件')
      .setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from('hospital,invoice\r\nA,B\r\n') });
    await page.getByTestId('feed-refusal').getByText('header', { exact: true }).waitFor();
    await assertAccessible(page, 'feed upload with a refusal');
    await shot(page, 'feeds-zh');
    expect(errorsOf(page)).toEqual([]);
  });

  it('an auditor reads feeds but has no upload; English works; other roles have no Feeds menu', async () => {
    const page = await open('auditor', 'medical-feeds', 'en');
    await page.getByRole('heading', { name: 'Medical insurance feeds (one-stop settlement)', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Open by feed id' }).waitFor();
    expect(await page.getByLabel('Choose a CSV file').count()).toBe(0);
    // An auditor on another machine (no recent list of its own) finds the admin's feeds in the list, and opens one.
    const listed = page.getByRole('table', { name: 'All feeds' });
    await listed.locator('tr[data-row-key^="MF-"]').first().waitFor();
    const firstFeed = (await listed.locator('tr[data-row-key^="MF-"]').first().getAttribute('data-row-key'))!;
    await page.getByRole('textbox', { name: 'Feed id' }).fill('nope');
    await page.getByRole('button', { name: 'Open', exact: true }).click();
    await page.getByText('A feed id is MF- and 32 hexadecimal characters').waitFor();
    await assertAccessible(page, 'feeds (auditor, English)');
    await row(listed, firstFeed).getByRole('link', { name: firstFeed }).click();
    await page.waitForURL(new RegExp(`/console/medical-feeds/${firstFeed}`));
    await page.getByTestId('feed-status').waitFor();
    for (const role of ['reviewer', 'submitter'] as const) {
      const p = await open(role, 'search');
      await menu(p).first().waitFor();
      expect(await p.getByRole('navigation').getByText('更多', { exact: true }).count(), role).toBe(0);
    }
  });

  it('a feed whose workflow failed shows its execution; an admin redrives it and it files', { timeout: 120_000 }, async () => {
    // A household whose registry item cannot be read (verifiedYear removed around the API): the batch matching its
    // member fails for good, and with it the feed's execution.
    const idX = '42092219800505222X';
    const imported = await api.call('POST', '/households', {
      role: 'admin',
      body: [{ ...DEMO_HOUSEHOLDS[0], householdId: 'H-CS-X', members: [{ personId: 'P-CS-X', name: '某人', idNumber: idX }] }],
    });
    expect(imported.status, JSON.stringify(imported.body)).toBe(200);
    const registry = { TableName: tableName('registry'), Key: { householdId: 'H-CS-X' } };
    const item = (await documentClient().send(new GetCommand(registry))).Item!;
    const { verifiedYear: _v, ...broken } = item;
    await documentClient().send(new PutCommand({ TableName: registry.TableName, Item: broken }));
    const header =
      'hospitalCode,invoiceNo,idNumber,name,admissionDate,dischargeDate,totalCost,basicInsurancePaid,criticalIllnessPaid,medicalAssistancePaid,otherReimbursement,nonCoveredCost';
    const sent = await fetch(`${system.url}/medical-feeds?schemeId=xiaogan-2024`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await api.token('admin')}`, 'content-type': 'text/csv' },
      body: `${header}\r\nHOSP-RD,RD-1,${idX},某人,2024-07-01,2024-07-05,600000,0,0,0,0,0\r\n`,
    });
    const feedId = ((await sent.json()) as { feedId: string }).feedId;

    const page = await open('admin', `medical-feeds/${feedId}`);
    await page.getByText(`工作流执行 ${feedId} 已终止（FAILED）`).waitFor({ timeout: 60_000 });
    const redrive = page.getByRole('button', { name: '重新驱动' });
    await assertAccessible(page, 'failed feed');
    // An auditor sees the failure but has no redrive.
    const auditor = await open('auditor', `medical-feeds/${feedId}`);
    await auditor.getByText(`工作流执行 ${feedId} 已终止（FAILED）`).waitFor();
    expect(await auditor.getByRole('button', { name: '重新驱动' }).count()).toBe(0);

    await documentClient().send(new PutCommand({ TableName: registry.TableName, Item: item }));
    await redrive.click();
    await page.getByText(`已重新驱动：执行 ${feedId}-r1 已启动`).waitFor();
    await expect.poll(() => page.getByTestId('feed-status').textContent(), { timeout: 90_000 }).toBe('已完成');
    await page.getByTestId('feed-counts').locator('[data-outcome="FILED"]').getByText('已建案: 1').waitFor();
    expect(await page.getByRole('button', { name: '重新驱动' }).count()).toBe(0);
    expect(errorsOf(page)).toEqual([]);
  });
});

describe('case file: evidence and notes', () => {
  it('the submitter uploads a document (SHA-256 computed in the browser); a reviewer downloads it and adds a note', { timeout: 60_000 }, async () => {
    const page = await open('submitter', `claims/${settlingClaim}`);
    await page.getByRole('heading', { name: '证明材料', level: 2 }).waitFor();
    await page.getByText('还没有材料').waitFor();
    // A type the API does not take is refused in the page.
    await page.getByLabel('上传材料').setInputFiles({ name: 'a.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
    await page.getByText('只接受 PDF、JPEG、PNG 文件').waitFor();
    await page.getByLabel('上传材料').setInputFiles({ name: 'invoice.png', mimeType: 'image/png', buffer: PNG });
    const table = page.getByRole('table', { name: '证明材料' });
    await table.getByText('已核验').waitFor({ timeout: 20_000 });
    expect(await page.getByRole('heading', { name: '案件备注' }).count()).toBe(0); // notes are not the submitter's
    await assertAccessible(page, 'case file evidence (submitter)');
    const listed = (await api.call('GET', `/claims/${settlingClaim}/attachments`, { role: 'auditor' })).body.items as {
      sha256: string;
      status: string;
    }[];
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ status: 'VERIFIED', sha256: (await import('node:crypto')).createHash('sha256').update(PNG).digest('hex') });

    const reviewer = await open('reviewer', `claims/${settlingClaim}`);
    const rTable = reviewer.getByRole('table', { name: '证明材料' });
    await rTable.getByText('invoice.png').waitFor();
    expect(await reviewer.getByLabel('上传材料').count()).toBe(0);
    const [download] = await Promise.all([reviewer.waitForEvent('download'), rTable.getByRole('button', { name: '下载 invoice.png' }).click()]);
    expect(readFileSync((await download.path())!)).toEqual(PNG);
    await reviewer.getByRole('heading', { name: '案件备注' }).waitFor();
    await reviewer.getByRole('button', { name: '添加备注' }).click();
    await reviewer.getByText('请填写备注').waitFor();
    await reviewer.getByRole('textbox', { name: '备注内容' }).fill('发票与出院小结一致。');
    await reviewer.getByRole('button', { name: '添加备注' }).click();
    await reviewer.getByTestId('notes').getByText('发票与出院小结一致。').waitFor();
    const notes = (await api.call('GET', `/claims/${settlingClaim}/notes`, { role: 'auditor' })).body.items as { text: string }[];
    expect(notes.map((n) => n.text)).toEqual(['发票与出院小结一致。']);
    await assertAccessible(reviewer, 'case file evidence and notes (reviewer)');
    await shot(reviewer, 'case-evidence-zh');
    expect([...errorsOf(page), ...errorsOf(reviewer)]).toEqual([]);
  });
});

describe('amend a returned claim', () => {
  it('the submitter sees the return reason and note, the form validates as the API does, and the claim is decided again', {
    timeout: 60_000,
  }, async () => {
    const claimId = await submit({
      schemeId: 'xiaogan-2024',
      product: 'MEDICAL',
      householdId: REVIEW_H.householdId,
      personId: 'P-951',
      incidentDate: '2024-06-10',
      details: { hospitalCode: 'HOSP-CS', invoiceNo: 'CS-RET-1', totalCost: 3_500_000, payee: 'HOSPITAL' },
    });
    await api.waitForStatus(claimId, ['PENDING_REVIEW']);
    const r = await api.review(claimId, 'RETURN', '请补充出院小结', { reasonCode: 'DOCUMENTS_INCOMPLETE' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    await api.waitForStatus(claimId, ['RETURNED']);

    const page = await open('submitter', `claims/${claimId}`);
    await page.getByRole('heading', { name: '补充材料后重新提交' }).waitFor();
    await page.getByText('审核员退回了此理赔：材料缺失或不完整 (DOCUMENTS_INCOMPLETE)').waitFor();
    expect(await page.getByTestId('return-note').textContent()).toBe('退回说明：请补充出院小结');
    const total = page.getByRole('textbox', { name: '医疗总费用（元）' });
    expect(await total.inputValue()).toBe('35000.00');
    await total.fill('12.345');
    await page.getByRole('textbox', { name: '出险日期' }).fill('2024-02-30');
    await page.getByRole('button', { name: '提交修改' }).click();
    await page.getByText('请填写金额（元，最多两位小数）').waitFor();
    await page.getByText('请填写有效日期（YYYY-MM-DD）').waitFor();
    await total.fill('1000');
    await page.getByRole('textbox', { name: '基本医保支付（元）' }).fill('2000');
    await page.getByRole('textbox', { name: '出险日期' }).fill('2024-06-11');
    await page.getByRole('button', { name: '提交修改' }).click();
    await page.getByText('医疗总费用不能低于各项报销与目录外费用之和').waitFor();
    await assertAccessible(page, 'amend form with errors');
    await shot(page, 'amend-zh');
    expect((await api.call('GET', `/claims/${claimId}`, { role: 'auditor' })).body.status).toBe('RETURNED'); // nothing sent yet

    await page.getByRole('textbox', { name: '基本医保支付（元）' }).fill('0');
    await total.fill('10000.00');
    await page.getByRole('button', { name: '提交修改' }).click();
    // 10,000 yuan: 5,000 above the deductible at 80% = 4,000 yuan (420902 has no uplift), below the review threshold.
    const decided = (await api.waitForStatus(claimId, ['SETTLING'], 30_000)).body;
    expect(decided).toMatchObject({ incidentDate: '2024-06-11', amendments: 1 });
    expect(decided.details.totalCost).toBe(1_000_000);
    expect(decided.assessment.payout).toBe(400_000);
    await expect.poll(() => page.getByTestId('claim-status').textContent(), { timeout: 20_000 }).not.toBe('已退回补充材料');
    await expect.poll(() => page.getByRole('heading', { name: '补充材料后重新提交' }).count()).toBe(0);
    expect(errorsOf(page)).toEqual([]);
  });
});

describe('public notice (公示)', () => {
  it('an admin lists the period, downloads both CSVs, and records an objection from a row', { timeout: 60_000 }, async () => {
    const page = await open('admin', 'public-notice');
    await page.getByRole('heading', { name: '赔付公示', level: 1 }).waitFor();
    await page.getByRole('textbox', { name: '起始日' }).fill(TODAY);
    await page.getByRole('textbox', { name: '截止日' }).fill(TODAY);
    await page.getByRole('textbox', { name: '县（区）代码（可不填）' }).fill('4209');
    await page.getByRole('button', { name: '查询' }).click();
    await page.getByText('请填写 6 位县（区）代码，或留空').waitFor();
    await page.getByRole('textbox', { name: '县（区）代码（可不填）' }).fill('');
    // Lishui is the first scheme: its paid claim.
    expect(await page.locator('.ant-select', { has: page.getByRole('combobox', { name: '方案', exact: true }) }).textContent()).toBe('lishui-2017');
    await page.getByRole('button', { name: '查询' }).click();
    await row(page, paidClaim).waitFor();
    const cells = await row(page, paidClaim).locator('td').allTextContents();
    expect(cells).toContain('王*');
    expect(cells).toContain('900.00');
    expect(cells).toContain(TODAY);
    const html = await page.content();
    expect(html).not.toContain('王五');
    expect(html).not.toContain('331102197803031111');
    const [gb] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载 CSV（GB18030）' }).click()]);
    const gbText = new TextDecoder('gb18030').decode(readFileSync((await gb.path())!));
    expect(gbText).toContain('王*');
    const [utf8] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载 CSV（UTF-8 带 BOM）' }).click()]);
    const utf8Bytes = readFileSync((await utf8.path())!);
    expect([...utf8Bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(utf8Bytes.toString('utf8')).toContain('王*');

    await row(page, paidClaim).getByRole('button', { name: '登记异议' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: '登记', exact: true }).click();
    await dialog.getByText('请填写异议内容').waitFor();
    await dialog.getByRole('textbox', { name: '异议内容' }).fill('群众反映该户已有其他报销。');
    await assertAccessible(page, 'objection dialog');
    await dialog.getByRole('button', { name: '登记', exact: true }).click();
    await page.getByText('已登记，理赔列入下一次事后抽查').waitFor();
    const claim = (await api.call('GET', `/claims/${paidClaim}`, { role: 'auditor' })).body;
    expect(claim.objections).toHaveLength(1);
    await assertAccessible(page, 'public notice');
    await shot(page, 'public-notice-zh');
    expect(errorsOf(page)).toEqual([]);
  });

  it('an auditor reads the notice without objection buttons', async () => {
    const page = await open('auditor', 'public-notice');
    await page.getByRole('textbox', { name: '起始日' }).fill(TODAY);
    await page.locator('.ant-select', { has: page.getByRole('combobox', { name: '方案' }) }).click();
    await page.locator('.ant-select-item-option[title="xiaogan-2024"]').click();
    await page.getByRole('button', { name: '查询' }).click();
    await row(page, settlingClaim).waitFor();
    expect(await row(page, settlingClaim).locator('td').allTextContents()).toContain('张*');
    expect(await page.getByRole('button', { name: '登记异议' }).count()).toBe(0);
  });
});

describe('audit samples', () => {
  it('an auditor draws a sample, opens it, and records findings (an issue needs a note)', { timeout: 60_000 }, async () => {
    const page = await open('auditor', 'audit-samples');
    await page.getByRole('heading', { name: '赔付后抽查', level: 1 }).waitFor();
    expect(await page.locator('.ant-select', { has: page.getByRole('combobox', { name: '方案', exact: true }) }).textContent()).toBe('lishui-2017');
    await page.getByRole('textbox', { name: '起始日' }).fill(TODAY);
    await page.getByRole('textbox', { name: '截止日' }).fill(TODAY);
    await page.getByRole('textbox', { name: '随机抽取比例（%，最多两位小数）' }).fill('100.001');
    await page.getByRole('textbox', { name: '种子' }).fill('console-2026');
    await page.getByRole('button', { name: '抽取' }).click();
    await page.getByText('请填写 0–100 之间、最多两位小数的百分比').waitFor();
    await page.getByRole('textbox', { name: '随机抽取比例（%，最多两位小数）' }).fill('12.5');
    await page.getByRole('textbox', { name: '全部抽取的赔付门槛（元）' }).fill('500');
    await assertAccessible(page, 'audit sample form');
    await page.getByRole('button', { name: '抽取' }).click();
    await page.waitForURL(/\/console\/audit-samples\/AS-/);
    await row(page, paidClaim).waitFor();
    expect(await row(page, paidClaim).locator('td').first().textContent()).toBe(paidClaim);
    expect(((await row(page, paidClaim).textContent()) ?? '').includes('达到门槛')).toBe(true); // 900 yuan ≥ 500
    expect(await page.getByTestId('sample-chain').textContent()).toBe('✓ 已验证');
    const sampleId = page.url().split('/').pop()!;
    const stored = (await api.call('GET', `/audit-samples/${sampleId}`, { role: 'admin' })).body;
    expect(stored.params).toEqual({ randomBp: 1250, minPayout: 50_000, seed: 'console-2026' });

    const r = row(page, paidClaim);
    await r.locator('.ant-select').click();
    await page.locator('.ant-select-item-option[title="有问题"]').click();
    await r.getByRole('button', { name: '记录结论' }).click();
    await r.getByText('有问题时请填写说明').waitFor();
    await r.getByRole('textbox', { name: `${paidClaim} 的说明` }).fill('已由其他制度报销，需追回');
    await r.getByRole('button', { name: '记录结论' }).click();
    await expect.poll(() => page.getByTestId('sample-progress').textContent()).toMatch(/^已复核 1 \/ \d+/);
    await r.getByText('已由其他制度报销，需追回').waitFor();
    await assertAccessible(page, 'audit sample');
    await shot(page, 'audit-sample-zh');

    // An admin reads it, records nothing.
    const admin = await open('admin', `audit-samples/${sampleId}`);
    await row(admin, paidClaim).waitFor();
    expect(await admin.getByRole('button', { name: '记录结论' }).count()).toBe(0);

    // The list of every sample (GET /audit-samples) has its row, with the finding just recorded; it opens the sample.
    const list = await open('admin', 'audit-samples');
    const listed = list.getByRole('table', { name: '全部抽查' });
    await row(listed, sampleId).waitFor();
    const cells = await row(listed, sampleId).locator('td').allTextContents();
    expect(cells).toEqual(expect.arrayContaining([sampleId, 'lishui-2017', `${TODAY} 至 ${TODAY}`, 'auditor-local']));
    expect(cells.some((c) => /^已复核 1 \/ \d+$/.test(c))).toBe(true);
    await list.locator('.ant-select', { has: list.getByRole('combobox', { name: '按方案筛选抽查' }) }).click();
    await list.locator('.ant-select-item-option[title="xiaogan-2024"]').click();
    await listed.getByText('没有符合条件的抽查').waitFor();
    await list.locator('.ant-select', { has: list.getByRole('combobox', { name: '按方案筛选抽查' }) }).click();
    await list.locator('.ant-select-item-option[title="lishui-2017"]').click();
    await row(listed, sampleId).waitFor();
    await assertAccessible(list, 'audit samples list');
    await shot(list, 'audit-samples-zh');
    await row(listed, sampleId).getByRole('link', { name: sampleId }).click();
    await list.waitForURL(/\/console\/audit-samples\/AS-/);
    await row(list, paidClaim).waitFor();
    expect(errorsOf(list)).toEqual([]);
    expect([...errorsOf(page), ...errorsOf(admin)]).toEqual([]);
  });
});
