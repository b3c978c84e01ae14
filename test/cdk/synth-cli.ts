/**
 * `npx cdk synth` as the README's deploy section runs it: the real CDK CLI (offline), real esbuild
 * bundling, cdk-nag AwsSolutions through bin/fangpin.ts, once for the CLI's default region and once for AWS China
 * (Ningxia, partition aws-cn) with a concrete account. The CLI always hands the app a concrete region
 * (CDK_DEFAULT_REGION, derived from AWS_REGION or the profile, us-east-1 when nothing is configured), which is
 * what an in-process synth with no environment never sees: an acknowledgement written for `<AWS::Region>` alone
 * passed test/cdk/nag.test.ts and failed here.
 *
 * Each template is also linted with cfn-lint for the target region (its resource specs are per region, so a
 * resource type or property that region lacks is an error) and each state machine definition is checked with
 * asl-validator.
 */
import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import validateAsl from 'asl-validator';
import { extractWorkflows } from '../../lib/definition.js';
import { HANDLER_METADATA, PROJECT_ROOT } from '../../lib/lambda.js';
import { STACK_NAME } from '../../lib/app.js';
import { NAG_PLUGIN } from '../../lib/nag.js';
import { readValidationReport, unacknowledged, type Report } from '../support/validation-report.js';

const run = promisify(execFile);
const SYNTH_TIMEOUT = 300_000;

interface Target {
  readonly label: string;
  readonly region: string;
  readonly account?: string;
  readonly partition: 'aws' | 'aws-cn';
  /**
   * Absent: the README's exact command, into cdk.out. 'temporary': `--output` a temporary folder, so that the two
   * targets can synthesize at the same time (one test file each, run by two workers).
   */
  readonly outdir?: 'temporary';
}

export const DEFAULT_TARGET: Target = { label: 'the CLI default region (us-east-1)', region: 'us-east-1', partition: 'aws' };
export const CHINA_TARGET: Target = {
  label: 'AWS China, Ningxia (cn-northwest-1)',
  region: 'cn-northwest-1',
  account: '123456789012',
  partition: 'aws-cn',
  outdir: 'temporary',
};

interface Synthesized {
  readonly exitError: unknown;
  readonly stderr: string;
  readonly template: Record<string, unknown>;
  readonly templateText: string;
  readonly templateFile: string;
  readonly report: Report | undefined;
  readonly environment: string | undefined;
  readonly bundles: ReadonlyArray<{ dir: string; hasSchemes: boolean }>;
}

/** Where cfn-lint is, or an error that says how to get it. */
function cfnLint(): string {
  const probe = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    throw new Error(
      'cfn-lint was not found on PATH. Every synthesized template is linted in `npm test`: install it with ' +
        '`pip install cfn-lint` (or `pipx install cfn-lint`), then run the tests again.',
    );
  }
  return 'cfn-lint';
}

async function synth(target: Target, scratch: string): Promise<Synthesized> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // The region a user selects (AWS_REGION or a profile) is what the CLI hands the app as CDK_DEFAULT_REGION.
    AWS_REGION: target.region,
    AWS_DEFAULT_REGION: target.region,
    CDK_DEFAULT_REGION: target.region,
    CDK_DISABLE_CLI_TELEMETRY: 'true',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
  if (target.account) env.CDK_DEFAULT_ACCOUNT = target.account;
  else delete env.CDK_DEFAULT_ACCOUNT;
  const outdir = target.outdir === 'temporary' ? join(scratch, 'cdk.out') : join(PROJECT_ROOT, 'cdk.out');
  const args = target.outdir === 'temporary' ? ['cdk', 'synth', '--output', outdir] : ['cdk', 'synth'];
  let exitError: unknown;
  let stderr = '';
  try {
    ({ stderr } = await run('npx', args, { cwd: PROJECT_ROOT, env, maxBuffer: 256 * 1024 * 1024, timeout: SYNTH_TIMEOUT - 10_000 }));
  } catch (err) {
    exitError = err;
    stderr = String((err as { stderr?: unknown }).stderr ?? err);
  }
  const templateText = readFileSync(join(outdir, `${STACK_NAME}.template.json`), 'utf8');
  const templateFile = join(scratch, `${target.region}.template.json`);
  writeFileSync(templateFile, templateText);
  const assets = JSON.parse(readFileSync(join(outdir, `${STACK_NAME}.assets.json`), 'utf8')) as {
    files: Record<string, { source: { path: string } }>;
  };
  const bundles = Object.values(assets.files)
    .map((f) => join(outdir, f.source.path))
    .filter((dir) => existsSync(join(dir, 'index.mjs')))
    .map((dir) => ({ dir, hasSchemes: existsSync(join(dir, 'schemes')) }));
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as { artifacts: Record<string, { environment?: string }> };
  return {
    exitError,
    stderr,
    template: JSON.parse(templateText) as Record<string, unknown>,
    templateText,
    templateFile,
    report: readValidationReport(outdir),
    environment: manifest.artifacts[STACK_NAME]?.environment,
    bundles,
  };
}

type Resource = { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> };

/** The checks of one target: its own describe block, with the synth in its beforeAll. */
export function describeSynth(target: Target): void {
  describe(`npx cdk synth for ${target.label}`, () => {
    let out: Synthesized;
    const scratch = mkdtempSync(join(tmpdir(), 'fangpin-synth-cli-'));
    afterAll(() => rmSync(scratch, { recursive: true, force: true }));

    beforeAll(async () => {
      out = await synth(target, scratch);
    }, SYNTH_TIMEOUT);

    it('exits 0 with the stack in that environment', () => {
      expect(out.exitError instanceof Error ? `${out.exitError.message}\n${out.stderr}` : out.exitError).toBeUndefined();
      expect(out.stderr).not.toContain('Synthesis finished with errors');
      expect(out.environment).toBe(`aws://${target.account ?? 'unknown-account'}/${target.region}`);
    });

    it('bundled every function with the schemes beside the handler', () => {
      expect(out.bundles.length).toBeGreaterThanOrEqual(13);
      for (const b of out.bundles) expect(b.hasSchemes, b.dir).toBe(true);
    });

    it('passes cdk-nag AwsSolutions with no unacknowledged finding, each acknowledgement with a reason', () => {
      expect(unacknowledged(out.report)).toEqual([]);
      const nag = out.report?.pluginReports.find((p) => p.pluginName === NAG_PLUGIN);
      expect(nag?.conclusion).toBe('success');
      for (const a of nag?.suppressedViolations ?? []) expect(a.reason?.trim().length ?? 0, a.ruleName).toBeGreaterThan(20);
    });

    it(`builds every ARN through the partition (no literal arn:aws: anywhere)`, () => {
      const literal = out.templateText.match(/arn:aws:[^"]{0,80}/g) ?? [];
      expect(literal).toEqual([]);
      expect(out.templateText).toContain('"Ref": "AWS::Partition"');
    });

    it('has no cfn-lint error for its region', async () => {
      const lint = cfnLint();
      let stdout = '';
      try {
        ({ stdout } = await run(lint, ['--format', 'json', '--regions', target.region, '--', out.templateFile], { maxBuffer: 64 * 1024 * 1024 }));
      } catch (err) {
        // cfn-lint's exit code is a bit mask (2 errors, 4 warnings, 8 informational): the findings are in stdout.
        stdout = String((err as { stdout?: unknown }).stdout ?? '');
        if (!stdout.trim()) throw err;
      }
      const findings = JSON.parse(stdout) as Array<{ Level: string; Rule: { Id: string }; Message: string; Location: { Path: unknown[] } }>;
      const errors = findings.filter((f) => f.Level === 'Error').map((f) => `${f.Rule.Id} ${f.Message} at ${JSON.stringify(f.Location.Path)}`);
      expect(errors).toEqual([]);
    }, 120_000);

    it('has state machine definitions that asl-validator accepts', () => {
      const workflows = extractWorkflows(out.template);
      for (const [id, wf] of Object.entries(workflows)) {
        const result = validateAsl(structuredClone(wf.definition));
        expect(result.isValid ? '' : `${id}: ${result.errorsText('; ')}`).toBe('');
      }
      expect(Object.keys(workflows).sort()).toEqual(['claims', 'index-fanout', 'medical-feed', 'monitoring']);
    });

    it(
      target.partition === 'aws-cn' ? 'leaves Lambda X-Ray tracing off (not offered in the China regions)' : 'traces every Lambda with X-Ray',
      () => {
        // The project's functions (handler metadata); the CDK's own bucket-deployment handler that copies the console
        // into its bucket at deploy time is not configurable for tracing and is not part of a claim's path.
        const fns = Object.values(out.template.Resources as Record<string, Resource>).filter(
          (r) => r.Type === 'AWS::Lambda::Function' && r.Metadata?.[HANDLER_METADATA] !== undefined,
        );
        expect(fns.length).toBeGreaterThan(10);
        for (const fn of fns) {
          const mode = (fn.Properties?.TracingConfig as { Mode?: string } | undefined)?.Mode;
          if (target.partition === 'aws-cn') expect(mode === undefined || mode === 'PassThrough').toBe(true);
          else expect(mode).toBe('Active');
        }
      },
    );
  });
}
