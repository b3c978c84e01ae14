/**
 * The what-if replay on a synthetic year of 1,000,000 claims, run as users run it (`npm run replay`, its own
 * process, one thread): the time to read and validate the file, and each replay's time.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeSyntheticYear } from '../embedded/replay-file.js';
import { schemes } from '../functions/shared/catalogue.js';

export interface ReplayFigures {
  readonly claims: number;
  readonly loadSeconds: number;
  readonly replaySeconds: number;
  readonly whatIfSeconds: number;
  readonly totalSeconds: number;
}

export async function benchReplay(claims = 1_000_000): Promise<ReplayFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'fangpin-replay-bench-'));
  try {
    const year = join(dir, 'year.jsonl');
    await writeSyntheticYear(claims, year);
    const changed = JSON.parse(JSON.stringify(schemes().get('xiaogan-2024'))) as { products: { MEDICAL: { deductible: number } } };
    changed.products.MEDICAL.deductible -= 100_000;
    writeFileSync(join(dir, 'changed.json'), JSON.stringify(changed));
    const run = spawnSync('npm', ['run', '-s', 'replay', '--', '--scheme', join(dir, 'changed.json'), '--claims', year], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`npm run replay failed (${run.status}): ${run.stderr}`);
    // "N claims: read and validated in A s; replayed under the catalogue's scheme in B s and under … in C s (…); D s in all"
    const m =
      /read and validated in ([\d.]+) s; replayed under the catalogue's scheme in ([\d.]+) s and under .* in ([\d.]+) s .*; ([\d.]+) s in all/.exec(
        run.stdout,
      );
    if (!m) throw new Error(`unexpected replay output: ${run.stdout.slice(0, 400)}`);
    return { claims, loadSeconds: Number(m[1]), replaySeconds: Number(m[2]), whatIfSeconds: Number(m[3]), totalSeconds: Number(m[4]) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
