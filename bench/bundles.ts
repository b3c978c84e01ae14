/** Bundled size of each Lambda, built with esbuild as the CDK app builds them (minified ESM, the runtime's AWS SDK left out, no source map). */
import { build } from 'esbuild';
import { synthesizeClaimWorkflow } from '../lib/definition.js';
import { SDK_PROVIDED_BY_RUNTIME } from '../lib/lambda.js';

export async function bundleSizes(): Promise<Record<string, number>> {
  const { template } = synthesizeClaimWorkflow();
  const entries = new Set<string>();
  for (const r of Object.values(template.Resources as Record<string, { Type: string; Metadata?: Record<string, unknown> }>)) {
    const entry = r.Metadata?.['fangpin:handler'];
    if (r.Type === 'AWS::Lambda::Function' && typeof entry === 'string') entries.add(entry);
  }
  const sizes: Record<string, number> = {};
  for (const entry of [...entries].sort()) {
    const out = await build({ entryPoints: [entry], bundle: true, minify: true, format: 'esm', platform: 'node', target: 'node22', mainFields: ['module', 'main'], external: [...SDK_PROVIDED_BY_RUNTIME], write: false, logLevel: 'silent' });
    sizes[entry] = out.outputFiles.reduce((s, f) => s + f.contents.byteLength, 0);
  }
  return sizes;
}
