/**
 * The embedded HTTP server: the same routes as API Gateway (from functions/api/routes.ts), each request turned
 * into an API Gateway v2 event with JWT claims and handed to the same Lambda handler module.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { ROUTES, routeKey, type ApiModule } from '../functions/api/routes.js';
import type { ApiEvent } from '../functions/api/http.js';
import { sendProblem as problem, sendResult as send } from './problem.js';
import { text } from '../core/i18n/index.js';
import { verifyToken } from './auth.js';
import { lambdaContext } from './lambda-context.js';
import { CONSOLE_DIST, serveConsole } from './console-static.js';
import { isApiDocsPath, serveApiDocs } from './api-docs.js';
import { EVIDENCE_BUCKET_PATH, type LocalBucket } from './evidence-bucket.js';

/** API Gateway's own payload limit is 10 MB; refuse bigger bodies before reading them. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

type Handler = (event: ApiEvent, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;

const compiled = ROUTES.map((r) => ({
  route: r,
  key: routeKey(r),
  names: [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? ''),
  regex: new RegExp(`^${r.path.replace(/\{\w+\}/g, '([^/]+)')}$`),
}));

/** Write a handler-shaped result; the server's own refusals use the handlers' problem+json format. */
async function readBody(req: IncomingMessage): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/**
 * Bodies that are files (a medical feed CSV, perhaps GB18030) reach the handler base64-encoded, byte for byte, as
 * API Gateway hands over a binary body; every other body as UTF-8 text, as before.
 */
const BINARY_BODY = /^(text\/csv|application\/octet-stream|application\/csv)\b/i;

export interface HttpServerOptions {
  readonly port: number;
  readonly host: string;
  readonly tokenSecret: string;
  readonly loadModule: (module: ApiModule) => Promise<Handler>;
  /** The built web console served at /console/ (default console/dist). */
  readonly consoleDir?: string;
  /** The evidence bucket's stand-in, served at /evidence-bucket/ (its own SigV4 check, no bearer token). */
  readonly evidenceBucket?: LocalBucket;
}

export async function startHttpServer(opts: HttpServerOptions): Promise<{ url: string; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    handle(req, res, opts).catch((err: unknown) => {
      if (!res.headersSent) problem(res, 500, 'Internal error', 'the request could not be completed');
      else res.destroy(err instanceof Error ? err : undefined);
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://${opts.host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

async function handle(req: IncomingMessage, res: ServerResponse, opts: HttpServerOptions): Promise<void> {
  // Parse the path as a path: a request line like `//x` must not be read as a host name.
  let url: URL;
  try {
    url = new URL(`http://localhost${(req.url ?? '/').startsWith('/') ? req.url : `/${req.url}`}`);
  } catch {
    return problem(res, 400, 'Bad request', 'the request target is not a valid path');
  }
  if (url.pathname === '/healthz' && req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    return;
  }
  if (url.pathname === '/console' || url.pathname.startsWith('/console/'))
    return serveConsole(req, res, url.pathname, opts.consoleDir ?? CONSOLE_DIST);
  // The OpenAPI document and its reference page: public, like /console/ (no data; the API's routes need a token).
  if (isApiDocsPath(url.pathname)) return serveApiDocs(req, res, url.pathname);
  // The presigned upload and download URLs the evidence API hands out: signed, not bearer-authorized, as S3's are.
  if (opts.evidenceBucket && url.pathname.startsWith(`${EVIDENCE_BUCKET_PATH}/`)) {
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    return opts.evidenceBucket.handle(req, res, q < 0 ? raw : raw.slice(0, q), q < 0 ? '' : raw.slice(q + 1));
  }
  const byPath = compiled.filter((c) => c.regex.test(url.pathname));
  const match = byPath.find((c) => c.route.method === req.method);
  if (!match) {
    if (byPath.length > 0)
      return problem(
        res,
        405,
        'Method not allowed',
        text('{{method}} is not allowed on {{path}}', { method: req.method ?? '', path: url.pathname }),
        { allow: byPath.map((c) => c.route.method).join(', ') },
      );
    return problem(res, 404, 'Not found', text('no route {{route}}', { route: `${req.method} ${url.pathname}` }));
  }
  // As API Gateway's JWT authorizer does: no valid token, no call to the handler.
  const auth = req.headers.authorization ?? '';
  const token = /^Bearer\s+(\S+)$/i.exec(auth)?.[1];
  const claims = token ? await verifyToken(opts.tokenSecret, token) : null;
  if (!claims) return problem(res, 401, 'Unauthorized', 'a valid bearer token is required', { 'www-authenticate': 'Bearer' });
  const bytes = await readBody(req);
  if (bytes === null) return problem(res, 413, 'Payload too large', text('the body is larger than {{max}} bytes', { max: MAX_BODY_BYTES }));
  const values = match.regex.exec(url.pathname)?.slice(1) ?? [];
  let pathParameters: Record<string, string>;
  try {
    pathParameters = Object.fromEntries(match.names.map((n, i) => [n, decodeURIComponent(values[i] ?? '')]));
  } catch {
    return problem(res, 400, 'Bad request', 'a path parameter is not valid percent-encoding');
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  const query = Object.fromEntries(url.searchParams.entries());
  const binary = BINARY_BODY.test(headers['content-type'] ?? '');
  const body = binary ? bytes.toString('base64') : bytes.toString('utf8');
  const now = new Date();
  const event = {
    version: '2.0',
    routeKey: match.key,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: Object.keys(query).length ? query : undefined,
    pathParameters: Object.keys(pathParameters).length ? pathParameters : undefined,
    body: body.length ? body : undefined,
    isBase64Encoded: binary && body.length > 0,
    requestContext: {
      accountId: '000000000000',
      apiId: 'embedded',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'embedded',
      http: {
        method: req.method ?? 'GET',
        path: url.pathname,
        protocol: 'HTTP/1.1',
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: match.key,
      stage: '$default',
      time: now.toISOString(),
      timeEpoch: now.getTime(),
      authorizer: { principalId: '', integrationLatency: 0, jwt: { claims: claims as Record<string, string>, scopes: [] } },
    },
  } as unknown as ApiEvent;
  const handler = await opts.loadModule(match.route.module);
  const result = await handler(event, lambdaContext(`api-${match.route.module}`));
  send(res, result);
}
