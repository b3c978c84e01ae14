/**
 * The route × role matrix, at the handler: every route refuses a missing or unknown role with 401 and a role
 * outside its list with 403, and lets every listed role through (to a 2xx/4xx answer of its own, never 401/403).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { ROUTES, ROLES, routeKey, type ApiModule, type Role } from '../../functions/api/routes.js';
import type { ApiEvent } from '../../functions/api/http.js';
import { useStore } from '../support/store.js';
import { lambdaContext } from '../../embedded/lambda-context.js';

type Handler = (e: ApiEvent, c: Context) => Promise<APIGatewayProxyStructuredResultV2>;
const handlers = new Map<ApiModule, Handler>();

function event(route: (typeof ROUTES)[number], claims: Record<string, string> | null): ApiEvent {
  const path = route.path.replace(/\{(\w+)\}/g, 'X-1');
  const params = Object.fromEntries([...route.path.matchAll(/\{(\w+)\}/g)].map((m) => [m[1], 'X-1']));
  return {
    version: '2.0',
    routeKey: routeKey(route),
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': 'application/json' },
    pathParameters: params,
    body: route.method === 'POST' ? '{}' : undefined,
    isBase64Encoded: false,
    requestContext: { http: { method: route.method, path }, authorizer: claims ? { jwt: { claims, scopes: [] } } : undefined },
  } as unknown as ApiEvent;
}

function claimsFor(role: Role): Record<string, string> {
  return role === 'insurer' ? { sub: 'u', 'fangpin:role': role, 'fangpin:insurerId': 'XG-POOL-1' } : { sub: 'u', 'fangpin:role': role };
}

// Step Functions for the one route that reads it without a claim first (GET /workflows/claims/definition).
let fakeSfn: Server | undefined;
afterAll(() => fakeSfn?.close());

beforeAll(async () => {
  fakeSfn = createServer((req, res) => {
    const describe = req.headers['x-amz-target'] === 'AWSStepFunctions.DescribeStateMachine';
    // A monitoring run starts its job's execution (POST /monitoring/run), which then never runs here: answered 202.
    const start = req.headers['x-amz-target'] === 'AWSStepFunctions.StartExecution';
    res.writeHead(describe || start ? 200 : 400, { 'content-type': 'application/x-amz-json-1.0' });
    if (start) {
      res.end(JSON.stringify({ executionArn: 'arn:aws:states:us-east-1:000000000000:execution:monitoring:x', startDate: 0 }));
      return;
    }
    res.end(
      JSON.stringify(
        describe
          ? {
              stateMachineArn: 'x',
              name: 'none',
              status: 'ACTIVE',
              type: 'STANDARD',
              roleArn: 'x',
              creationDate: 0,
              definition: '{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}',
            }
          : { __type: 'InvalidArn', message: 'not here' },
      ),
    );
  });
  await new Promise<void>((ok) => fakeSfn!.listen(0, '127.0.0.1', ok));
  process.env.AWS_ENDPOINT_URL_SFN = `http://127.0.0.1:${(fakeSfn.address() as AddressInfo).port}`;
  await useStore('access');
  process.env.STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:none';
  process.env.MONITORING_STATE_MACHINE_ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:monitoring';
  process.env.FANGPIN_MONITORING_SYNC_WAIT_MS = '0';
  handlers.set('claims', (await import('../../functions/api/claims.js')).handler as Handler);
  handlers.set('households', (await import('../../functions/api/households.js')).handler as Handler);
  handlers.set('settlements', (await import('../../functions/api/settlements.js')).handler as Handler);
  handlers.set('schemes', (await import('../../functions/api/schemes.js')).handler as Handler);
  handlers.set('webhooks', (await import('../../functions/api/webhooks.js')).handler as Handler);
  handlers.set('reports', (await import('../../functions/api/reports.js')).handler as Handler);
  handlers.set('index-events', (await import('../../functions/api/index-events.js')).handler as Handler);
  handlers.set('monitoring', (await import('../../functions/api/monitoring.js')).handler as Handler);
  handlers.set('ops', (await import('../../functions/api/ops.js')).handler as Handler);
  handlers.set('workflows', (await import('../../functions/api/workflows.js')).handler as Handler);
  handlers.set('audit-samples', (await import('../../functions/api/audit-samples.js')).handler as Handler);
  handlers.set('evidence', (await import('../../functions/api/evidence.js')).handler as Handler);
  handlers.set('medical-feeds', (await import('../../functions/api/medical-feeds.js')).handler as Handler);
});

describe('route × role', () => {
  const cases = ROUTES.flatMap((r) => ROLES.map((role) => [routeKey(r), role, r.roles.includes(role)] as const));
  it.each(cases)('%s as %s (allowed: %s)', async (key, role, allowed) => {
    const route = ROUTES.find((r) => routeKey(r) === key)!;
    const res = await handlers.get(route.module)!(event(route, claimsFor(role)), lambdaContext('t'));
    if (allowed) expect([401, 403]).not.toContain(res.statusCode);
    else expect(res.statusCode).toBe(403);
    expect(res.statusCode).toBeLessThan(500);
  });

  it.each(ROUTES.map((r) => [routeKey(r)]))('%s without claims or with an unknown role → 401', async (key) => {
    const route = ROUTES.find((r) => routeKey(r) === key)!;
    const h = handlers.get(route.module)!;
    expect((await h(event(route, null), lambdaContext('t'))).statusCode).toBe(401);
    expect((await h(event(route, { sub: 'u', 'fangpin:role': 'root' }), lambdaContext('t'))).statusCode).toBe(401);
    expect((await h(event(route, { sub: 'u', 'fangpin:role': 'insurer' }), lambdaContext('t'))).statusCode).toBe(401);
  });
});

describe('reviewer levels in the token', () => {
  const route = ROUTES.find((r) => routeKey(r) === 'POST /claims/{claimId}/review')!;
  const call = (claims: Record<string, string>) => handlers.get('claims')!(event(route, claims), lambdaContext('t'));
  it.each(['1', '2', '3', ' 2'])('fangpin:reviewLevel %j (a string, as API Gateway passes claims on) is let through', async (level) => {
    expect((await call({ sub: 'u', 'fangpin:role': 'reviewer', 'fangpin:reviewLevel': level })).statusCode).toBe(422); // the empty body, not the token
  });
  it.each(['0', '4', 'x', ''])('fangpin:reviewLevel %j is a bad token → 401', async (level) => {
    expect((await call({ sub: 'u', 'fangpin:role': 'reviewer', 'fangpin:reviewLevel': level })).statusCode).toBe(401);
  });
});
