/**
 * The engine's copy of each definition is checked by asl-validator once per definition, not at every start.
 * aws-local-stepfunctions validates each definition it is given by building a fresh ajv instance and compiling
 * asl-validator's schemas (about 0.3 s a machine on a quiet machine; the four workflows make seven machines with
 * their Distributed Map children, so 2 s of every start, 2.4 s profiled on a loaded one). The check is a pure
 * function of the definition and the validator, so a definition that passed is remembered by the hash of both
 * under `.cache/asl-validated/`, and next time the engine is told not to validate it again. One that fails is
 * never remembered: it is checked, and refused, at every start. Without a writable cache it validates as before.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

// The validator the engine itself calls (its own dependency, which may be another version than the project's).
const engineRequire = createRequire(createRequire(import.meta.url).resolve('aws-local-stepfunctions'));
const VALIDATOR_PACKAGE = engineRequire.resolve('asl-validator/package.json');
const VALIDATOR_VERSION = (JSON.parse(readFileSync(VALIDATOR_PACKAGE, 'utf8')) as { version: string }).version;
const CACHE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '.cache', 'asl-validated');

function keyOf(definition: unknown): string {
  return createHash('sha256').update(`asl-validator@${VALIDATOR_VERSION}\n`).update(JSON.stringify(definition)).digest('hex');
}

/**
 * Whether this exact definition passed the engine's validator before (then the engine may skip it), and what to
 * call once the engine has accepted it. The key is taken now: the validator adds fields to what it checks.
 */
export function validationOf(definition: unknown): { known: boolean; passed: () => void } {
  const file = join(CACHE_DIR, keyOf(definition));
  return {
    known: existsSync(file),
    passed: () => {
      try {
        mkdirSync(CACHE_DIR, { recursive: true });
        writeFileSync(file, '');
      } catch {
        // A read-only checkout validates at every start, as before.
      }
    },
  };
}
