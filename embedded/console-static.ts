/**
 * The built web console at /console/ (files from console/dist): content types, index.html for the app's own
 * paths, immutable caching for Vite's hashed assets, compression (brotli or gzip, as the browser accepts), and a
 * Content-Security-Policy. The console calls the API on this same origin (console/dist/config.json: apiBaseUrl "").
 */
import { createReadStream, existsSync, readFileSync, statSync, type Stats } from 'node:fs';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sendProblem as problem } from './problem.js';
import { text } from '../core/i18n/index.js';

export const CONSOLE_DIST = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'console', 'dist');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * Scripts only from this origin. Ant Design writes its component styles into <style> elements at run time
 * (CSS-in-JS), hence 'unsafe-inline' for styles only. No framing, no plugins, forms post only here.
 * `connectSrc`: where the console may fetch. Embedded that is its own origin; on AWS (lib/console-hosting.ts) the
 * API's origin and the identity provider's, the rest of the policy being the same.
 */
export function consoleCsp(connectSrc: readonly string[]): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    `connect-src ${connectSrc.join(' ')}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

export const CONSOLE_CSP = consoleCsp(["'self'"]);

const SECURITY_HEADERS = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

/** Text worth compressing; images and fonts are compressed already. */
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.json', '.svg', '.txt']);
const MIN_COMPRESS = 1024;
type Encoding = 'br' | 'gzip';

/**
 * The encoding to answer with: brotli, else gzip, when Accept-Encoding allows it (a q=0 refuses). The console's
 * JS is about 2.2 MB as built and about 0.6 MB compressed: over a real network that is most of a cold load.
 */
export function acceptedEncoding(header: string | string[] | undefined): Encoding | null {
  const offered = new Map<string, number>();
  for (const part of (Array.isArray(header) ? header.join(',') : (header ?? '')).split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    offered.set(name, q ? Number(q.slice(2)) : 1);
  }
  const ok = (e: string) => (offered.get(e) ?? offered.get('*') ?? 0) > 0;
  return ok('br') ? 'br' : ok('gzip') ? 'gzip' : null;
}

const brotli = promisify(brotliCompress);
const gzipAsync = promisify(gzip);
/**
 * Compressed copies made on first request and kept while the file is unchanged (same size and mtime): Vite's
 * hashed assets never change, index.html changes with a rebuild. Brotli at quality 5 costs about 40 ms for the
 * largest chunk, once; quality 11 would cost seconds for 10% less.
 */
const compressed = new Map<string, { mtimeMs: number; size: number; encoded: Map<Encoding, Promise<Buffer>> }>();

function compressedCopy(file: string, st: Stats, encoding: Encoding): Promise<Buffer> {
  let entry = compressed.get(file);
  if (!entry || entry.mtimeMs !== st.mtimeMs || entry.size !== st.size) {
    entry = { mtimeMs: st.mtimeMs, size: st.size, encoded: new Map() };
    compressed.set(file, entry);
  }
  let copy = entry.encoded.get(encoding);
  if (!copy) {
    const raw = readFileSync(file);
    copy =
      encoding === 'br'
        ? brotli(raw, { params: { [zlib.BROTLI_PARAM_QUALITY]: 5, [zlib.BROTLI_PARAM_SIZE_HINT]: raw.length } })
        : gzipAsync(raw, { level: 9 });
    const mine = entry;
    copy.catch(() => mine.encoded.delete(encoding));
    entry.encoded.set(encoding, copy);
  }
  return copy;
}

function sendFile(req: IncomingMessage, res: ServerResponse, file: string, cache: string): void {
  const st = statSync(file);
  const headers = { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': cache, ...SECURITY_HEADERS };
  const compressible = COMPRESSIBLE.has(extname(file)) && st.size >= MIN_COMPRESS;
  const encoding = compressible ? acceptedEncoding(req.headers['accept-encoding']) : null;
  if (!encoding) {
    res.writeHead(200, { ...headers, 'content-length': st.size, ...(compressible ? { vary: 'accept-encoding' } : {}) });
    if (req.method === 'HEAD') return void res.end();
    return void createReadStream(file).pipe(res);
  }
  compressedCopy(file, st, encoding).then(
    (body) => {
      res.writeHead(200, { ...headers, 'content-encoding': encoding, 'content-length': body.length, vary: 'accept-encoding' });
      res.end(req.method === 'HEAD' ? undefined : body);
    },
    () => {
      res.writeHead(200, { ...headers, 'content-length': st.size, vary: 'accept-encoding' });
      if (req.method === 'HEAD') return void res.end();
      createReadStream(file).pipe(res);
    },
  );
}

/** Answers a request under /console (the caller checked the prefix). */
export function serveConsole(req: IncomingMessage, res: ServerResponse, pathname: string, distDir: string): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return void problem(res, 405, 'Method not allowed', text('{{method}} is not allowed on {{path}}', { method: req.method ?? '', path: pathname }));
  }
  if (pathname === '/console') {
    res.writeHead(308, { location: '/console/' });
    return void res.end();
  }
  const index = join(distDir, 'index.html');
  if (!existsSync(index))
    return void problem(res, 404, 'Console not built', 'the web console has not been built: run `npm run console:build` (npm start builds it)');
  let rel: string;
  try {
    rel = decodeURIComponent(pathname.slice('/console/'.length));
  } catch {
    return void problem(res, 400, 'Bad request', 'the path is not valid percent-encoding');
  }
  const file = normalize(join(distDir, rel));
  if (rel.includes('\0') || (file !== distDir && !file.startsWith(distDir + sep)))
    return void problem(res, 404, 'Not found', text('no file {{path}}', { path: pathname }));
  const st = existsSync(file) ? statSync(file) : null;
  if (st?.isFile()) {
    // Vite puts content-hashed names under assets/: they never change. Everything else is revalidated.
    return void sendFile(req, res, file, rel.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
  }
  // A missing asset is a 404, not the app's HTML; any other path is one of the app's screens.
  if (rel.startsWith('assets/') || extname(rel) !== '') return void problem(res, 404, 'Not found', text('no file {{path}}', { path: pathname }));
  return void sendFile(req, res, index, 'no-cache');
}
