/**
 * The full app synthesized as `cdk synth` does it (real esbuild bundling, CloudFormation validation on) with
 * cdk-nag AwsSolutions: no finding, error or warning, that is not acknowledged with a reason.
 *
 * cdk-nag 3 is a CDK policy-validation plugin: any violation (either severity) makes `app.synth()` throw, and the
 * cloud assembly's `validation-report.json` lists violations and acknowledged ("suppressed") ones per plugin.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildApp } from '../../lib/app.js';
import { NAG_PLUGIN } from '../../lib/nag.js';

interface Finding {
  ruleName: string;
  severity: string;
  reason?: string;
  violatingConstructs: Array<{ constructPath: string }>;
}
interface Report {
  pluginReports: Array<{ pluginName: string; conclusion: string; violations: Finding[]; suppressedViolations?: Finding[] }>;
}

const outdir = mkdtempSync(join(tmpdir(), 'fangpin-cdk-'));
let synthError: unknown;
let report: Report | undefined;

beforeAll(() => {
  const { app } = buildApp({ outdir });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  try {
    app.synth();
  } catch (err) {
    synthError = err;
  }
  const file = join(outdir, 'validation-report.json');
  if (existsSync(file)) report = JSON.parse(readFileSync(file, 'utf8')) as Report;
}, 180_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

describe('cdk-nag AwsSolutions on the bundled app', () => {
  it('synthesizes without an unacknowledged finding', () => {
    const unacknowledged = (report?.pluginReports ?? []).flatMap((p) =>
      p.violations.flatMap((v) => v.violatingConstructs.map((c) => `${p.pluginName} ${v.severity} ${v.ruleName} at ${c.constructPath}`)),
    );
    expect(unacknowledged).toEqual([]);
    expect(synthError instanceof Error ? synthError.message : synthError).toBeUndefined();
  });

  it('ran the AwsSolutions pack, and every acknowledgement carries a reason', () => {
    const nag = report?.pluginReports.find((p) => p.pluginName === NAG_PLUGIN);
    expect(nag?.conclusion).toBe('success');
    const acknowledged = nag?.suppressedViolations ?? [];
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const a of acknowledged) expect(a.reason?.trim().length ?? 0, a.ruleName).toBeGreaterThan(20);
  });

  it('bundled every function with the schemes beside the handler', () => {
    const assets = JSON.parse(readFileSync(join(outdir, 'Fangpin.assets.json'), 'utf8')) as { files: Record<string, { source: { path: string } }> };
    const bundles = Object.values(assets.files)
      .map((f) => join(outdir, f.source.path))
      .filter((dir) => existsSync(join(dir, 'index.mjs')));
    expect(bundles.length).toBeGreaterThanOrEqual(13);
    for (const dir of bundles) expect(existsSync(join(dir, 'schemes')), dir).toBe(true);
  });
});
