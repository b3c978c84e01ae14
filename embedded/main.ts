/**
 * `npm start`: the embedded system. PORT (default 3000) and FANGPIN_DATA_DIR (default ./.fangpin-data, kept
 * across restarts). `npm start -- --demo` loads a small demo registry. Ctrl-C or SIGTERM stops everything.
 */
import { resolve } from 'node:path';
import { startEmbedded } from './runtime.js';
import { loadDemo } from './demo.js';
import { ensureConsoleBuilt } from './console-build.js';
import { checkEmbeddedSettings, embeddedSetting } from './config.js';
import { checkSettings } from '../functions/shared/config.js';

// Pinned SDK versions run on Node 20; the SDK's notice about its future releases is noise for a user here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const started = Date.now();
// Every setting is parsed before anything starts: a bad one stops here, named with its value.
try {
  checkSettings();
  checkEmbeddedSettings();
} catch (err) {
  console.error(`fangpin: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
}
const port = embeddedSetting('PORT');
const dataDir = resolve(embeddedSetting('FANGPIN_DATA_DIR'));
const demo = process.argv.includes('--demo');

// The web console is built before the server starts when it is missing or older than console/ (a warning, not
// a stop, if it cannot be built: the API works without it).
let consoleReady = true;
await ensureConsoleBuilt((l) => console.log(`fangpin: ${l}`)).catch((err: unknown) => {
  consoleReady = false;
  console.error(`fangpin: the web console could not be built; the API runs without it. ${err instanceof Error ? err.message : String(err)}`);
});
console.log(`fangpin: starting the embedded system (data in ${dataDir})`);
// Listening at once; executions (claims' workflows and histories) wait while a journal not yet indexed is read.
const system = await startEmbedded({ dataDir, port, serveWhileLoading: true, log: (l) => console.log(`fangpin: ${l}`) }).catch((err: unknown) => {
  console.error(`fangpin: could not start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
system.loaded.catch((err: unknown) => {
  console.error(`fangpin: the execution journal could not be read: ${err instanceof Error ? err.message : String(err)}`);
  void system.stop().then(() => process.exit(1));
});
if (demo) {
  const n = await loadDemo(system);
  console.log(`fangpin: demo registry loaded (${n} households)`);
}
console.log(`fangpin: listening on ${system.url} (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`);
console.log(`fangpin:   DynamoDB endpoint        ${system.dynamoEndpoint}`);
console.log(`fangpin:   Step Functions endpoint  ${system.sfnEndpoint}`);
console.log('fangpin:   a token: npm run token -- admin   (roles: submitter reviewer insurer auditor admin)');
if (consoleReady) console.log(`fangpin:   web console (signed in as admin): ${system.url}/console/#token=${await system.token('admin')}`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`fangpin: ${signal}, stopping`);
  await system.stop();
  console.log('fangpin: stopped');
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
