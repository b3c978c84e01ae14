/**
 * Issue 17 §4-5 over HTTP on the embedded system: the public notice (公示) of approved claims with masked names,
 * as JSON and as CSV for a Chinese Excel (UTF-8 with BOM, GB18030); objections from the public and what they do in
 * each status; after-payment audit samples drawn, re-derived from their seed, and worked through with findings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Embedded } from '../../embedded/runtime.js';
import { pickSample } from '../../core/audit-sample.js';
import { cstDate } from '../../core/calendar.js';
import { sha256Hex } from '../../functions/shared/canonical.js';
import { client, startTestSystem } from '../support/server.js';

const ID = { a: '420902199001011234', b: '420902198502024321', c: '420922197712125678', d: '42090220010101123X' };
const member = (personId: string, name: string, idNumber: string) => ({ personId, name, idNumber, birthDate: '1990-01-01' });
const household = (householdId: string, county: string, members: unknown[]) => ({
  householdId,
  schemeId: 'xiaogan-2024',
  county,
  category: 'LIFTED_OUT',
  verifiedYear: 2024,
  members,
  enrollment: { products: ['MEDICAL'], start: '2024-01-01', end: '2024-12-31' },
});
const HOUSEHOLDS = [
  household('HN-1', '420902', [member('PN-1', '张三丰', ID.a), member('PN-2', '欧阳娜娜', ID.b)]),
  household('HN-2', '420922', [member('PN-3', '李四', ID.c)]),
  household('HN-3', '420902', [member('PN-4', '王五', ID.d)]),
];
const NAMES = ['张三丰', '欧阳娜娜', '李四', '王五', '三丰', '娜娜'];

let invoices = 0;
const medical = (householdId: string, personId: string, totalCost: number) => ({
  schemeId: 'xiaogan-2024',
  product: 'MEDICAL',
  householdId,
  personId,
  incidentDate: '2024-05-03',
  details: { hospitalCode: 'HOSP-PN', invoiceNo: `PN-${++invoices}`, totalCost },
});
// self-pay 1,000,000 → 500,000 above the deductible × 80% = 400,000 fen (no review); 600,000 → 80,000 fen.
// 8,500,000 in county 420902 (no uplift) pays 5,500,000: above the 2,000,000 review threshold.

let system: Embedded;
let api: ReturnType<typeof client>;
const today = cstDate(new Date().toISOString());
const paid: Array<{ claimId: string; payout: number }> = [];
let settling = '';
let inReview = '';

async function submit(body: unknown): Promise<string> {
  const r = await api.call('POST', '/claims', { role: 'submitter', body });
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  return r.body.claimId as string;
}

async function pay(claimId: string) {
  const claim = (await api.waitForStatus(claimId, ['SETTLING'])).body;
  for (const s of claim.settlements) {
    const r = await api.call('POST', `/settlements/${s.settlementId}/confirm`, {
      role: 'insurer',
      insurerId: s.insurerId,
      body: { paidAt: new Date().toISOString(), reference: `REF-${s.settlementId}` },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  }
  return (await api.waitForStatus(claimId, ['PAID'])).body;
}

/** Nothing identifying: no identity number (raw or masked) and no full or given name, anywhere in the text. */
function assertNothingIdentifying(text: string) {
  for (const id of Object.values(ID)) {
    expect(text).not.toContain(id);
    expect(text).not.toContain(id.slice(-4) === 'X' ? id : `${id.slice(0, 4)}**********${id.slice(-4)}`);
  }
  for (const name of NAMES) expect(text).not.toContain(name);
  expect(text).not.toMatch(/\d{17}[\dXx]/);
  for (const pid of ['PN-1', 'PN-2', 'PN-3', 'PN-4', 'HN-1', 'HN-2', 'HN-3']) expect(text).not.toContain(pid);
}

beforeAll(async () => {
  system = await startTestSystem('notice');
  api = client(system);
  const r = await api.call('POST', '/households', { role: 'admin', body: HOUSEHOLDS });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  // Four paid claims (two people of HN-1, one in the other county, one in HN-3), one left SETTLING, one in review.
  for (const [h, p, cost] of [
    ['HN-1', 'PN-1', 1_000_000],
    ['HN-1', 'PN-2', 600_000],
    ['HN-2', 'PN-3', 1_000_000],
    ['HN-3', 'PN-4', 1_000_000],
  ] as const) {
    const id = await submit(medical(h, p, cost));
    const c = await pay(id);
    paid.push({ claimId: id, payout: c.assessment.payout });
  }
  settling = await submit(medical('HN-3', 'PN-4', 700_000));
  await api.waitForStatus(settling, ['SETTLING']);
  inReview = await submit(medical('HN-1', 'PN-1', 8_500_000));
  await api.waitForStatus(inReview, ['PENDING_REVIEW']);
}, 120_000);
afterAll(async () => {
  await system?.stop();
});

describe('public notice (公示)', () => {
  it('lists the claims approved in the period with masked names, county, product, payout and date; nothing identifying', async () => {
    const r = await api.call('GET', `/reports/public-notice?schemeId=xiaogan-2024&from=${today}&to=${today}`, { role: 'auditor' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const ids = r.body.items.map((i: { claimId: string }) => i.claimId).sort();
    expect(ids).toEqual([...paid.map((p) => p.claimId), settling].sort()); // approved: SETTLING and PAID, not the one in review
    const first = r.body.items.find((i: { claimId: string }) => i.claimId === paid[0]!.claimId);
    expect(first).toEqual({ claimId: paid[0]!.claimId, name: '张*', county: '420902', product: 'MEDICAL', payout: 400_000, approvedOn: today });
    expect(r.body.items.find((i: { claimId: string }) => i.claimId === paid[1]!.claimId)).toMatchObject({ name: '欧*', payout: 80_000 });
    expect(paid.map((p) => p.payout)).toEqual([400_000, 80_000, 480_000, 400_000]); // HN-2 is in Dawu: uplift 120%
    expect(r.body.total).toBe(1_360_000 + r.body.items.find((i: { claimId: string }) => i.claimId === settling).payout);
    assertNothingIdentifying(JSON.stringify(r.body));
  });

  it('by county; an earlier period is empty; bad queries name the parameter', async () => {
    const county = await api.call('GET', `/reports/public-notice?schemeId=xiaogan-2024&county=420922&from=${today}&to=${today}`, { role: 'admin' });
    expect(county.body.items.map((i: { claimId: string; name: string }) => [i.claimId, i.name])).toEqual([[paid[2]!.claimId, '李*']]);
    const before = await api.call('GET', '/reports/public-notice?schemeId=xiaogan-2024&from=2026-01-01&to=2026-01-31', { role: 'admin' });
    expect(before.body).toMatchObject({ count: 0, items: [] });
    for (const [q, path] of [
      [`schemeId=xiaogan-2024&from=${today}&to=2026-01-01`, 'from'],
      ['schemeId=xiaogan-2024&from=2026-02-30&to=2026-03-01', 'from'],
      [`schemeId=nowhere&from=${today}&to=${today}`, 'schemeId'],
      [`schemeId=xiaogan-2024&county=4209&from=${today}&to=${today}`, 'county'],
      [`schemeId=xiaogan-2024&from=${today}&to=${today}&encoding=gb18030`, 'encoding'],
      [`schemeId=xiaogan-2024&from=${today}`, 'to'],
    ] as const) {
      const bad = await api.call('GET', `/reports/public-notice?${q}`, { role: 'auditor' });
      expect(bad.status, q).toBe(400);
      expect(bad.body.errors[0].path, q).toBe(path);
    }
    expect((await api.call('GET', `/reports/public-notice?schemeId=xiaogan-2024&from=${today}&to=${today}`, { role: 'reviewer' })).status).toBe(403);
  });

  it('CSV for a Chinese Excel: UTF-8 with BOM and Chinese headers by default, English on request, GB18030 on request', async () => {
    const url = `/reports/public-notice?schemeId=xiaogan-2024&county=420902&from=${today}&to=${today}&format=csv`;
    const res = await fetch(`${system.url}${url}`, { headers: { authorization: `Bearer ${await api.token('auditor')}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.slice(3));
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('赔案号,姓名,区县,险种,赔付金额（元）,审批日期');
    expect(lines).toContain(`${paid[0]!.claimId},张*,420902,补充医疗保险,4000.00,${today}`);
    expect(lines).toContain(`${paid[1]!.claimId},欧*,420902,补充医疗保险,800.00,${today}`);
    assertNothingIdentifying(text);

    const en = await api.call('GET', url, { role: 'auditor', headers: { 'accept-language': 'en' } });
    expect(
      String(en.body)
        .replace(/^\uFEFF/, '')
        .split('\r\n')[0],
    ).toBe('claim,name,county,product,payout (yuan),approved on');

    const gb = await fetch(`${system.url}${url}&encoding=gb18030`, { headers: { authorization: `Bearer ${await api.token('admin')}` } });
    expect(gb.headers.get('content-type')).toBe('text/csv; charset=gb18030');
    const gbBytes = new Uint8Array(await gb.arrayBuffer());
    expect(Buffer.from(gbBytes.slice(0, 6)).toString('hex')).toBe('c5e2b0b8bac5'); // 赔案号 in GB18030, no BOM
    expect(new TextDecoder('gb18030').decode(gbBytes)).toBe(text);
  });
});

describe('objections (公示异议)', () => {
  it('a claim waiting for review gets OBJECTION among its review reasons; the text is masked and in the chain as a digest', async () => {
    const text = `申请人 ${ID.a} 家中另有收入，情况不实`;
    const r = await api.call('POST', `/claims/${inReview}/objections`, { role: 'admin', body: { text } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    expect(r.body).toMatchObject({ claimId: inReview, status: 'PENDING_REVIEW', outcome: 'REVIEW' });
    const claim = (await api.call('GET', `/claims/${inReview}`, { role: 'reviewer' })).body;
    expect(claim.assessment.reviewReasons).toEqual(['ABOVE_THRESHOLD', 'OBJECTION']);
    expect(claim.objections).toHaveLength(1);
    expect(claim.objections[0].text).toBe('申请人 4209**********1234 家中另有收入，情况不实');
    const queue = await api.call('GET', '/claims?status=PENDING_REVIEW&reviewReason=OBJECTION', { role: 'reviewer' });
    expect(queue.body.items.map((c: { claimId: string }) => c.claimId)).toEqual([inReview]);
    const audit = await api.call('GET', `/claims/${inReview}/audit`, { role: 'auditor' });
    expect(audit.body.verified).toBe(true);
    const record = audit.body.records.find((x: { step: string }) => x.step === 'Objection');
    expect(record).toMatchObject({
      actor: 'admin:admin-local',
      decision: 'OBJECTION:REVIEW',
      inputDigest: sha256Hex(JSON.stringify({ text: claim.objections[0].text })),
    });
    expect(JSON.stringify(audit.body)).not.toContain(ID.a);
  });

  it('a returned claim objected to is reviewed with OBJECTION after its amendment, though it would otherwise be paid', async () => {
    const id = await submit(medical('HN-2', 'PN-3', 8_500_000));
    await api.waitForStatus(id, ['PENDING_REVIEW']);
    const ret = await api.review(id, 'RETURN', 'send the discharge summary', { reasonCode: 'DOCUMENTS_INCOMPLETE' });
    expect(ret.status, JSON.stringify(ret.body)).toBe(200);
    await api.waitForStatus(id, ['RETURNED']);
    const o = await api.call('POST', `/claims/${id}/objections`, { role: 'admin', body: { text: '住院天数与实际不符' } });
    expect(o.body).toMatchObject({ status: 'RETURNED', outcome: 'REVIEW' });
    // Amended to a bill that pays 960,000 fen (PN-3's second 1,000,000 of self-pay, Dawu uplift), below the review
    // threshold: without the objection it would be paid.
    let amended: Awaited<ReturnType<typeof api.call>> | undefined;
    for (let i = 0; i < 200; i++) {
      amended = await api.call('POST', `/claims/${id}/amend`, {
        role: 'submitter',
        body: { details: { hospitalCode: 'HOSP-PN', invoiceNo: `PN-${++invoices}`, totalCost: 1_000_000 } },
      });
      if (amended.status !== 409) break;
      await new Promise((res) => setTimeout(res, 20));
    }
    expect(amended?.status, JSON.stringify(amended?.body)).toBe(202);
    const again = (await api.waitForStatus(id, ['PENDING_REVIEW', 'SETTLING'])).body;
    expect(again.status).toBe('PENDING_REVIEW');
    expect(again.assessment).toMatchObject({ payout: 960_000, reviewReasons: ['OBJECTION'] });
  });

  it('a SETTLING claim an insurer has confirmed, or a PAID one, is not pulled back: next audit sample, settlements untouched', async () => {
    // One insurer of three confirmed: the claim counts as paid for objections (with none confirmed it would go back to
    // review, test/e2e/objection-withdrawal.test.ts).
    const [one] = (await api.call('GET', `/claims/${settling}`, { role: 'auditor' })).body.settlements;
    const confirmed = await api.call('POST', `/settlements/${one.settlementId}/confirm`, {
      role: 'insurer',
      insurerId: one.insurerId,
      body: { paidAt: new Date().toISOString(), reference: `REF-${one.settlementId}` },
    });
    expect(confirmed.status, JSON.stringify(confirmed.body)).toBe(200);
    const before = (await api.call('GET', `/claims/${settling}`, { role: 'auditor' })).body;
    const o1 = await api.call('POST', `/claims/${settling}/objections`, { role: 'admin', body: { text: '重复申请' } });
    expect(o1.body).toMatchObject({ status: 'SETTLING', outcome: 'AUDIT_SAMPLE' });
    const o2 = await api.call('POST', `/claims/${paid[3]!.claimId}/objections`, { role: 'admin', body: { text: '非本户成员' } });
    expect(o2.body).toMatchObject({ status: 'PAID', outcome: 'AUDIT_SAMPLE' });
    const after = (await api.call('GET', `/claims/${settling}`, { role: 'auditor' })).body;
    expect(after.status).toBe('SETTLING');
    expect(after.settlements).toEqual(before.settlements);
    expect(after.allocations).toEqual(before.allocations);
  });

  it('a rejected claim: recorded only; Idempotency-Key repeats answer the same objection; bad input is a 4xx naming the field', async () => {
    const rejected = await submit({ ...medical('HN-1', 'PN-9', 1_000_000) }); // no such person: REJECTED
    await api.waitForStatus(rejected, ['REJECTED']);
    const key = { 'idempotency-key': 'obj-1' };
    const first = await api.call('POST', `/claims/${rejected}/objections`, { role: 'admin', headers: key, body: { text: '冒名' } });
    expect(first.status).toBe(201);
    expect(first.body.outcome).toBe('RECORDED');
    const repeat = await api.call('POST', `/claims/${rejected}/objections`, { role: 'admin', headers: key, body: { text: '冒名' } });
    expect(repeat.status).toBe(200);
    expect(repeat.body.objectionId).toBe(first.body.objectionId);
    expect((await api.call('POST', `/claims/${rejected}/objections`, { role: 'admin', headers: key, body: { text: '另一件事' } })).status).toBe(409);
    expect((await api.call('GET', `/claims/${rejected}`, { role: 'auditor' })).body.objections).toHaveLength(1);
    const empty = await api.call('POST', `/claims/${rejected}/objections`, { role: 'admin', body: { text: '  ' } });
    expect(empty.status).toBe(422);
    expect(empty.body.errors[0].path).toBe('text');
    expect((await api.call('POST', `/claims/${rejected}/objections`, { role: 'admin', body: { text: 'x', extra: 1 } })).status).toBe(422);
    expect((await api.call('POST', '/claims/C-nope/objections', { role: 'admin', body: { text: 'x' } })).status).toBe(404);
    expect((await api.call('POST', `/claims/${rejected}/objections`, { role: 'auditor', body: { text: 'x' } })).status).toBe(403);
  });
});

describe('after-payment audit samples', () => {
  const body = { schemeId: 'xiaogan-2024', from: today, to: today, randomBp: 5000, minPayout: 300_000, seed: 'audit-2026-12' };
  let sampleId = '';

  it('picks every paid claim at or above minPayout, a seeded share of the rest and the objected ones; anyone re-derives it', async () => {
    const r = await api.call('POST', '/audit-samples', { role: 'auditor', body });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    sampleId = r.body.sampleId;
    // Re-derived from the record: the population is the paid claims approved in the period, the pick the seed's.
    expect(r.body.population.count).toBe(paid.length);
    expect(r.body.population.digest).toBe(
      sha256Hex(
        paid
          .map((p) => `${p.claimId}:${p.payout}`)
          .sort()
          .join('\n'),
      ),
    );
    const objected = [settling, paid[3]!.claimId];
    expect(r.body.claims).toEqual(pickSample(paid, r.body.params, objected));
    // The three claims paying 400,000 or 480,000 fen are in by amount (one of them also objected to); the SETTLING one by objection.
    for (const p of paid.filter((x) => x.payout >= 300_000))
      expect(r.body.claims.find((c: { claimId: string }) => c.claimId === p.claimId).reasons).toContain('AMOUNT');
    expect(r.body.claims.find((c: { claimId: string }) => c.claimId === settling).reasons).toEqual(['OBJECTION']);
    expect(r.body.claims.find((c: { claimId: string }) => c.claimId === paid[3]!.claimId).reasons).toEqual(['AMOUNT', 'OBJECTION']);

    const same = await api.call('POST', '/audit-samples', { role: 'auditor', body });
    expect(same.status).toBe(200);
    expect(same.body).toMatchObject({ sampleId, repeated: true, claims: r.body.claims });
    // The markers were taken in: a sample drawn now has no objected claims, and picks only what its seed says.
    const next = await api.call('POST', '/audit-samples', { role: 'auditor', body: { ...body, seed: 'another', randomBp: 10_000 } });
    expect(next.body.claims).toEqual(pickSample(paid, next.body.params));
    expect(next.body.claims.map((c: { claimId: string }) => c.claimId).sort()).toEqual(paid.map((p) => p.claimId).sort());
  });

  it("findings per sampled claim, progress, and the sample's own audit chain", async () => {
    const view = await api.call('GET', `/audit-samples/${sampleId}`, { role: 'admin' });
    expect(view.status).toBe(200);
    const ids: string[] = view.body.claims.map((c: { claimId: string }) => c.claimId);
    expect(view.body.progress).toEqual({ sampled: ids.length, reviewed: 0, ok: 0, issues: 0, done: false });
    const issue = await api.call('POST', `/audit-samples/${sampleId}/findings`, { role: 'auditor', body: { claimId: ids[0], finding: 'ISSUE' } });
    expect(issue.status).toBe(422);
    expect(issue.body.errors[0].path).toBe('note');
    const outside = await api.call('POST', `/audit-samples/${sampleId}/findings`, { role: 'auditor', body: { claimId: 'C-nope', finding: 'OK' } });
    expect(outside.status).toBe(422);
    expect(outside.body.errors[0].path).toBe('claimId');
    for (const [i, id] of ids.entries()) {
      const f = await api.call('POST', `/audit-samples/${sampleId}/findings`, {
        role: 'auditor',
        body: i === 0 ? { claimId: id, finding: 'ISSUE', note: '发票与病历日期不一致' } : { claimId: id, finding: 'OK' },
      });
      expect(f.status, JSON.stringify(f.body)).toBe(201);
    }
    const twice = await api.call('POST', `/audit-samples/${sampleId}/findings`, {
      role: 'auditor',
      body: { claimId: ids[1], finding: 'ISSUE', note: 'changed my mind' },
    });
    expect(twice.status).toBe(409);
    const done = await api.call('GET', `/audit-samples/${sampleId}`, { role: 'auditor' });
    expect(done.body.progress).toEqual({ sampled: ids.length, reviewed: ids.length, ok: ids.length - 1, issues: 1, done: true });
    expect(done.body.claims[0].finding).toMatchObject({ finding: 'ISSUE', note: '发票与病历日期不一致', auditor: 'auditor-local' });
    expect(done.body.audit.verified).toBe(true);
    expect(done.body.audit.records.map((x: { step: string }) => x.step)).toEqual(['AuditSampleDrawn', ...ids.map(() => 'AuditFinding')]);
    expect(done.body.audit.records[0].outputDigest).toBe(
      sha256Hex(
        JSON.stringify({ claims: done.body.claims.map((c: { claimId: string; reasons: string[] }) => ({ claimId: c.claimId, reasons: c.reasons })) }),
      ),
    );
    // The list shows the sample with its findings all recorded (GET /audit-samples counts them).
    const listed = await api.call('GET', '/audit-samples?schemeId=xiaogan-2024', { role: 'admin' });
    expect(listed.status).toBe(200);
    expect(listed.body.items.find((s: { sampleId: string }) => s.sampleId === sampleId)).toMatchObject({
      sampleId,
      claimCount: ids.length,
      findingsRecorded: ids.length,
    });
  });

  it('bad requests name the field; only auditors draw', async () => {
    for (const [b, path] of [
      [{ ...body, randomBp: 10_001 }, 'randomBp'],
      [{ ...body, minPayout: 1.5 }, 'minPayout'],
      [{ ...body, seed: '' }, 'seed'],
      [{ ...body, from: '2026-12-31', to: '2026-01-01' }, 'from'],
      [{ ...body, schemeId: 'nowhere' }, 'schemeId'],
    ] as const) {
      const r = await api.call('POST', '/audit-samples', { role: 'auditor', body: b });
      expect(r.status, path).toBe(422);
      expect(r.body.errors[0].path).toBe(path);
    }
    expect((await api.call('POST', '/audit-samples', { role: 'admin', body })).status).toBe(403);
    expect((await api.call('GET', '/audit-samples/AS-nope', { role: 'auditor' })).status).toBe(404);
  });
});
