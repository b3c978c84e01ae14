/** Reads the policy-validation report a synth writes into its cloud assembly (cdk-nag 3 is such a plugin). */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Finding {
  ruleName: string;
  severity: string;
  reason?: string;
  violatingConstructs: Array<{ constructPath: string }>;
}
export interface Report {
  pluginReports: Array<{ pluginName: string; conclusion: string; violations: Finding[]; suppressedViolations?: Finding[] }>;
}

export function readValidationReport(outdir: string): Report | undefined {
  const file = join(outdir, 'validation-report.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Report) : undefined;
}

/** Every finding no acknowledgement covers, one line each (plugin, severity, rule, construct). */
export function unacknowledged(report: Report | undefined): string[] {
  return (report?.pluginReports ?? []).flatMap((p) =>
    p.violations.flatMap((v) => v.violatingConstructs.map((c) => `${p.pluginName} ${v.severity} ${v.ruleName} at ${c.constructPath}`)),
  );
}
