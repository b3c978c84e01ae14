/**
 * The OpenAPI document (functions/api/openapi/): docs/openapi.json is what the code generates now, every route of
 * the route table is in it and nothing else, its schemas are valid JSON Schema 2020-12, and the answer check the
 * e2e tests run (test/support/openapi-check.ts) catches drift naming the route, the status and the JSON path.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { buildOpenApiDocument, documentationGaps, openApiText } from '../../functions/api/openapi/document.js';
import { ROUTES, routeKey, type RouteSpec } from '../../functions/api/routes.js';
import { checkAnswer } from '../support/openapi-check.js';

// biome-ignore lint/suspicious/noExplicitAny: walking a JSON document
type Json = Record<string, any>;
const doc = buildOpenApiDocument() as Json;
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options', 'trace'];

describe('docs/openapi.json', () => {
  it('is up to date with the code (run `npm run openapi` and commit the result)', () => {
    const committed = readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8');
    // Compared as text: a change to the API must show in review as a change to this file.
    expect(committed === openApiText(), 'docs/openapi.json is out of date: run `npm run openapi` and commit docs/openapi.json').toBe(true);
  });
});

describe('the document and the route table', () => {
  it('documents every route of the table, and no path or method the table does not have', () => {
    const inTable = new Set(ROUTES.map(routeKey));
    const inDoc = new Set(
      Object.entries(doc.paths as Json).flatMap(([path, item]) =>
        Object.keys(item as Json)
          .filter((m) => METHODS.includes(m))
          .map((m) => `${m.toUpperCase()} ${path}`),
      ),
    );
    expect(
      [...inTable].filter((k) => !inDoc.has(k)),
      'routes of functions/api/routes.ts missing from the document',
    ).toEqual([]);
    expect(
      [...inDoc].filter((k) => !inTable.has(k)),
      'paths in the document that the route table does not have',
    ).toEqual([]);
    expect(documentationGaps()).toEqual({ undocumented: [], unknown: [] });
  });

  it('refuses to build with a route nobody documented, naming it', () => {
    const added: RouteSpec = { method: 'GET', path: '/reports/aggregates', module: 'reports', roles: ['admin'] };
    expect(() => buildOpenApiDocument([...ROUTES, added])).toThrow(/routes without OpenAPI documentation.*GET \/reports\/aggregates/);
    expect(() => buildOpenApiDocument(ROUTES.filter((r) => routeKey(r) !== 'GET /ops/attention'))).toThrow(
      /routes the route table does not have.*GET \/ops\/attention/,
    );
  });

  it('says who may call each route, with a bearer JWT, and what each route answers when refused', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
    expect(doc.security).toEqual([{ bearer: [] }]);
    for (const r of ROUTES) {
      const op = doc.paths[r.path][r.method.toLowerCase()];
      expect(op['x-roles'], routeKey(r)).toEqual([...r.roles]);
      expect(op.description, routeKey(r)).toMatch(/Roles: /);
      expect(Object.keys(op.responses), routeKey(r)).toEqual(expect.arrayContaining(['401', '500']));
      expect(
        Object.keys(op.responses).some((s) => /^2\d\d$/.test(s)),
        `${routeKey(r)} has a success answer`,
      ).toBe(true);
      if (op.requestBody) expect(Object.keys(op.responses), routeKey(r)).toEqual(expect.arrayContaining(['400', '413', '415', '422']));
    }
  });

  it('names the headers integrators need: Idempotency-Key, Location, Accept-Language and Content-Language, Retry-After', () => {
    const submit = doc.paths['/claims'].post;
    expect(submit.parameters).toContainEqual(expect.objectContaining({ name: 'Idempotency-Key', in: 'header' }));
    expect(submit.responses['202'].headers).toHaveProperty('Location');
    const read = doc.paths['/claims/{claimId}'].get;
    expect(read.parameters).toContainEqual(expect.objectContaining({ name: 'Accept-Language', in: 'header' }));
    expect(read.responses['200'].headers).toHaveProperty('Content-Language');
    expect(doc.paths['/claims/{claimId}/review'].post.responses['409'].headers).toHaveProperty('Retry-After');
    expect(doc.paths['/claims'].get.parameters.map((p: Json) => p.name)).toEqual(
      expect.arrayContaining(['status', 'householdId', 'sort', 'limit', 'cursor']),
    );
  });

  it('describes the settlement.created webhook with its Standard Webhooks headers', () => {
    const hook = doc.webhooks['settlement.created'].post;
    expect(hook.parameters.map((p: Json) => p.name)).toEqual(['webhook-id', 'webhook-timestamp', 'webhook-signature']);
    expect(hook.requestBody.content['application/json'].schema).toEqual({ $ref: '#/components/schemas/SettlementCreatedEvent' });
  });

  it('has valid JSON Schema 2020-12 components and no dangling $ref', () => {
    const ajv = new Ajv2020({ strict: false });
    ajv.addSchema({ $id: 'https://x/doc.json', components: doc.components });
    for (const id of Object.keys(doc.components.schemas))
      expect(() => ajv.compile({ $ref: `https://x/doc.json#/components/schemas/${id}` }), id).not.toThrow();
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/([^"]+)"/g)].map((m) => m[1] ?? '');
    for (const ref of new Set(refs))
      expect(
        ref.split('/').reduce<Json | undefined>((n, k) => n?.[k], doc),
        ref,
      ).toBeDefined();
  });
});

describe('the answer check the e2e tests run', () => {
  const problem = { type: 'https://fangpin.dev/problems/not-found', title: 'Not found', status: 404, detail: 'no claim C-1', errors: [] };
  it('passes what the document says', () => {
    expect(() => checkAnswer('GET', '/claims/C-1', 404, 'application/problem+json', problem)).not.toThrow();
    expect(() =>
      checkAnswer('GET', '/reports/summary?schemeId=x&year=2024&format=csv', 200, 'text/csv; charset=utf-8', 'section,key\n'),
    ).not.toThrow();
    expect(() => checkAnswer('GET', '/console/inbox', 200, 'text/html', '<html>')).not.toThrow(); // not an API route
  });
  it('names the route, the status and the JSON path when an answer drifts', () => {
    expect(() => checkAnswer('GET', '/claims/C-1', 404, 'application/problem+json', { ...problem, errors: [{ path: 'x' }] })).toThrow(
      /GET \/claims\/\{claimId\} \(GET \/claims\/C-1\) answered 404.*\$\.errors\[0\] must have required property 'message'/,
    );
  });
  it('refuses a status or a content type the document does not list for the route', () => {
    expect(() => checkAnswer('GET', '/schemes', 418, 'application/json', {})).toThrow(
      /GET \/schemes .*answered 418, a status the document does not list/,
    );
    expect(() => checkAnswer('GET', '/reports/summary', 200, 'text/html', '<p>')).toThrow(/as text\/html, which the document does not list/);
    expect(() => checkAnswer('POST', '/claims', 202, 'application/json', { claimId: 'C-1', status: 'RECEIVED', extra: true })).toThrow(
      /POST \/claims .*answered 202.*\$ must NOT have additional properties \(extra\)/,
    );
  });
});
