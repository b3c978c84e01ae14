/**
 * The HTTP side every API module shares: the caller's role from the JWT claims (verified by API Gateway's JWT
 * authorizer on AWS, by the embedded server locally), role checks from the route table, JSON bodies with size
 * and content-type limits, and RFC 9457 problem details for every error. Nothing internal reaches a client.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { z } from 'zod';
import zhCNIssues from 'zod/v4/locales/zh-CN.js';
import { ROUTES, ROLES, routeKey, type ApiModule, type Role } from './routes.js';
import { logger } from '../shared/step.js';
import { DEFAULT_LANG, isMessage, negotiateLang, render, say, text, TEXTS_ZH, type Lang, type Text } from '#core/i18n/index.js';
import { DEFAULT_REVIEW_LEVEL, REVIEW_LEVELS, type ReviewLevel } from '#core/review-authority.js';

export type ApiEvent = APIGatewayProxyEventV2WithJWTAuthorizer;
export type ApiResult = APIGatewayProxyStructuredResultV2;

export interface Principal {
  readonly sub: string;
  readonly role: Role;
  /** Set for the insurer role: the only insurer whose data this caller may see. */
  readonly insurerId: string | null;
  /** A reviewer's authority level (`fangpin:reviewLevel`, 1-3; absent: 3, see core/review-authority.ts); null for other roles. */
  readonly reviewLevel: ReviewLevel | null;
}

export interface FieldError {
  readonly path: string;
  /** Rendered in the reader's language when the answer is written (core/i18n/message.ts `Text`). */
  readonly message: Text;
}

export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly title: string,
    /** The sentence for the reader (`detail`), rendered in their language; `message` keeps it in English for logs. */
    readonly detail: Text,
    readonly errors: readonly FieldError[] = [],
    readonly headers: Record<string, string> = {},
  ) {
    super(say(detail, 'en'));
  }
}

/**
 * The problem's `type`: a URI that names the kind of problem, stable across languages (RFC 9457 §3.1.1). Derived
 * from the English title, so `Not ready` is `https://fangpin.dev/problems/not-ready`. Clients branch on it, never
 * on the title, which is written in the reader's language (§3.1.3 allows the title to change for localisation).
 */
export function problemType(title: string): string {
  return `https://fangpin.dev/problems/${
    title
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'error'
  }`;
}

/** The title in the reader's language; a title with no translation stays as written. */
export function problemTitle(title: string, lang: Lang): string {
  return render({ key: `problem.${title}` }, lang, title);
}

export function problem(
  status: number,
  title: string,
  detail: Text,
  errors: readonly FieldError[] = [],
  headers: Record<string, string> = {},
  lang: Lang = DEFAULT_LANG,
): ApiResult {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/problem+json', ...languageHeaders(lang), ...headers },
    body: JSON.stringify({
      type: problemType(title),
      title: problemTitle(title, lang),
      status,
      detail: say(detail, lang),
      errors: localizeErrors(errors, lang),
    }),
  };
}

/** Field errors as they go out: `{ path, message }`, the message in the reader's language (paths never change). */
export function localizeErrors(errors: readonly FieldError[], lang: Lang): { path: string; message: string }[] {
  return errors.map((e) => ({ path: e.path, message: say(e.message, lang) }));
}

/** An answer whose sentences are in the reader's language says which, and that it varies with Accept-Language. */
export function languageHeaders(lang: Lang): { 'content-language': Lang; vary: string } {
  return { 'content-language': lang, vary: 'Accept-Language' };
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): ApiResult {
  return { statusCode: status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/** zod issues as `{ path, message }`, the path written like `details.totalCost` or `[3].county`. */
export function fieldErrors(error: z.ZodError, prefix = ''): FieldError[] {
  return error.issues.map((i) => {
    const path = i.path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)), prefix);
    return { path: path || '(body)', message: issueText(i) };
  });
}

const zodChinese = zhCNIssues().localeError;

/**
 * A zod issue's sentence. Ours (a schema's own message, such as 'expected a date YYYY-MM-DD') has its Chinese in
 * core/i18n/texts.ts; zod's built-in ones get the Chinese of zod's own zh-CN locale. That locale names what was
 * received from the input, which a finished issue no longer carries: a stand-in of the type zod's English
 * message names gives the same words without the value ever being kept.
 */
function issueText(i: z.core.$ZodIssue): Text {
  if (i.code === 'custom' && isMessage(i.params?.text)) return i.params.text; // a sentence with figures: addIssue({ params: { text } })
  if (i.message in TEXTS_ZH) return i.message;
  const received = i.code === 'invalid_type' ? /received (\w+)/.exec(i.message)?.[1] : undefined;
  const stand: Record<string, unknown> = { string: '', number: 0, bigint: 0n, boolean: false, array: [], object: {}, null: null, date: new Date(0) };
  const chinese = zodChinese({ ...i, input: received === undefined ? undefined : stand[received] } as never);
  return { 'zh-CN': typeof chinese === 'string' ? chinese : (chinese?.message ?? i.message), en: i.message };
}

export function validationError(errors: readonly FieldError[]): HttpError {
  const first = errors[0];
  const detail: Text = first
    ? { 'zh-CN': `${first.path}：${say(first.message, 'zh-CN')}`, en: `${first.path}: ${say(first.message, 'en')}` }
    : 'invalid request';
  return new HttpError(422, 'Validation failed', detail, errors);
}

/** Parse a JSON body; refuse wrong content types, oversized bodies and malformed JSON with a 4xx. */
export function jsonBody(event: ApiEvent, maxBytes: number): unknown {
  const type = (event.headers?.['content-type'] ?? '').toLowerCase();
  if (!/^application\/([a-z.+-]*\+)?json\b/.test(type))
    throw new HttpError(415, 'Unsupported media type', 'send the body as application/json', [
      { path: '(header) content-type', message: 'must be application/json' },
    ]);
  const raw = event.body ?? '';
  const body = event.isBase64Encoded ? Buffer.from(raw, 'base64').toString('utf8') : raw;
  if (Buffer.byteLength(body, 'utf8') > maxBytes)
    throw new HttpError(413, 'Payload too large', text('the body is larger than {{max}} bytes', { max: maxBytes }), [
      { path: '(body)', message: text('at most {{max}} bytes', { max: maxBytes }) },
    ]);
  try {
    return JSON.parse(body);
  } catch {
    throw new HttpError(400, 'Malformed JSON', 'the body is not valid JSON', [{ path: '(body)', message: 'not valid JSON' }]);
  }
}

export function principalOf(event: ApiEvent): Principal | null {
  const claims = event.requestContext?.authorizer?.jwt?.claims ?? {};
  const role = claims['fangpin:role'] ?? claims.role;
  const sub = claims.sub;
  if (typeof role !== 'string' || typeof sub !== 'string' || !(ROLES as readonly string[]).includes(role)) return null;
  const insurerId = claims['fangpin:insurerId'] ?? claims.insurerId;
  if (role === 'insurer' && typeof insurerId !== 'string') return null;
  let reviewLevel: ReviewLevel | null = null;
  if (role === 'reviewer') {
    // API Gateway's JWT authorizer hands claims on as strings; the embedded server as the token had them.
    const raw = claims['fangpin:reviewLevel'];
    if (raw === undefined) reviewLevel = DEFAULT_REVIEW_LEVEL;
    else {
      const level = REVIEW_LEVELS.find((l) => String(l) === String(raw).trim());
      if (level === undefined) return null; // a level that is not 1-3 is a bad token, not a guess
      reviewLevel = level;
    }
  }
  return { sub, role: role as Role, insurerId: role === 'insurer' ? String(insurerId) : null, reviewLevel };
}

export interface RouteContext {
  readonly event: ApiEvent;
  readonly principal: Principal;
  readonly params: Readonly<Record<string, string | undefined>>;
  readonly query: Readonly<Record<string, string | undefined>>;
  /** The reader's language for sentences (Accept-Language; zh-CN by default). Codes never change with it. */
  readonly lang: Lang;
}

export type RouteHandler = (ctx: RouteContext) => Promise<ApiResult>;

/** One Lambda per API module: dispatch by route key, check the role, turn errors into problem details. */
export function apiHandler(module: ApiModule, handlers: Record<string, RouteHandler>) {
  const routes = new Map(ROUTES.filter((r) => r.module === module).map((r) => [routeKey(r), r]));
  for (const key of routes.keys()) if (!handlers[key]) throw new Error(`module ${module} has no handler for ${key}`);
  return middy(async (event: ApiEvent, _context: Context): Promise<ApiResult> => {
    const lang = negotiateLang(event.headers?.['accept-language']);
    const route = routes.get(event.routeKey);
    const handle = handlers[event.routeKey];
    if (!route || !handle) return problem(404, 'Not found', text('no route {{route}}', { route: event.routeKey }), [], {}, lang);
    const principal = principalOf(event);
    if (!principal)
      return problem(401, 'Unauthorized', 'a valid bearer token with a known role is required', [], { 'www-authenticate': 'Bearer' }, lang);
    if (!route.roles.includes(principal.role))
      return problem(403, 'Forbidden', text('role {{role}} may not call {{route}}', { role: principal.role, route: event.routeKey }), [], {}, lang);
    try {
      return await handle({ event, principal, params: event.pathParameters ?? {}, query: event.queryStringParameters ?? {}, lang });
    } catch (err) {
      if (err instanceof HttpError) return problem(err.status, err.title, err.detail, err.errors, err.headers, lang);
      logger.error('unhandled error', { route: event.routeKey, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) });
      return problem(500, 'Internal error', 'the request could not be completed; it is safe to retry', [], {}, lang);
    }
  });
}

/** Opaque pagination cursors: base64url of the store's last key. */
export function encodeCursor(key: Record<string, unknown> | undefined): string | null {
  return key ? Buffer.from(JSON.stringify(key), 'utf8').toString('base64url') : null;
}

export function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new HttpError(400, 'Bad cursor', 'cursor is not one this API handed out', [{ path: 'cursor', message: 'invalid' }]);
}

export function parseLimit(raw: string | undefined, max = 100, dflt = 25): number {
  if (raw === undefined) return dflt;
  const n = Number(raw);
  if (!/^\d+$/.test(raw) || n < 1 || n > max)
    throw new HttpError(400, 'Bad limit', text('limit must be an integer 1..{{max}}', { max }), [
      { path: 'limit', message: text('integer 1..{{max}}', { max }) },
    ]);
  return n;
}
