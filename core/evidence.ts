/**
 * A claim's evidence: which files may be attached, how an arrived file is judged against its declaration, and
 * who may read a claim's attachments and notes. Pure: the API and the arrival check hand in facts, get answers.
 *
 * - Attachments are PDF, JPEG or PNG, at most 10 MB, declared with their SHA-256 before upload. A file that
 *   arrives is accepted only if its size, its SHA-256 and its first bytes (the format's signature) match the
 *   declaration; anything else is refused and removed.
 * - Read access: the claim's submitter (same `sub`), reviewers, auditors, and an insurer with an allocation on
 *   the claim (it pays part of it). Nobody else, admins included unless they filed the claim.
 * - Notes (the claim's thread): reviewers, auditors and admins, reading and writing.
 */
export const ATTACHMENT_TYPES = ['application/pdf', 'image/jpeg', 'image/png'] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];
export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;
/** Attachments one claim may carry (declared ones included): a bound on what one submitter can park on a claim. */
export const MAX_ATTACHMENTS_PER_CLAIM = 50;

export const ATTACHMENT_STATUSES = ['PENDING_UPLOAD', 'VERIFIED', 'REJECTED'] as const;
export type AttachmentStatus = (typeof ATTACHMENT_STATUSES)[number];

/** Why an arrived file was refused. */
export const ATTACHMENT_REJECTIONS = ['SHA256_MISMATCH', 'SIZE_MISMATCH', 'TYPE_MISMATCH', 'NOT_DECLARED'] as const;
export type AttachmentRejection = (typeof ATTACHMENT_REJECTIONS)[number];

/** The first bytes of each allowed format (PDF `%PDF-`, JPEG SOI marker, PNG signature). */
const SIGNATURES: Record<AttachmentType, readonly number[]> = {
  'application/pdf': [0x25, 0x50, 0x44, 0x46, 0x2d],
  'image/jpeg': [0xff, 0xd8, 0xff],
  'image/png': [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
};

export function isAttachmentType(t: string): t is AttachmentType {
  return (ATTACHMENT_TYPES as readonly string[]).includes(t);
}

/** Whether `head` (the file's first bytes) starts with the signature of `type`. */
export function hasSignatureOf(type: AttachmentType, head: Uint8Array): boolean {
  const sig = SIGNATURES[type];
  return head.length >= sig.length && sig.every((b, i) => head[i] === b);
}

export interface AttachmentDeclaration {
  readonly contentType: AttachmentType;
  readonly size: number;
  /** Lowercase hex. */
  readonly sha256: string;
}

export interface ArrivedFile {
  readonly size: number;
  readonly sha256: string;
  readonly head: Uint8Array;
}

/** An arrived file against what was declared: null when it is the declared file, else why not (size first: cheapest). */
export function judgeArrival(declared: AttachmentDeclaration, arrived: ArrivedFile): AttachmentRejection | null {
  if (arrived.size !== declared.size) return 'SIZE_MISMATCH';
  if (arrived.sha256.toLowerCase() !== declared.sha256.toLowerCase()) return 'SHA256_MISMATCH';
  if (!hasSignatureOf(declared.contentType, arrived.head)) return 'TYPE_MISMATCH';
  return null;
}

/** The reader as the API knows them (the token's role, `sub` and, for an insurer, its id). */
export interface EvidenceReader {
  readonly role: 'submitter' | 'reviewer' | 'insurer' | 'auditor' | 'admin';
  readonly sub: string;
  readonly insurerId: string | null;
}

/** What of the claim decides access: who filed it, and which insurers pay part of it. */
export interface EvidenceClaim {
  readonly submittedBy: string;
  readonly allocations?: ReadonlyArray<{ readonly insurerId: string; readonly amount: number }> | null;
}

export type EvidenceAccess =
  | { readonly allowed: true }
  | { readonly allowed: false; readonly reason: 'NOT_THE_SUBMITTER' | 'INSURER_NOT_ON_CLAIM' | 'ROLE_MAY_NOT_READ' };

/** May this reader list and download the claim's attachments? */
export function mayReadAttachments(reader: EvidenceReader, claim: EvidenceClaim): EvidenceAccess {
  if (reader.role === 'reviewer' || reader.role === 'auditor') return { allowed: true };
  if (reader.role === 'insurer') {
    const pays = (claim.allocations ?? []).some((a) => a.insurerId === reader.insurerId && a.amount > 0);
    return pays ? { allowed: true } : { allowed: false, reason: 'INSURER_NOT_ON_CLAIM' };
  }
  // A submitter, or an admin who filed the claim (admins file claims too), reads what they filed only.
  if (reader.sub === claim.submittedBy) return { allowed: true };
  return { allowed: false, reason: reader.role === 'submitter' ? 'NOT_THE_SUBMITTER' : 'ROLE_MAY_NOT_READ' };
}

/** May this reader attach a file? The claim's submitter only (the evidence of what they claimed). */
export function mayAttach(reader: EvidenceReader, claim: EvidenceClaim): boolean {
  return (reader.role === 'submitter' || reader.role === 'admin') && reader.sub === claim.submittedBy;
}

/**
 * The file name as a download offers it: the declared name with anything that could break a header or a path
 * (quotes, slashes, control characters) replaced, kept to 200 characters.
 */
export function safeFileName(name: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what a file name must not carry
  const cleaned = name.replace(/[\u0000-\u001f\u007f"\\/:*?<>|]/g, '_').trim();
  return (cleaned || 'attachment').slice(0, 200);
}
