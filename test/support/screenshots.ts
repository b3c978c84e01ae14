/**
 * Where the console tests write their screenshots. The committed ones in docs/console/ (shown in the README) are
 * rewritten only when asked (`FANGPIN_UPDATE_SCREENSHOTS=1 npm test`) or when one is missing: each run shows
 * other claim ids and times, and a plain `npm test` should leave the working tree as it found it. Otherwise the
 * same screenshots go to a folder under the system's temporary directory, printed once, for a look after a run.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const DOCS = join(import.meta.dirname, '..', '..', 'docs', 'console');
const SCRATCH = join(tmpdir(), 'fangpin-console-screenshots');

/** The path to write screenshot `name` (without .png) to. */
export function screenshotPath(name: string): string {
  const committed = join(DOCS, `${name}.png`);
  const dir = process.env.FANGPIN_UPDATE_SCREENSHOTS === '1' || !existsSync(committed) ? DOCS : SCRATCH;
  mkdirSync(dir, { recursive: true });
  return join(dir, `${name}.png`);
}
