/** CDK assertions (bundling skipped) and the guard that the synthesized definition runs faithfully locally. */
import { beforeAll, describe, expect, it } from 'vitest';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { buildApp } from '../../lib/app.js';
import { extractWorkflow, type ExtractedWorkflow } from '../../lib/definition.js';
import { assertLocallyRunnable } from '../../embedded/sfn/definition-guard.js';
import { ROUTES } from '../../functions/api/routes.js';
import { TABLES } from '../../functions/shared/tables.js';

let template: Template;
let json: Record<string, unknown>;
let workflow: ExtractedWorkflow;
type Res = { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, unknown> };

beforeAll(() => {
  process.env.CDK_VALIDATION = 'false';
  const { stack } = buildApp({ context: { 'aws:cdk:bundling-stacks': [] } });
  template = Template.fromStack(stack);
  json = template.toJSON() as Record<string, unknown>;
  workflow = extractWorkflow(json);
});

function resources(type: string): Array<[string, Res]> {
  return Object.entries(json.Resources as Record<string, Res>).filter(([, r]) => r.Type === type);
}

/** Every IAM statement attached to the role of the function whose handler metadata is `entry`. */
function statementsOf(entry: string): Array<{ Action: string | string[]; Resource: unknown }> {
  const [, fn] = resources('AWS::Lambda::Function').find(([, r]) => r.Metadata?.['fangpin:handler'] === entry) ?? [];
  const roleId = ((fn?.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'] ?? [])[0];
  return resources('AWS::IAM::Policy')
    .filter(([, p]) => (p.Properties.Roles as Array<{ Ref: string }>).some((r) => r.Ref === roleId))
    .flatMap(([, p]) => (p.Properties.PolicyDocument as { Statement: Array<{ Action: string | string[]; Resource: unknown }> }).Statement);
}

function actionsOn(entry: string, tableId: string): string[] {
  const [logicalId] = resources('AWS::DynamoDB::GlobalTable').find(([id]) => id.startsWith(`Table${tableId}`)) ?? [];
  return statementsOf(entry)
    .filter((s) => JSON.stringify(s.Resource).includes(`"${logicalId}"`))
    .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
}

describe('tables', () => {
  it('one per shared spec, with point-in-time recovery and encryption', () => {
    const tables = resources('AWS::DynamoDB::GlobalTable');
    expect(tables).toHaveLength(TABLES.length);
    for (const [, t] of tables) {
      expect(t.Properties.SSESpecification).toBeDefined();
      const replicas = t.Properties.Replicas as Array<{ PointInTimeRecoverySpecification?: { PointInTimeRecoveryEnabled: boolean } }>;
      expect(replicas[0]?.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled).toBe(true);
    }
  });
});

describe('HTTP API', () => {
  it('has every route of the contract behind the JWT authorizer', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', { AuthorizerType: 'JWT' });
    for (const r of ROUTES) {
      template.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: `${r.method} ${r.path}`, AuthorizationType: 'JWT' });
    }
  });
});

describe('least privilege', () => {
  it('eligibility reads accumulators and cannot write them', () => {
    const actions = actionsOn('functions/steps/eligibility.ts', 'accumulators');
    expect(actions).toContain('dynamodb:GetItem');
    expect(actions).not.toContain('dynamodb:PutItem');
    expect(actions).not.toContain('dynamodb:UpdateItem');
  });

  it('steps append audit records but can neither update nor delete them', () => {
    for (const entry of ['functions/steps/intake.ts', 'functions/steps/assessment.ts', 'functions/steps/payout.ts']) {
      const actions = actionsOn(entry, 'audit');
      expect(actions).toContain('dynamodb:PutItem');
      expect(actions).not.toContain('dynamodb:UpdateItem');
      expect(actions).not.toContain('dynamodb:DeleteItem');
      expect(actions).not.toContain('dynamodb:BatchWriteItem');
    }
  });

  it('only the households API reads the identity hash key, and the schemes API touches no table', () => {
    const secretReaders = resources('AWS::Lambda::Function').filter(([, f]) => JSON.stringify(f.Properties.Environment ?? {}).includes('ID_HASH_SECRET_ARN'));
    expect(secretReaders.map(([, f]) => f.Metadata?.['fangpin:handler'])).toEqual(['functions/api/households.ts']);
    expect(statementsOf('functions/api/schemes.ts').filter((s) => JSON.stringify(s.Action).includes('dynamodb'))).toEqual([]);
  });
});

describe('state machine', () => {
  it('is STANDARD with logging and tracing', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: false }),
      TracingConfiguration: { Enabled: true },
    });
  });

  it('runs faithfully on the local engine (no JSONata, Assign, Distributed Map, ItemReader, heartbeats)', () => {
    expect(() => assertLocallyRunnable(workflow.definition)).not.toThrow();
    expect(() => assertLocallyRunnable({ StartAt: 'A', States: { A: { Type: 'Pass', Assign: { x: 1 }, End: true } } })).toThrow(/Assign/);
    expect(() => assertLocallyRunnable({ QueryLanguage: 'JSONata', StartAt: 'A', States: {} })).toThrow(/JSONata/);
  });

  it('takes at most 8 transitions on the happy path', () => {
    const states = workflow.definition.States as Record<string, { Type: string; Next?: string; Default?: string; Choices?: Array<{ Next: string }> }>;
    const path: string[] = [];
    let at: string | undefined = workflow.definition.StartAt as string;
    while (at) {
      path.push(at);
      const s: (typeof states)[string] | undefined = states[at];
      at = s?.Type === 'Choice' ? s.Default : s?.Next;
    }
    expect(path).toEqual(['Intake', 'Eligibility', 'Eligible?', 'Assessment', 'Route', 'Split', 'Payout', 'Settling']);
    expect(path.length).toBeLessThanOrEqual(8);
  });

  it('every task retries transient errors with backoff and (but RecordFailure) catches into RecordFailure', () => {
    const states = workflow.definition.States as Record<string, { Type: string; Retry?: Array<{ ErrorEquals: string[]; BackoffRate: number }>; Catch?: Array<{ Next: string }> }>;
    for (const [name, s] of Object.entries(states).filter(([, s]) => s.Type === 'Task')) {
      expect(s.Retry?.[0]?.BackoffRate, name).toBe(2);
      if (name !== 'Review') expect(s.Retry?.[0]?.ErrorEquals, name).toContain('TransientError');
      if (name !== 'RecordFailure') expect(s.Catch?.[0]?.Next, name).toBe('RecordFailure');
    }
  });

  it('reviews by task token and maps every task to its handler module', () => {
    const review = (workflow.definition.States as Record<string, { Resource: string }>).Review;
    expect(review?.Resource).toMatch(/\.waitForTaskToken$/);
    expect(workflow.taskModules).toEqual({
      Intake: 'functions/steps/intake.ts',
      Eligibility: 'functions/steps/eligibility.ts',
      Assessment: 'functions/steps/assessment.ts',
      Review: 'functions/steps/review-request.ts',
      ReleaseHold: 'functions/steps/assessment.ts',
      Split: 'functions/steps/split.ts',
      Payout: 'functions/steps/payout.ts',
      RecordFailure: 'functions/steps/record-failure.ts',
    });
  });
});
