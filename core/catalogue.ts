/**
 * The scheme catalogue: every *.json in the schemes folder, validated at load. Adding a city is adding a file.
 * FANGPIN_SCHEMES_DIR overrides the folder (the Lambda bundles copy the files beside the handler).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseScheme, type Scheme } from './scheme.js';

export function defaultSchemesDir(): string {
  return process.env.FANGPIN_SCHEMES_DIR ?? fileURLToPath(new URL('./schemes/', import.meta.url));
}

export function loadSchemes(dir: string = defaultSchemesDir()): Map<string, Scheme> {
  const schemes = new Map<string, Scheme>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
    const scheme = parseScheme(JSON.parse(readFileSync(join(dir, file), 'utf8')), `scheme file ${file}`);
    if (schemes.has(scheme.schemeId)) throw new Error(`scheme ${scheme.schemeId} is defined twice (${file})`);
    schemes.set(scheme.schemeId, scheme);
  }
  return schemes;
}

let cached: Map<string, Scheme> | undefined;
/** The catalogue, loaded once per process. */
export function schemes(): Map<string, Scheme> {
  cached ??= loadSchemes();
  return cached;
}
