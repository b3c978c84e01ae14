/** CDK assertions (bundling skipped) and the guard that the synthesized definition runs faithfully locally. */
import { beforeAll, describe, expect, it } from 'vitest';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { extractWorkflows, synthesizeClaimWorkflow, type ExtractedWorkflow } from '../../lib/definition.js';
import { HANDLER_METADATA } from '../../lib/lambda.js';
import {
  ELIGIBILITY_OUTCOME,
  FANOUT_MAP_RUN_LABEL,
  FANOUT_STATE,
  MEDICAL_FEED_BATCH_ROWS,
  MEDICAL_FEED_MAP_RUN_LABEL,
  MEDICAL_FEED_STATE,
  REVIEW_OUTCOME,
  ROUTE_OUTCOME,
  STATE,
  WEBHOOK_DISPATCH_TIMEOUT_SECONDS,
} from '../../lib/workflow-names.js';
import { assertLocallyRunnable } from '../../embedded/sfn/definition-guard.js';
import { API_MODULES, ROUTES } from '../../functions/api/routes.js';
import { TABLES, tableSpec } from '../../functions/shared/tables.js';
import { checkSettings, SETTINGS, WIRING } from '../../functions/shared/config.js';
import { TRANSIENT_ERROR } from '../../functions/shared/errors.js';
import { buildApp } from '../../lib/app.js';
import { ATTENTION_KINDS, ATTENTION_METRIC, OPS_METRICS_NAMESPACE, OPS_METRICS_SERVICE } from '../../core/attention.js';

let template: Template;
let json: Record<string, unknown>;
let workflow: ExtractedWorkflow;
type Res = { Type: string; Properties: Record<string, unknown>; Metadata?: Record<string, unknown>; DeletionPolicy?: string };

// One in-process synth, exactly what `npm start` uses: the template and the definition come from the same build.
beforeAll(() => {
  workflow = synthesizeClaimWorkflow();
  json = workflow.template;
  template = Template.fromJSON(json);
});

function resources(type: string): Array<[string, Res]> {
  return Object.entries(json.Resources as Record<string, Res>).filter(([, r]) => r.Type === type);
}

/** Every IAM statement attached to the role of the function whose handler metadata is `entry`. */
function statementsOf(entry: string): Array<{ Action: string | string[]; Resource: unknown }> {
  const [, fn] = resources('AWS::Lambda::Function').find(([, r]) => r.Metadata?.[HANDLER_METADATA] === entry) ?? [];
  const roleId = ((fn!.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'] ?? [])[0];
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
  it('one per shared spec: on demand, point-in-time recovery, encryption, retained, TTL and GSIs (projection ALL, or INCLUDE where the spec names attributes) as specified', () => {
    const tables = resources('AWS::DynamoDB::GlobalTable');
    expect(tables).toHaveLength(TABLES.length);
    for (const spec of TABLES) {
      const [, t] = tables.find(([id]) => id.startsWith(`Table${spec.id}`)) ?? [];
      expect(t, spec.id).toBeDefined();
      expect(t?.DeletionPolicy, spec.id).toBe('Retain');
      expect(t?.Properties.BillingMode, spec.id).toBe('PAY_PER_REQUEST');
      expect(t?.Properties.SSESpecification, spec.id).toBeDefined();
      const replicas = t?.Properties.Replicas as Array<{ PointInTimeRecoverySpecification?: { PointInTimeRecoveryEnabled: boolean } }>;
      expect(replicas[0]?.PointInTimeRecoverySpecification?.PointInTimeRecoveryEnabled, spec.id).toBe(true);
      const ttl = t?.Properties.TimeToLiveSpecification as { AttributeName?: string; Enabled: boolean } | undefined;
      expect(ttl?.Enabled ? ttl.AttributeName : undefined, spec.id).toBe(spec.ttlAttribute);
      const gsis = (t?.Properties.GlobalSecondaryIndexes ?? []) as Array<{
        IndexName: string;
        Projection: { ProjectionType: string; NonKeyAttributes?: string[] };
      }>;
      expect(gsis.map((g) => g.IndexName).sort(), spec.id).toEqual(spec.indexes.map((i) => i.indexName).sort());
      for (const g of gsis) {
        const include = spec.indexes.find((i) => i.indexName === g.IndexName)?.include;
        expect(g.Projection.ProjectionType, g.IndexName).toBe(include ? 'INCLUDE' : 'ALL');
        expect(g.Projection.NonKeyAttributes, g.IndexName).toEqual(include);
      }
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

  it('audit append is exactly PutItem + Query on the audit table', () => {
    expect(actionsOn('functions/steps/split.ts', 'audit').sort()).toEqual(['dynamodb:PutItem', 'dynamodb:Query']);
  });

  it('the claims API drives the state machine; the review step may only replay a decision', () => {
    const claimsActions = statementsOf('functions/api/claims.ts').flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action]));
    for (const a of [
      'states:StartExecution',
      'states:DescribeExecution',
      'states:GetExecutionHistory',
      'states:SendTaskSuccess',
      'states:SendTaskFailure',
    ])
      expect(claimsActions).toContain(a);
    const reviewStates = statementsOf('functions/steps/review-request.ts')
      .flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action]))
      .filter((a) => a.startsWith('states:'));
    expect(reviewStates).toEqual(['states:SendTaskSuccess']);
    const stepStates = statementsOf('functions/steps/payout.ts').filter((st) => JSON.stringify(st.Action).includes('states:'));
    expect(stepStates).toEqual([]);
  });

  it('the index-events API starts fan-outs and reads their histories, nothing else of Step Functions', () => {
    const states = statementsOf('functions/api/index-events.ts').filter((st) => JSON.stringify(st.Action).includes('states:'));
    const actions = [...new Set(states.flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action])))].sort();
    expect(actions).toEqual([
      'states:DescribeExecution',
      'states:GetExecutionHistory',
      'states:ListExecutions',
      'states:ListMapRuns',
      'states:StartExecution',
    ]);
    // Every resource names the fan-out machine (its executions, slices or map runs), never `*`.
    for (const st of states) expect(JSON.stringify(st.Resource)).toMatch(/index-fanout|IndexEventWorkflow/);
  });

  it("only the households API and the medical feed's batch step (matching by identity number) read the identity hash key, and the schemes API touches no table", () => {
    const secretReaders = resources('AWS::Lambda::Function').filter(([, f]) =>
      JSON.stringify(f.Properties.Environment ?? {}).includes('ID_HASH_SECRET_ARN'),
    );
    expect(secretReaders.map(([, f]) => f.Metadata?.[HANDLER_METADATA]).sort()).toEqual([
      'functions/api/households.ts',
      'functions/steps/medical-feed-batch.ts',
    ]);
    expect(statementsOf('functions/api/schemes.ts').filter((s) => JSON.stringify(s.Action).includes('dynamodb'))).toEqual([]);
  });
});

describe('evidence bucket', () => {
  const bucketId = () => resources('AWS::S3::Bucket').find(([id]) => id.startsWith('EvidenceFiles'))?.[0];
  const actionsOf = (entry: string) => statementsOf(entry).flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action]));

  it('is private, KMS-encrypted with a rotated key of its own, versioned, logged, retained, and refuses plain HTTP', () => {
    const [, b] = resources('AWS::S3::Bucket').find(([id]) => id.startsWith('EvidenceFiles')) ?? [];
    expect(b?.DeletionPolicy).toBe('Retain');
    expect(b?.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(b?.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    const sse = (
      b!.Properties.BucketEncryption as {
        ServerSideEncryptionConfiguration: Array<{
          ServerSideEncryptionByDefault: { SSEAlgorithm: string; KMSMasterKeyID: unknown };
          BucketKeyEnabled: boolean;
        }>;
      }
    ).ServerSideEncryptionConfiguration[0];
    expect(sse?.ServerSideEncryptionByDefault.SSEAlgorithm).toBe('aws:kms');
    expect(JSON.stringify(sse?.ServerSideEncryptionByDefault.KMSMasterKeyID)).toContain('EvidenceKey');
    expect((b!.Properties.LoggingConfiguration as { LogFilePrefix: string }).LogFilePrefix).toBe('s3-evidence/');
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true, Description: Match.stringLikeRegexp('evidence') });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId() },
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  it('invokes the arrival check on every object created under claims/', () => {
    template.hasResourceProperties('Custom::S3BucketNotifications', {
      BucketName: { Ref: bucketId() },
      NotificationConfiguration: {
        LambdaFunctionConfigurations: [
          Match.objectLike({ Events: ['s3:ObjectCreated:*'], Filter: { Key: { FilterRules: [{ Name: 'prefix', Value: 'claims/' }] } } }),
        ],
      },
    });
  });

  it('grants the evidence API put and get on attachment objects, the arrival check get and delete; neither may list or touch another table', () => {
    const objects = (entry: string) => statementsOf(entry).filter((st) => JSON.stringify(st.Action).includes('s3:'));
    expect(
      actionsOf('functions/api/evidence.ts')
        .filter((a) => a.startsWith('s3:'))
        .sort(),
    ).toEqual(['s3:GetObject', 's3:PutObject']);
    expect(
      actionsOf('functions/events/attachment-arrived.ts')
        .filter((a) => a.startsWith('s3:'))
        .sort(),
    ).toEqual(['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:GetObject', 's3:GetObjectVersion']);
    for (const entry of ['functions/api/evidence.ts', 'functions/events/attachment-arrived.ts']) {
      for (const st of objects(entry)) expect(JSON.stringify(st.Resource), entry).toContain('/claims/*');
      expect(
        actionsOf(entry).filter((a) => a.startsWith('kms:')),
        entry,
      ).toContain('kms:Decrypt');
      for (const write of ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'])
        expect(actionsOn(entry, 'claims'), entry).not.toContain(write);
      expect(actionsOn(entry, 'audit').sort(), entry).toEqual(['dynamodb:PutItem', 'dynamodb:Query']);
    }
    expect(actionsOn('functions/api/evidence.ts', 'claims')).toContain('dynamodb:GetItem');
    expect(actionsOf('functions/events/attachment-arrived.ts')).not.toContain('kms:GenerateDataKey');
    // No other function reaches the bucket.
    const reach = resources('AWS::Lambda::Function').filter(([, f]) => JSON.stringify(f.Properties.Environment ?? {}).includes('EVIDENCE_BUCKET'));
    expect(reach.map(([, f]) => f.Metadata?.[HANDLER_METADATA]).sort()).toEqual([
      'functions/api/evidence.ts',
      'functions/events/attachment-arrived.ts',
    ]);
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

  it('runs faithfully on the local engine: no JSONata, Assign, Distributed Map, ItemReader or heartbeats anywhere', () => {
    expect(() => assertLocallyRunnable(workflow.definition)).not.toThrow();
    // Independent of the guard: scan every key and value of the definition.
    const text = JSON.stringify(workflow.definition);
    for (const key of ['Assign', 'ItemReader', 'ItemBatcher', 'ResultWriter', 'HeartbeatSeconds', 'HeartbeatSecondsPath', 'Arguments'])
      expect(text).not.toContain(`"${key}"`);
    expect(text).not.toMatch(/JSONata|DISTRIBUTED/);
    expect(() => assertLocallyRunnable({ StartAt: 'A', States: { A: { Type: 'Pass', Assign: { x: 1 }, End: true } } })).toThrow(/Assign/);
    expect(() => assertLocallyRunnable({ QueryLanguage: 'JSONata', StartAt: 'A', States: {} })).toThrow(/JSONata/);
  });

  it('happy path is 8 states: Intake → Eligibility → Eligible? → Assessment → Route → Split → Payout → Settling', () => {
    const path: string[] = [];
    let at: string | undefined = workflow.definition.StartAt as string;
    while (at && path.length < 20) {
      path.push(at);
      const st: State | undefined = states()[at];
      at = st?.Type === 'Choice' ? st.Default : st?.Next;
    }
    expect(path).toEqual([STATE.intake, STATE.eligibility, STATE.eligible, STATE.assessment, STATE.route, STATE.split, STATE.payout, STATE.settling]);
    expect(states()[STATE.settling]?.Type).toBe('Succeed');
  });

  it('branches on the outcome as the contract says', () => {
    const next = (name: string) => Object.fromEntries((states()[name]?.Choices ?? []).map((c) => [c.StringEquals, c.Next]));
    expect(next(STATE.eligible)).toEqual({ REJECTED: STATE.rejected });
    expect(next(STATE.route)).toEqual({ NO_PAYOUT: STATE.closedNoPayout, REJECTED: STATE.rejected, REVIEW: STATE.review });
    expect(next(STATE.reviewDecision)).toEqual({ APPROVED: STATE.split, RECOMMENDED: STATE.finalReview, RETURNED: STATE.returnHold });
    expect(states()[STATE.reviewDecision]?.Default).toBe(STATE.releaseHold);
    // The second decision is a second token wait: both show in the execution history.
    expect(states()[STATE.finalReview]).toMatchObject({ Next: STATE.finalReviewDecision, Parameters: { Payload: { stage: 'FINAL_REVIEW' } } });
    expect(next(STATE.finalReviewDecision)).toEqual({ APPROVED: STATE.split, RETURNED: STATE.returnHold });
    expect(states()[STATE.finalReviewDecision]?.Default).toBe(STATE.releaseHold);
    expect(states()[STATE.releaseHold]).toMatchObject({ Next: STATE.rejected, Parameters: { 'claimId.$': '$.claimId', action: 'release' } });
    // A return releases the holds, waits for the amendment, then eligibility and assessment again.
    expect(states()[STATE.returnHold]).toMatchObject({ Next: STATE.awaitAmendment, Parameters: { 'claimId.$': '$.claimId', action: 'return' } });
    expect(states()[STATE.awaitAmendment]).toMatchObject({
      Next: STATE.eligibility,
      TimeoutSeconds: 30 * 24 * 3600,
      Parameters: { Payload: { stage: 'AMEND' } },
    });
    expect(states()[STATE.expireReturn]).toMatchObject({ Next: STATE.rejected, Parameters: { 'claimId.$': '$.claimId', action: 'expireReturn' } });
    for (const name of [STATE.rejected, STATE.closedNoPayout]) expect(states()[name]?.Type).toBe('Succeed');
  });

  it('every task retries with jittered backoff; all but RecordFailure catch States.ALL into RecordFailure → Failed', () => {
    const lambdaErrors = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'];
    const taskStates = Object.entries(states()).filter(([, st]) => st.Type === 'Task');
    // The token waits retry only Lambda's errors: their timeout is a decision (the Catch), never retried.
    const WAITS: string[] = [STATE.review, STATE.finalReview, STATE.awaitAmendment];
    expect(taskStates.map(([n]) => n).sort()).toEqual(Object.keys(workflow.taskModules).sort());
    for (const [name, st] of taskStates) {
      expect(st.Retry, name).toEqual([
        // Steps also retry their own timeout (60 s): a hung step is abandoned and run again, steps being idempotent.
        {
          ErrorEquals: WAITS.includes(name) ? lambdaErrors : [...lambdaErrors, 'States.Timeout', TRANSIENT_ERROR],
          IntervalSeconds: 1,
          BackoffRate: 2,
          MaxAttempts: 6,
          JitterStrategy: 'FULL',
        },
      ]);
      if (name === STATE.recordFailure) expect(st.Catch, name).toBeUndefined();
      else if (name === STATE.awaitAmendment) {
        // An amendment not made in time closes the claim; anything else fails it as any other task.
        expect(st.Catch, name).toEqual([
          { ErrorEquals: ['States.Timeout'], ResultPath: '$.error', Next: STATE.expireReturn },
          { ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: STATE.recordFailure },
        ]);
      } else expect(st.Catch, name).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: STATE.recordFailure }]);
    }
    // RecordFailure keeps its input so the Fail state's CausePath ($.error.Cause) resolves.
    expect(states()[STATE.recordFailure]).toMatchObject({
      ResultPath: null,
      Next: STATE.failed,
      Parameters: { 'claimId.$': '$.claimId', 'error.$': '$.error' },
    });
    expect(states()[STATE.failed]).toMatchObject({ Type: 'Fail', CausePath: '$.error.Cause' });
  });

  it('reviews by task token for up to 30 days and maps every task to its handler module', () => {
    const review = states()[STATE.review];
    const waits: string[] = [STATE.review, STATE.finalReview, STATE.awaitAmendment];
    for (const name of waits) expect(states()[name]?.Resource, name).toMatch(/^arn:aws:states:::lambda:invoke\.waitForTaskToken$/);
    // Every other task calls its function ARN directly, so AWS records LambdaFunction* events for each step.
    for (const [name, st] of Object.entries(states()).filter(([n, x]) => (x as { Type: string }).Type === 'Task' && !waits.includes(n))) {
      expect((st as { Resource: string }).Resource, name).toMatch(/^arn:aws:lambda:/);
    }
    expect(review).toMatchObject({
      TimeoutSeconds: 30 * 24 * 3600,
      Parameters: { Payload: { 'claimId.$': '$.claimId', 'taskToken.$': '$$.Task.Token' } },
    });
    expect(workflow.taskModules).toEqual({
      Intake: 'functions/steps/intake.ts',
      Eligibility: 'functions/steps/eligibility.ts',
      Assessment: 'functions/steps/assessment.ts',
      Review: 'functions/steps/review-request.ts',
      FinalReview: 'functions/steps/review-request.ts',
      AwaitAmendment: 'functions/steps/review-request.ts',
      ExpireReturn: 'functions/steps/review-request.ts',
      ReleaseHold: 'functions/steps/assessment.ts',
      ReturnHold: 'functions/steps/assessment.ts',
      Split: 'functions/steps/split.ts',
      Payout: 'functions/steps/payout.ts',
      RecordFailure: 'functions/steps/record-failure.ts',
    });
  });
});

interface State {
  Type: string;
  Next?: string;
  Default?: string;
  Resource?: string;
  Choices?: Array<{ StringEquals?: string; Next: string }>;
  Retry?: unknown[];
  Catch?: unknown[];
}
function states(): Record<string, State> {
  return workflow.definition.States as Record<string, State>;
}

describe('index-event fan-out', () => {
  it('is a Distributed Map over the registry slices, each slice a STANDARD child execution that pages until done', () => {
    const fanout = extractWorkflows(json)['index-fanout'];
    expect(() => assertLocallyRunnable(fanout.definition)).not.toThrow();
    const map = (fanout.definition.States as Record<string, Record<string, unknown>>)[FANOUT_STATE.fanOut];
    expect(map).toMatchObject({
      Type: 'Map',
      Label: FANOUT_MAP_RUN_LABEL,
      ItemsPath: '$.shards',
      ItemSelector: { action: 'shard', 'eventId.$': '$.eventId', 'shard.$': '$$.Map.Item.Value' },
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: FANOUT_STATE.fileClaims },
      ResultPath: null,
    });
    // The items are slice numbers, never households: no S3 reader, no results written anywhere.
    expect(map).not.toHaveProperty('ItemReader');
    expect(map).not.toHaveProperty('ResultWriter');
    const processor = map?.ItemProcessor as { States: Record<string, { Type: string; Choices?: Array<{ Next: string }>; Default?: string }> };
    expect(processor.States[FANOUT_STATE.more]?.Choices?.[0]?.Next).toBe(FANOUT_STATE.fileClaims);
    expect(processor.States[FANOUT_STATE.more]?.Default).toBe(FANOUT_STATE.sliceDone);
  });

  it('may start, describe, stop and redrive only its own slice executions', () => {
    const [, policy] =
      Object.entries(json.Resources as Record<string, Res>).find(([id, r]) => r.Type === 'AWS::IAM::Policy' && id.includes('DistributedMapPolicy')) ??
      [];
    const text = JSON.stringify(policy?.Properties.PolicyDocument);
    expect(text).toContain('states:StartExecution');
    expect(text).toContain(`/${FANOUT_MAP_RUN_LABEL}:*`);
    expect(text).not.toMatch(/"Resource":"\*"/);
  });
});

describe('medical feed (issue 18)', () => {
  const bucketId = () => resources('AWS::S3::Bucket').find(([id]) => id.startsWith('MedicalFeedFiles'))?.[0] ?? '';

  it('keeps its files in a private, KMS-encrypted, versioned, logged bucket that refuses plain HTTP and tells EventBridge', () => {
    const [, bucket] = resources('AWS::S3::Bucket').find(([id]) => id === bucketId()) ?? [];
    expect(bucket?.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: expect.anything() }, BucketKeyEnabled: true },
        ],
      },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: expect.anything() },
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId() },
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      }),
    });
    template.hasResourceProperties('Custom::S3BucketNotifications', { NotificationConfiguration: { EventBridgeConfiguration: {} } });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { bucket: { name: [{ Ref: bucketId() }] }, object: { key: [{ prefix: 'incoming/' }] } },
      },
    });
  });

  it('files with a Distributed Map reading the normalized CSV (ItemReader), in batches (ItemBatcher), results to S3 (ResultWriter); runs locally as it is', () => {
    const feed = extractWorkflows(json)['medical-feed'];
    expect(() => assertLocallyRunnable(feed.definition)).not.toThrow();
    const states = feed.definition.States as Record<string, Record<string, unknown>>;
    expect(feed.definition.StartAt).toBe(MEDICAL_FEED_STATE.prepare);
    expect(states[MEDICAL_FEED_STATE.prepare]?.Catch).toEqual([
      { ErrorEquals: ['FeedRefused'], ResultPath: '$.error', Next: MEDICAL_FEED_STATE.refused },
    ]);
    expect(states[MEDICAL_FEED_STATE.fileRows]).toMatchObject({
      Type: 'Map',
      Label: MEDICAL_FEED_MAP_RUN_LABEL,
      ItemReader: {
        Resource: 'arn:aws:states:::s3:getObject',
        ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' },
        Parameters: { Bucket: bucketId(), 'Key.$': '$.key' },
      },
      ItemBatcher: { MaxItemsPerBatch: MEDICAL_FEED_BATCH_ROWS, BatchInput: { 'feedId.$': '$.feedId', 'schemeId.$': '$.schemeId' } },
      ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: bucketId(), Prefix: 'results' } },
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: MEDICAL_FEED_STATE.fileBatch },
    });
    // A batch cut off by its Lambda's timeout runs again (rows are idempotent) instead of failing the feed.
    const batchState = (
      states[MEDICAL_FEED_STATE.fileRows] as { ItemProcessor: { States: Record<string, { Retry?: Array<{ ErrorEquals: string[] }> }> } }
    ).ItemProcessor.States[MEDICAL_FEED_STATE.fileBatch];
    expect(batchState?.Retry?.map((r) => r.ErrorEquals)).toContainEqual(['Sandbox.Timedout', 'TimeoutError']);
    expect(feed.taskModules).toMatchObject({
      [MEDICAL_FEED_STATE.prepare]: 'functions/steps/medical-feed-prepare.ts',
      [MEDICAL_FEED_STATE.fileBatch]: 'functions/steps/medical-feed-batch.ts',
      [MEDICAL_FEED_STATE.settle]: 'functions/steps/medical-feed-settle.ts',
    });
    // Partition-safe: the template's definition builds every ARN from AWS::Partition (China regions).
    const [, machine] = resources('AWS::StepFunctions::StateMachine').find(([, r]) => r.Metadata?.['fangpin:workflow'] === 'medical-feed') ?? [];
    expect(JSON.stringify(machine?.Properties.DefinitionString)).not.toContain('arn:aws:');
  });

  it('least privilege: the API writes uploads/ and starts feeds; prepare reads what arrives and writes normalized/', () => {
    const s3Resources = (entry: string, action: string) =>
      statementsOf(entry)
        .filter((st) => [st.Action].flat().some((a) => a === action || (a.endsWith('*') && action.startsWith(a.slice(0, -1)))))
        .flatMap((st) => [st.Resource].flat())
        .map((r) => JSON.stringify(r))
        .filter((r) => r.includes(bucketId()));
    expect(s3Resources('functions/api/medical-feeds.ts', 's3:PutObject').join()).toContain('/uploads/*');
    expect(s3Resources('functions/api/medical-feeds.ts', 's3:GetObject')).toEqual([]);
    expect(s3Resources('functions/steps/medical-feed-prepare.ts', 's3:GetObject').join()).toMatch(/incoming\/\*.*uploads\/\*/);
    expect(s3Resources('functions/steps/medical-feed-prepare.ts', 's3:PutObject').join()).toContain('/normalized/*');
    expect(s3Resources('functions/steps/medical-feed-batch.ts', 's3:GetObject')).toEqual([]);
    const starts = statementsOf('functions/api/medical-feeds.ts').filter((st) => [st.Action].flat().includes('states:StartExecution'));
    expect(JSON.stringify(starts)).toContain('MedicalFeedStateMachine');
  });
});

describe('webhook dispatcher', () => {
  it('runs every minute with the timeout its rounds budget against (WEBHOOK_DISPATCH_TIMEOUT_SECONDS)', () => {
    const [, fn] = resources('AWS::Lambda::Function').find(([, r]) => r.Metadata?.[HANDLER_METADATA] === 'functions/steps/webhook-dispatch.ts') ?? [];
    expect(fn?.Properties.Timeout).toBe(WEBHOOK_DISPATCH_TIMEOUT_SECONDS);
    // A round stops taking work 15 s before its deadline: the timeout must leave it most of a minute to work in.
    expect(WEBHOOK_DISPATCH_TIMEOUT_SECONDS).toBeGreaterThanOrEqual(45);
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' });
  });
});

describe('operations: alarms, topic, schedule, dashboard', () => {
  type Alarm = {
    Properties: {
      MetricName?: string;
      Namespace?: string;
      Dimensions?: Array<{ Name: string; Value: unknown }>;
      Metrics?: Array<{ Id: string; MetricStat?: { Metric: { MetricName: string; Dimensions: Array<{ Name: string; Value: unknown }> } } }>;
      AlarmActions: unknown[];
      Threshold: number;
      ComparisonOperator: string;
      TreatMissingData?: string;
    };
  };
  const alarms = () => resources('AWS::CloudWatch::Alarm') as unknown as Array<[string, Alarm]>;
  const topicId = () => resources('AWS::SNS::Topic')[0]?.[0];
  const fnLogicalId = (entry: string) => resources('AWS::Lambda::Function').find(([, r]) => r.Metadata?.[HANDLER_METADATA] === entry)?.[0];

  it('one KMS-encrypted topic that refuses publishing without TLS, and no subscription unless fangpin:alarmEmail is set', () => {
    const topics = resources('AWS::SNS::Topic');
    expect(topics).toHaveLength(1);
    expect(topics[0]?.[1].Properties.KmsMasterKeyId).toBeDefined();
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      }),
    });
    template.resourceCountIs('AWS::SNS::Subscription', 0);
    // CloudWatch may use the key, or encrypted alarm notifications would never be delivered.
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] }),
        ]),
      }),
    });
  });

  it('every alarm notifies the topic', () => {
    expect(alarms().length).toBeGreaterThan(0);
    for (const [id, a] of alarms()) expect(a.Properties.AlarmActions, id).toEqual([{ Ref: topicId() }]);
  });

  it('executions failed, timed out or aborted, on every state machine (claims, index fan-out, monitoring run, medical feed)', () => {
    const machines = resources('AWS::StepFunctions::StateMachine').map(([id]) => id);
    expect(machines).toHaveLength(4);
    for (const machine of machines) {
      const watching = alarms().filter(([, a]) => JSON.stringify(a.Properties.Metrics ?? []).includes(`"${machine}"`));
      expect(watching, machine).toHaveLength(1);
      const names = (watching[0]?.[1].Properties.Metrics ?? []).flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric.MetricName] : [])).sort();
      expect(names, machine).toEqual(['ExecutionsAborted', 'ExecutionsFailed', 'ExecutionsTimedOut']);
      expect(watching[0]?.[1].Properties.Threshold).toBe(1);
    }
  });

  it('errors and throttles of every function, the webhook dispatcher errors under their own name', () => {
    const fns = resources('AWS::Lambda::Function').filter(([, r]) => r.Metadata?.[HANDLER_METADATA]);
    expect(fns.length).toBeGreaterThan(API_MODULES.length); // every step, API module and scheduled function
    for (const [fnId] of fns) {
      for (const metric of ['Errors', 'Throttles']) {
        const found = alarms().filter(
          ([, a]) =>
            a.Properties.Namespace === 'AWS/Lambda' &&
            a.Properties.MetricName === metric &&
            JSON.stringify(a.Properties.Dimensions) === JSON.stringify([{ Name: 'FunctionName', Value: { Ref: fnId } }]),
        );
        expect(found, `${fnId} ${metric}`).toHaveLength(1);
      }
    }
    const dispatcher = fnLogicalId('functions/steps/webhook-dispatch.ts');
    const [dispatchAlarm] = alarms().find(([id]) => id.startsWith('OperationsWebhookDispatcherErrors')) ?? [];
    expect(dispatchAlarm).toBeDefined();
    expect(JSON.stringify(alarms().find(([id]) => id === dispatchAlarm)?.[1].Properties.Dimensions)).toContain(`"${dispatcher}"`);
  });

  it('one alarm per attention kind on the count the scheduled function publishes, and one if it stops publishing', () => {
    for (const kind of ATTENTION_KINDS) {
      const found = alarms().filter(
        ([, a]) =>
          a.Properties.Namespace === OPS_METRICS_NAMESPACE &&
          a.Properties.MetricName === ATTENTION_METRIC[kind] &&
          a.Properties.ComparisonOperator === 'GreaterThanOrEqualToThreshold',
      );
      expect(found, kind).toHaveLength(1);
      expect(found[0]?.[1].Properties).toMatchObject({ Threshold: 1, Dimensions: [{ Name: 'service', Value: OPS_METRICS_SERVICE }] });
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: OPS_METRICS_NAMESPACE,
      Statistic: 'SampleCount',
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
    // The reviews alarm watches the list computed with the configured number of days (3 by default).
    for (const entry of ['functions/api/ops.ts', 'functions/ops/attention-metrics.ts']) {
      const [, fn] = resources('AWS::Lambda::Function').find(([, r]) => r.Metadata?.[HANDLER_METADATA] === entry) ?? [];
      expect((fn!.Properties.Environment as { Variables: Record<string, unknown> }).Variables.FANGPIN_REVIEW_ALARM_DAYS, entry).toBe('3');
    }
  });

  it('the attention check runs every 5 minutes', () => {
    template.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(5 minutes)',
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [fnLogicalId('functions/ops/attention-metrics.ts'), 'Arn'] } })],
    });
  });

  it('a dashboard with the attention counts, the executions and every function', () => {
    const dashboards = resources('AWS::CloudWatch::Dashboard');
    expect(dashboards).toHaveLength(1);
    const body = JSON.stringify(dashboards[0]?.[1].Properties.DashboardBody);
    for (const kind of ATTENTION_KINDS) expect(body).toContain(ATTENTION_METRIC[kind]);
    for (const m of ['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted', 'Errors', 'Throttles']) expect(body).toContain(m);
    for (const [fnId] of resources('AWS::Lambda::Function').filter(([, r]) => r.Metadata?.[HANDLER_METADATA])) expect(body).toContain(fnId);
  });

  it('the attention readers may only Query the byStatus index and the webhooks table, and describe claim executions', () => {
    const claimsTable = resources('AWS::DynamoDB::GlobalTable').find(([id]) => id.startsWith('Tableclaims'))?.[0];
    const webhooksTable = resources('AWS::DynamoDB::GlobalTable').find(([id]) => id.startsWith('Tablewebhooks'))?.[0];
    for (const entry of ['functions/api/ops.ts', 'functions/ops/attention-metrics.ts']) {
      const statements = statementsOf(entry).filter((s) => /dynamodb:|states:/.test(JSON.stringify(s.Action)));
      expect(statements.map((s) => s.Action).sort(), entry).toEqual(['dynamodb:Query', 'states:DescribeExecution']);
      const query = JSON.stringify(statements.find((s) => s.Action === 'dynamodb:Query')?.Resource);
      expect(query).toContain(claimsTable);
      expect(query).toContain('/index/byStatus');
      expect(query).toContain(webhooksTable);
      expect(query).not.toContain('*');
      expect(JSON.stringify(statements.find((s) => s.Action === 'states:DescribeExecution')?.Resource)).toContain(':execution:fangpin-claims:*');
    }
  });
});

describe('CDK context for operations', () => {
  const synth = (context: Record<string, unknown>) =>
    Template.fromStack(buildApp({ context: { 'aws:cdk:bundling-stacks': [], ...context }, builtinCloudFormationValidation: false }).stack);

  it('fangpin:alarmEmail subscribes that address; fangpin:reviewAlarmDays reaches the attention readers', () => {
    const t = synth({ 'fangpin:alarmEmail': 'ops@example.org', 'fangpin:reviewAlarmDays': '7' });
    t.resourceCountIs('AWS::SNS::Subscription', 1);
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.org' });
    for (const entry of ['functions/api/ops.ts', 'functions/ops/attention-metrics.ts']) {
      const [, fn] =
        Object.entries(t.findResources('AWS::Lambda::Function')).find(([, r]) => (r as Res).Metadata?.[HANDLER_METADATA] === entry) ?? [];
      expect((fn as Res).Properties.Environment, entry).toMatchObject({ Variables: { FANGPIN_REVIEW_ALARM_DAYS: '7' } });
    }
  });

  it('refuses a bad address or number of days at synth', () => {
    expect(() => synth({ 'fangpin:alarmEmail': 'not-an-address' })).toThrow(/alarmEmail/);
    expect(() => synth({ 'fangpin:reviewAlarmDays': '0' })).toThrow(/reviewAlarmDays/);
    expect(() => synth({ 'fangpin:reviewAlarmDays': 'three' })).toThrow(/reviewAlarmDays/);
  });

  it('fangpin:retiredClaimIndexes keeps the first N retired search indexes on the claims table, for a stepwise upgrade', () => {
    const claimsIndexes = (t: Template) => {
      const [, table] = Object.entries(t.findResources('AWS::DynamoDB::GlobalTable')).find(([id]) => /^Tableclaims[0-9A-F]{8}$/.test(id)) ?? [];
      return ((table as Res).Properties.GlobalSecondaryIndexes as Array<{ IndexName: string }>).map((g) => g.IndexName).sort();
    };
    const own = tableSpec('claims').indexes.map((i) => i.indexName);
    expect(claimsIndexes(synth({ 'fangpin:retiredClaimIndexes': '3' }))).toEqual([...own, 'byHousehold', 'byScheme', 'bySchemeCounty'].sort());
    expect(claimsIndexes(synth({ 'fangpin:retiredClaimIndexes': '0' }))).toEqual([...own].sort());
    expect(() => synth({ 'fangpin:retiredClaimIndexes': '6' })).toThrow(/retiredClaimIndexes/);
    expect(() => synth({ 'fangpin:retiredClaimIndexes': 'all' })).toThrow(/retiredClaimIndexes/);
  });

  it('synthesizes for AWS China (cn-northwest-1) with every ARN through the partition', () => {
    const saved = { region: process.env.CDK_DEFAULT_REGION, account: process.env.CDK_DEFAULT_ACCOUNT };
    Object.assign(process.env, { CDK_DEFAULT_REGION: 'cn-northwest-1', CDK_DEFAULT_ACCOUNT: '123456789012' });
    try {
      const text = JSON.stringify(synth({ 'fangpin:alarmEmail': 'ops@example.org' }).toJSON());
      expect(text).not.toContain('arn:aws:');
      expect(text).toContain('cn-northwest-1');
    } finally {
      for (const [k, v] of [
        ['CDK_DEFAULT_REGION', saved.region],
        ['CDK_DEFAULT_ACCOUNT', saved.account],
      ] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });
});

describe('Lambda environment', () => {
  it('every variable the stack sets is one functions/shared/config.ts defines (a setting or wiring), and its literal values parse', () => {
    const known = new Set([...Object.keys(SETTINGS), ...Object.keys(WIRING), 'NODE_OPTIONS' /* Node's own */]);
    const fns = resources('AWS::Lambda::Function').filter(([, f]) => f.Metadata?.[HANDLER_METADATA]);
    expect(fns.length).toBeGreaterThan(10);
    for (const [id, fn] of fns) {
      const vars = (fn.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
      expect(
        Object.keys(vars).filter((k) => !known.has(k)),
        id,
      ).toEqual([]);
      const literals = Object.fromEntries(Object.entries(vars).filter((e): e is [string, string] => typeof e[1] === 'string'));
      expect(() => checkSettings(literals), id).not.toThrow();
    }
    // Each table's variable reaches the functions bound to it: the names the module reads are the names set.
    const set = new Set(fns.flatMap(([, fn]) => Object.keys((fn.Properties.Environment as { Variables?: object } | undefined)?.Variables ?? {})));
    for (const t of TABLES) expect(set.has(t.envVar), t.envVar).toBe(true);
    for (const name of [
      'STATE_MACHINE_ARN',
      'INDEX_FANOUT_STATE_MACHINE_ARN',
      'MONITORING_STATE_MACHINE_ARN',
      'MEDICAL_FEED_STATE_MACHINE_ARN',
      'MEDICAL_FEED_BUCKET',
      'EVIDENCE_BUCKET',
      'ID_HASH_SECRET_ARN',
      'FANGPIN_SCHEMES_DIR',
    ])
      expect(set.has(name), name).toBe(true);
  });
});

describe('Choice outcome words', () => {
  it('every Choice of the claim workflow branches on $.outcome with words the steps answer (functions/shared/workflow-contract.ts), and each answerable word that changes the path has a branch', () => {
    const states = workflow.definition.States as Record<string, { Type: string; Choices?: Array<{ Variable: string; StringEquals: string }> }>;
    const choices = Object.entries(states).filter(([, s]) => s.Type === 'Choice');
    expect(choices.map(([name]) => name).sort()).toEqual([STATE.eligible, STATE.finalReviewDecision, STATE.reviewDecision, STATE.route].sort());
    const words = (name: string) =>
      states[name]!.Choices!.map((c) => {
        expect(c.Variable).toBe('$.outcome');
        return c.StringEquals;
      }).sort();
    expect(words(STATE.eligible)).toEqual([ELIGIBILITY_OUTCOME.rejected]);
    expect(words(STATE.route)).toEqual([ROUTE_OUTCOME.noPayout, ROUTE_OUTCOME.rejected, ROUTE_OUTCOME.review].sort());
    expect(words(STATE.reviewDecision)).toEqual([REVIEW_OUTCOME.approved, REVIEW_OUTCOME.recommended, REVIEW_OUTCOME.returned].sort());
    expect(words(STATE.finalReviewDecision)).toEqual([REVIEW_OUTCOME.approved, REVIEW_OUTCOME.returned].sort());
  });
});
