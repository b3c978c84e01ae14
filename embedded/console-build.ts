/**
 * The web console (console/, React + Ant Design, built by Vite into console/dist). `npm start` and the browser
 * tests build it when the build is missing or older than its sources; `npm run console:build` always builds.
 * A build type-checks console/ (its own tsconfig) and Vite-builds into a temporary directory that replaces
 * console/dist only when complete, so a server serving the old build never sees half a new one.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { CONSOLE_DIST } from './console-static.js';

export { CONSOLE_DIST };
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CONSOLE_DIR = join(ROOT, 'console');
const INPUTS = ['src', 'public', 'index.html', 'vite.config.ts', 'tsconfig.json'].map((p) => join(CONSOLE_DIR, p));
const LOCK = join(CONSOLE_DIR, '.dist-lock');

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Why the build is stale ('missing' / 'older than console/src/...'), or null when it is current. */
export function consoleBuildStale(): string | null {
  const index = join(CONSOLE_DIST, 'index.html');
  if (!existsSync(index)) return 'no build yet';
  const built = statSync(index).mtimeMs;
  const changed = [...INPUTS, join(ROOT, 'package-lock.json')].find((p) => newestMtime(p) > built);
  return changed ? `${changed.slice(ROOT.length + 1)} changed since the last build` : null;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<void> {
  return new Promise((ok, fail) => {
    const child = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', fail);
    child.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`${[cmd, ...args].join(' ')} failed (${code}):\n${out}`))));
  });
}

/** The JS a browser loads for the first screen: the entry and its module preloads, gzipped (level 9), in bytes. */
export function firstLoadGzipBytes(files: readonly string[]): number {
  return files.reduce((sum, f) => sum + gzipSync(readFileSync(join(CONSOLE_DIST, f)), { level: 9 }).length, 0);
}

/** The entry script and the modulepreloads index.html names (paths relative to console/dist). */
export function entryScripts(): string[] {
  const html = readFileSync(join(CONSOLE_DIST, 'index.html'), 'utf8');
  return [...html.matchAll(/(?:src|href)="\/console\/([^"]+\.js)"/g)].map((m) => m[1] ?? '');
}

export async function buildConsole(log: (line: string) => void = () => undefined): Promise<void> {
  const started = Date.now();
  const tmp = join(CONSOLE_DIR, `.dist-${process.pid}`);
  log('console: type-checking and building console/ (Vite) ...');
  const require = createRequire(import.meta.url);
  const tsc = require.resolve('typescript/bin/tsc');
  const vite = join(dirname(require.resolve('vite/package.json')), 'bin', 'vite.js');
  // Vite in its own process with NODE_ENV=production: under a test runner (NODE_ENV=test) an in-process build
  // would bundle React's and Ant Design's development builds.
  const env = { ...process.env, NODE_ENV: 'production' };
  await Promise.all([
    run(process.execPath, [tsc, '-p', join(CONSOLE_DIR, 'tsconfig.json')]),
    run(
      process.execPath,
      [vite, 'build', CONSOLE_DIR, '--config', join(CONSOLE_DIR, 'vite.config.ts'), '--outDir', tmp, '--emptyOutDir', '--logLevel', 'warn'],
      env,
    ),
  ]).catch((err: unknown) => {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  });
  rmSync(CONSOLE_DIST, { recursive: true, force: true });
  renameSync(tmp, CONSOLE_DIST);
  const kb = (firstLoadGzipBytes(entryScripts()) / 1024).toFixed(0);
  log(`console: built console/dist in ${((Date.now() - started) / 1000).toFixed(1)} s (entry JS ${kb} KB gzipped)`);
}

/**
 * Build when missing or stale. Two processes starting at once (a test run and npm start) take turns through a
 * lock directory; the second finds the build current and does nothing.
 */
export async function ensureConsoleBuilt(log: (line: string) => void = () => undefined): Promise<void> {
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      // Someone else is building; a lock left by a killed process is taken over after 5 minutes.
      const held = statSync(LOCK, { throwIfNoEntry: false });
      if (held && (Date.now() > deadline || Date.now() - held.mtimeMs > 5 * 60_000)) {
        rmSync(LOCK, { recursive: true, force: true });
        continue;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  try {
    const why = consoleBuildStale();
    if (why) {
      log(`console: ${why}`);
      await buildConsole(log);
    }
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
