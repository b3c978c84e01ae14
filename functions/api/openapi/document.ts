/**
 * The OpenAPI 3.1 document of the HTTP API, built from the route table (functions/api/routes.ts: paths, methods,
 * roles), what operations.ts says of each route, and the zod schemas (z.toJSONSchema, JSON Schema 2020-12, the
 * dialect OpenAPI 3.1 uses). `npm run openapi` writes it to docs/openapi.json; the embedded server serves that
 * file at /openapi.json. Every route must be documented and nothing else may be: the build throws naming the
 * route otherwise.
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { ROLES, ROUTES, routeKey, type RouteSpec } from '../routes.js';
import { OPERATIONS, REQUEST_COMPONENTS, RESPONSE_COMPONENTS, type OperationDoc, type ParamDoc, type ResponseDoc } from './operations.js';

type Json = Record<string, unknown>;

const REF = (id: string) => `#/components/schemas/${id}`;

/** Routes of the table without documentation, and documentation of routes the table does not have. */
export function documentationGaps(routes: readonly RouteSpec[] = ROUTES): { undocumented: string[]; unknown: string[] } {
  const keys = new Set(routes.map(routeKey));
  return { undocumented: [...keys].filter((k) => !OPERATIONS[k]), unknown: Object.keys(OPERATIONS).filter((k) => !keys.has(k)) };
}

/** A zod schema as a JSON Schema of this document (no $schema/$id: the document gives the dialect). */
function bare(schema: Json): Json {
  const { $schema: _s, $id: _i, ...rest } = schema;
  return rest;
}

function components(io: 'input' | 'output', named: Readonly<Record<string, z.ZodType>>): Record<string, Json> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(named)) registry.add(schema, { id });
  const out = z.toJSONSchema(registry, { target: 'draft-2020-12', io, unrepresentable: 'any', uri: REF }) as { schemas: Record<string, Json> };
  return Object.fromEntries(Object.entries(out.schemas).map(([id, s]) => [id, bare(s)]));
}

function inline(schema: z.ZodType): Json {
  return bare(z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Json);
}

const HEADERS: Record<string, Json> = {
  Location: { description: 'where to read what was created or accepted', schema: { type: 'string' } },
  'Retry-After': { description: 'seconds to wait before asking again', schema: { type: 'string', pattern: '^\\d+$' } },
  'Content-Language': { description: 'the language the sentences are in: zh-CN or en', schema: { type: 'string', enum: ['zh-CN', 'en'] } },
  Vary: { description: 'Accept-Language: the answer depends on it', schema: { type: 'string' } },
  'Cache-Control': { description: 'how long the answer may be kept', schema: { type: 'string' } },
  'WWW-Authenticate': { description: 'Bearer', schema: { type: 'string' } },
};

const PROBLEM_TEXT: Record<number, string> = {
  400: 'bad request: malformed JSON, a bad query parameter, limit or cursor, a path parameter that is not valid percent-encoding',
  401: 'no valid bearer token with a known role',
  403: "the token's role may not call this route",
  404: 'not found',
  409: 'conflict with the current state',
  413: 'the body is larger than the route takes',
  415: 'the body is not application/json',
  422: 'validation failed: `errors` names each field; nothing was created or changed',
  429: "API Gateway's throttling (on AWS only; the embedded server does not throttle)",
  500: 'internal error; safe to retry',
};

/** What every route can answer besides its own: the token, the role, throttling and the unexpected. */
function problemStatuses(route: RouteSpec, op: OperationDoc): number[] {
  const set = new Set<number>([401, 429, 500, ...op.problems]);
  if (route.roles.length < ROLES.length) set.add(403);
  if (op.body) for (const s of [400, 413, 415, 422]) set.add(s);
  if (op.fileBody) for (const s of [413, 415, 422]) set.add(s);
  if (op.query || op.queryParams || route.path.includes('{')) set.add(400);
  return [...set].sort((a, b) => a - b);
}

/** Every problem answer, once, under components/responses; routes refer to them. */
function problemResponses(): Record<string, Json> {
  const problem = { 'application/problem+json': { schema: { $ref: REF('Problem') } } };
  // On AWS, API Gateway answers these itself, in its own format, before any handler runs.
  const gateway = { 'application/json': { schema: { $ref: REF('GatewayMessage') } } };
  return Object.fromEntries(
    Object.entries(PROBLEM_TEXT).map(([status, text]) => {
      const n = Number(status);
      const body =
        n === 401
          ? {
              description: `${text} (API Gateway's JWT authorizer answers \`{"message":"Unauthorized"}\` as application/json)`,
              headers: { 'WWW-Authenticate': { $ref: '#/components/headers/WWW-Authenticate' } },
              content: { ...problem, ...gateway },
            }
          : { description: text, content: n === 429 ? gateway : problem };
      return [`Problem${status}`, body];
    }),
  );
}

function problemResponse(route: RouteSpec, status: number): Json {
  if (!PROBLEM_TEXT[status]) throw new Error(`${routeKey(route)}: problem status ${status} has no text in functions/api/openapi/document.ts`);
  if (status === 409 && routeKey(route) === 'POST /claims/{claimId}/review') {
    return {
      description: `${PROBLEM_TEXT[409]}: decided already, not pending review, or \`Not ready\` (the workflow has not reached the review step yet; with Retry-After)`,
      headers: { 'Retry-After': { $ref: '#/components/headers/Retry-After' } },
      content: { 'application/problem+json': { schema: { $ref: REF('Problem') } } },
    };
  }
  return { $ref: `#/components/responses/Problem${status}` };
}

function componentId(schema: z.ZodType, named: Readonly<Record<string, z.ZodType>>, where: string): string {
  const id = Object.entries(named).find(([, s]) => s === schema)?.[0];
  if (!id)
    throw new Error(
      `${where}: its schema is not a named component (add it to REQUEST_COMPONENTS or RESPONSE_COMPONENTS in functions/api/openapi/operations.ts)`,
    );
  return id;
}

function successResponse(key: string, status: number, r: ResponseDoc): Json {
  const content: Json = {};
  if (r.body) content['application/json'] = { schema: { $ref: REF(componentId(r.body, RESPONSE_COMPONENTS, `${key} → ${status}`)) } };
  for (const [type, description] of Object.entries(r.alsoAs ?? {})) content[type] = { schema: { type: 'string', description } };
  return {
    description: r.description,
    ...(r.headers?.length ? { headers: Object.fromEntries(r.headers.map((h) => [h, { $ref: `#/components/headers/${h}` }])) } : {}),
    ...(Object.keys(content).length ? { content } : {}),
  };
}

function param(where: 'query' | 'header', p: ParamDoc): Json {
  return { name: p.name, in: where, required: p.required ?? false, description: p.description, schema: p.schema };
}

function queryFromZod(schema: z.ZodObject): Json[] {
  return Object.entries(schema.shape).map(([name, s]) => {
    const field = s as z.ZodType;
    const json = inline(field);
    return {
      name,
      in: 'query',
      required: !field.safeParse(undefined).success,
      ...(field.description ? { description: field.description } : {}),
      schema: json,
    };
  });
}

const PATH_PARAMS: Record<string, string> = {
  schemeId: 'a scheme id, e.g. xiaogan-2024',
  householdId: 'a household id',
  claimId: 'a claim id (C-…)',
  settlementId: 'a settlement id',
  deliveryId: 'a webhook delivery id',
  eventId: 'an index event id',
  warningId: 'a monitoring warning id, e.g. HEALTH-2024-05',
};

function operation(route: RouteSpec, op: OperationDoc): Json {
  const key = routeKey(route);
  const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '');
  const parameters = [
    ...pathParams.map((name) => ({
      name,
      in: 'path',
      required: true,
      description: PATH_PARAMS[name] ?? name,
      schema: { type: 'string', minLength: 1 },
    })),
    ...(op.query ? queryFromZod(op.query) : []),
    ...(op.queryParams ?? []).map((p) => param('query', p)),
    ...(op.headers ?? []).map((p) => param('header', p)),
  ];
  const roles = route.roles.length === ROLES.length ? 'any role' : route.roles.join(', ');
  const responses: Json = {};
  for (const [status, r] of Object.entries(op.responses)) responses[status] = successResponse(key, Number(status), r);
  for (const status of problemStatuses(route, op)) responses[String(status)] = problemResponse(route, status);
  return {
    operationId: operationId(route),
    tags: [op.tag],
    summary: op.summary,
    description: `${op.description ? `${op.description}\n\n` : ''}Roles: ${roles}.`,
    'x-roles': [...route.roles],
    ...(parameters.length ? { parameters } : {}),
    ...(op.body
      ? {
          requestBody: {
            required: op.body.required,
            description: `${op.body.description ? `${op.body.description}; ` : ''}at most ${op.body.maxBytes} bytes`,
            content: { 'application/json': { schema: { $ref: REF(componentId(op.body.schema, REQUEST_COMPONENTS, `${key} request body`)) } } },
          },
        }
      : {}),
    ...(op.fileBody
      ? {
          requestBody: {
            required: true,
            description: `${op.fileBody.description}; at most ${op.fileBody.maxBytes} bytes`,
            content: Object.fromEntries(op.fileBody.mediaTypes.map((t) => [t, { schema: { type: 'string', format: 'binary' } }])),
          },
        }
      : {}),
    responses,
  };
}

/** `GET /claims/{claimId}/history` → getClaimsByClaimIdHistory: stable, unique, readable in generated clients. */
function operationId(route: RouteSpec): string {
  const words = route.path
    .split('/')
    .filter(Boolean)
    .map((seg) => {
      const name = /^\{(\w+)\}$/.exec(seg)?.[1];
      const w = (name ? `by-${name}` : seg).split(/[-_]/).map((p) => p.charAt(0).toUpperCase() + p.slice(1));
      return w.join('');
    });
  return `${route.method.toLowerCase()}${words.join('')}`;
}

const SETTLEMENT_CREATED_WEBHOOK: Json = {
  post: {
    operationId: 'settlementCreated',
    tags: ['webhooks'],
    summary: 'A settlement was created for your insurer (one message per settlement)',
    description:
      'fangpin POSTs this to the endpoint registered with POST /webhook-endpoints, signed per Standard Webhooks: verify `webhook-signature` (`v1,<base64 HMAC-SHA256 of "webhook-id.webhook-timestamp.body">`, keyed with the secret) with the spec\'s own libraries. Delivery is at least once with the same `webhook-id` on every attempt (deduplicate on it); only a 2xx counts; 410 disables the endpoint; Retry-After is honoured; otherwise retried after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.',
    parameters: [
      { name: 'webhook-id', in: 'header', required: true, description: 'the message id, the same on every attempt', schema: { type: 'string' } },
      {
        name: 'webhook-timestamp',
        in: 'header',
        required: true,
        description: 'seconds since the epoch when this attempt was signed',
        schema: { type: 'string', pattern: '^\\d+$' },
      },
      { name: 'webhook-signature', in: 'header', required: true, description: '`v1,<base64 signature>`', schema: { type: 'string' } },
    ],
    requestBody: { required: true, content: { 'application/json': { schema: { $ref: REF('SettlementCreatedEvent') } } } },
    responses: {
      '2XX': { description: 'received: the delivery is done' },
      '410': { description: 'gone: the endpoint is disabled, nothing more is sent to it' },
      default: { description: 'anything else: retried on the schedule (Retry-After honoured)' },
    },
    security: [],
  },
};

const TAGS = [
  { name: 'claims', description: 'Submit claims, read them with their explanation, review, redrive, history and audit.' },
  {
    name: 'evidence',
    description:
      "A claim's attachments (presigned upload and download, SHA-256 checked on arrival) and its notes thread; every upload verdict, download and note is in the claim's audit chain.",
  },
  { name: 'registry', description: 'The household registry (建档立卡); identity numbers are never answered raw.' },
  { name: 'settlements', description: 'What each insurer owes on each claim, and their confirmations.' },
  { name: 'schemes', description: "Each city's programme as data." },
  { name: 'reports', description: "The scheme operator's summaries and the public notice (公示)." },
  { name: 'audit', description: 'After-payment audit samples (事后抽查) and their findings.' },
  { name: 'webhooks', description: "Insurers' endpoints and deliveries (Standard Webhooks)." },
  { name: 'index events', description: 'Price and weather observations that file claims for every household they concern.' },
  { name: 'monitoring', description: "Spec 7's warnings." },
  { name: 'operations', description: "What needs a person; the workflow's shape." },
];

function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

/** `routes`: the route table (another one only in tests, to show what an undocumented route does). */
export function buildOpenApiDocument(routes: readonly RouteSpec[] = ROUTES): Json {
  const { undocumented, unknown } = documentationGaps(routes);
  if (undocumented.length)
    throw new Error(
      `routes without OpenAPI documentation (add them to OPERATIONS in functions/api/openapi/operations.ts): ${undocumented.join(', ')}`,
    );
  if (unknown.length)
    throw new Error(`OpenAPI documentation of routes the route table does not have (functions/api/openapi/operations.ts): ${unknown.join(', ')}`);
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    const op = OPERATIONS[routeKey(route)] as OperationDoc;
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation(route, op);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'fangpin 防贫保 API',
      version: packageVersion(),
      description:
        "Claims processing for poverty-prevention insurance (防贫保险). Money is integer fen, ratios integer basis points. Every error is RFC 9457 problem details (application/problem+json) naming each bad field. Each operation says which roles may call it (`x-roles`; the role is the token's `fangpin:role` or `role` claim; an insurer's token also carries `fangpin:insurerId`).\n\nThis document is served at `/openapi.json` and rendered at `/docs/` (both public, no token) by the embedded server; on AWS beside the web console. It is generated from the code (`npm run openapi`); docs/openapi.json in the repository is the same.",
      license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
    },
    servers: [{ url: '/', description: 'the embedded server (npm start), or your API Gateway stage URL' }],
    security: [{ bearer: [] }],
    tags: TAGS,
    paths,
    webhooks: { 'settlement.created': SETTLEMENT_CREATED_WEBHOOK },
    components: {
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: "Embedded: `npm run token -- <role> [insurerId]`. On AWS: a token of the identity provider the API's JWT authorizer trusts.",
        },
      },
      headers: HEADERS,
      responses: problemResponses(),
      schemas: allComponents(),
    },
  };
}

function allComponents(): Record<string, Json> {
  const clash = Object.keys(REQUEST_COMPONENTS).filter((id) => id in RESPONSE_COMPONENTS);
  if (clash.length) throw new Error(`component ids used for a request and an answer: ${clash.join(', ')}`);
  return { ...components('input', REQUEST_COMPONENTS), ...components('output', RESPONSE_COMPONENTS) };
}

/** The document as docs/openapi.json holds it. */
export function openApiText(): string {
  return `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
}
