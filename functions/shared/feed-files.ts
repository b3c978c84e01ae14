/**
 * The medical feed's files in S3 (bucket MEDICAL_FEED_BUCKET; embedded, the local stand-in). Three kinds of key:
 * - `incoming/<schemeId>/<name>`: put there by the bureau or an operator; an S3 event starts the feed workflow;
 * - `uploads/<schemeId>/<feedId>.csv`: a file sent through `POST /medical-feeds`, as sent;
 * - `normalized/<feedId>.csv`: the file as the workflow's Distributed Map reads it: UTF-8 (Step Functions' CSV
 *   reader reads nothing else), the documented columns plus `line` (the row's line in the file as sent, so a
 *   report names the bureau's own line numbers) and `problem` (a record that is not a row of the table: a
 *   sentence and its figures, as JSON).
 * The results of each map run go under `results/` (the ResultWriter's).
 */
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { FEED_COLUMNS, FeedFileError, MAX_FEED_BYTES, type FeedItem } from '#core/index.js';
import { s3Client } from './aws.js';
import { wiring } from './config.js';
import { isMessage, message, text, type Message } from '#core/i18n/index.js';

export function feedBucket(): string {
  return wiring('MEDICAL_FEED_BUCKET', "the medical bureau's feed bucket");
}

export const INCOMING_PREFIX = 'incoming/';
export const uploadKey = (schemeId: string, feedId: string) => `uploads/${schemeId}/${feedId}.csv`;
export const normalizedKey = (feedId: string) => `normalized/${feedId}.csv`;

/** `incoming/<schemeId>/…` → the scheme the bureau put the file in for; undefined for any other key. */
export function schemeOfIncomingKey(key: string): string | undefined {
  const m = /^incoming\/([A-Za-z0-9_-]{1,128})\/[^/].*$/.exec(key);
  return m?.[1];
}

export async function readFeedFile(bucket: string, key: string): Promise<Uint8Array> {
  const out = await s3Client().send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  // Refused before reading: nothing of a file over the limit is taken.
  if ((out.ContentLength ?? 0) > MAX_FEED_BYTES)
    throw new FeedFileError(
      413,
      'file',
      text('the file is {{size}} bytes; the limit is {{max}} bytes ({{mib}} MiB)', {
        size: out.ContentLength ?? 0,
        max: MAX_FEED_BYTES,
        mib: MAX_FEED_BYTES / 1024 / 1024,
      }),
    );
  if (!out.Body) throw new Error(`s3://${bucket}/${key} has no body`);
  return out.Body.transformToByteArray();
}

export async function writeFeedFile(bucket: string, key: string, body: Uint8Array | string, contentType: string): Promise<void> {
  await s3Client().send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
}

/** RFC 4180: every field quoted, quotes doubled (a cell may hold commas and line breaks). */
const quote = (v: string) => `"${v.replaceAll('"', '""')}"`;

export const NORMALIZED_COLUMNS = ['line', 'problem', ...FEED_COLUMNS] as const;

/** The rows as the map reads them: one record per row, header first, CRLF, UTF-8 (no BOM). */
export function normalizedCsv(items: readonly FeedItem[]): string {
  const lines = [NORMALIZED_COLUMNS.join(',')];
  for (const item of items)
    lines.push(
      [String(item.line), item.problem ? JSON.stringify(item.problem) : '', ...FEED_COLUMNS.map((c) => item.cells[c] ?? '')].map(quote).join(','),
    );
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * The `problem` column back into a sentence with its figures (the column holds it as JSON, so the batch can
 * report it in any reader's language). Plain text, as a file normalized before problems were data holds, is
 * taken as an English sentence.
 */
export function problemOfColumn(column: string): Message {
  try {
    const parsed: unknown = JSON.parse(column);
    if (isMessage(parsed)) return parsed.values ? message(parsed.key, parsed.values) : message(parsed.key);
  } catch {
    // not JSON: the sentence itself
  }
  return text(column);
}
