/**
 * The evidence bucket through the AWS SDK: presigned PUT and GET URLs, and what the arrival check reads and
 * removes. On AWS the bucket is private, KMS-encrypted and versioned (lib/evidence.ts); embedded, the same calls
 * reach a local stand-in under the data directory through FANGPIN_EVIDENCE_S3_ENDPOINT, as DynamoDB Local does for the
 * store. Nothing here knows which one it talks to.
 */
import { DeleteObjectCommand, GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { s3Client as sharedS3Client } from './aws.js';
import { wiring } from './config.js';

/** How long an upload URL and a download URL stay valid. */
export const UPLOAD_URL_SECONDS = 15 * 60;
export const DOWNLOAD_URL_SECONDS = 5 * 60;

/** The evidence bucket's client (functions/shared/aws.ts), reaching the evidence stand-in when embedded. */
export function s3Client(): S3Client {
  return sharedS3Client('FANGPIN_EVIDENCE_S3_ENDPOINT');
}

export function evidenceBucket(): string {
  return wiring('EVIDENCE_BUCKET', 'the evidence bucket');
}

/** Where an attachment's file lives: by ids only, never the uploader's file name. */
export function attachmentKey(claimId: string, attachmentId: string): string {
  return `claims/${claimId}/${attachmentId}`;
}

/** The ids back from an object key (an arrival event names the key); null for a key this API never hands out. */
export function parseAttachmentKey(key: string): { claimId: string; attachmentId: string } | null {
  const m = /^claims\/([A-Za-z0-9-]{1,80})\/(A-[0-9a-f]{32})$/.exec(key);
  return m ? { claimId: m[1]!, attachmentId: m[2]! } : null;
}

export interface UploadTicket {
  readonly method: 'PUT';
  readonly url: string;
  /** Send exactly these headers: each is part of the signature, so another type, length or checksum is refused. */
  readonly headers: Readonly<Record<string, string>>;
  readonly expiresAt: string;
}

/**
 * A presigned PUT binding the content type, the length and the SHA-256 (as `x-amz-checksum-sha256`, which S3
 * itself checks against the body: a different file is refused with 400 BadDigest before it is stored).
 */
export async function uploadTicket(key: string, contentType: string, size: number, sha256Hex: string): Promise<UploadTicket> {
  const checksum = Buffer.from(sha256Hex, 'hex').toString('base64');
  const url = await getSignedUrl(
    s3Client(),
    new PutObjectCommand({ Bucket: evidenceBucket(), Key: key, ContentType: contentType, ContentLength: size, ChecksumSHA256: checksum }),
    {
      expiresIn: UPLOAD_URL_SECONDS,
      signableHeaders: new Set(['content-type', 'content-length']),
      // Kept a header (signed), not hoisted into the query string: S3 checks the body against the header.
      unhoistableHeaders: new Set(['x-amz-checksum-sha256']),
    },
  );
  return {
    method: 'PUT',
    url,
    headers: { 'content-type': contentType, 'content-length': String(size), 'x-amz-checksum-sha256': checksum },
    expiresAt: new Date(Date.now() + UPLOAD_URL_SECONDS * 1000).toISOString(),
  };
}

/** A presigned GET that makes the browser save the file under its (cleaned) name, with its declared type. */
export async function downloadUrl(key: string, fileName: string, contentType: string): Promise<{ url: string; expiresAt: string }> {
  const url = await getSignedUrl(
    s3Client(),
    new GetObjectCommand({
      Bucket: evidenceBucket(),
      Key: key,
      ResponseContentType: contentType,
      ResponseContentDisposition: `attachment; filename*=UTF-8''${encodeURIComponent(fileName)}`,
    }),
    { expiresIn: DOWNLOAD_URL_SECONDS },
  );
  return { url, expiresAt: new Date(Date.now() + DOWNLOAD_URL_SECONDS * 1000).toISOString() };
}

/** The stored object's bytes (the arrival check reads only objects whose size, from the event, is the declared one). */
export async function readObject(
  key: string,
  versionId?: string,
): Promise<{ body: Uint8Array; contentType: string | undefined; length: number | undefined }> {
  const out = await s3Client().send(new GetObjectCommand({ Bucket: evidenceBucket(), Key: key, VersionId: versionId }));
  const body = out.Body ? await out.Body.transformToByteArray() : new Uint8Array();
  return { body, contentType: out.ContentType, length: out.ContentLength };
}

/** Remove a refused file: the very version that arrived (the bucket is versioned; a plain delete would only hide it). */
export async function removeObject(key: string, versionId?: string): Promise<void> {
  await s3Client().send(new DeleteObjectCommand({ Bucket: evidenceBucket(), Key: key, VersionId: versionId }));
}
