/**
 * The evidence table: a claim's attachments (declaration and where the file stands) and its notes. Every write
 * commits with its record in the claim's audit chain, in one transaction, conditional on the state it moves from,
 * so a retried request or a repeated arrival event changes nothing twice.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AttachmentRejection, AttachmentStatus, AttachmentType } from '#core/evidence.js';
import { documentClient, tableName } from './aws.js';
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

export const attachmentItemKey = (attachmentId: string) => `ATT#${attachmentId}`;
export const noteItemKey = (noteId: string) => `NOTE#${noteId}`;

export async function getAttachment(claimId: string, attachmentId: string): Promise<AttachmentItem | undefined> {
  const out = await documentClient().send(
    new GetCommand({ TableName: tableName('evidence'), Key: { claimId, item: attachmentItemKey(attachmentId) }, ConsistentRead: true }),
  );
  return out.Item as AttachmentItem | undefined;
}

async function itemsOf<T>(claimId: string, prefix: string): Promise<T[]> {
  return queryAll<T>({
    TableName: tableName('evidence'),
    KeyConditionExpression: 'claimId = :c AND begins_with(#i, :p)',
    ExpressionAttributeNames: { '#i': 'item' },
    ExpressionAttributeValues: { ':c': claimId, ':p': prefix },
    ConsistentRead: true,
  });
}

/** A claim's attachments, oldest first. */
export async function attachmentsOf(claimId: string): Promise<AttachmentItem[]> {
  return (await itemsOf<AttachmentItem>(claimId, 'ATT#')).sort(
    (a, b) => a.createdAt.localeCompare(b.createdAt) || a.attachmentId.localeCompare(b.attachmentId),
  );
}

/** A claim's notes, oldest first. */
export async function notesOf(claimId: string): Promise<NoteItem[]> {
  return (await itemsOf<NoteItem>(claimId, 'NOTE#')).sort((a, b) => a.at.localeCompare(b.at) || a.noteId.localeCompare(b.noteId));
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
  return out.Item as NoteItem | undefined;
}
