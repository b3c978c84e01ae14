/**
 * The medical bureau's daily feed end to end (issue 18): POST /medical-feeds → the feed workflow (prepare, a
 * Distributed Map reading the normalized CSV with an ItemReader and ItemBatcher, each batch filing its rows as
 * MEDICAL claims decided by the claim workflow, ResultWriter) → GET /medical-feeds/{id}. A mixed file, a file
 * overlapping it, a GB18030 file, a resend, refusals that file nothing, control totals to the fen.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Embedded } from '../../embedded/runtime.js';
import { FEED_COLUMNS } from '../../core/medical-feed.js';
import { client } from '../support/server.js';
import { startTestSystem } from '../support/server.js';
import { household } from '../core/fixtures.js';

let system: Embedded;
let api: ReturnType<typeof client>;

const ID_A = '420922199001011234';
const ID_B = '420921198502024321';
const ID_C = '42092119700303111X';
const ID_UNKNOWN = '110101200001010011';
const HEADER = FEED_COLUMNS.join(',');
const row = (hospital: string, invoice: string, id: string, admission: string, total: string | number, basic = 0, discharge = admission) =>
  [hospital, invoice, id, '某人', admission, discharge, String(total), String(basic), '0', '0', '0', '0'].join(',');

async function send(file: Uint8Array | string, query = 'schemeId=xiaogan-2024', contentType = 'text/csv', lang?: string) {
  const token = await system.token('admin');
  const res = await fetch(`${system.url}/medical-feeds?${query}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType, ...(lang ? { 'accept-language': lang } : {}) },
    body: file,
  });
  return {
    status: res.status,
    headers: res.headers,
    body: (await res.json()) as Record<string, unknown> & { errors?: Array<{ path: string; message: string }> },
  };
}

async function waitDone(feedId: string, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  let last: Awaited<ReturnType<typeof api.call>> | undefined;
  while (Date.now() < deadline) {
    last = await api.call('GET', `/medical-feeds/${feedId}`, { role: 'auditor' });
    expect(last.status).toBe(200);
    if (last.body.status === 'DONE') return last.body;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`feed ${feedId} not done: ${JSON.stringify(last?.body).slice(0, 800)}`);
}

beforeAll(async () => {
  system = await startTestSystem('mfe');
  api = client(system);
  const households = [
    { ...household({ householdId: 'H-FE-1', county: '420922', members: ['P-A'] }), members: [{ personId: 'P-A', idNumber: ID_A }] },
    {
      ...household({ householdId: 'H-FE-2', county: '420921', members: ['P-B', 'P-C'] }),
      members: [
        { personId: 'P-B', idNumber: ID_B },
        { personId: 'P-C', idNumber: ID_C },
      ],
    },
  ];
  const r = await api.call('POST', '/households', { role: 'admin', body: households });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}, 120_000);

afterAll(async () => {
  await system?.stop();
});

const MIXED = [
  HEADER,
  row('HOSP-01', 'INV-1', ID_A, '2024-05-03', 800000), // 2: files
  row('HOSP-01', 'INV-2', ID_B, '2024-06-01', 900000, 100000), // 3: files
  row('HOSP-01', 'INV-9', ID_UNKNOWN, '2024-06-01', 500000), // 4: not insured
  row('HOSP-01', 'INV-1', ID_A, '2024-05-03', 800000), // 5: repeats line 2
  row('HOSP-01', 'INV-2', ID_B, '2024-06-01', 990000, 100000), // 6: INV-2 with other figures
  row('HOSP-02', 'INV-3', ID_C, '2024-02-30', 700000), // 7: no such day
  row('HOSP-02', 'INV-4', ID_C, '2024-07-01', -100), // 8: negative money
  row('HOSP-02', 'INV-5', ID_C, '2024-07-01', 700000), // 9: files
].join('\r\n');

describe('medical feed', () => {
  let mixedId = '';

  it('files a mixed file: each row one outcome, a bad row never stops the others, control totals to the fen', { timeout: 120_000 }, async () => {
    const r = await send(MIXED);
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    expect(r.body).toMatchObject({ status: 'FILING', rows: 8, encoding: 'utf-8', repeated: false });
    mixedId = String(r.body.feedId);
    expect(r.headers.get('location')).toBe(`/medical-feeds/${mixedId}`);
    const done = await waitDone(mixedId);
    expect(done.counts).toEqual({ FILED: 3, NOT_IN_REGISTRY: 1, DUPLICATE: 1, CONFLICT: 1, BAD_ROW: 2 });
    expect(done.rowsDone).toBe(8);
    expect(done.undecided).toBe(0);
    const byLine = new Map(
      (done.exceptions as Array<{ line: number; outcome: string; problems?: string[]; idMasked?: string }>).map((o) => [o.line, o]),
    );
    expect(byLine.get(4)?.outcome).toBe('NOT_IN_REGISTRY');
    expect(byLine.get(5)?.outcome).toBe('DUPLICATE');
    expect(byLine.get(6)?.outcome).toBe('CONFLICT');
    // Problems in the reader's language: Chinese by default, English when asked; fields and outcomes are codes.
    expect(byLine.get(7)?.problems).toEqual(['第 7 行：admissionDate：不是有效的日历日期', '第 7 行：dischargeDate：不是有效的日历日期']);
    expect(byLine.get(8)?.problems).toEqual(['第 8 行：totalCost：不得为负数']);
    expect(byLine.get(5)?.problems).toEqual(['第 5 行：invoiceNo：该发票已由本文件第 2 行申报']);
    expect(byLine.get(4)?.idMasked).toMatch(/^1101\*+0011$/);
    const en = await api.call('GET', `/medical-feeds/${mixedId}`, { role: 'auditor', headers: { 'accept-language': 'en' } });
    expect(en.headers.get('content-language')).toBe('en');
    const enByLine = new Map((en.body.exceptions as Array<{ line: number; problems?: string[] }>).map((o) => [o.line, o.problems]));
    expect(enByLine.get(7)).toEqual(['line 7: admissionDate: not a calendar date', 'line 7: dischargeDate: not a calendar date']);
    expect(enByLine.get(8)).toEqual(['line 8: totalCost: must not be negative']);
    expect(enByLine.get(6)).toEqual(['line 6: invoiceNo: invoice already filed by line 3 of this file with other figures; not filed']);
    const enCsv = await api.call('GET', `/medical-feeds/${mixedId}?format=csv`, { role: 'auditor', headers: { 'accept-language': 'en' } });
    expect(String(enCsv.body).split('\r\n')[0]).toBe('line,outcome,hospitalCode,invoiceNo,idMasked,claimId,totalCost (fen),problems');
    expect(String(enCsv.body)).toContain('\r\n8,BAD_ROW,,,,,,');
    expect(String(enCsv.body)).toContain(',line 8: totalCost: must not be negative\r\n');

    // Control totals equal the sum of the filed claims' payouts, per hospital too.
    const csv = await api.call('GET', `/medical-feeds/${mixedId}?format=csv`, { role: 'admin' });
    expect(csv.status).toBe(200);
    const text = String(csv.body);
    for (const id of [ID_A, ID_B, ID_C, ID_UNKNOWN]) expect(text).not.toContain(id);
    expect(text.split('\r\n')[0]).toBe('行号,处理结果,医院编码,发票号,身份证号（脱敏）,赔案号,医疗总费用（分）,问题');
    expect(text).toContain(',第 8 行：totalCost：不得为负数\r\n');
    const filed = text
      .split('\r\n')
      .slice(1)
      .filter((l) => l.includes(',FILED,'))
      .map((l) => ({ hospital: l.split(',')[2] ?? '', claimId: l.split(',')[5] ?? '' }));
    expect(filed).toHaveLength(3);
    let sum = 0;
    const perHospital = new Map<string, number>();
    for (const f of filed) {
      const c = await api.call('GET', `/claims/${f.claimId}`, { role: 'auditor' });
      expect(c.body).toMatchObject({ product: 'MEDICAL', status: 'SETTLING' });
      expect(JSON.stringify(c.body)).toContain('"payee":"HOSPITAL"');
      sum += c.body.assessment.payout as number;
      perHospital.set(f.hospital, (perHospital.get(f.hospital) ?? 0) + (c.body.assessment.payout as number));
    }
    expect(sum).toBeGreaterThan(0);
    expect(done.controlTotals.totalPayout).toBe(sum);
    expect(done.controlTotals.totalCost).toBe(800000 + 900000 + 700000);
    expect(done.controlTotals.byHospital).toEqual([
      { hospitalCode: 'HOSP-01', rows: 2, totalCost: 1700000, payout: perHospital.get('HOSP-01') },
      { hospitalCode: 'HOSP-02', rows: 1, totalCost: 700000, payout: perHospital.get('HOSP-02') },
    ]);
    expect(done.claimsByStatus).toEqual({ SETTLING: 3 });

    // The cheap progress view (one summary per batch, undecided claims on the status index) agrees with the report.
    const progress = await api.call('GET', `/medical-feeds/${mixedId}?view=progress`, { role: 'auditor' });
    expect(progress.status).toBe(200);
    expect(progress.body).toMatchObject({
      view: 'progress',
      status: 'DONE',
      rows: 8,
      rowsDone: 8,
      counts: done.counts,
      claimsFiled: 3,
      claimsUndecided: 0,
      execution: { name: mixedId, status: 'SUCCEEDED' },
      redrives: 0,
    });
    expect(progress.body.filed).toEqual({
      rows: 3,
      totalCost: done.controlTotals.totalCost,
      byHospital: done.controlTotals.byHospital.map(({ payout: _p, ...h }: { payout: number }) => h),
    });

    // The feed's own chain: who sent which file, then its end with the counts and totals the report shows.
    const chain = await api.call('GET', `/medical-feeds/${mixedId}/audit`, { role: 'auditor' });
    expect(chain.status).toBe(200);
    expect(chain.body).toMatchObject({ feedId: mixedId, verified: true });
    const steps = (chain.body.records as { step: string; figures?: Record<string, unknown> }[]).map((r) => r.step);
    expect(steps).toEqual(['FeedReceived', 'FeedFinished']);
    const finished = (chain.body.records as { step: string; figures?: Record<string, unknown> }[])[1];
    expect(finished?.figures).toMatchObject({ rows: 8, counts: done.counts, totalPayout: sum });
    expect((await api.call('GET', `/medical-feeds/${mixedId}/audit`, { role: 'reviewer' })).status).toBe(403);
    expect((await api.call('GET', '/medical-feeds/MF-00000000000000000000000000000000/audit', { role: 'auditor' })).status).toBe(404);
  });

  it('a resend answers the same feed and files nothing; an overlapping file finds its invoices filed', { timeout: 120_000 }, async () => {
    const again = await send(MIXED);
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({ feedId: mixedId, status: 'DONE', repeated: true });
    const view = await api.call('GET', `/medical-feeds/${mixedId}`, { role: 'admin' });
    expect(view.body.counts.FILED).toBe(3);

    const overlap = [HEADER, row('HOSP-02', 'INV-5', ID_C, '2024-07-01', 700000), row('HOSP-03', 'INV-6', ID_A, '2024-08-01', 600000)].join('\n');
    const r = await send(overlap);
    expect(r.status).toBe(202);
    expect(r.body.feedId).not.toBe(mixedId);
    const done = await waitDone(String(r.body.feedId));
    expect(done.counts).toMatchObject({ FILED: 1, DUPLICATE: 1 });
    expect((done.exceptions as Array<{ problems?: string[] }>)[0]?.problems).toEqual([
      `第 2 行：invoiceNo：该发票已由医保数据文件 ${mixedId} 第 9 行申报`,
    ]);
  });

  it('reads a GB18030 file (detected) and files its rows', { timeout: 120_000 }, async () => {
    const zhangSan = Buffer.from([0xd5, 0xc5, 0xc8, 0xfd]); // 张三 in GB18030
    const line = (invoice: string) =>
      Buffer.concat([Buffer.from(`HOSP-04,${invoice},${ID_B},`), zhangSan, Buffer.from(',2024-09-01,2024-09-03,650000,0,0,0,0,0')]);
    const file = Buffer.concat([Buffer.from(`${HEADER}\r\n`), line('GB-1'), Buffer.from('\r\n'), line('GB-2')]);
    const r = await send(file, 'schemeId=xiaogan-2024', 'application/octet-stream');
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    expect(r.body.encoding).toBe('gb18030');
    const done = await waitDone(String(r.body.feedId));
    expect(done.counts.FILED).toBe(2);
    expect(done.encoding).toBe('gb18030');
  });

  it('refuses a file it cannot take with a 4xx naming the problem, and files nothing', async () => {
    const wrongHeader = await send(`${HEADER.replace('idNumber', 'idNo')}\n${row('H', 'I', ID_A, '2024-05-03', 1)}`);
    expect(wrongHeader.status).toBe(422);
    expect(wrongHeader.body.errors?.[0]).toMatchObject({ path: 'header' });
    // In the reader's language: Chinese by default, English when asked; the field path is the same.
    expect(wrongHeader.body.detail).toMatch(/^表头第 3 列为 'idNo'，应为 'idNumber'/);
    const english = await send(
      `${HEADER.replace('idNumber', 'idNo')}\n${row('H', 'I', ID_A, '2024-05-03', 1)}`,
      'schemeId=xiaogan-2024',
      'text/csv',
      'en',
    );
    expect(english.body.detail).toMatch(/header column 3 is 'idNo', expected 'idNumber'/);
    expect(english.body.errors?.[0]).toMatchObject({ path: 'header' });
    const binary = await send(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00]), 'schemeId=xiaogan-2024', 'application/octet-stream');
    expect(binary.status).toBe(415);
    expect(binary.body.errors?.[0]?.path).toBe('file');
    const badEncoding = await send(MIXED, 'schemeId=xiaogan-2024&encoding=latin1');
    expect(badEncoding).toMatchObject({ status: 422, body: { errors: [{ path: 'encoding' }] } });
    const unknownScheme = await send(MIXED, 'schemeId=nowhere');
    expect(unknownScheme).toMatchObject({ status: 422, body: { errors: [{ path: 'schemeId' }] } });
    const json = await send('{"a":1}', 'schemeId=xiaogan-2024', 'application/json');
    expect(json.status).toBe(415);
    // Over the row limit (250,000): 3 MB of empty rows, under the HTTP layer's 10 MB, so the feed's own limit answers.
    const many = await send(`${HEADER}\n${',,,,,,,,,,,\n'.repeat(250_001)}`);
    expect(many.status).toBe(413);
    expect(many.body.errors?.[0]).toMatchObject({ path: 'file', message: '文件有 250001 行，上限为 250000 行' });
    // Roles: an auditor may read a feed, not send one.
    const auditor = await api.call('POST', '/medical-feeds?schemeId=xiaogan-2024', {
      role: 'auditor',
      raw: MIXED,
      headers: { 'content-type': 'text/csv' },
    });
    expect(auditor.status).toBe(403);
    expect((await api.call('GET', '/medical-feeds/MF-00000000000000000000000000000000', { role: 'auditor' })).status).toBe(404);
    expect((await api.call('GET', `/medical-feeds/${mixedId}`, { role: 'submitter' })).status).toBe(403);
    expect((await api.call('GET', `/medical-feeds/${mixedId}?view=progress`, { role: 'submitter' })).status).toBe(403);
    const badView = await api.call('GET', `/medical-feeds/${mixedId}?view=rows`, { role: 'auditor' });
    expect(badView).toMatchObject({ status: 422, body: { errors: [{ path: 'view' }] } });
    const csvProgress = await api.call('GET', `/medical-feeds/${mixedId}?view=progress&format=csv`, { role: 'auditor' });
    expect(csvProgress).toMatchObject({ status: 422, body: { errors: [{ path: 'view' }] } });
  });
});
