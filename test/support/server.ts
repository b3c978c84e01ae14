/** One embedded system per e2e suite (sharing the run's DynamoDB Local), and a small HTTP client for it. */
import { inject } from 'vitest';
import { startEmbedded, type Embedded, type EmbeddedOptions } from '../../embedded/runtime.js';
import type { Role } from '../../functions/api/routes.js';
import { checkAnswer } from './openapi-check.js';

/** `options`: what a suite runs differently (coalescing off, the deployed bundles as handlers). */
export async function startTestSystem(prefix: string, options: Partial<EmbeddedOptions> = {}): Promise<Embedded> {
  return startEmbedded({
    dataDir: null,
    port: 0,
    dynamoEndpoint: inject('dynamoEndpoint'),
    tablePrefix: `${prefix}-`,
    retryIntervalScale: 0.001,
    ...options,
  });
}

export interface Reply {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: test convenience over JSON answers
  body: any;
}

export function client(system: Embedded) {
  const tokens = new Map<string, string>();
  /** `user`: another `sub` (four eyes) and a reviewer's level; without it, the default token of the role. */
  async function token(role: Role, insurerId?: string, user?: { sub?: string; level?: number }) {
    const key = `${role}:${insurerId ?? ''}:${user?.sub ?? ''}:${user?.level ?? ''}`;
    let t = tokens.get(key);
    if (!t) tokens.set(key, (t = await system.token(role, insurerId, undefined, user)));
    return t;
  }
  async function call(
    method: string,
    path: string,
    opts: { role?: Role; insurerId?: string; sub?: string; level?: number; body?: unknown; headers?: Record<string, string>; raw?: string } = {},
  ): Promise<Reply> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.role) headers.authorization = `Bearer ${await token(opts.role, opts.insurerId, { sub: opts.sub, level: opts.level })}`;
    if (opts.body !== undefined || opts.raw !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(`${system.url}${path}`, {
      method,
      headers,
      body: opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body)),
    });
    const text = await res.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      // not JSON; keep the text
    }
    // Every answer is checked against the OpenAPI document, so the document cannot drift from the server.
    checkAnswer(method, path, res.status, res.headers.get('content-type'), body);
    return { status: res.status, headers: res.headers, body };
  }
  /** Poll a claim until its status is one of `statuses` (or time out with the last answer in the message). */
  async function waitForStatus(claimId: string, statuses: string[], timeoutMs = 20_000): Promise<Reply> {
    const deadline = Date.now() + timeoutMs;
    let last: Reply | undefined;
    let lastRead: Reply | undefined; // the last answer that was the claim (under fault drills some reads fail)
    while (Date.now() < deadline) {
      last = await call('GET', `/claims/${claimId}`, { role: 'auditor' });
      if (last.status === 200) lastRead = last;
      if (last.status === 200 && statuses.includes(last.body.status)) return last;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`claim ${claimId} did not reach ${statuses.join('/')}: ${JSON.stringify((lastRead ?? last)?.body)}`);
  }
  /**
   * A reviewer's decision, retried while the workflow has not reached the review step yet (409 'Not ready'):
   * the claim shows PENDING_REVIEW a moment before its task token is stored.
   */
  async function review(
    claimId: string,
    decision: 'APPROVE' | 'REJECT' | 'RETURN',
    note: string,
    as: { sub?: string; level?: number; reasonCode?: string } = {},
  ): Promise<Reply> {
    let r: Reply;
    for (let i = 0; ; i++) {
      const body = { decision, note, ...(as.reasonCode === undefined ? {} : { reasonCode: as.reasonCode }) };
      r = await call('POST', `/claims/${claimId}/review`, { role: 'reviewer', sub: as.sub, level: as.level, body });
      if (r.status !== 409 || r.body.type !== 'https://fangpin.dev/problems/not-ready' || i >= 200) return r;
      await new Promise((res) => setTimeout(res, 20));
    }
  }
  return { call, token, waitForStatus, review };
}
