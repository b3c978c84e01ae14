/**
 * The Lambda bundles the CDK app deploys, run in-process by the embedded runtime instead of the TypeScript
 * sources: the tested code is then the deployed code, bundler output and bundled AWS SDK included. Each bundle
 * is the `index.mjs` of its function's asset, from a real synth (NodejsFunction's esbuild run, as `cdk deploy`).
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildApp, STACK_NAME } from '../lib/app.js';
import { HANDLER_METADATA } from '../lib/lambda.js';
import type { HandlerLoader, LoadedHandler } from './handler-modules.js';

export interface DeployedBundles {
  /** `fangpin:handler` entry → the directory holding its bundle (a copy outside the project). */
  readonly dirs: ReadonlyMap<string, string>;
  /** The bundles' own `schemes/` folder (what FANGPIN_SCHEMES_DIR names on AWS: /var/task/schemes). */
  readonly schemesDir: string;
  readonly loadHandler: HandlerLoader;
  /** Deletes the copies. */
  remove(): void;
}

type Resources = Record<string, { Type: string; Metadata?: Record<string, unknown> }>;

/** The copies live in folders named so; vitest.config.ts hands them to Node's own loader, as Lambda runs them. */
export const BUNDLES_DIR_PREFIX = 'fangpin-bundles-';

/** A node_modules folder in `dir` or above it, from which a bundle could resolve a package it left out. */
function nodeModulesAbove(dir: string): string | undefined {
  for (let d = dir; ; d = dirname(d)) {
    if (existsSync(join(d, 'node_modules'))) return join(d, 'node_modules');
    if (dirname(d) === d) return undefined;
  }
}

/** Synthesizes the app with bundling (a real esbuild run per function) and returns its bundles, copied out. */
export function synthesizeBundles(): DeployedBundles {
  const outdir = mkdtempSync(join(tmpdir(), 'fangpin-synth-'));
  try {
    // Asset metadata on: each function's `aws:asset:path` (the CDK CLI sets this context; a bare App does not).
    // The CloudFormation validator (a 9 MB WASM module) is off: test/cdk and `cdk synth` check the template.
    const { app } = buildApp({ outdir, context: { 'aws:cdk:enable-asset-metadata': true }, builtinCloudFormationValidation: false });
    app.synth();
    return copyBundles(outdir);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/**
 * The bundles of a synthesized cloud assembly (`outdir`), copied to a fresh folder under the system's temp
 * folder. A bundle must carry everything it imports (on AWS only Node's built-ins are beside it): with no
 * node_modules above the copies, an import the bundler left out fails here as it would on AWS.
 */
export function copyBundles(outdir: string): DeployedBundles {
  const template = JSON.parse(readFileSync(join(outdir, `${STACK_NAME}.template.json`), 'utf8')) as { Resources: Resources };
  const manifest = JSON.parse(readFileSync(join(outdir, `${STACK_NAME}.assets.json`), 'utf8')) as {
    files: Record<string, { source: { path: string; packaging?: string } }>;
  };
  const zipped = new Set(
    Object.values(manifest.files)
      .filter((f) => f.source.packaging === 'zip')
      .map((f) => f.source.path),
  );
  const target = mkdtempSync(join(tmpdir(), BUNDLES_DIR_PREFIX));
  try {
    return copyInto(target, outdir, template, zipped);
  } catch (err) {
    rmSync(target, { recursive: true, force: true });
    throw err;
  }
}

/** Copies the bundles into `target` and checks them (throws, and the caller removes `target`, when one is wrong). */
function copyInto(target: string, outdir: string, template: { Resources: Resources }, zipped: ReadonlySet<string>): DeployedBundles {
  const leak = nodeModulesAbove(target);
  if (leak) throw new Error(`${leak} is above ${target}: a bundle could resolve a left-out package from it`);
  const dirs = new Map<string, string>();
  for (const r of Object.values(template.Resources)) {
    const entry = r.Metadata?.[HANDLER_METADATA];
    const asset = r.Metadata?.['aws:asset:path'];
    if (r.Type !== 'AWS::Lambda::Function' || typeof entry !== 'string') continue;
    if (typeof asset !== 'string' || !zipped.has(asset)) throw new Error(`function ${entry} has no bundled asset in ${STACK_NAME}.assets.json`);
    if (dirs.has(entry)) continue; // one entry, several functions (the same bundle)
    const dir = join(target, asset);
    cpSync(join(outdir, asset), dir, { recursive: true });
    if (!existsSync(join(dir, 'index.mjs'))) throw new Error(`the bundle of ${entry} has no index.mjs`);
    dirs.set(entry, dir);
  }
  if (dirs.size === 0) throw new Error('the template has no function with fangpin:handler metadata');

  // FANGPIN_SCHEMES_DIR is one per process, so every bundle must carry the same schemes.
  const schemesOf = (dir: string) => {
    const folder = join(dir, 'schemes');
    const files = existsSync(folder)
      ? readdirSync(folder)
          .filter((f) => f.endsWith('.json'))
          .sort()
      : [];
    return files.map((f) => `${f}\n${readFileSync(join(folder, f), 'utf8')}`).join('\n');
  };
  const [first, ...rest] = [...dirs.entries()];
  const schemes = schemesOf(first![1]);
  if (!schemes) throw new Error(`the bundle of ${first![0]} has no schemes/*.json`);
  for (const [entry, dir] of rest) if (schemesOf(dir) !== schemes) throw new Error(`the bundle of ${entry} carries other schemes than ${first![0]}`);

  const loaded = new Map<string, Promise<LoadedHandler>>();
  const loadHandler: HandlerLoader = (entry) => {
    let h = loaded.get(entry);
    if (!h) {
      const dir = dirs.get(entry);
      if (!dir) return Promise.reject(new Error(`no bundle for ${entry} in the synthesized app`));
      h = (import(/* @vite-ignore */ pathToFileURL(join(dir, 'index.mjs')).href) as Promise<Record<string, unknown>>).then((m) => {
        if (typeof m.handler !== 'function') throw new Error(`the bundle of ${entry} exports no handler`);
        return m.handler as LoadedHandler;
      });
      loaded.set(entry, h);
    }
    return h;
  };
  return { dirs, schemesDir: join(first![1], 'schemes'), loadHandler, remove: () => rmSync(target, { recursive: true, force: true }) };
}
