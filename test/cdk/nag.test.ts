/**
 * The full app synthesized in-process with no environment (account and region unresolved: what `npm start` and
 * an environment-agnostic template see), CloudFormation validation on, with cdk-nag AwsSolutions: no finding,
 * error or warning, that is not acknowledged with a reason. Bundling is skipped here: test/cdk/synth-cli-*.test.ts
 * runs the real CLI with real bundling for a concrete region in each partition.
 *
 * cdk-nag 3 is a CDK policy-validation plugin: any violation (either severity) makes `app.synth()` throw, and the
 * cloud assembly's `validation-report.json` lists violations and acknowledged ("suppressed") ones per plugin.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildApp } from '../../lib/app.js';
import { NAG_PLUGIN } from '../../lib/nag.js';
import { readValidationReport, unacknowledged as unacknowledgedIn, type Report } from '../support/validation-report.js';

const outdir = mkdtempSync(join(tmpdir(), 'fangpin-cdk-'));
let synthError: unknown;
let report: Report | undefined;

beforeAll(() => {
  const { app } = buildApp({ outdir, context: { 'aws:cdk:bundling-stacks': [] } });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  try {
    app.synth();
  } catch (err) {
    synthError = err;
  }
  report = readValidationReport(outdir);
}, 180_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('cdk-nag AwsSolutions on the environment-agnostic app', () => {
  it('synthesizes without an unacknowledged finding', () => {
    expect(unacknowledgedIn(report)).toEqual([]);
    expect(synthError instanceof Error ? synthError.message : synthError).toBeUndefined();
  });

  it('ran the AwsSolutions pack, and every acknowledgement carries a reason', () => {
    const nag = report?.pluginReports.find((p) => p.pluginName === NAG_PLUGIN);
    expect(nag?.conclusion).toBe('success');
    const acknowledged = nag?.suppressedViolations ?? [];
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const a of acknowledged) expect(a.reason?.trim().length ?? 0, a.ruleName).toBeGreaterThan(20);
  });
});
