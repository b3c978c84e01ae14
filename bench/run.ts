/**
 * `npm run bench [-- --json FILE]`: the figures measured in this run, on this machine. Figures the project
 * cannot measure yet are printed as "not measured" and written as null, never invented.
 */
import { writeFileSync } from 'node:fs';
import { benchCore } from './core.js';
import { benchE2e, type E2eFigures } from './e2e.js';
import { bundleSizes } from './bundles.js';
import { benchFanoutInChild } from './fanout.js';
import { benchReplay } from './replay.js';
import { benchConsole, type ConsoleFigures } from './console.js';
import { benchReports, type ReportFigures } from './reports.js';
import { benchRestart } from './restart.js';
import { benchMedicalFeedInChild, type MedicalFeedFigures } from './medical-feed.js';
import { synthesizeClaimWorkflow } from '../lib/definition.js';
import { machineSpeed } from './machine.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
const args = process.argv.slice(2);
const jsonAt = args.indexOf('--json');
const jsonFile = jsonAt >= 0 ? args[jsonAt + 1] : undefined;
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? args[onlyAt + 1] : undefined;
const ONLY = ['console', 'e2e', 'fanout', 'reports', 'restart', 'medical-feed'] as const;
if ((jsonAt >= 0 && !jsonFile) || (onlyAt >= 0 && !ONLY.includes(only as (typeof ONLY)[number]))) {
  console.error(`usage: npm run bench -- [--json FILE] [--only ${ONLY.join('|')}]`);
  process.exit(2);
}

const fmt = (n: number) => n.toLocaleString('en-US');

// The machine's speed now: figures measured at other speeds are not comparable (bench/machine.ts).
const machine = machineSpeed();
console.log(
  `machine now: ${fmt(machine.coreDecisionsPerSec)} core decisions/s on one core, ${machine.fsyncMs} ms a synced 4 KB write (compare figures only at like speeds)`,
);
/** Writes the figures to --json FILE, with the machine's speed. */
const writeFigures = (figures: object) => writeFileSync(jsonFile as string, `${JSON.stringify({ ...figures, machine }, null, 2)}\n`);

async function consolePart(step: string): Promise<ConsoleFigures> {
  console.log(
    `${step} the reviewer inbox in Chromium over 10,000 claims in PENDING_REVIEW (seeded by batch writes; fresh browser context each run) ...`,
  );
  const c = await benchConsole({ log: (l) => console.log(l) });
  console.log(
    `  consoleInboxMs           ${c.consoleInboxMs} ms from navigation to the first ${25} rows visible (median of ${c.runsMs.length}: ${c.runsMs.join(', ')}; target ≤ 1,500 ms)`,
  );
  console.log(`  consoleFirstLoadKB       ${c.consoleFirstLoadKB} KB of gzipped JS in ${c.scripts} scripts before the first screen (target ≤ 400)`);
  console.log(
    `  consoleCaseFileMs        ${c.consoleCaseFileMs} ms from navigation to a decided claim's execution graph drawn (median of ${c.caseFileRunsMs.length}: ${c.caseFileRunsMs.join(', ')}; target ≤ 1,000 ms)`,
  );
  console.log(
    `  consoleCaseFileWarmMs    ${c.consoleCaseFileWarmMs} ms from a click on the claim in the open console's search results to its graph drawn (median of ${c.caseFileWarmRunsMs.length}: ${c.caseFileWarmRunsMs.join(', ')})`,
  );
  return c;
}

if (only === 'console') {
  const c = await consolePart('1/1');
  if (jsonFile) {
    writeFigures({
      consoleInboxMs: c.consoleInboxMs,
      consoleFirstLoadKB: c.consoleFirstLoadKB,
      consoleCaseFileMs: c.consoleCaseFileMs,
      consoleCaseFileWarmMs: c.consoleCaseFileWarmMs,
    });
    console.log(`wrote ${jsonFile}`);
  }
  process.exit(0);
}

async function reportsPart(step: string): Promise<ReportFigures> {
  console.log(
    `${step} the report, the search and a monitoring run over 100,000 decided claims of 30,000 households (seeded by batch writes into a fresh embedded store) ...`,
  );
  const r = await benchReports({ log: (l) => console.log(l) });
  console.log(`  seeding                  ${r.seedSeconds} s for ${fmt(r.claims)} claims and ${fmt(r.households)} households`);
  console.log(
    `  reportSummaryMs          ${r.reportSummaryMs} ms for GET /reports/summary (median of ${r.reportRunsMs.length}: ${r.reportRunsMs.join(', ')}; target ≤ 300 ms)`,
  );
  console.log(
    `  claimSearchMs            ${r.claimSearchMs} ms for a filtered search's first page (median of ${r.searchRunsMs.length}: ${r.searchRunsMs.join(', ')}; target ≤ 300 ms)`,
  );
  console.log(
    `  monitoringSeconds        ${r.monitoringSeconds} s for a whole-registry monitoring run (job) over ${fmt(r.monitoringHouseholds)} households, ${fmt(r.monitoringOpened)} warnings opened (target ≤ 60 s)`,
  );
  return r;
}

if (only === 'reports') {
  const r = await reportsPart('1/1');
  if (jsonFile) writeFigures({ reportSummaryMs: r.reportSummaryMs, claimSearchMs: r.claimSearchMs, monitoringSeconds: r.monitoringSeconds });
  process.exit(0);
}

async function medicalFeedPart(step: string): Promise<MedicalFeedFigures> {
  console.log(
    `${step} the medical bureau's feed: a 10,000-row file, 9,000 rows of insured people, DATA DIRECTORY (as npm start), cold (a process of its own) ...`,
  );
  const f = await benchMedicalFeedInChild({ log: (l) => console.log(l) });
  console.log(
    `  medicalFeed10kSeconds    ${f.medicalFeed10kSeconds} s from POST /medical-feeds until the feed was DONE and all ${fmt(f.matched)} claims decided (data directory, cold; target ≤ 90 s)`,
  );
  console.log(`  counts / claims          ${JSON.stringify(f.counts)} / ${JSON.stringify(f.claimsByStatus)}`);
  console.log(
    `  medicalFeedResendSeconds ${f.medicalFeedResendSeconds} s for the same file sent again: the same feed (repeated), ${f.executionsStartedByResends} claims started (target ≤ 15 s)`,
  );
  console.log(
    `  re-exported rows         ${f.reExportSeconds} s for the same rows with other bytes (a new feed) until DONE: ${JSON.stringify(f.reExportCounts)} (not a target)`,
  );
  return f;
}

if (only === 'medical-feed') {
  const f = await medicalFeedPart('1/1');
  if (jsonFile)
    writeFigures({
      medicalFeed10kSeconds: f.medicalFeed10kSeconds,
      medicalFeedResendSeconds: f.medicalFeedResendSeconds,
      medicalFeedCpuMsPerClaim: f.cpuMsPerFiledClaim,
      medicalFeedStoreCores: f.storeCores,
    });
  process.exit(0);
}

/** The fan-out as `npm start` runs (a fresh data directory, no warm-up event), then in memory after a warm-up, labelled. */
async function fanoutPart(step: string) {
  console.log(
    `${step} one weather event over 10,000 enrolled households, DATA DIRECTORY (DynamoDB Local on disk + execution journal, as npm start), cold: no warm-up event (a process of its own) ...`,
  );
  const disk = await benchFanoutInChild({ households: 10_000, warmup: 0, dataDir: true, log: (l) => console.log(l) });
  console.log(
    `  fanout10kSeconds         ${disk.seconds} s from POST /index-events until all ${fmt(disk.households)} claims were decided (${disk.claimsPerSec} claims/s; data directory, cold; target ≤ 45 s)`,
  );
  console.log(`  final statuses           ${JSON.stringify(disk.byStatus)}`);
  console.log(`  store requests/claim     ${JSON.stringify(disk.requestsPerClaim)}`);
  console.log(
    `  store items/claim        ${disk.storeItemsPerClaim.total} (${disk.storeItemsPerClaim.written} written, ${disk.storeItemsPerClaim.read} read): ${JSON.stringify(disk.storeItemsPerClaim.byTable)}`,
  );
  console.log(`${step} the same event IN MEMORY (DynamoDB Local -inMemory, no journal), after a warm-up event over 1,000 households (not timed) ...`);
  const memory = await benchFanoutInChild({ households: 10_000, dataDir: false, log: (l) => console.log(l) });
  console.log(`  fanout10kSecondsInMemory ${memory.seconds} s (${memory.claimsPerSec} claims/s; in memory, warm)`);
  return { disk, memory };
}

if (only === 'restart') {
  const r = await benchRestart({ log: (l) => console.log(l) });
  console.log(
    `  restartSeconds           ${r.restartSeconds} s (first start on days not indexed: ${r.firstStartSeconds} s; compaction in the background ${r.compactSeconds} s, event loop delayed at most ${r.compactMaxEventLoopDelayMs} ms; journal ${r.journalBytesPerClaimBefore} → ${r.journalBytesPerClaimAfter} bytes per claim; target ≤ 10 s)`,
  );
  if (jsonFile)
    writeFigures({
      restartSeconds: r.restartSeconds,
      restartFirstStartSeconds: r.firstStartSeconds,
      journalBytesPerClaim: r.journalBytesPerClaimAfter,
      journalCompactSeconds: r.compactSeconds,
    });
  process.exit(0);
}

if (only === 'fanout') {
  const { disk, memory } = await fanoutPart('1/1');
  if (jsonFile)
    writeFigures({
      fanout10kSeconds: disk.seconds,
      fanout10kSecondsInMemory: memory.seconds,
      fanoutStoreItemsPerClaim: disk.storeItemsPerClaim.total,
      fanoutCpuMsPerClaim: disk.cpuMsPerClaim,
      fanoutStoreCores: disk.storeCores,
    });
  process.exit(0);
}

// Prices used for the AWS estimate (us-east-1, on-demand, as published in 2026): stated, not hidden.
const PRICE = {
  standardTransition: 0.000025,
  lambdaGbSecondArm: 0.0000133334,
  lambdaRequest: 0.0000002,
  dynamoWriteUnit: 0.000000625,
};
const LAMBDA_GB = 0.5;

console.log('fangpin bench (one process; medians of several runs; this machine is noisy)');

console.log('1/10 pure core: deciding MEDICAL claims on one core ...');
const core = benchCore();
console.log(`  coreDecisionsPerSec      ${fmt(core.decisionsPerSec)} decisions/s (runs: ${core.runs.map(fmt).join(', ')})`);

console.log('2/10 state transitions on the happy path, from the synthesized definition ...');
const { definition } = synthesizeClaimWorkflow();
const states = definition.States as Record<string, { Type: string; Next?: string; Default?: string }>;
const path: string[] = [];
for (let at: string | undefined = definition.StartAt as string; at; ) {
  path.push(at);
  const s: { Type: string; Next?: string; Default?: string } | undefined = states[at];
  at = s?.Type === 'Choice' ? s.Default : s?.Next;
}
console.log(`  stateTransitionsPerClaim ${path.length} (${path.join(' → ')})`);

const printE2e = (e: E2eFigures, label: string, suffix = '') => {
  console.log(`  e2eClaimsPerSec${suffix.padEnd(10)} ${fmt(e.e2eClaimsPerSec)} claims/s (HTTP + state machine; ${label})`);
  console.log(`  directClaimsPerSec${suffix.padEnd(7)} ${fmt(e.directClaimsPerSec)} claims/s (same handlers, no state machine; ${label})`);
  console.log(
    `  orchestrationRatio${suffix.padEnd(7)} ${e.orchestrationRatio} (median of the paired rounds ${e.ratioRounds.join(', ')}: spread ${Math.min(...e.ratioRounds)}–${Math.max(...e.ratioRounds)})`,
  );
  console.log(`  p50Ms / p99Ms${suffix.padEnd(12)} ${e.p50Ms} / ${e.p99Ms} ms from POST /claims to the end of the execution`);
};
console.log(
  '3/10 claims through the embedded system vs the same handlers called directly, concurrency 16: DATA DIRECTORY (as npm start), cold (no warm-up rounds) ...',
);
const e2e = await benchE2e({ dataDir: true, warmupRounds: 0, log: (l) => console.log(l) });
printE2e(e2e, 'data directory, cold');
console.log(
  `  DynamoDB writes/claim    ${e2e.writesPerClaim} items written, ${e2e.writeUnitsPerClaim} write units (items in transactions billed twice)`,
);
console.log(
  `  storeItemsPerClaim       ${e2e.storeItemsPerClaim.total} items per paid claim (${e2e.storeItemsPerClaim.written} written, ${e2e.storeItemsPerClaim.read} read): ${JSON.stringify(e2e.storeItemsPerClaim.byTable)}`,
);
console.log('3/10 the same IN MEMORY (DynamoDB Local -inMemory, no journal), after 2,400 claims of warm-up ...');
const e2eMemory = await benchE2e({ dataDir: false, log: (l) => console.log(l) });
printE2e(e2eMemory, 'in memory, warm', 'InMemory');

if (only === 'e2e') {
  if (jsonFile)
    writeFigures({
      e2eClaimsPerSec: e2e.e2eClaimsPerSec,
      directClaimsPerSec: e2e.directClaimsPerSec,
      orchestrationRatio: e2e.orchestrationRatio,
      orchestrationRatioRounds: e2e.ratioRounds,
      storeItemsPerClaim: e2e.storeItemsPerClaim.total,
      e2eStoreCpuMsPerClaim: e2e.storeCpuMsPerClaim,
      e2eStoreCores: e2e.storeCores,
      e2eClaimsPerSecInMemory: e2eMemory.e2eClaimsPerSec,
      orchestrationRatioInMemory: e2eMemory.orchestrationRatio,
    });
  process.exit(0);
}

const invocations = 6; // POST /claims + five steps
const gbSeconds = invocations * LAMBDA_GB * (e2e.p50Ms / 1000 / invocations);
const cost =
  path.length * PRICE.standardTransition +
  gbSeconds * PRICE.lambdaGbSecondArm +
  invocations * PRICE.lambdaRequest +
  e2e.writeUnitsPerClaim * PRICE.dynamoWriteUnit;
console.log(
  `  costPerClaimUsd          ${cost.toFixed(6)} (= ${path.length} transitions × $${PRICE.standardTransition} + ${gbSeconds.toFixed(4)} GB-s × $${PRICE.lambdaGbSecondArm} + ${invocations} requests × $${PRICE.lambdaRequest} + ${e2e.writeUnitsPerClaim} WRU × $${PRICE.dynamoWriteUnit}; reads and logs not included; Lambda time taken as the p50 latency)`,
);

console.log('4/10 bundled size of each Lambda ...');
const sizes = await bundleSizes();
for (const [entry, bytes] of Object.entries(sizes)) console.log(`  ${entry.padEnd(36)} ${(bytes / 1024).toFixed(0)} KB`);
const maxBundleKB = Math.round(Math.max(...Object.values(sizes)) / 1024);
console.log(`  maxBundleKB              ${maxBundleKB}`);

const fanoutFigures = await fanoutPart('5/10');
const fanout = fanoutFigures.disk;

console.log('6/10 what-if replay of a synthetic year of 1,000,000 claims (npm run replay, one process) ...');
const rp = await benchReplay();
console.log(
  `  replay1MSeconds          ${Math.max(rp.replaySeconds, rp.whatIfSeconds)} s for one replay of ${fmt(rp.claims)} claims (baseline ${rp.replaySeconds} s, what-if ${rp.whatIfSeconds} s; target < 10 s)`,
);
console.log(`  replay command           ${rp.totalSeconds} s in all, of which ${rp.loadSeconds} s reading and validating the file`);

console.log(
  '7/10 restart after a stop with 100,000 claims journaled (journal generated in the real format from real executions, ten closed days; data directory) ...',
);
const restart = await benchRestart({ log: (l) => console.log(l) });
console.log(
  `  restartSeconds           ${restart.restartSeconds} s until ready again (first start on days not indexed: ${restart.firstStartSeconds} s; compaction in the background ${restart.compactSeconds} s; journal ${(restart.journalBytesPerClaimBefore / 1024).toFixed(1)} → ${(restart.journalBytesPerClaimAfter / 1024).toFixed(1)} KB per claim; target ≤ 10 s)`,
);

const consoleFigures = await consolePart('8/10');
const reportFigures = await reportsPart('9/10');
const feedFigures = await medicalFeedPart('10/10');

const figures = {
  coreDecisionsPerSec: core.decisionsPerSec,
  e2eClaimsPerSec: e2e.e2eClaimsPerSec,
  directClaimsPerSec: e2e.directClaimsPerSec,
  orchestrationRatio: e2e.orchestrationRatio,
  orchestrationRatioRounds: e2e.ratioRounds,
  p50Ms: e2e.p50Ms,
  p99Ms: e2e.p99Ms,
  // Items written + read per paid claim (e2e rounds), with the split; the store's time follows from it.
  storeItemsPerClaim: e2e.storeItemsPerClaim.total,
  storeItemsPerClaimDetail: e2e.storeItemsPerClaim,
  e2eStoreCpuMsPerClaim: e2e.storeCpuMsPerClaim,
  e2eStoreCores: e2e.storeCores,
  stateTransitionsPerClaim: path.length,
  costPerClaimUsd: Number(cost.toFixed(6)),
  maxBundleKB,
  fanout10kSeconds: fanout.seconds,
  fanoutStoreItemsPerClaim: fanout.storeItemsPerClaim.total,
  // What bounds it: CPU per claim on each side, and the cores the store used (it stays under about one).
  fanoutCpuMsPerClaim: fanout.cpuMsPerClaim,
  fanoutStoreCores: fanout.storeCores,
  // The same figures in memory (DynamoDB Local -inMemory, no journal; warm-up before): not the default configuration.
  e2eClaimsPerSecInMemory: e2eMemory.e2eClaimsPerSec,
  directClaimsPerSecInMemory: e2eMemory.directClaimsPerSec,
  orchestrationRatioInMemory: e2eMemory.orchestrationRatio,
  fanout10kSecondsInMemory: fanoutFigures.memory.seconds,
  replay1MSeconds: Math.max(rp.replaySeconds, rp.whatIfSeconds),
  replayCommandSeconds: rp.totalSeconds,
  restartSeconds: restart.restartSeconds,
  restartFirstStartSeconds: restart.firstStartSeconds,
  journalBytesPerClaim: restart.journalBytesPerClaimAfter,
  consoleInboxMs: consoleFigures.consoleInboxMs,
  consoleFirstLoadKB: consoleFigures.consoleFirstLoadKB,
  consoleCaseFileMs: consoleFigures.consoleCaseFileMs,
  consoleCaseFileWarmMs: consoleFigures.consoleCaseFileWarmMs,
  reportSummaryMs: reportFigures.reportSummaryMs,
  claimSearchMs: reportFigures.claimSearchMs,
  monitoringSeconds: reportFigures.monitoringSeconds,
  medicalFeed10kSeconds: feedFigures.medicalFeed10kSeconds,
  medicalFeedResendSeconds: feedFigures.medicalFeedResendSeconds,
  medicalFeedCpuMsPerClaim: feedFigures.cpuMsPerFiledClaim,
  medicalFeedStoreCores: feedFigures.storeCores,
};
if (jsonFile) {
  writeFigures(figures);
  console.log(`wrote ${jsonFile}`);
}
