/** The files under a folder, recursively (the source scans of the guard tests: core/, functions/, test/). */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** Every file under `dir`; with `ext` (e.g. '.ts'), only files whose name ends with it. */
export function filesUnder(dir: string, ext?: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return filesUnder(p, ext);
    return e.isFile() && (ext === undefined || e.name.endsWith(ext)) ? [p] : [];
  });
}
