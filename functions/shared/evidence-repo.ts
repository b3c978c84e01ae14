/**
 * The evidence table: a claim's attachments (declaration and where the file stands) and its notes. Every write
 * commits with its record in the claim's audit chain, in one transaction, conditional on the state it moves from,
 * so a retried request or a repeated arrival event changes nothing twice.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import {
  ATTACHMENT_REJECTIONS,
  ATTACHMENT_STATUSES,
  ATTACHMENT_TYPES,
  type AttachmentRejection,
  type AttachmentStatus,
  type AttachmentType,
} from '#core/evidence.js';
import { documentClient, tableName } from './aws.js';
import { checkedItem, checkedItems } from './stored-item.js';
import { commitWithAudit, type AuditEntry, type AuditRecord } from './audit.js';
import { queryAll } from './query-all.js';

export interface AttachmentItem {
  readonly claimId: string;
  /** `ATT#<attachmentId>` */
  readonly item: string;
  readonly attachmentId: string;
  readonly fileName: string;
  readonly contentType: AttachmentType;
  readonly size: number;
  /** The declared SHA-256, lowercase hex. */
  readonly sha256: string;
  readonly objectKey: string;
  readonly status: AttachmentStatus;
  readonly uploadedBy: string;
  readonly createdAt: string;
  readonly verifiedAt?: string | null;
  readonly rejectedAt?: string | null;
  readonly rejection?: AttachmentRejection | null;
}

export interface NoteItem {
  readonly claimId: string;
  /** `NOTE#<noteId>` */
  readonly item: string;
  readonly noteId: string;
  readonly text: string;
  readonly author: string;
  readonly role: string;
  readonly at: string;
}

/** Attachments and notes as stored, checked on every read (all of each: small, and the API shows them). */
const AttachmentItemSchema = z.object({
  claimId: z.string().min(1),
  item: z.string().startsWith('ATT#'),
  attachmentId: z.string().min(1),
  fileName: z.string(),
  contentType: z.enum(ATTACHMENT_TYPES),
  size: z.number().int().min(0),
  sha256: z.string(),
  objectKey: z.string(),
  status: z.enum(ATTACHMENT_STATUSES),
  uploadedBy: z.string(),
  createdAt: z.string(),
  verifiedAt: z.string().nullish(),
  rejectedAt: z.string().nullish(),
  rejection: z.enum(ATTACHMENT_REJECTIONS).nullish(),
});
const NoteItemSchema = z.object({
  claimId: z.string().min(1),
  item: z.string().startsWith('NOTE#'),
  noteId: z.string().min(1),
  text: z.string(),
  author: z.string(),
  role: z.string(),
  at: z.string(),
});
const keyOfItem = (i: Record<string, unknown>) => `${String(i.claimId)}/${String(i.item)}`;

export const attachmentItemKey = (attachmentId: string) => `ATT#${attachmentId}`;
export const noteItemKey = (noteId: string) => `NOTE#${noteId}`;

export async function getAttachment(claimId: string, attachmentId: string): Promise<AttachmentItem | undefined> {
  const out = await documentClient().send(
    new GetCommand({ TableName: tableName('evidence'), Key: { claimId, item: attachmentItemKey(attachmentId) }, ConsistentRead: true }),
  );
  return out.Item === undefined
    ? undefined
    : checkedItem(AttachmentItemSchema, out.Item, { table: 'evidence', key: keyOfItem(out.Item), what: 'attachment' });
}

async function itemsOf(claimId: string, prefix: string): Promise<unknown[]> {
  return queryAll<unknown>({
    TableName: tableName('evidence'),
    KeyConditionExpression: 'claimId = :c AND begins_with(#i, :p)',
    ExpressionAttributeNames: { '#i': 'item' },
    ExpressionAttributeValues: { ':c': claimId, ':p': prefix },
    ConsistentRead: true,
  });
}

/** A claim's attachments, oldest first. */
export async function attachmentsOf(claimId: string): Promise<AttachmentItem[]> {
  return checkedItems(AttachmentItemSchema, await itemsOf(claimId, 'ATT#'), { table: 'evidence', what: 'attachment' }, keyOfItem).sort(
    (a, b) => a.createdAt.localeCompare(b.createdAt) || a.attachmentId.localeCompare(b.attachmentId),
  );
}

/** A claim's notes, oldest first. */
export async function notesOf(claimId: string): Promise<NoteItem[]> {
  return checkedItems(NoteItemSchema, await itemsOf(claimId, 'NOTE#'), { table: 'evidence', what: 'note' }, keyOfItem).sort(
    (a, b) => a.at.localeCompare(b.at) || a.noteId.localeCompare(b.noteId),
  );
}

/** Store a new declaration with its audit record; null when the attachment already exists (a repeat). */
export async function declareAttachment(a: AttachmentItem, audit: AuditEntry): Promise<AuditRecord | null> {
  return commitWithAudit(
    [
      {
        Put: {
          TableName: tableName('evidence'),
          Item: a,
          ConditionExpression: 'attribute_not_exists(#i)',
          ExpressionAttributeNames: { '#i': 'item' },
        },
      },
    ],
    audit,
  );
}

/**
 * The arrival check's verdict: PENDING_UPLOAD → VERIFIED or REJECTED, with its audit record. Null when the
 * attachment had already left PENDING_UPLOAD (a repeated event): nothing is written twice.
 */
export async function settleAttachment(
  a: AttachmentItem,
  verdict: { status: 'VERIFIED' } | { status: 'REJECTED'; rejection: AttachmentRejection },
  audit: AuditEntry,
): Promise<AuditRecord | null> {
  const at = new Date().toISOString();
  const set = verdict.status === 'VERIFIED' ? 'verifiedAt = :at' : 'rejectedAt = :at, rejection = :why';
  return commitWithAudit(
    [
      {
        Update: {
          TableName: tableName('evidence'),
          Key: { claimId: a.claimId, item: a.item },
          UpdateExpression: `SET #s = :to, ${set}`,
          ConditionExpression: '#s = :pending',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ':to': verdict.status,
            ':pending': 'PENDING_UPLOAD',
            ':at': at,
            ...(verdict.status === 'REJECTED' ? { ':why': verdict.rejection } : {}),
          },
        },
      },
    ],
    audit,
  );
}

/** Store a note with its audit record; null when a note with this id exists (a repeated request). */
export async function addNote(n: NoteItem, audit: AuditEntry): Promise<AuditRecord | null> {
  return commitWithAudit(
    [
      {
        Put: {
          TableName: tableName('evidence'),
          Item: n,
          ConditionExpression: 'attribute_not_exists(#i)',
          ExpressionAttributeNames: { '#i': 'item' },
        },
      },
    ],
    audit,
  );
}

export async function getNote(claimId: string, noteId: string): Promise<NoteItem | undefined> {
  const out = await documentClient().send(
    new GetCommand({ TableName: tableName('evidence'), Key: { claimId, item: noteItemKey(noteId) }, ConsistentRead: true }),
  );
  return out.Item === undefined ? undefined : checkedItem(NoteItemSchema, out.Item, { table: 'evidence', key: keyOfItem(out.Item), what: 'note' });
}
