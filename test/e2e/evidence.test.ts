/**
 * Evidence (issue 17 §3) over HTTP on the embedded system: a declared file uploaded to its presigned URL and
 * checked on arrival; a tampered upload refused (by the signed checksum, and, for a file put into the bucket any
 * other way, by the arrival check, which deletes it); who may read attachments (an insurer of another claim may
 * not); every download and note in the claim's audit chain.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { Embedded } from '../../embedded/runtime.js';
import { evidenceBucket, s3Client } from '../../functions/shared/evidence-bucket.js';
import { chainFigures, reconcileFigures, StoredFigures } from '../../core/audit-figures.js';
import { client, startTestSystem, type Reply } from '../support/server.js';

const household = (householdId: string, personId: string, schemeId = 'xiaogan-2024') => ({
  householdId,
  schemeId,
  county: schemeId === 'xiaogan-2024' ? '420902' : '331102',
  category: schemeId === 'xiaogan-2024' ? 'LIFTED_OUT' : 'DIBAO',
  verifiedYear: 2024,
  members: [{ personId }],
  enrollment: { products: [schemeId === 'xiaogan-2024' ? 'MEDICAL' : 'LOAN_GUARANTEE'], start: '2024-01-01', end: '2024-12-31' },
});

const SUBMITTER = 'village.agent.7';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
/** A small PDF-looking file (the check reads the format's signature, `%PDF-`) and a PNG. */
const PDF = Buffer.concat([
  Buffer.from('%PDF-1.7\n'),
  Buffer.from('hospital discharge summary, invoice INV-EV-1\n'.repeat(40)),
  Buffer.from('%%EOF\n'),
]);
const png = (fill: number) => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(2048, fill)]);
const PNG = png(7);

let system: Embedded;
let api: ReturnType<typeof client>;
let paid: string; // a Xiaogan MEDICAL claim, split over XG-POOL-1/2/3
let other: string; // a Lishui LOAN_GUARANTEE claim, paid by LS-LOAN-GUARANTEE-CENTRE alone

beforeAll(async () => {
  system = await startTestSystem('evidence');
  api = client(system);
  const r = await api.call('POST', '/households', { role: 'admin', body: [household('HE-1', 'PE-1'), household('HE-L', 'PE-L', 'lishui-2017')] });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  const submit = async (body: unknown) => {
    const s = await api.call('POST', '/claims', { role: 'submitter', sub: SUBMITTER, body });
    expect(s.status, JSON.stringify(s.body)).toBe(202);
    return s.body.claimId as string;
  };
  paid = await submit({
    schemeId: 'xiaogan-2024',
    product: 'MEDICAL',
    householdId: 'HE-1',
    personId: 'PE-1',
    incidentDate: '2024-05-03',
    details: { hospitalCode: 'HOSP-EV', invoiceNo: 'INV-EV-1', totalCost: 1_500_000 },
  });
  other = await submit({
    schemeId: 'lishui-2017',
    product: 'LOAN_GUARANTEE',
    householdId: 'HE-L',
    personId: 'PE-L',
    incidentDate: '2024-06-01',
    details: { loanId: 'LE-1', bankId: 'BANK-LS', outstandingPrincipal: 1_000_000, unpaidInterest: 0, recoveries: 0 },
  });
  const a = await api.waitForStatus(paid, ['SETTLING']);
  expect(a.body.allocations.map((x: { insurerId: string }) => x.insurerId).sort()).toEqual(['XG-POOL-1', 'XG-POOL-2', 'XG-POOL-3']);
  await api.waitForStatus(other, ['SETTLING']);
});
afterAll(async () => {
  await system?.stop();
});

const declare = (claimId: string, file: Buffer, contentType: string, fileName: string, sub = SUBMITTER) =>
  api.call('POST', `/claims/${claimId}/attachments`, {
    role: 'submitter',
    sub,
    body: { fileName, contentType, sha256: sha256(file), size: file.length },
  });

/** PUT to the presigned URL with the headers the declaration answered (or others, to tamper). */
const upload = (declared: Reply, body: Buffer, headers: Record<string, string> = declared.body.upload.headers) => {
  const h = { ...headers };
  delete h['content-length']; // fetch sets it from the body
  return fetch(declared.body.upload.url, { method: 'PUT', headers: h, body });
};

async function attachmentStatus(claimId: string, attachmentId: string, until: string[]): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const l = await api.call('GET', `/claims/${claimId}/attachments`, { role: 'auditor' });
    expect(l.status).toBe(200);
    const a = (l.body.items as Array<Record<string, unknown>>).find((i) => i.attachmentId === attachmentId);
    if (a && until.includes(String(a.status))) return a;
    if (Date.now() > deadline) throw new Error(`attachment ${attachmentId} did not reach ${until.join('/')}: ${JSON.stringify(a)}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function auditOf(claimId: string) {
  const a = await api.call('GET', `/claims/${claimId}/audit`, { role: 'auditor' });
  expect(a.status).toBe(200);
  expect(a.body.verified, a.body.problem).toBe(true);
  return a.body as {
    records: Array<{ step: string; actor: string; decision: string | null; figures?: Record<string, unknown>; inputDigest: string }>;
    stored: unknown;
  };
}

const problemType = (title: string) => `https://fangpin.dev/problems/${title.toLowerCase().replace(/ /g, '-')}`;

describe('attachments', () => {
  let pdfId: string;

  it('a declared PDF uploaded to its presigned URL is checked on arrival, VERIFIED, with its SHA-256 in the audit chain', async () => {
    const d = await declare(paid, PDF, 'application/pdf', '出院小结 discharge.pdf');
    expect(d.status, JSON.stringify(d.body)).toBe(201);
    expect(d.body).toMatchObject({
      status: 'PENDING_UPLOAD',
      contentType: 'application/pdf',
      size: PDF.length,
      sha256: sha256(PDF),
      uploadedBy: SUBMITTER,
    });
    expect(d.body.upload.headers).toEqual({
      'content-type': 'application/pdf',
      'content-length': String(PDF.length),
      'x-amz-checksum-sha256': createHash('sha256').update(PDF).digest('base64'),
    });
    // The type, the length and the checksum are signed.
    expect(new URL(d.body.upload.url).searchParams.get('X-Amz-SignedHeaders')).toBe('content-length;content-type;host;x-amz-checksum-sha256');
    pdfId = d.body.attachmentId;

    // Before the file arrives, nothing can be downloaded.
    const early = await api.call('GET', `/claims/${paid}/attachments/${pdfId}`, { role: 'reviewer' });
    expect(early.status).toBe(409);
    expect(early.body.type).toBe(problemType('Not verified'));

    const put = await upload(d, PDF);
    expect(put.status, await put.clone().text()).toBe(200);
    const a = await attachmentStatus(paid, pdfId, ['VERIFIED', 'REJECTED']);
    expect(a).toMatchObject({ status: 'VERIFIED', rejection: null, fileName: '出院小结 discharge.pdf' });

    const records = (await auditOf(paid)).records.filter((r) => r.step.startsWith('Attachment'));
    expect(records.map((r) => [r.step, r.actor, r.decision])).toEqual([
      ['AttachmentDeclared', `submitter:${SUBMITTER}`, 'DECLARED'],
      ['AttachmentVerified', 'evidence-check', 'VERIFIED'],
    ]);
    expect(records[1]?.figures).toEqual({ attachmentId: pdfId, size: PDF.length, sha256: sha256(PDF) });
  });

  it('declaring the same file again is the same attachment; once it arrived, 409', async () => {
    const again = await declare(paid, PDF, 'application/pdf', '出院小结 discharge.pdf');
    expect(again.status).toBe(409);
    expect(again.body.type).toBe(problemType('Already attached'));
    const png = await declare(paid, PNG, 'image/png', 'receipt.png');
    expect(png.status).toBe(201);
    const repeat = await declare(paid, PNG, 'image/png', 'receipt.png');
    expect(repeat.status).toBe(200);
    expect(repeat.body.attachmentId).toBe(png.body.attachmentId);
  });

  it('refuses a tampered upload: another body under the signed checksum (400 BadDigest), another type (403); nothing arrives', async () => {
    const file = png(8);
    const d = await declare(paid, file, 'image/png', 'scan.png');
    expect(d.status).toBe(201);
    const tampered = Buffer.from(file);
    tampered[100] = 0; // same length, same signature, different bytes
    const bad = await upload(d, tampered);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('<Code>BadDigest</Code>');
    const otherType = await upload(d, file, { ...d.body.upload.headers, 'content-type': 'image/jpeg' });
    expect(otherType.status).toBe(403);
    expect(await otherType.text()).toContain('SignatureDoesNotMatch');
    const longer = await upload(d, Buffer.concat([file, Buffer.from('x')]));
    expect(longer.status).toBe(403); // the length is signed too
    await new Promise((r) => setTimeout(r, 200));
    const a = await attachmentStatus(paid, d.body.attachmentId, ['PENDING_UPLOAD', 'VERIFIED', 'REJECTED']);
    expect(a.status).toBe('PENDING_UPLOAD');
    const dl = await api.call('GET', `/claims/${paid}/attachments/${d.body.attachmentId}`, { role: 'auditor' });
    expect(dl.status).toBe(409);
  });

  it('a file put into the bucket some other way (bypassing the signed checksum) is checked on arrival: REJECTED, deleted, audited', async () => {
    const file = png(9);
    const d = await declare(paid, file, 'image/png', 'photo.png');
    expect(d.status).toBe(201);
    const key = new URL(d.body.upload.url).pathname.split('/').slice(3).join('/');
    expect(key).toBe(`claims/${paid}/${d.body.attachmentId}`);
    const tampered = Buffer.from(file);
    tampered[200] = 1;
    await s3Client().send(new PutObjectCommand({ Bucket: evidenceBucket(), Key: key, Body: tampered, ContentType: 'image/png' }));
    const a = await attachmentStatus(paid, d.body.attachmentId, ['VERIFIED', 'REJECTED']);
    expect(a).toMatchObject({ status: 'REJECTED', rejection: 'SHA256_MISMATCH' });
    await expect(s3Client().send(new GetObjectCommand({ Bucket: evidenceBucket(), Key: key }))).rejects.toMatchObject({ name: 'NoSuchKey' });
    const dl = await api.call('GET', `/claims/${paid}/attachments/${d.body.attachmentId}`, { role: 'reviewer' });
    expect(dl.status).toBe(409);
    const refusal = (await auditOf(paid)).records.find((r) => r.step === 'AttachmentRefused');
    expect(refusal).toMatchObject({
      actor: 'evidence-check',
      decision: 'SHA256_MISMATCH',
      figures: { attachmentId: d.body.attachmentId, reason: 'SHA256_MISMATCH', size: file.length, sha256: sha256(tampered) },
    });
  });

  it('only PDF, JPEG and PNG up to 10 MB, with a SHA-256: anything else is 422 naming the field', async () => {
    const bad = async (body: Record<string, unknown>, path: string) => {
      const r = await api.call('POST', `/claims/${paid}/attachments`, {
        role: 'submitter',
        sub: SUBMITTER,
        body: { fileName: 'a.pdf', contentType: 'application/pdf', sha256: sha256(PDF), size: 10, ...body },
      });
      expect(r.status, JSON.stringify(r.body)).toBe(422);
      expect(r.body.errors.map((e: { path: string }) => e.path)).toContain(path);
    };
    await bad({ contentType: 'text/html' }, 'contentType');
    await bad({ size: 10 * 1024 * 1024 + 1 }, 'size');
    await bad({ sha256: 'abc' }, 'sha256');
    await bad({ fileName: '' }, 'fileName');
  });

  it('downloads: the submitter, reviewers, auditors and an insurer paying part of the claim; each download audited', async () => {
    const readers: Array<{ role: 'submitter' | 'reviewer' | 'auditor' | 'insurer'; sub?: string; insurerId?: string }> = [
      { role: 'submitter', sub: SUBMITTER },
      { role: 'reviewer', sub: 'rev-ev' },
      { role: 'auditor' },
      { role: 'insurer', insurerId: 'XG-POOL-2' },
    ];
    for (const who of readers) {
      const l = await api.call('GET', `/claims/${paid}/attachments`, who);
      expect(l.status, `${who.role}: ${JSON.stringify(l.body)}`).toBe(200);
      const r = await api.call('GET', `/claims/${paid}/attachments/${pdfId}`, who);
      expect(r.status, `${who.role}: ${JSON.stringify(r.body)}`).toBe(200);
      expect(r.headers.get('cache-control')).toBe('no-store');
      const file = await fetch(r.body.download.url);
      expect(file.status).toBe(200);
      expect(file.headers.get('content-type')).toBe('application/pdf');
      expect(file.headers.get('content-disposition')).toContain("filename*=UTF-8''");
      expect(sha256(Buffer.from(await file.arrayBuffer()))).toBe(sha256(PDF));
    }
    // The same reader again: every download is a record of its own.
    expect((await api.call('GET', `/claims/${paid}/attachments/${pdfId}`, { role: 'auditor' })).status).toBe(200);
    const downloads = (await auditOf(paid)).records.filter((r) => r.step === 'AttachmentDownloaded');
    expect(downloads.map((r) => r.actor)).toEqual([
      `submitter:${SUBMITTER}`,
      'reviewer:rev-ev',
      'auditor:auditor-local',
      'insurer:insurer-XG-POOL-2',
      'auditor:auditor-local',
    ]);
    expect(downloads[3]?.figures).toEqual({ attachmentId: pdfId, reader: 'insurer-XG-POOL-2', role: 'insurer', sha256: sha256(PDF) });
  });

  it('refuses an insurer of another claim, another submitter and an admin who did not file it (403); nothing is recorded', async () => {
    const before = (await auditOf(paid)).records.length;
    const refusedRead = async (who: { role: 'submitter' | 'insurer' | 'admin'; sub?: string; insurerId?: string }, reason: string) => {
      for (const path of [`/claims/${paid}/attachments`, `/claims/${paid}/attachments/${pdfId}`]) {
        const r = await api.call('GET', path, who);
        expect(r.status, `${who.role} ${path}: ${JSON.stringify(r.body)}`).toBe(403);
        expect(r.body).toMatchObject({ type: problemType('Not allowed to read evidence'), errors: [{ path: 'claimId', message: reason }] });
      }
    };
    // LS-LOAN-GUARANTEE-CENTRE pays the other claim, not this one.
    const own = await api.call('GET', `/claims/${other}`, { role: 'auditor' });
    expect(own.body.allocations.map((a: { insurerId: string }) => a.insurerId)).toEqual(['LS-LOAN-GUARANTEE-CENTRE']);
    await refusedRead({ role: 'insurer', insurerId: 'LS-LOAN-GUARANTEE-CENTRE' }, 'INSURER_NOT_ON_CLAIM');
    await refusedRead({ role: 'submitter', sub: 'someone.else' }, 'NOT_THE_SUBMITTER');
    await refusedRead({ role: 'admin' }, 'ROLE_MAY_NOT_READ');
    // Nor may anyone but the submitter attach.
    const attach = await declare(paid, PDF, 'application/pdf', 'x.pdf', 'someone.else');
    expect(attach.status).toBe(403);
    expect((await auditOf(paid)).records.length).toBe(before);
  });
});

describe('notes', () => {
  it('reviewers, auditors and admins write and read the thread; each note is an audit record; a key makes a retry the same note', async () => {
    const a = await api.call('POST', `/claims/${paid}/notes`, {
      role: 'reviewer',
      sub: 'rev-ev',
      body: { text: '已电话核实住院记录' },
      headers: { 'idempotency-key': 'n-1' },
    });
    expect(a.status, JSON.stringify(a.body)).toBe(201);
    expect(a.body).toMatchObject({ text: '已电话核实住院记录', author: 'rev-ev', role: 'reviewer' });
    const retry = await api.call('POST', `/claims/${paid}/notes`, {
      role: 'reviewer',
      sub: 'rev-ev',
      body: { text: '已电话核实住院记录' },
      headers: { 'idempotency-key': 'n-1' },
    });
    expect(retry.status).toBe(200);
    expect(retry.body.noteId).toBe(a.body.noteId);
    const reused = await api.call('POST', `/claims/${paid}/notes`, {
      role: 'reviewer',
      sub: 'rev-ev',
      body: { text: 'other' },
      headers: { 'idempotency-key': 'n-1' },
    });
    expect(reused.status).toBe(409);
    const b = await api.call('POST', `/claims/${paid}/notes`, { role: 'auditor', body: { text: 'sampled for the quarterly audit' } });
    expect(b.status).toBe(201);
    const c = await api.call('POST', `/claims/${paid}/notes`, { role: 'admin', body: { text: 'hospital contact updated' } });
    expect(c.status).toBe(201);
    const empty = await api.call('POST', `/claims/${paid}/notes`, { role: 'admin', body: { text: '  ' } });
    expect(empty.status).toBe(422);
    expect(empty.body.errors[0].path).toBe('text');

    const thread = await api.call('GET', `/claims/${paid}/notes`, { role: 'admin' });
    expect(thread.status).toBe(200);
    expect(thread.body.items.map((n: { author: string; text: string }) => `${n.author}: ${n.text}`)).toEqual([
      'rev-ev: 已电话核实住院记录',
      'auditor-local: sampled for the quarterly audit',
      'admin-local: hospital contact updated',
    ]);
    for (const role of ['submitter', 'insurer'] as const) {
      expect((await api.call('GET', `/claims/${paid}/notes`, { role, insurerId: role === 'insurer' ? 'XG-POOL-1' : undefined })).status).toBe(403);
      expect(
        (await api.call('POST', `/claims/${paid}/notes`, { role, insurerId: role === 'insurer' ? 'XG-POOL-1' : undefined, body: { text: 'x' } }))
          .status,
      ).toBe(403);
    }

    const audit = await auditOf(paid);
    const notes = audit.records.filter((r) => r.step === 'Note');
    expect(notes.map((r) => r.actor)).toEqual(['reviewer:rev-ev', 'auditor:auditor-local', 'admin:admin-local']);
    expect(notes[0]?.figures).toEqual({ noteId: a.body.noteId, author: 'rev-ev', role: 'reviewer' });
    expect(notes[0]?.inputDigest).toBe(
      createHash('sha256')
        .update(JSON.stringify({ text: '已电话核实住院记录' }))
        .digest('hex'),
    );
    // Evidence records never read as the claim's decisions: the stored figures still reconcile with the chain.
    expect(reconcileFigures(chainFigures(audit.records as never), StoredFigures.parse(audit.stored))).toEqual([]);
  });

  it('an unknown claim is 404', async () => {
    expect((await api.call('GET', '/claims/C-none/notes', { role: 'auditor' })).status).toBe(404);
    expect((await api.call('GET', '/claims/C-none/attachments', { role: 'auditor' })).status).toBe(404);
  });
});
