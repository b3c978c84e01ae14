/**
 * Requests api() does not make: a medical feed's CSV sent as it is, an evidence file PUT to its upload URL, CSV
 * answers saved byte for byte (a GB18030 public notice must not pass through a UTF-8 decoder, as api() would do
 * with res.text()), and JSON POSTs with an Idempotency-Key (a note or an objection sent twice is recorded once).
 */
import { consoleConfig, problemError } from './api';
import { apiLang } from './i18n';

function headers(token: string, extra: Record<string, string> = {}): Record<string, string> {
  return { authorization: `Bearer ${token}`, 'accept-language': apiLang(), ...extra };
}

async function refusal(res: Response): Promise<never> {
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  throw problemError(res.status, res.statusText, parsed, res.headers.get('retry-after'));
}

/** POSTs `file` as the request body (not JSON) and answers the JSON the API gives back. */
export async function postFile<T>(token: string, path: string, file: Blob, contentType: string): Promise<T> {
  const res = await fetch(`${consoleConfig().apiBaseUrl}${path}`, {
    method: 'POST',
    headers: headers(token, { 'content-type': contentType, accept: 'application/json' }),
    body: file,
  });
  if (!res.ok) return refusal(res);
  return (await res.json()) as T;
}

/** GETs `path` and hands its bytes to the browser as a download named `filename`, unchanged. */
export async function downloadAnswer(token: string, path: string, filename: string): Promise<void> {
  const res = await fetch(`${consoleConfig().apiBaseUrl}${path}`, { headers: headers(token) });
  if (!res.ok) return refusal(res);
  saveBlob(await res.blob(), filename);
}

export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The file's SHA-256 as lowercase hex, computed by the browser (crypto.subtle: needs a secure context). */
export async function sha256Hex(file: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * PUTs the file to a presigned upload URL with the headers the URL was signed with. Content-Length is the
 * browser's to set (a forbidden header for scripts); it sets it from the file, which is the size that was signed.
 */
export async function putUpload(upload: { url: string; headers: Record<string, string> }, file: Blob): Promise<void> {
  const signed = Object.fromEntries(Object.entries(upload.headers).filter(([k]) => k.toLowerCase() !== 'content-length'));
  const res = await fetch(upload.url, { method: 'PUT', headers: signed, body: file });
  if (!res.ok) throw new Error(`${res.status} ${(await res.text()).slice(0, 300)}`);
}

/** POSTs JSON with an Idempotency-Key: the same key again answers the first record instead of a second one. */
export async function postOnce<T>(token: string, path: string, body: unknown, idempotencyKey: string): Promise<T> {
  const res = await fetch(`${consoleConfig().apiBaseUrl}${path}`, {
    method: 'POST',
    headers: headers(token, { 'content-type': 'application/json', accept: 'application/json', 'idempotency-key': idempotencyKey }),
    body: JSON.stringify(body),
  });
  if (!res.ok) return refusal(res);
  return (await res.json()) as T;
}
