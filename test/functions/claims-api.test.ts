/**
 * functions/api/claims.ts at the handler, against DynamoDB Local (Step Functions is a fake that records the
 * executions started): submission validation, the Idempotency-Key (replay, conflict, scope, format), which index
 * GET /claims reads for which parameters, and the problem answers.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { ApiEvent } from '../../functions/api/http.js';
import { lambdaContext } from '../../embedded/lambda-context.js';
import { useStore } from '../support/store.js';
import { schemes } from '../../functions/shared/catalogue.js';

type Handler = (e: ApiEvent, c: Context) => Promise<APIGatewayProxyStructuredResultV2>;
let handler: Handler;
let aws: typeof import('../../functions/shared/aws.js');
let canonical: typeof import('../../functions/shared/canonical.js');

let fakeSfn: Server | undefined;
/** The execution names StartExecution was asked for, in order. */
const started: string[] = [];
/** The Query inputs the handler sent, in order (IndexName, key condition, values). */
const queries: Array<{ IndexName?: string; KeyConditionExpression?: string; ExpressionAttributeValues?: Record<string, unknown> }> = [];

beforeAll(async () => {
  fakeSfn = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      if (req.headers['x-amz-target'] === 'AWSStepFunctions.StartExecution') started.push((JSON.parse(body) as { name: string }).name);
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ executionArn: 'arn:aws:states:us-east-1:000000000000:execution:none:x', startDate: 0 }));
    });
  });
  await new Promise<void>((ok) => fakeSfn!.listen(0, '127.0.0.1', ok));
  process.env.AWS_ENDPOINT_URL_SFN = `http://127.0.0.1:${(fakeSfn.address() as AddressInfo).port}`;
  process.env.STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:none';
  await useStore('claims-api');
  aws = await import('../../functions/shared/aws.js');
  canonical = await import('../../functions/shared/canonical.js');
  handler = (await import('../../functions/api/claims.js')).handler as Handler;
  // Sees each command's input before it is marshalled: which index a listing reads.
  aws.documentClient().middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { IndexName?: string; KeyConditionExpression?: string };
      if (input.KeyConditionExpression) queries.push(input);
      return next(args);
    },
    { step: 'initialize', name: 'claimsApiTestQueries' },
  );
});
afterAll(() => fakeSfn?.close());
beforeEach(() => {
  started.length = 0;
  queries.length = 0;
});

interface Call {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly routePath?: string;
  readonly sub?: string;
  readonly role?: string;
  readonly body?: unknown;
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
  readonly query?: Record<string, string>;
}

async function call(c: Call): Promise<{ status: number; headers: Record<string, string>; body: Record<string, unknown> }> {
  const params = c.routePath ? { claimId: c.path.split('/')[2]! } : undefined;
  const event = {
    version: '2.0',
    routeKey: `${c.method} ${c.routePath ?? c.path}`,
    rawPath: c.path,
    rawQueryString: new URLSearchParams(c.query ?? {}).toString(),
    headers: { 'content-type': 'application/json', 'accept-language': 'en', ...c.headers },
    pathParameters: params,
    queryStringParameters: c.query,
    body: c.rawBody ?? (c.body === undefined ? undefined : JSON.stringify(c.body)),
    isBase64Encoded: false,
    requestContext: {
      http: { method: c.method, path: c.path },
      authorizer: { jwt: { claims: { sub: c.sub ?? 'agent-1', 'fangpin:role': c.role ?? 'submitter' }, scopes: [] } },
    },
  } as unknown as ApiEvent;
  const out = await handler(event, lambdaContext('claims'));
  return {
    status: out.statusCode ?? 0,
    headers: (out.headers ?? {}) as Record<string, string>,
    body: JSON.parse(out.body ?? '{}') as Record<string, unknown>,
  };
}

/** A problem+json answer of this status and type, with `errors` naming `path` (when given). */
function expectProblem(r: Awaited<ReturnType<typeof call>>, status: number, type: string, path?: string) {
  expect(r.status).toBe(status);
  expect(r.headers['content-type']).toBe('application/problem+json');
  expect(r.body.type).toBe(`https://fangpin.dev/problems/${type}`);
  expect(r.body.status).toBe(status);
  expect(typeof r.body.title).toBe('string');
  expect(typeof r.body.detail).toBe('string');
  if (path !== undefined) expect((r.body.errors as Array<{ path: string }>).map((e) => e.path)).toContain(path);
}

const medical = (totalCost = 4_000_000, householdId = 'H-420922-0001') => ({
  schemeId: 'xiaogan-2024',
  product: 'MEDICAL',
  householdId,
  personId: 'P-1',
  incidentDate: '2024-05-03',
  details: {
    hospitalCode: 'HOSP-01',
    invoiceNo: `INV-${totalCost}`,
    totalCost,
    basicInsurancePaid: 2_000_000,
    criticalIllnessPaid: 500_000,
    payee: 'HOSPITAL',
  },
});

/** The claim id the handler derives from the caller and the key (so a test can look for a claim that must not exist). */
const claimIdFor = (sub: string, key: string) => `C-${canonical.sha256Hex(`${sub}\n${key}`).slice(0, 32)}`;

async function stored(table: 'claims' | 'idempotency', key: Record<string, string>) {
  return (await aws.documentClient().send(new GetCommand({ TableName: aws.tableName(table), Key: key, ConsistentRead: true }))).Item;
}

describe('POST /claims: validation', () => {
  it('a bad field is a 422 naming it, and nothing is created: no claim, no key reserved, no execution', async () => {
    const body = medical();
    const bad = { ...body, incidentDate: '2024-13-40', details: { ...body.details, totalCost: -1 } };
    const r = await call({ method: 'POST', path: '/claims', body: bad, headers: { 'idempotency-key': 'bad-1' } });
    expectProblem(r, 422, 'validation-failed');
    const paths = (r.body.errors as Array<{ path: string }>).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['incidentDate', 'details.totalCost']));
    expect(await stored('claims', { claimId: claimIdFor('agent-1', 'bad-1') })).toBeUndefined();
    expect(await stored('idempotency', { id: 'claims#agent-1#bad-1' })).toBeUndefined();
    expect(started).toEqual([]);
  });

  it('a missing field, an unknown scheme and an unknown product are named too', async () => {
    const { incidentDate: _, ...noDate } = medical();
    expectProblem(await call({ method: 'POST', path: '/claims', body: noDate }), 422, 'validation-failed', 'incidentDate');
    expectProblem(
      await call({ method: 'POST', path: '/claims', body: { ...medical(), schemeId: 'atlantis-2024' } }),
      422,
      'validation-failed',
      'schemeId',
    );
    expectProblem(await call({ method: 'POST', path: '/claims', body: { ...medical(), product: 'LOTTERY' } }), 422, 'validation-failed', 'product');
    expect(started).toEqual([]);
  });

  it('malformed JSON is 400, another content type 415, an oversized body 413', async () => {
    expectProblem(await call({ method: 'POST', path: '/claims', rawBody: '{"schemeId":' }), 400, 'malformed-json', '(body)');
    expectProblem(
      await call({ method: 'POST', path: '/claims', body: medical(), headers: { 'content-type': 'text/plain' } }),
      415,
      'unsupported-media-type',
      '(header) content-type',
    );
    expectProblem(
      await call({ method: 'POST', path: '/claims', rawBody: JSON.stringify({ ...medical(), pad: 'x'.repeat(70 * 1024) }) }),
      413,
      'payload-too-large',
      '(body)',
    );
    expect(started).toEqual([]);
  });

  it('an unknown household is not bad input: accepted (202), stored RECEIVED, its execution started', async () => {
    const r = await call({ method: 'POST', path: '/claims', body: medical(3_000_000, 'H-NOBODY') });
    expect(r.status).toBe(202);
    const claimId = r.body.claimId as string;
    expect(r.body).toEqual({ claimId, status: 'RECEIVED' });
    expect(r.headers.location).toBe(`/claims/${claimId}`);
    expect((await stored('claims', { claimId }))?.status).toBe('RECEIVED');
    expect(started).toEqual([claimId]);
  });
});

describe('POST /claims: Idempotency-Key', () => {
  it('the same key and body (keys in another order too) answer the same claim; one reservation holds the body hash', async () => {
    const body = medical(4_100_000);
    const first = await call({ method: 'POST', path: '/claims', body, headers: { 'idempotency-key': 'k-replay' } });
    expect(first.status).toBe(202);
    const claimId = first.body.claimId as string;
    expect(claimId).toBe(claimIdFor('agent-1', 'k-replay'));
    const reordered = Object.fromEntries(Object.entries(body).reverse());
    const again = await call({ method: 'POST', path: '/claims', body: reordered, headers: { 'idempotency-key': 'k-replay' } });
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    const reservation = await stored('idempotency', { id: 'claims#agent-1#k-replay' });
    expect(reservation).toMatchObject({ claimId, bodyHash: canonical.sha256Hex(canonical.canonicalJson(body)) });
    expect(reservation?.expiration).toBeGreaterThan(Date.now() / 1000);
    // Started on the repeat too (a first attempt may have died before starting it); the same name, so one execution.
    expect(new Set(started)).toEqual(new Set([claimId]));
    const view = await call({ method: 'GET', path: `/claims/${claimId}`, routePath: '/claims/{claimId}', role: 'auditor' });
    expect(view.status).toBe(200);
    expect(view.body.status).toBe('RECEIVED');
  });

  it('the same key with another body is 409 naming the header, and the first claim is untouched', async () => {
    const first = await call({ method: 'POST', path: '/claims', body: medical(4_200_000), headers: { 'idempotency-key': 'k-conflict' } });
    expect(first.status).toBe(202);
    const before = await stored('claims', { claimId: first.body.claimId as string });
    started.length = 0;
    const r = await call({ method: 'POST', path: '/claims', body: medical(4_300_000), headers: { 'idempotency-key': 'k-conflict' } });
    expectProblem(r, 409, 'idempotency-key-reused', '(header) idempotency-key');
    expect(await stored('claims', { claimId: first.body.claimId as string })).toEqual(before);
    expect(started).toEqual([]);
  });

  it("a key is the caller's own: another submitter with the same key and body files another claim", async () => {
    const body = medical(4_400_000);
    const a = await call({ method: 'POST', path: '/claims', body, headers: { 'idempotency-key': 'k-shared' }, sub: 'agent-a' });
    const b = await call({ method: 'POST', path: '/claims', body, headers: { 'idempotency-key': 'k-shared' }, sub: 'agent-b' });
    expect(a.status).toBe(202);
    expect(b.status).toBe(202);
    expect(a.body.claimId).not.toBe(b.body.claimId);
  });

  it('a key longer than 128 characters is 400 naming the header, before anything is stored', async () => {
    const key = 'k'.repeat(129);
    const r = await call({ method: 'POST', path: '/claims', body: medical(4_500_000), headers: { 'idempotency-key': key } });
    expectProblem(r, 400, 'bad-idempotency-key', '(header) idempotency-key');
    expect(await stored('idempotency', { id: `claims#agent-1#${key}` })).toBeUndefined();
    expect(started).toEqual([]);
    expect((await call({ method: 'POST', path: '/claims', body: medical(4_500_000), headers: { 'idempotency-key': 'k'.repeat(128) } })).status).toBe(
      202,
    );
  });

  it('without a key every submission is a new claim', async () => {
    const body = medical(4_600_000);
    const a = await call({ method: 'POST', path: '/claims', body });
    const b = await call({ method: 'POST', path: '/claims', body });
    expect(a.body.claimId).not.toBe(b.body.claimId);
  });
});

describe('GET /claims: the index each query reads', () => {
  const list = (query: Record<string, string>) => call({ method: 'GET', path: '/claims', query, role: 'auditor' });
  const read = async (query: Record<string, string>) => {
    queries.length = 0;
    const r = await list(query);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    return {
      indexes: [...new Set(queries.map((q) => q.IndexName))],
      partitions: [...new Set(queries.map((q) => q.ExpressionAttributeValues?.[':pk']))],
      body: r.body,
    };
  };
  const allSchemes = () => [...schemes().keys()].sort();

  it("householdId → byHousehold, and the household's claim is listed", async () => {
    const filed = await call({ method: 'POST', path: '/claims', body: medical(4_700_000, 'H-LIST-1') });
    const r = await read({ householdId: 'H-LIST-1', status: 'RECEIVED' });
    expect(r.indexes).toEqual(['byHousehold']);
    expect(r.partitions).toEqual(['H-LIST-1']);
    expect((r.body.items as Array<{ claimId: string }>).map((c) => c.claimId)).toEqual([filed.body.claimId]);
  });

  it('status=PENDING_REVIEW sorted by amount → reviewQueueByPayout; a waiting status → byStatus', async () => {
    expect((await read({ status: 'PENDING_REVIEW', sort: 'amount-desc' })).indexes).toEqual(['reviewQueueByPayout']);
    for (const status of ['RECEIVED', 'PENDING_REVIEW', 'APPROVED', 'FAILED']) {
      const r = await read({ status, schemeId: 'xiaogan-2024' });
      expect(r.indexes, status).toEqual(['byStatus']);
      expect(r.partitions, status).toEqual([status]);
    }
  });

  it('county → bySchemeCounty, one partition per scheme without schemeId; product → byProduct; schemeId → byScheme', async () => {
    expect(await read({ county: '420922' })).toMatchObject({ indexes: ['bySchemeCounty'], partitions: allSchemes().map((s) => `${s}#420922`) });
    expect(await read({ county: '420922', schemeId: 'xiaogan-2024' })).toMatchObject({
      indexes: ['bySchemeCounty'],
      partitions: ['xiaogan-2024#420922'],
    });
    expect(await read({ product: 'MEDICAL', status: 'PAID' })).toMatchObject({ indexes: ['byProduct'], partitions: ['MEDICAL'] });
    expect(await read({ schemeId: 'xiaogan-2024', status: 'PAID' })).toMatchObject({ indexes: ['byScheme'], partitions: ['xiaogan-2024'] });
  });

  it('a closed status alone → byStatus; nothing → byScheme over every scheme of the catalogue', async () => {
    expect(await read({ status: 'PAID' })).toMatchObject({ indexes: ['byStatus'], partitions: ['PAID'] });
    const all = await read({});
    expect(all.indexes).toEqual(['byScheme']);
    expect([...all.partitions].sort()).toEqual(allSchemes());
  });

  it('bad queries are 400 naming the parameter, and read nothing', async () => {
    const cases: ReadonlyArray<[Record<string, string>, string]> = [
      [{ status: 'MAYBE' }, 'status'],
      [{ county: '4209' }, 'county'],
      [{ minPayout: '1.5' }, 'minPayout'],
      [{ minPayout: '500', maxPayout: '100' }, 'minPayout'],
      [{ minAgeDays: '9', maxAgeDays: '2' }, 'minAgeDays'],
      [{ sort: 'amount-desc', status: 'RECEIVED' }, 'sort'],
      [{ sort: 'newest' }, 'sort'],
      [{ schemeId: 'atlantis-2024' }, 'schemeId'],
    ];
    for (const [query, path] of cases) {
      queries.length = 0;
      expectProblem(await list(query), 400, 'bad-query', path);
      expect(queries, JSON.stringify(query)).toEqual([]);
    }
  });
});

describe('problem answers', () => {
  it('an unknown claim is 404; the title follows Accept-Language, the type does not', async () => {
    const en = await call({ method: 'GET', path: '/claims/C-nope', routePath: '/claims/{claimId}', role: 'auditor' });
    expectProblem(en, 404, 'not-found');
    expect(en.headers['content-language']).toBe('en');
    const zh = await call({
      method: 'GET',
      path: '/claims/C-nope',
      routePath: '/claims/{claimId}',
      role: 'auditor',
      headers: { 'accept-language': 'zh-CN' },
    });
    expectProblem(zh, 404, 'not-found');
    expect(zh.headers['content-language']).toBe('zh-CN');
    expect(zh.body.title).not.toBe(en.body.title);
  });

  it('a role outside the route is 403, no role 401 with WWW-Authenticate', async () => {
    expectProblem(await call({ method: 'POST', path: '/claims', body: medical(), role: 'auditor' }), 403, 'forbidden');
    const r = await call({ method: 'POST', path: '/claims', body: medical(), role: 'nobody' });
    expectProblem(r, 401, 'unauthorized');
    expect(r.headers['www-authenticate']).toBe('Bearer');
    expect(started).toEqual([]);
  });
});

describe('the stores behind it', () => {
  it('reserveKey: the first request reserves, the same body is a repeat of its claim, another body a conflict', async () => {
    const { reserveKey, reservationOf } = await import('../../functions/shared/idempotency-repo.js');
    expect(await reserveKey('claims', 'agent-r', 'k-1', 'hash-a', 'C-1')).toEqual({ kind: 'RESERVED' });
    expect(await reserveKey('claims', 'agent-r', 'k-1', 'hash-a', 'C-other')).toEqual({ kind: 'REPEAT', claimId: 'C-1' });
    expect(await reserveKey('claims', 'agent-r', 'k-1', 'hash-b', 'C-1')).toEqual({ kind: 'CONFLICT' });
    expect(await reserveKey('claims', 'agent-s', 'k-1', 'hash-b', 'C-2')).toEqual({ kind: 'RESERVED' });
    expect(await reservationOf('claims', 'agent-r', 'k-1')).toMatchObject({ bodyHash: 'hash-a', claimId: 'C-1' });
    expect(await reservationOf('claims', 'agent-r', 'k-none')).toBeUndefined();
  });

  it('a stored claim is parsed when read: a malformed one is an error naming the claim and the field', async () => {
    const { getClaim, parseStoredClaim } = await import('../../functions/shared/claims-repo.js');
    const filed = await call({ method: 'POST', path: '/claims', body: medical(4_800_000) });
    const claim = await getClaim(filed.body.claimId as string);
    expect(claim).toMatchObject({ claimId: filed.body.claimId, status: 'RECEIVED', product: 'MEDICAL' });
    expect(() => parseStoredClaim({ ...claim, status: 'LIMBO' })).toThrow(new RegExp(`stored claim ${claim!.claimId} is malformed: status`));
    expect(() => parseStoredClaim({ ...claim, redrives: -1 })).toThrow(/redrives/);
    const { submission: _, ...noSubmission } = claim!;
    expect(() => parseStoredClaim(noSubmission)).toThrow(/submission/);
  });
});
