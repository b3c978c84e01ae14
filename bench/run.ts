/**
 * `npm run bench [-- --json FILE]`: prints the figures measured in this run. Figures the project cannot
 * measure yet are printed as "not measured" and written as null, never invented.
 */
import { writeFileSync } from 'node:fs';
import { benchCore } from './core.js';

const args = process.argv.slice(2);
const jsonAt = args.indexOf('--json');
const jsonFile = jsonAt >= 0 ? args[jsonAt + 1] : undefined;
if (jsonAt >= 0 && !jsonFile) {
  console.error('usage: npm run bench -- [--json FILE]');
  process.exit(2);
}

console.log('fangpin bench (one process; medians of several runs; this machine is noisy)');
console.log('pure core: deciding MEDICAL claims ...');
const core = benchCore();
console.log(`  coreDecisionsPerSec  ${core.decisionsPerSec.toLocaleString('en-US')} decisions/s (median of ${core.runs.length} runs: ${core.runs.map((r) => r.toLocaleString('en-US')).join(', ')})`);

const figures = {
  coreDecisionsPerSec: core.decisionsPerSec,
  e2eClaimsPerSec: null,
  directClaimsPerSec: null,
  orchestrationRatio: null,
  p50Ms: null,
  p99Ms: null,
  stateTransitionsPerClaim: null,
  costPerClaimUsd: null,
  maxBundleKB: null,
  fanout10kSeconds: null,
};
for (const [k, v] of Object.entries(figures)) if (v === null) console.log(`  ${k.padEnd(20)} not measured yet`);
if (jsonFile) {
  writeFileSync(jsonFile, `${JSON.stringify(figures, null, 2)}\n`);
  console.log(`wrote ${jsonFile}`);
}
