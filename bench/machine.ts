/**
 * How fast this machine is right now, printed before the figures and written with them (`machine`). The same
 * idle machine ran a third slower from one hour to the next, and 1.7 times slower from one day to the next
 * (docs/performance.md), so a figure means little without the speed it was measured at. Two probes, a few seconds:
 * - `coreDecisionsPerSec`: the pure core deciding claims on one core (bench/core.ts; 3 runs of 50,000 claims);
 * - `fsyncMs`: a 4 KB write synced to disk (fdatasync), what each DynamoDB Local commit waits for on a data
 *   directory (its write-ahead log); the median of 50, in the temp directory the benches' data directories use.
 */
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchCore } from './core.js';

export interface MachineSpeed {
  readonly coreDecisionsPerSec: number;
  readonly fsyncMs: number;
}

function syncedWriteMs(times = 50): number {
  const dir = mkdtempSync(join(tmpdir(), 'fangpin-fsync-'));
  const fd = openSync(join(dir, 'probe'), 'w');
  const page = Buffer.alloc(4096, 1);
  const ms: number[] = [];
  try {
    for (let i = 0; i < times; i++) {
      const t0 = process.hrtime.bigint();
      writeSync(fd, page, 0, page.length, (i % 16) * page.length);
      fdatasyncSync(fd);
      ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  } finally {
    closeSync(fd);
    rmSync(dir, { recursive: true, force: true });
  }
  ms.sort((a, b) => a - b);
  return Math.round((ms[Math.floor(ms.length / 2)] ?? 0) * 100) / 100;
}

export function machineSpeed(): MachineSpeed {
  return { coreDecisionsPerSec: benchCore({ claims: 50_000, runs: 3 }).decisionsPerSec, fsyncMs: syncedWriteMs() };
}
