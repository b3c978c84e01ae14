/**
 * The evidence bucket, embedded: a small stand-in for S3 under the data directory, served by the embedded HTTP
 * server at /evidence-bucket/ and reached by the handlers' own S3 client (FANGPIN_EVIDENCE_S3_ENDPOINT, path-style), as
 * DynamoDB Local stands in for DynamoDB. It does what the evidence flow relies on S3 for, the way S3 does it:
 *
 * - every request is SigV4-signed (a presigned URL or an Authorization header) with the process's credentials;
 *   a presigned URL past its X-Amz-Expires is refused, and so is any request whose signed headers (content type,
 *   length, `x-amz-checksum-sha256`) differ from what was signed: 403 SignatureDoesNotMatch;
 * - a PUT whose body does not match its `x-amz-checksum-sha256` is refused, 400 BadDigest, and nothing is stored;
 * - after a stored PUT, the ObjectCreated notification: the same arrival handler the bucket invokes on AWS
 *   (functions/events/attachment-arrived.ts), with an S3 event, after the answer (asynchronously, as on AWS).
 *
 * Not S3: one version per key (a new PUT replaces it; versioning is the AWS bucket's), no listing, no multipart.
 */
import { createHash, createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { MAX_ATTACHMENT_BYTES } from '../core/evidence.js';

export const EVIDENCE_BUCKET_PATH = '/evidence-bucket';

export interface ObjectCreated {
  readonly bucket: string;
  readonly key: string;
  readonly size: number;
  readonly versionId: string;
  readonly eTag: string;
}

export interface LocalBucketOptions {
  /** Where objects are kept (a folder of the data directory, or a temporary one). */
  readonly root: string;
  readonly bucket: string;
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** The bucket's notification target: called after each stored PUT. */
  readonly onObjectCreated: (o: ObjectCreated) => Promise<unknown>;
  readonly log?: (line: string) => void;
}

interface StoredMeta {
  readonly key: string;
  readonly versionId: string;
  readonly contentType: string;
  readonly size: number;
  readonly sha256: string;
}

/** RFC 3986 encoding, as SigV4's canonical query wants it. */
function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const hmac = (key: Buffer | string, data: string) => createHmac('sha256', key).update(data, 'utf8').digest();
const sha256Hex = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

/** The SigV4 signature S3 would compute for this request (canonical request → string to sign → HMAC chain). */
function signature(
  secret: string,
  req: {
    method: string;
    path: string;
    query: Array<[string, string]>;
    headers: Record<string, string>;
    signedHeaders: string[];
    payloadHash: string;
    amzDate: string;
    scope: string;
  },
): string {
  const canonicalQuery = req.query
    .map(([k, v]) => [rfc3986(k), rfc3986(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalHeaders = req.signedHeaders.map((h) => `${h}:${(req.headers[h] ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const canonical = [req.method, req.path, canonicalQuery, canonicalHeaders, req.signedHeaders.join(';'), req.payloadHash].join('\n');
  const toSign = ['AWS4-HMAC-SHA256', req.amzDate, req.scope, sha256Hex(canonical)].join('\n');
  const [date, region, service, terminator] = req.scope.split('/');
  let key = hmac(`AWS4${secret}`, date ?? '');
  for (const part of [region ?? '', service ?? '', terminator ?? '']) key = hmac(key, part);
  return hmac(key, toSign).toString('hex');
}

function s3Error(res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'content-type': 'application/xml' });
  res.end(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message.replace(/[<&>]/g, '')}</Message></Error>`);
}

/** 20260101T000000Z → epoch ms. */
function amzDateMs(d: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(d);
  return m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) : NaN;
}

export interface LocalBucket {
  /** Serves one request whose path starts with EVIDENCE_BUCKET_PATH. */
  handle(req: IncomingMessage, res: ServerResponse, rawPath: string, search: string): Promise<void>;
  /** Waits for the notifications in flight (stopping lets them finish before the store goes away). */
  drain(): Promise<void>;
}

export function createLocalBucket(opts: LocalBucketOptions): LocalBucket {
  const objects = join(opts.root, opts.bucket);
  mkdirSync(objects, { recursive: true });
  const inFlight = new Set<Promise<unknown>>();
  const fileOf = (key: string) => join(objects, sha256Hex(key));

  /** The signature check: answers an error already written, or null when the request is signed by us and in time. */
  function authenticate(req: IncomingMessage, res: ServerResponse, path: string, params: URLSearchParams): boolean {
    /** Answers S3's error and says the request is not authenticated. */
    const refuse = (status: number, code: string, message: string): false => {
      s3Error(res, status, code, message);
      return false;
    };
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
    const presigned = params.has('X-Amz-Signature');
    let credential: string, signedHeaders: string[], given: string, amzDate: string, payloadHash: string;
    if (presigned) {
      credential = params.get('X-Amz-Credential') ?? '';
      signedHeaders = (params.get('X-Amz-SignedHeaders') ?? '').split(';');
      given = params.get('X-Amz-Signature') ?? '';
      amzDate = params.get('X-Amz-Date') ?? '';
      payloadHash = params.get('X-Amz-Content-Sha256') ?? 'UNSIGNED-PAYLOAD';
      const expires = Number(params.get('X-Amz-Expires'));
      if (!Number.isInteger(expires) || expires < 1 || expires > 604_800)
        return refuse(400, 'AuthorizationQueryParametersError', 'X-Amz-Expires must be 1..604800');
      if (Date.now() > amzDateMs(amzDate) + expires * 1000) return refuse(403, 'AccessDenied', 'Request has expired');
    } else {
      const m = /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/.exec(headers.authorization ?? '');
      if (!m) return refuse(403, 'AccessDenied', 'a signed request is required');
      [credential, signedHeaders, given] = [m[1]!, m[2]!.split(';'), m[3]!];
      amzDate = headers['x-amz-date'] ?? '';
      payloadHash = headers['x-amz-content-sha256'] ?? 'UNSIGNED-PAYLOAD';
      if (Math.abs(Date.now() - amzDateMs(amzDate)) > 15 * 60_000)
        return refuse(403, 'RequestTimeTooSkewed', 'the request time is too far from the server time');
    }
    const [accessKeyId, ...scopeParts] = credential.split('/');
    const scope = scopeParts.join('/');
    if (accessKeyId !== opts.accessKeyId || scopeParts.length !== 4 || scopeParts[1] !== opts.region || scopeParts[2] !== 's3')
      return refuse(403, 'InvalidAccessKeyId', 'unknown access key or scope');
    if (!signedHeaders.includes('host')) return refuse(403, 'AccessDenied', 'the host header must be signed');
    const query = [...params.entries()].filter(([k]) => k !== 'X-Amz-Signature');
    const expected = signature(opts.secretAccessKey, {
      method: req.method ?? 'GET',
      path,
      query,
      headers,
      signedHeaders,
      payloadHash,
      amzDate,
      scope,
    });
    if (given.length !== expected.length || !timingSafeEqual(Buffer.from(given), Buffer.from(expected))) {
      return refuse(403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided');
    }
    return true;
  }

  async function readBody(req: IncomingMessage): Promise<Buffer | null> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_ATTACHMENT_BYTES + 1024 * 1024) return null;
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }

  function notify(o: ObjectCreated): void {
    const p = opts
      .onObjectCreated(o)
      .catch((err: unknown) => opts.log?.(`evidence arrival check failed for ${o.key}: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  }

  async function put(req: IncomingMessage, res: ServerResponse, key: string, payloadHash: string): Promise<void> {
    const body = await readBody(req);
    if (body === null) return s3Error(res, 400, 'EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size');
    const declaredLength = req.headers['content-length'];
    if (declaredLength !== undefined && Number(declaredLength) !== body.length)
      return s3Error(res, 400, 'IncompleteBody', 'You did not provide the number of bytes specified by the Content-Length HTTP header');
    const sha256 = createHash('sha256').update(body).digest();
    if (/^[0-9a-f]{64}$/.test(payloadHash) && payloadHash !== sha256.toString('hex'))
      return s3Error(res, 400, 'XAmzContentSHA256Mismatch', 'The provided x-amz-content-sha256 header does not match what was computed');
    const checksum = req.headers['x-amz-checksum-sha256'];
    if (typeof checksum === 'string' && checksum !== sha256.toString('base64'))
      return s3Error(res, 400, 'BadDigest', 'The SHA256 you specified did not match the calculated checksum');
    const meta: StoredMeta = {
      key,
      versionId: randomUUID().replaceAll('-', ''),
      contentType: String(req.headers['content-type'] ?? 'binary/octet-stream'),
      size: body.length,
      sha256: sha256.toString('hex'),
    };
    writeFileSync(`${fileOf(key)}.bin`, body);
    writeFileSync(`${fileOf(key)}.json`, JSON.stringify(meta));
    const eTag = createHash('md5').update(body).digest('hex');
    res.writeHead(200, { etag: `"${eTag}"`, 'x-amz-version-id': meta.versionId, 'x-amz-checksum-sha256': sha256.toString('base64') }).end();
    notify({ bucket: opts.bucket, key, size: body.length, versionId: meta.versionId, eTag });
  }

  function get(res: ServerResponse, key: string, params: URLSearchParams, versionId: string | null, headOnly: boolean): void {
    const metaFile = `${fileOf(key)}.json`;
    const meta = existsSync(metaFile) ? (JSON.parse(readFileSync(metaFile, 'utf8')) as StoredMeta) : undefined;
    if (!meta || (versionId && versionId !== meta.versionId)) {
      s3Error(res, 404, 'NoSuchKey', 'The specified key does not exist.');
      return;
    }
    const body = readFileSync(`${fileOf(key)}.bin`);
    const headers: Record<string, string> = {
      'content-type': params.get('response-content-type') ?? meta.contentType,
      'content-length': String(body.length),
      'x-amz-version-id': meta.versionId,
      'x-amz-checksum-sha256': Buffer.from(meta.sha256, 'hex').toString('base64'),
    };
    const disposition = params.get('response-content-disposition');
    if (disposition) headers['content-disposition'] = disposition;
    res.writeHead(200, headers).end(headOnly ? undefined : body);
  }

  function remove(res: ServerResponse, key: string, versionId: string | null): void {
    const metaFile = `${fileOf(key)}.json`;
    const meta = existsSync(metaFile) ? (JSON.parse(readFileSync(metaFile, 'utf8')) as StoredMeta) : undefined;
    if (meta && (!versionId || versionId === meta.versionId)) {
      rmSync(`${fileOf(key)}.bin`, { force: true });
      rmSync(metaFile, { force: true });
    }
    res.writeHead(204).end(); // S3 answers a delete of nothing the same way
  }

  return {
    async handle(req, res, rawPath, search) {
      const params = new URLSearchParams(search);
      // Path-style: /evidence-bucket/<bucket>/<key…>, the key percent-encoded segment by segment.
      const rest = rawPath.slice(EVIDENCE_BUCKET_PATH.length + 1);
      const slash = rest.indexOf('/');
      const bucket = slash < 0 ? rest : rest.slice(0, slash);
      let key: string;
      try {
        key = slash < 0 ? '' : decodeURIComponent(rest.slice(slash + 1));
      } catch {
        return s3Error(res, 400, 'InvalidURI', "Couldn't parse the specified URI.");
      }
      if (bucket !== opts.bucket) return s3Error(res, 404, 'NoSuchBucket', 'The specified bucket does not exist');
      if (!key) return s3Error(res, 405, 'MethodNotAllowed', 'only object requests are served');
      if (!authenticate(req, res, rawPath, params)) return;
      const versionId = params.get('versionId');
      switch (req.method) {
        case 'PUT':
          return put(req, res, key, params.get('X-Amz-Content-Sha256') ?? String(req.headers['x-amz-content-sha256'] ?? 'UNSIGNED-PAYLOAD'));
        case 'GET':
        case 'HEAD':
          return get(res, key, params, versionId, req.method === 'HEAD');
        case 'DELETE':
          return remove(res, key, versionId);
        default:
          return s3Error(res, 405, 'MethodNotAllowed', `${req.method ?? ''} is not served`);
      }
    },
    async drain() {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
  };
}
