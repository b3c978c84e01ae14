/**
 * The local stand-in for S3 buckets: object `<key>` of bucket `<bucket>` is the file `<root>/<bucket>/<key>`.
 * Shared by the engine's ItemReader / ResultWriter and the embedded S3 endpoint (embedded/s3-local.ts), so a file
 * put through the SDK is what a Distributed Map reads. Keys keep their `/` as directories; each segment is
 * percent-encoded, and `.`/`..`/empty segments are refused, so no key can name a file outside its bucket.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,253}[a-z0-9]$/i;

export class NoSuchKey extends Error {
  constructor(bucket: string, key: string) {
    super(`s3://${bucket}/${key} does not exist`);
    this.name = 'NoSuchKey';
  }
}

/** The file that holds an object. Throws on a bucket or key that cannot be an object's name. */
export function objectPath(root: string, bucket: string, key: string): string {
  if (!BUCKET_NAME.test(bucket) || bucket.includes('..')) throw new Error(`'${bucket.slice(0, 80)}' is not a bucket name`);
  const segments = key.split('/');
  if (key.length === 0 || key.length > 1024 || segments.some((s) => s === '' || s === '.' || s === '..'))
    throw new Error(`'${key.slice(0, 80)}' is not an object key the local bucket takes`);
  return join(root, bucket, ...segments.map((s) => encodeURIComponent(s)));
}

export async function getObject(root: string, bucket: string, key: string): Promise<Buffer> {
  try {
    return await readFile(objectPath(root, bucket, key));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'EISDIR') throw new NoSuchKey(bucket, key);
    throw err;
  }
}

/** Written whole or not at all (a temporary file renamed), as S3 never shows half an object. */
export async function putObject(root: string, bucket: string, key: string, body: Uint8Array | string): Promise<void> {
  const path = objectPath(root, bucket, key);
  await mkdir(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.partial`;
  await writeFile(tmp, body);
  await rename(tmp, path);
}

/** The same, synchronously: the ResultWriter writes while the engine evaluates the map's result. */
export function putObjectSync(root: string, bucket: string, key: string, body: string): void {
  const path = objectPath(root, bucket, key);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.${Date.now()}.partial`;
  writeFileSync(tmp, body);
  renameSync(tmp, path);
}
