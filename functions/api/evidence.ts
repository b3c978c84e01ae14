/**
 * Evidence API: a claim's attachments and its notes thread (issue 17 §3). Rules: core/evidence.ts.
 *
 * POST /claims/{id}/attachments declares a file (name, type, size, SHA-256) and answers a presigned PUT binding
 * the type, the length and the checksum; the file is judged when it arrives (functions/events/attachment-arrived.ts).
 * GET .../attachments lists them; GET .../attachments/{attachmentId} answers a short-lived download URL, after the
 * access check, and records the download in the claim's audit chain first. Notes: reviewers, auditors and admins;
 * each note is a record in the claim's audit chain (its text as a digest; the thread keeps it in clear).
 */
import { randomUUID } from 'node:crypto';
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import {
  ATTACHMENT_TYPES,
  MAX_ATTACHMENT_BYTES,
  MAX_ATTACHMENTS_PER_CLAIM,
  mayAttach,
  mayReadAttachments,
  safeFileName,
  type AttachmentType,
} from '#core/evidence.js';
import { apiHandler, fieldErrors, HttpError, json, jsonBody, validationError, type Principal, type RouteContext } from './http.js';
import { getClaim } from '../shared/claims-repo.js';
import { appendAudit } from '../shared/audit.js';
import { sha256Hex } from '../shared/canonical.js';
import { logger } from '../shared/step.js';
import type { ClaimRecord } from '../shared/claim-record.js';
import { attachmentKey, downloadUrl, uploadTicket } from '../shared/evidence-bucket.js';
import {
  addNote,
  attachmentItemKey,
  attachmentsOf,
  declareAttachment,
  getAttachment,
  getNote,
  noteItemKey,
  notesOf,
  type AttachmentItem,
  type NoteItem,
} from '../shared/evidence-repo.js';
import { text } from '#core/i18n/index.js';

const AttachmentBody = z
  .object({
    fileName: z.string().trim().min(1).max(255),
    contentType: z.enum(ATTACHMENT_TYPES, { message: 'one of application/pdf, image/jpeg, image/png' }),
    sha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, "the file's SHA-256 as 64 hex digits")
      .transform((s) => s.toLowerCase()),
    size: z.number().int().min(1).max(MAX_ATTACHMENT_BYTES, 'at most 10,485,760 bytes (10 MB)'),
  })
  .strict();

const NoteBody = z.object({ text: z.string().trim().min(1, 'a note needs text').max(4000) }).strict();

async function requireClaim(claimId: string | undefined): Promise<ClaimRecord> {
  const claim = claimId ? await getClaim(claimId) : undefined;
  if (!claim) throw new HttpError(404, 'Not found', text('no claim {{claimId}}', { claimId: claimId ?? '' }));
  return claim;
}

const actorOf = (p: Principal) => `${p.role}:${p.sub}`;

/** Same claim, same file content: one attachment, so a retried declaration converges on the first. */
function attachmentIdFor(claimId: string, sha256: string): string {
  return `A-${sha256Hex(`${claimId}\n${sha256}`).slice(0, 32)}`;
}

function attachmentView(a: AttachmentItem) {
  return {
    attachmentId: a.attachmentId,
    fileName: a.fileName,
    contentType: a.contentType,
    size: a.size,
    sha256: a.sha256,
    status: a.status,
    uploadedBy: a.uploadedBy,
    createdAt: a.createdAt,
    verifiedAt: a.verifiedAt ?? null,
    rejection: a.rejection ?? null,
  };
}

function requireReader(principal: Principal, claim: ClaimRecord): void {
  const access = mayReadAttachments(principal, claim);
  if (access.allowed) return;
  const detail =
    access.reason === 'INSURER_NOT_ON_CLAIM'
      ? `insurer ${principal.insurerId ?? ''} pays no part of claim ${claim.claimId}`
      : `only the claim's submitter, reviewers, auditors and the insurers that pay part of it may read its attachments`;
  throw new HttpError(403, 'Not allowed to read evidence', detail, [{ path: 'claimId', message: access.reason }]);
}

async function declare({ event, principal, params }: RouteContext) {
  const parsed = AttachmentBody.safeParse(jsonBody(event, 4 * 1024));
  if (!parsed.success) throw validationError(fieldErrors(parsed.error));
  const body = parsed.data;
  const claim = await requireClaim(params.claimId);
  if (!mayAttach(principal, claim))
    throw new HttpError(
      403,
      'Not the submitter',
      text("only the claim's submitter may attach files; {{sub}} did not submit it", { sub: principal.sub }),
    );
  const attachmentId = attachmentIdFor(claim.claimId, body.sha256);
  const key = attachmentKey(claim.claimId, attachmentId);
  let existing = await getAttachment(claim.claimId, attachmentId);
  if (!existing) {
    if ((await attachmentsOf(claim.claimId)).length >= MAX_ATTACHMENTS_PER_CLAIM) {
      throw new HttpError(409, 'Too many attachments', text('a claim carries at most {{max}} attachments', { max: MAX_ATTACHMENTS_PER_CLAIM }));
    }
    const item: AttachmentItem = {
      claimId: claim.claimId,
      item: attachmentItemKey(attachmentId),
      attachmentId,
      fileName: body.fileName,
      contentType: body.contentType as AttachmentType,
      size: body.size,
      sha256: body.sha256,
      objectKey: key,
      status: 'PENDING_UPLOAD',
      uploadedBy: principal.sub,
      createdAt: new Date().toISOString(),
    };
    // The file name may name a person: the record holds it as a digest; type, size and checksum in clear.
    const recorded = await declareAttachment(item, {
      claimId: claim.claimId,
      step: 'AttachmentDeclared',
      actor: actorOf(principal),
      input: { fileName: body.fileName },
      output: { attachmentId },
      decision: 'DECLARED',
      figures: { attachmentId, contentType: body.contentType, size: body.size, sha256: body.sha256 },
    });
    if (recorded) {
      const upload = await uploadTicket(key, item.contentType, item.size, item.sha256);
      return json(201, { ...attachmentView(item), upload }, { location: `/claims/${claim.claimId}/attachments/${attachmentId}` });
    }
    existing = await getAttachment(claim.claimId, attachmentId); // declared meanwhile by a concurrent repeat
  }
  if (!existing || existing.fileName !== body.fileName || existing.contentType !== body.contentType || existing.size !== body.size) {
    throw new HttpError(
      409,
      'Already attached',
      text('this file is already attached to the claim as {{attachmentId}}, under another name or type', { attachmentId }),
      [{ path: 'sha256', message: text('already attached as {{attachmentId}}', { attachmentId }) }],
    );
  }
  if (existing.status !== 'PENDING_UPLOAD') {
    throw new HttpError(
      409,
      'Already attached',
      text('this file is already attached to the claim as {{attachmentId}} ({{status}})', { attachmentId, status: existing.status }),
      [{ path: 'sha256', message: text('already attached as {{attachmentId}}', { attachmentId }) }],
    );
  }
  // The same declaration again (a retry, or an upload URL that expired): a fresh URL for the same attachment.
  return json(
    200,
    { ...attachmentView(existing), upload: await uploadTicket(key, existing.contentType, existing.size, existing.sha256) },
    { location: `/claims/${claim.claimId}/attachments/${attachmentId}` },
  );
}

async function list({ principal, params }: RouteContext) {
  const claim = await requireClaim(params.claimId);
  requireReader(principal, claim);
  return json(200, { claimId: claim.claimId, items: (await attachmentsOf(claim.claimId)).map(attachmentView) });
}

async function download({ event, principal, params }: RouteContext) {
  const claim = await requireClaim(params.claimId);
  requireReader(principal, claim);
  const a = params.attachmentId ? await getAttachment(claim.claimId, params.attachmentId) : undefined;
  if (!a)
    throw new HttpError(
      404,
      'Not found',
      text('claim {{claimId}} has no attachment {{attachmentId}}', { claimId: claim.claimId, attachmentId: params.attachmentId ?? '' }),
    );
  if (a.status !== 'VERIFIED') {
    throw new HttpError(
      409,
      'Not verified',
      text('attachment {{attachmentId}} is {{status}}: only a file whose SHA-256 was checked on arrival is handed out', {
        attachmentId: a.attachmentId,
        status: a.status,
      }),
      [{ path: 'attachmentId', message: text('status is {{status}}', { status: a.status }) }],
    );
  }
  // Recorded before the URL exists: a download nobody could trace is never handed out. The request id makes each
  // download a record of its own (appendAudit takes an entry identical to the chain's head for a retried append).
  await appendAudit({
    claimId: claim.claimId,
    step: 'AttachmentDownloaded',
    actor: actorOf(principal),
    input: { attachmentId: a.attachmentId, requestId: event.requestContext?.requestId ?? randomUUID() },
    output: { objectKey: a.objectKey },
    decision: 'DOWNLOADED',
    figures: { attachmentId: a.attachmentId, reader: principal.sub, role: principal.role, sha256: a.sha256 },
  });
  logger.info('attachment download', { claimId: claim.claimId, attachmentId: a.attachmentId, role: principal.role, sub: principal.sub });
  const link = await downloadUrl(a.objectKey, safeFileName(a.fileName), a.contentType);
  return json(200, { ...attachmentView(a), download: { method: 'GET', ...link } }, { 'cache-control': 'no-store' });
}

function noteView(n: NoteItem) {
  return { noteId: n.noteId, text: n.text, author: n.author, role: n.role, at: n.at };
}

async function postNote({ event, principal, params }: RouteContext) {
  const parsed = NoteBody.safeParse(jsonBody(event, 16 * 1024));
  if (!parsed.success) throw validationError(fieldErrors(parsed.error));
  const key = event.headers?.['idempotency-key'];
  if (key !== undefined && (key.length < 1 || key.length > 128))
    throw new HttpError(400, 'Bad Idempotency-Key', 'Idempotency-Key must be 1..128 characters', [
      { path: '(header) idempotency-key', message: '1..128 characters' },
    ]);
  const claim = await requireClaim(params.claimId);
  // With a key, a retried note is the same note (same id); without one, each request is a new note.
  const noteId = key ? `N-${sha256Hex(`${claim.claimId}\n${principal.sub}\n${key}`).slice(0, 32)}` : `N-${randomUUID().replaceAll('-', '')}`;
  const note: NoteItem = {
    claimId: claim.claimId,
    item: noteItemKey(noteId),
    noteId,
    text: parsed.data.text,
    author: principal.sub,
    role: principal.role,
    at: new Date().toISOString(),
  };
  const recorded = await addNote(note, {
    claimId: claim.claimId,
    step: 'Note',
    actor: actorOf(principal),
    input: { text: note.text },
    output: { noteId },
    decision: 'NOTED',
    figures: { noteId, author: principal.sub, role: principal.role },
  });
  if (recorded) return json(201, noteView(note), { location: `/claims/${claim.claimId}/notes` });
  const existing = await getNote(claim.claimId, noteId);
  if (existing?.text !== note.text) {
    throw new HttpError(409, 'Idempotency key reused', 'this Idempotency-Key was used with a different note', [
      { path: '(header) idempotency-key', message: 'already used with a different body' },
    ]);
  }
  return json(200, noteView(existing));
}

async function listNotes({ params }: RouteContext) {
  const claim = await requireClaim(params.claimId);
  return json(200, { claimId: claim.claimId, items: (await notesOf(claim.claimId)).map(noteView) });
}

export const handler = apiHandler('evidence', {
  'POST /claims/{claimId}/attachments': declare,
  'GET /claims/{claimId}/attachments': list,
  'GET /claims/{claimId}/attachments/{attachmentId}': download,
  'POST /claims/{claimId}/notes': postNote,
  'GET /claims/{claimId}/notes': listNotes,
});

/** The request schemas, for the OpenAPI document (functions/api/openapi/). */
export { AttachmentBody, NoteBody };
