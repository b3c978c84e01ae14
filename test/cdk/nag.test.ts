/** `cdk synth` with real bundling and cdk-nag AwsSolutions: no finding that is not acknowledged with a reason. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { buildApp } from '../../lib/app.js';
import { acknowledgeFindings } from '../../lib/nag.js';

describe('cdk-nag', () => {
  it('the bundled app passes AwsSolutions checks', { timeout: 240_000 }, () => {
    const outdir = mkdtempSync(join(tmpdir(), 'fangpin-cdk-'));
    const { app, stack } = buildApp({ outdir });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    acknowledgeFindings(stack);
    // A failing validation plugin makes synth throw, naming each unacknowledged finding.
    let error: unknown;
    try {
      app.synth();
    } catch (err) {
      error = err;
    }
    expect(error instanceof Error ? error.message : error).toBeUndefined();
  });
});
