/** The API client: bearer token from the session, RFC 9457 problem details turned into ApiError. */
import { DEFAULT_CONFIG, parseConsoleConfig, type ConsoleConfig } from './config';
import { apiLang } from './i18n';

export type { ConsoleConfig };

let config: ConsoleConfig = DEFAULT_CONFIG;

export async function loadConfig(): Promise<ConsoleConfig> {
  try {
    // No cache option: the request must match index.html's preload to take its response, and the server's
    // Cache-Control: no-cache already makes the browser revalidate a stored copy.
    const res = await fetch(`${import.meta.env.BASE_URL}config.json`);
    if (res.ok) config = parseConsoleConfig(await res.json());
  } catch {
    // no config.json: same origin, token paste
  }
  return config;
}

/** The configuration loadConfig read (main.tsx awaits it before the first render). */
export function consoleConfig(): ConsoleConfig {
  return config;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly retryAfter: number | null,
    /** The problem's `errors` (each offending field), when it names any. */
    readonly errors: readonly { path: string; message: string }[] = [],
  ) {
    super(`${status} ${title}: ${detail}`);
  }
}

let onUnauthorized: () => void = () => undefined;
export function setUnauthorizedHandler(f: () => void): void {
  onUnauthorized = f;
}

export async function api<T>(token: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  // The API writes its sentences (explanations, reason details) in the language the console shows.
  const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json', 'accept-language': apiLang() };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${config.apiBaseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  if (!res.ok) throw problemError(res.status, res.statusText, parsed, res.headers.get('retry-after'));
  return parsed as T;
}

/** The ApiError for a refused request (also for one a worker made: graph/placements.ts); a 401 signs out. */
export function problemError(status: number, statusText: string, parsed: unknown, retryAfter: string | null): ApiError {
  const p = (parsed ?? {}) as { title?: string; detail?: string; errors?: { path: string; message: string }[] };
  const retry = Number(retryAfter);
  if (status === 401) onUnauthorized();
  return new ApiError(
    status,
    p.title ?? statusText,
    p.detail ?? '',
    Number.isFinite(retry) && retry > 0 ? retry : null,
    Array.isArray(p.errors) ? p.errors : [],
  );
}

export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

/** One review decision as GET /claims/{id} lists it in `reviews`. */
export interface ReviewEntry {
  stage: 'FIRST' | 'FINAL';
  decision: 'APPROVE' | 'REJECT' | 'RETURN' | 'RECOMMEND';
  reviewer: string;
  /** null only for a claim decided before levels were recorded (shown from its `review`). */
  level: number | null;
  reasonCode: string | null;
  note: string;
  at: string;
}

/** Shapes the console reads (functions/shared/claim-record.ts claimView, audit and history answers). */
export interface ClaimView {
  claimId: string;
  status: string;
  reasonCode: string | null;
  reasonDetail: string | null;
  schemeId: string;
  product: string;
  householdId: string;
  personId: string;
  incidentDate: string;
  details: Record<string, unknown>;
  assessment: {
    payout: number;
    bankShare: number | null;
    reviewReasons: string[];
    explanation: { figures: Record<string, unknown>; steps: string[] };
  } | null;
  allocations: { insurerId: string; shareBp: number; amount: number }[];
  settlements: { settlementId: string; insurerId: string; amount: number; status?: string; paidAt?: string | null }[];
  review: { decision: string; note: string; reviewer: string; at: string } | null;
  /** An approval above the first reviewer's limit, waiting for a final review (the claim stays PENDING_REVIEW). */
  recommendation?: ReviewEntry | null;
  /** The return for information the submitter is to answer (status RETURNED). */
  returned?: ReviewEntry | null;
  /** Every review decision, oldest first. */
  reviews?: ReviewEntry[];
  error: { error: string; cause: string } | null;
  redrives: number;
  createdAt: string;
  decidedAt: string | null;
  paidAt: string | null;
  updatedAt: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface AuditAnswer {
  records: { seq: number; step: string; actor: string; at: string; decision: string | null; hash: string; prevHash: string }[];
  verified: boolean;
  brokenAt: number | null;
  problem: string | null;
}

export interface HistoryEvent {
  id: number;
  type: string;
  timestamp: string;
  previousEventId?: number;
  stateEnteredEventDetails?: { name?: string };
  stateExitedEventDetails?: { name?: string };
}

export interface HistoryAnswer {
  executionArn: string;
  status?: string;
  events: HistoryEvent[];
  redrives: { redrive: number; executionArn: string; status?: string; events: HistoryEvent[] }[];
}
