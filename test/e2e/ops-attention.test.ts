/**
 * GET /ops/attention over HTTP: a FAILED claim, a review left waiting, a claim stored with no execution (stuck),
 * an endpoint disabled by a 410 and claims past the 5-working-day target each appear, as of now or as of a later
 * instant (`asOf`, so nothing waits days); only admins and auditors may read it; and the scheduled function
 * publishes exactly the counts of the same list as Powertools (EMF) metrics.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Embedded } from '../../embedded/runtime.js';
import { DEMO_HOUSEHOLDS } from '../../embedded/demo.js';
import { loadHandler } from '../../embedded/handler-modules.js';
import { lambdaContext } from '../../embedded/lambda-context.js';
import { client, startTestSystem, type Reply } from '../support/server.js';
import { documentClient, tableName } from '../../functions/shared/aws.js';
import { ATTENTION_KINDS, ATTENTION_METRIC, OPS_METRICS_NAMESPACE, OPS_METRICS_SERVICE } from '../../core/attention.js';
import { until } from './scenarios/core.js';

process.env.FANGPIN_WEBHOOK_POLL_MS = '50';

let system: Embedded;
let api: ReturnType<typeof client>;
let gone: Server;
let endpointId: string;
const ids: Record<'failed' | 'review' | 'settling' | 'stuck', string> = { failed: '', review: '', settling: '', stuck: '' };

const reviewHousehold = {
  householdId: 'HO-1',
  schemeId: 'xiaogan-2024',
  county: '420902',
  category: 'LIFTED_OUT',
  verifiedYear: 2024,
  members: [{ personId: 'PO-1' }],
  enrollment: { products: ['MEDICAL'], start: '2024-01-01', end: '2024-12-31' },
};
// 2,300,000 fen payout: over the 2,000,000 review threshold (as in test/e2e/redrive.test.ts).
const bigClaim = (invoiceNo: string) => ({
  schemeId: 'xiaogan-2024',
  product: 'MEDICAL',
  householdId: 'HO-1',
  personId: 'PO-1',
  incidentDate: '2024-05-03',
  details: { hospitalCode: 'HO', invoiceNo, totalCost: 3_500_000 },
});

async function tokenOf(claimId: string): Promise<string> {
  return until(`review token of ${claimId}`, async () => {
    const item = (await documentClient().send(new GetCommand({ TableName: tableName('claims'), Key: { claimId }, ConsistentRead: true }))).Item;
    return (item?.taskToken as string | null | undefined) ?? undefined;
  });
}

async function submit(body: unknown): Promise<string> {
  const r = await api.call('POST', '/claims', { role: 'submitter', body });
  expect(r.status, JSON.stringify(r.body)).toBe(202);
  return r.body.claimId as string;
}

interface Item {
  kind: string;
  claimId?: string;
  endpoint?: { insurerId: string; endpointId: string; url: string };
  since: string;
  ageMinutes: number;
  reason: string;
}
const entries = (r: Reply, kind: string): Item[] => (r.body.items as Item[]).filter((i) => i.kind === kind);
const claimIds = (r: Reply, kind: string) => entries(r, kind).map((i) => i.claimId);

beforeAll(async () => {
  gone = createServer((_req, res) => res.writeHead(410).end());
  const url = await new Promise<string>((resolve) =>
    gone.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(gone.address() as AddressInfo).port}/hook`)),
  );
  system = await startTestSystem('ops');
  api = client(system);
  expect((await api.call('POST', '/households', { role: 'admin', body: [...DEMO_HOUSEHOLDS, reviewHousehold] })).status).toBe(200);
  const ep = await api.call('POST', '/webhook-endpoints', { role: 'admin', body: { insurerId: 'XG-POOL-1', url } });
  expect(ep.status).toBe(201);
  endpointId = ep.body.endpointId;

  // Settles, paying XG-POOL-1, whose endpoint answers 410 Gone: the endpoint is disabled.
  ids.settling = await submit({
    schemeId: 'xiaogan-2024',
    product: 'DISASTER',
    householdId: 'H-420922-0001',
    personId: 'P-1',
    incidentDate: '2024-07-01',
    details: { cause: 'FLOOD', damage: 'PARTIAL', assessedLoss: 100_001 },
  });
  await api.waitForStatus(ids.settling, ['SETTLING']);
  // Waits for a reviewer.
  ids.review = await submit(bigClaim('O-1'));
  await tokenOf(ids.review);
  // Its review task fails (what the 30-day timeout does): FAILED.
  ids.failed = await submit(bigClaim('O-2'));
  await system.sfn.sendTaskFailure(await tokenOf(ids.failed), 'States.Timeout', 'nobody reviewed it');
  await api.waitForStatus(ids.failed, ['FAILED']);
  // Stored but its execution never started (a stop between the two): undecided with none running.
  const at = new Date().toISOString();
  ids.stuck = 'C-ops-stuck';
  await documentClient().send(
    new PutCommand({
      TableName: tableName('claims'),
      Item: {
        claimId: ids.stuck,
        status: 'RECEIVED',
        schemeId: 'xiaogan-2024',
        householdId: 'HO-1',
        product: 'MEDICAL',
        submission: bigClaim('O-3'),
        submittedBy: 't',
        createdAt: at,
        updatedAt: at,
      },
    }),
  );
  await until('the endpoint disabled', async () => {
    const r = await api.call('GET', '/ops/attention', { role: 'admin' });
    return entries(r, 'ENDPOINT_DISABLED').length > 0 ? r : undefined;
  });
}, 120_000);

afterAll(async () => {
  await system?.stop();
  await new Promise<void>((resolve) => gone?.close(() => resolve()));
});

describe('GET /ops/attention', () => {
  it('now: the failed claim and the disabled endpoint; nothing young is stuck, late or past target', async () => {
    const r = await api.call('GET', '/ops/attention', { role: 'admin' });
    expect(r.status).toBe(200);
    expect(claimIds(r, 'CLAIM_FAILED')).toEqual([ids.failed]);
    expect(entries(r, 'CLAIM_FAILED')[0]?.reason).toMatch(/PENDING_REVIEW.*States\.Timeout/);
    const [disabled] = entries(r, 'ENDPOINT_DISABLED');
    expect(disabled).toMatchObject({ endpoint: { insurerId: 'XG-POOL-1', endpointId }, reason: expect.stringContaining('410') });
    expect(Date.parse(disabled?.since ?? '')).toBeLessThanOrEqual(Date.now());
    expect(entries(r, 'ENDPOINT_DISABLED')).toHaveLength(1);
    expect(entries(r, 'CLAIM_STUCK')).toEqual([]); // the stored claim is minutes old, not 15
    expect(entries(r, 'REVIEW_WAITING')).toEqual([]);
    expect(entries(r, 'PAST_TARGET')).toEqual([]);
    expect(r.body.counts).toEqual({ CLAIM_FAILED: 1, CLAIM_STUCK: 0, REVIEW_WAITING: 0, ENDPOINT_DISABLED: 1, PAST_TARGET: 0 });
    expect(r.body.thresholds).toEqual({ reviewDays: 3, stuckMinutes: 15 });
  });

  it('as of 10 days later: the review waits too long, the unstarted claim is stuck, and every unpaid claim is past target', async () => {
    const asOf = new Date(Date.now() + 10 * 86_400_000).toISOString();
    const r = await api.call('GET', `/ops/attention?asOf=${encodeURIComponent(asOf)}`, { role: 'auditor' });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.asOf).toBe(asOf);
    expect(claimIds(r, 'CLAIM_FAILED')).toEqual([ids.failed]);
    // The review's execution is running (waiting for its task token): late, not stuck.
    expect(claimIds(r, 'REVIEW_WAITING')).toEqual([ids.review]);
    expect(entries(r, 'REVIEW_WAITING')[0]?.ageMinutes).toBeGreaterThanOrEqual(10 * 24 * 60 - 5);
    expect(claimIds(r, 'CLAIM_STUCK')).toEqual([ids.stuck]);
    expect(entries(r, 'CLAIM_STUCK')[0]?.reason).toContain('never started');
    expect(claimIds(r, 'PAST_TARGET').sort()).toEqual([ids.failed, ids.review, ids.settling, ids.stuck].sort());
    expect(entries(r, 'PAST_TARGET').find((i) => i.claimId === ids.settling)?.reason).toMatch(/^SETTLING \d+ working days/);
    expect(claimIds(r, 'ENDPOINT_DISABLED')).toEqual([undefined]);
    expect(r.body.counts).toEqual({ CLAIM_FAILED: 1, CLAIM_STUCK: 1, REVIEW_WAITING: 1, ENDPOINT_DISABLED: 1, PAST_TARGET: 4 });
    // Only the two undecided claims needed their execution read, and both were.
    expect(r.body.executionChecks).toEqual({ needed: 2, unchecked: 0 });
  });

  it('a reviewed claim leaves the list', async () => {
    expect((await api.review(ids.review, 'APPROVE', 'ok')).status).toBe(200);
    await api.waitForStatus(ids.review, ['SETTLING']);
    const asOf = new Date(Date.now() + 10 * 86_400_000).toISOString();
    const r = await api.call('GET', `/ops/attention?asOf=${encodeURIComponent(asOf)}`, { role: 'admin' });
    expect(claimIds(r, 'REVIEW_WAITING')).toEqual([]);
    expect(claimIds(r, 'PAST_TARGET')).toContain(ids.review); // settling, still unpaid
  });

  it('is for admins and auditors only; a bad asOf is a 400 problem naming it', async () => {
    for (const role of ['submitter', 'insurer', 'reviewer'] as const) {
      const r = await api.call('GET', '/ops/attention', { role, insurerId: role === 'insurer' ? 'XG-POOL-1' : undefined });
      expect(r.status, role).toBe(403);
      expect(r.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await api.call('GET', '/ops/attention')).status).toBe(401);
    const bad = await api.call('GET', '/ops/attention?asOf=yesterday', { role: 'admin' });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body.errors[0].path).toBe('asOf');
  });
});

describe('the scheduled attention metrics', () => {
  it('publish the count of every kind of the same list, as Powertools EMF in the Fangpin namespace', async () => {
    const lines: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    let out: unknown;
    try {
      const handler = await loadHandler('functions/ops/attention-metrics.ts');
      out = await handler({}, lambdaContext('attention-metrics', 60_000));
    } finally {
      spy.mockRestore();
    }
    const listed = await api.call('GET', '/ops/attention', { role: 'admin' });
    const emf = lines
      .flatMap((l) => l.split('\n'))
      .filter((l) => l.includes('"_aws"'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(emf).toHaveLength(1);
    const blob = emf[0] as {
      _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> };
      service: string;
    } & Record<string, unknown>;
    const [directive] = blob._aws.CloudWatchMetrics;
    expect(directive?.Namespace).toBe(OPS_METRICS_NAMESPACE);
    expect(directive?.Dimensions).toEqual([['service']]);
    expect(blob.service).toBe(OPS_METRICS_SERVICE);
    expect(directive?.Metrics.map((m) => m.Name).sort()).toEqual(ATTENTION_KINDS.map((k) => ATTENTION_METRIC[k]).sort());
    for (const kind of ATTENTION_KINDS) expect(blob[ATTENTION_METRIC[kind]], kind).toBe(listed.body.counts[kind]);
    expect(listed.body.counts).toMatchObject({ CLAIM_FAILED: 1, ENDPOINT_DISABLED: 1 });
    expect(out).toMatchObject({ counts: listed.body.counts });
  });
});
