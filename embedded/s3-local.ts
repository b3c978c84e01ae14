/**
 * A local stand-in for the S3 API, as much of it as the medical feed's handlers use: PutObject, GetObject and
 * HeadObject, path-style (`/<bucket>/<key>`), no authentication (127.0.0.1 only), objects kept as files under
 * the data directory (embedded/sfn/local-bucket.ts), the same files the engine's Distributed Map ItemReader reads
 * and its ResultWriter writes. Handlers reach it through the AWS SDK (AWS_ENDPOINT_URL_S3), as they reach S3 on AWS.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { getObject, NoSuchKey, objectPath, putObject } from './sfn/local-bucket.js';

/** S3's own limit for one PutObject; the feed's files are far smaller (32 MiB). */
const MAX_OBJECT_BYTES = 5 * 1024 * 1024 * 1024;

function s3Error(res: ServerResponse, status: number, code: string, message: string, head = false): void {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(
    head
      ? undefined
      : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message.replace(/[<>&]/g, '')}</Message></Error>`,
  );
}

async function readAll(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_OBJECT_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

const etagOf = (body: Uint8Array) => `"${createHash('md5').update(body).digest('hex')}"`;

async function handle(root: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const [, bucket = '', ...rest] = url.pathname.split('/');
  let key: string;
  try {
    key = rest.map((s) => decodeURIComponent(s)).join('/');
    objectPath(root, bucket, key);
  } catch {
    return s3Error(res, 400, 'InvalidArgument', 'not a bucket and object key this stand-in takes', req.method === 'HEAD');
  }
  if (req.method === 'PUT') {
    // aws-chunked uploads (streamed bodies with trailing checksums) are not decoded here; the handlers send buffers.
    if (/aws-chunked/i.test(String(req.headers['content-encoding'] ?? '')))
      return s3Error(res, 501, 'NotImplemented', 'aws-chunked uploads are not supported by the local stand-in');
    const body = await readAll(req);
    if (!body) return s3Error(res, 400, 'EntityTooLarge', 'the object is too large');
    await putObject(root, bucket, key, body);
    res.writeHead(200, { etag: etagOf(body) }).end();
    return;
  }
  if (req.method === 'GET' || req.method === 'HEAD') {
    try {
      const body = await getObject(root, bucket, key);
      res.writeHead(200, { 'content-length': String(body.byteLength), 'content-type': 'application/octet-stream', etag: etagOf(body) });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch (err) {
      if (err instanceof NoSuchKey) return s3Error(res, 404, 'NoSuchKey', 'The specified key does not exist.', req.method === 'HEAD');
      throw err;
    }
    return;
  }
  s3Error(res, 405, 'MethodNotAllowed', `${req.method} is not supported by the local stand-in`);
}

export async function startLocalS3(root: string, host = '127.0.0.1'): Promise<{ endpoint: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    handle(root, req, res).catch((err: unknown) => {
      if (!res.headersSent) s3Error(res, 500, 'InternalError', err instanceof Error ? err.message : String(err));
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
