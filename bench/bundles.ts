/**
 * Size of each Lambda bundle (its `index.mjs`, without the source map) as the CDK app builds it: a real synth
 * with NodejsFunction's esbuild run (embedded/bundles.ts), so nothing here can drift from what is deployed.
 */
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { synthesizeBundles } from '../embedded/bundles.js';

export async function bundleSizes(): Promise<Record<string, number>> {
  const bundles = synthesizeBundles();
  try {
    const sizes: Record<string, number> = {};
    for (const [entry, dir] of [...bundles.dirs].sort(([a], [b]) => a.localeCompare(b))) sizes[entry] = statSync(join(dir, 'index.mjs')).size;
    return sizes;
  } finally {
    bundles.remove();
  }
}
