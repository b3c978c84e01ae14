/**
 * Every answer the e2e tests receive (test/support/server.ts's `call`) is checked against the OpenAPI document
 * (built in memory, the same as docs/openapi.json when that is up to date): the route and status must be in it,
 * the content type one it names, and a JSON answer must match the schema for that route, status and content
 * type. So the document cannot drift from what the server does. Answers to paths outside the route table (the
 * console, unknown routes, a method the path does not have) are not the document's and are not checked.
 */
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import formats, { type FormatsPlugin } from 'ajv-formats';
import { buildOpenApiDocument } from '../../functions/api/openapi/document.js';
import { ROUTES, routeKey } from '../../functions/api/routes.js';

// biome-ignore lint/suspicious/noExplicitAny: walking a JSON document
type Json = Record<string, any>;

const DOC_ID = 'https://fangpin.dev/openapi.json';
let state: { doc: Json; ajv: Ajv2020; validators: Map<string, ValidateFunction> } | undefined;

function load() {
  if (!state) {
    const doc = buildOpenApiDocument();
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    // ajv-formats is CommonJS: its plugin is the module's default export, reached once more under ESM.
    const addFormats = ((formats as unknown as { default?: FormatsPlugin }).default ?? formats) as FormatsPlugin;
    addFormats(ajv);
    ajv.addSchema({ $id: DOC_ID, components: (doc as Json).components }, DOC_ID);
    state = { doc, ajv, validators: new Map() };
  }
  return state;
}

const compiled = ROUTES.map((r) => ({ route: r, regex: new RegExp(`^${r.path.replace(/\{\w+\}/g, '[^/]+')}$`) }));

/** `$.assessment.payout`, `$.items[3].status` from ajv's `/assessment/payout`, `/items/3/status`. */
function jsonPath(pointer: string): string {
  return `$${pointer
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((p) => (/^\d+$/.test(p) ? `[${p}]` : /^[A-Za-z_$][\w$]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`))
    .join('')}`;
}

function describe(errors: readonly ErrorObject[]): string {
  return errors
    .slice(0, 8)
    .map((e) => {
      const extra =
        e.keyword === 'additionalProperties'
          ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})`
          : e.keyword === 'enum' || e.keyword === 'const'
            ? ` ${JSON.stringify(e.params)}`
            : '';
      return `${jsonPath(e.instancePath)} ${e.message ?? e.keyword}${extra} [schema ${e.schemaPath}]`;
    })
    .join('; ');
}

function resolve(doc: Json, node: Json): Json {
  let n = node;
  while (typeof n?.$ref === 'string') {
    const ref: string = n.$ref;
    n = ref
      .slice(2)
      .split('/')
      .reduce<Json>((acc, k) => acc?.[k.replace(/~1/g, '/').replace(/~0/g, '~')], doc);
  }
  return n;
}

/** Throws naming the route, the status and the JSON path when the answer is not what the document says. */
export function checkAnswer(method: string, url: string, status: number, contentType: string | null, body: unknown): void {
  // Parsed as the server parses it (embedded/http-server.ts): a hostile `//x` is a path, not a host.
  let path: string;
  try {
    path = new URL(`http://localhost${url.startsWith('/') ? url : `/${url}`}`).pathname;
  } catch {
    return; // the server refuses such a target before any route: not the document's
  }
  const match = compiled.find((c) => c.route.method === method.toUpperCase() && c.regex.test(path));
  if (!match) return;
  const { doc, ajv, validators } = load();
  const key = routeKey(match.route);
  const where = `${key} (${method.toUpperCase()} ${path}) answered ${status}`;
  const operation = doc.paths?.[match.route.path]?.[match.route.method.toLowerCase()];
  const response = operation?.responses?.[String(status)];
  if (!response)
    throw new Error(
      `OpenAPI drift: ${where}, a status the document does not list for it (it lists ${Object.keys(operation?.responses ?? {}).join(', ')})`,
    );
  const content: Json = resolve(doc, response).content ?? {};
  const type = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const types = Object.keys(content);
  if (types.length === 0) return;
  const media = content[type];
  if (!media)
    throw new Error(`OpenAPI drift: ${where} as ${type || 'no content type'}, which the document does not list (it lists ${types.join(', ')})`);
  const ref: string | undefined = media.schema?.$ref;
  if (!ref?.startsWith('#/components/schemas/')) return; // CSV and other text: the content type is the check
  const validate = validators.get(ref) ?? ajv.compile({ $ref: `${DOC_ID}${ref}` });
  validators.set(ref, validate);
  if (!validate(body))
    throw new Error(`OpenAPI drift: ${where} (${type}, schema ${ref.slice('#/components/schemas/'.length)}): ${describe(validate.errors ?? [])}`);
}
