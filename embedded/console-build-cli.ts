/**
 * `npm run console:build`: type-check and build the web console into console/dist, always.
 * `--if-stale`: only when console/dist is missing or older than its sources (the CDK app's console asset,
 * lib/console-hosting.ts, runs it this way so that `npx cdk synth` stays one command).
 */
import { buildConsole, ensureConsoleBuilt } from './console-build.js';

const log = (l: string) => console.log(`fangpin: ${l}`);
const build = process.argv.includes('--if-stale') ? ensureConsoleBuilt(log) : buildConsole(log);
await build.catch((err: unknown) => {
  console.error(`fangpin: console build failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
