/**
 * The claim workflow as the embedded runtime runs it: synthesized in-process from the same CDK app (bundling
 * skipped, no validation plugins), the state machine's DefinitionString resolved from the template, and every
 * Task mapped to the handler module recorded in its function's `fangpin:handler` metadata. Never restated.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { buildApp } from './app.js';
import { allStates } from './asl-walk.js';
import { HANDLER_METADATA } from './lambda.js';
import { WORKFLOW_METADATA, type WorkflowId } from './workflow-names.js';

export const LOCAL_LAMBDA_ARN_PREFIX = 'arn:aws:lambda:us-east-1:000000000000:function:';

export interface ExtractedWorkflow {
  readonly template: Record<string, unknown>;
  readonly definition: Record<string, unknown>;
  /** state name → project-relative handler entry, e.g. Intake → functions/steps/intake.ts */
  readonly taskModules: Record<string, string>;
}

type Resources = Record<string, { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> }>;

/** Fn::Join of strings and GetAtt/Ref tokens → text, with Lambda ARNs made local and well-formed. */
function resolveTokens(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if (Array.isArray(v['Fn::Join'])) {
      const [sep, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map(resolveTokens).join(sep);
    }
    if (Array.isArray(v['Fn::GetAtt'])) return `${LOCAL_LAMBDA_ARN_PREFIX}${String((v['Fn::GetAtt'] as unknown[])[0])}`;
    if (typeof v.Ref === 'string')
      return v.Ref === 'AWS::Partition' ? 'aws' : v.Ref === 'AWS::Region' ? 'us-east-1' : v.Ref === 'AWS::AccountId' ? '000000000000' : v.Ref;
  }
  throw new Error(`cannot resolve a token in the state machine definition: ${JSON.stringify(value)}`);
}

function extractOne(resources: Resources, template: Record<string, unknown>, machine: Resources[string]): ExtractedWorkflow {
  const definition = JSON.parse(resolveTokens(machine.Properties?.DefinitionString)) as Record<string, unknown>;
  const tasks = allStates(definition).filter(([, state]) => state.Type === 'Task');
  const taskModules: Record<string, string> = {};
  for (const [name, task] of tasks) {
    const params = task.Parameters as Record<string, unknown> | undefined;
    const fnArn = typeof params?.FunctionName === 'string' ? params.FunctionName : typeof task.Resource === 'string' ? task.Resource : '';
    const logicalId = fnArn.startsWith(LOCAL_LAMBDA_ARN_PREFIX) ? (fnArn.slice(LOCAL_LAMBDA_ARN_PREFIX.length).split(':')[0] ?? '') : '';
    const entry = resources[logicalId]?.Metadata?.[HANDLER_METADATA];
    if (typeof entry !== 'string') throw new Error(`task state ${name} calls ${fnArn}, which has no fangpin:handler metadata`);
    taskModules[name] = entry;
  }
  return { template, definition, taskModules };
}

/** Every workflow of the template, by the `fangpin:workflow` metadata on its state machine resource. */
export function extractWorkflows(template: Record<string, unknown>): Record<WorkflowId, ExtractedWorkflow> {
  const resources = template.Resources as Resources;
  const out: Partial<Record<WorkflowId, ExtractedWorkflow>> = {};
  for (const r of Object.values(resources)) {
    if (r.Type !== 'AWS::StepFunctions::StateMachine') continue;
    const id = r.Metadata?.[WORKFLOW_METADATA] as WorkflowId | undefined;
    if (!id) throw new Error('a state machine in the template has no fangpin:workflow metadata');
    if (out[id]) throw new Error(`two state machines are marked ${id}`);
    out[id] = extractOne(resources, template, r);
  }
  for (const id of ['claims', 'index-fanout', 'monitoring', 'medical-feed'] as const)
    if (!out[id]) throw new Error(`the template has no ${id} state machine`);
  return out as Record<WorkflowId, ExtractedWorkflow>;
}

export function synthesizeWorkflows(context: Readonly<Record<string, string>> = {}): Record<WorkflowId, ExtractedWorkflow> {
  // Bundling skipped (no esbuild run) and the built-in CloudFormation validator off (a 9 MB WASM module, ~1.5 s):
  // this runs on every `npm start`, and the template it reads is the one `cdk synth` checks anyway. The assembly
  // goes to a folder of its own, removed once the template is read: without an outdir the CDK leaves a `cdk.out*`
  // folder of about 25 MB (the console's files staged as an asset) in the system's temp folder at every start.
  const outdir = mkdtempSync(join(tmpdir(), 'fangpin-definitions-'));
  try {
    const { stack } = buildApp({ outdir, context: { ...context, 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false });
    return extractWorkflows(Template.fromStack(stack).toJSON() as Record<string, unknown>);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

export function synthesizeClaimWorkflow(): ExtractedWorkflow {
  return synthesizeWorkflows().claims;
}
