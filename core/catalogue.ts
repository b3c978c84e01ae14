/**
 * The scheme catalogue: every *.json in the schemes folder, validated at load. Adding a city is adding a file.
 * The folder is a parameter: the handlers pass FANGPIN_SCHEMES_DIR (functions/shared/catalogue.ts; the Lambda
 * bundles copy the files beside the handler); core reads no environment.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseScheme, type Scheme } from './scheme.js';

/** The schemes folder beside this module (in a Lambda bundle: beside the bundle, where lib/lambda.ts copies them). */
export const BUNDLED_SCHEMES_DIR = fileURLToPath(new URL('./schemes/', import.meta.url));

export function loadSchemes(dir: string = BUNDLED_SCHEMES_DIR): Map<string, Scheme> {
  const schemes = new Map<string, Scheme>();
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()) {
    const scheme = parseScheme(JSON.parse(readFileSync(join(dir, file), 'utf8')), `scheme file ${file}`);
    if (schemes.has(scheme.schemeId)) throw new Error(`scheme ${scheme.schemeId} is defined twice (${file})`);
    schemes.set(scheme.schemeId, scheme);
  }
  return schemes;
}

const cached = new Map<string, Map<string, Scheme>>();
/** The catalogue of a folder, loaded once per process. */
export function catalogueIn(dir: string): Map<string, Scheme> {
  let c = cached.get(dir);
  if (!c) cached.set(dir, (c = loadSchemes(dir)));
  return c;
}
