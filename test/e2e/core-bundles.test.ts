/**
 * The core scenarios on the deployed code: every handler is the `index.mjs` the CDK app bundles for its
 * function (a real synth, esbuild as `cdk deploy` runs it, the AWS SDK inside the bundle), imported by plain
 * Node from a copy with no node_modules above it. A bundling mistake (a package left out, a top-level await
 * the format cannot carry, a dynamic require) fails here, not on AWS.
 */
import { expect, it } from 'vitest';
import { synthesizeBundles, type DeployedBundles } from '../../embedded/bundles.js';
import { coreScenarios } from './scenarios/core.js';

process.env.FANGPIN_WEBHOOK_POLL_MS = '50';

let bundles: DeployedBundles | undefined;
const loaded = new Set<string>();

coreScenarios({
  prefix: 'bundles',
  options: async () => {
    bundles = synthesizeBundles();
    // As on AWS (/var/task/schemes): the schemes the bundles carry, not core/schemes.
    process.env.FANGPIN_SCHEMES_DIR = bundles.schemesDir;
    const load = bundles.loadHandler;
    return {
      loadHandler: (entry) => {
        loaded.add(entry);
        return load(entry);
      },
    };
  },
  coalesced: true,
  cap: false,
  cleanup: () => bundles?.remove(),
});

it('every handler the scenarios reached came from its bundle', () => {
  const steps = [
    'intake',
    'eligibility',
    'assessment',
    'review-request',
    'split',
    'payout',
    'record-failure',
    'index-fanout',
    'webhook-dispatch',
  ].map((s) => `functions/steps/${s}.ts`);
  const apis = ['claims', 'households', 'settlements', 'webhooks'].map((m) => `functions/api/${m}.ts`);
  expect([...loaded]).toEqual(expect.arrayContaining([...steps, ...apis]));
});
