/**
 * The fangpin stack: tables (from functions/shared/tables.ts), one Lambda per workflow step and per API module,
 * the claim workflow, the HTTP API (routes from functions/api/routes.ts) behind a JWT authorizer, and the key
 * for hashing identity numbers. Each function gets only the tables and actions it uses.
 */
import { ArnFormat, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import { AttributeType, Billing, ProjectionType, TableEncryptionV2, TableV2, type Attribute } from 'aws-cdk-lib/aws-dynamodb';
import { CorsHttpMethod, HttpApi, HttpMethod, type CfnStage, type CfnApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { CfnStateMachine, StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { Construct } from 'constructs';
import { RETIRED_CLAIM_INDEXES, TABLES, tableSpec, type KeyAttr, type TableId } from '../functions/shared/tables.js';
import { API_MODULES, ROUTES, type ApiModule } from '../functions/api/routes.js';
import { FangpinFunction } from './lambda.js';
import { ClaimWorkflow } from './claim-workflow.js';
import { IndexEventWorkflow } from './index-event-workflow.js';
import { MonitoringWorkflow } from './monitoring-workflow.js';
import { MedicalFeed } from './medical-feed.js';
import { FANOUT_MAP_RUN_LABEL, WEBHOOK_DISPATCH_TIMEOUT_SECONDS, WORKFLOW_METADATA, type WorkflowId } from './workflow-names.js';
import { acknowledgeNag, nagEnv } from './nag.js';
import { Operations } from './operations.js';
import { ConsoleHosting, type ConsoleHostingProps } from './console-hosting.js';
import { Evidence } from './evidence.js';
import { DEFAULT_THRESHOLDS } from '../core/attention.js';

export interface FangpinStackProps extends StackProps {
  readonly jwtIssuer: string;
  readonly jwtAudience: string[];
  readonly stateMachineName?: string;
  /** Alarm notifications go to this address (CDK context `fangpin:alarmEmail`); none when unset. */
  readonly alarmEmail?: string;
  /** A review waiting longer than this many days is on the attention list and alarms (`fangpin:reviewAlarmDays`). */
  readonly reviewAlarmDays?: number;
  /** How long a returned claim waits for its amendment, in seconds (`fangpin:returnTimeoutSeconds`; default 30 days). */
  readonly returnTimeoutSeconds?: number;
  /**
   * How many of the claims table's retired search indexes to keep (`fangpin:retiredClaimIndexes`, 0–5; default 0):
   * only while upgrading a stack deployed before table claimKeys, one index fewer a deploy (docs/deploy.md).
   */
  readonly retiredClaimIndexes?: number;
  /** The web console's hosting (lib/console-hosting.ts): OIDC client id, alternate domain and its certificate. */
  readonly console?: Pick<ConsoleHostingProps, 'clientId' | 'domain' | 'certificateId' | 'certificateArn'>;
}

const attr = (k: KeyAttr): Attribute => ({ name: k.name, type: k.type === 'N' ? AttributeType.NUMBER : AttributeType.STRING });

/** Tags a state machine's template resource so the embedded runtime can tell the workflows apart. */
function markWorkflow(sm: StateMachine, id: WorkflowId): void {
  (sm.node.defaultChild as CfnStateMachine).addMetadata(WORKFLOW_METADATA, id);
}

export class FangpinStack extends Stack {
  constructor(scope: Construct, id: string, props: FangpinStackProps) {
    super(scope, id, props);
    const stateMachineName = props.stateMachineName ?? 'fangpin-claims';

    const tables = Object.fromEntries(
      TABLES.map((spec) => [
        spec.id,
        new TableV2(this, `Table-${spec.id}`, {
          partitionKey: attr(spec.partitionKey),
          sortKey: spec.sortKey ? attr(spec.sortKey) : undefined,
          billing: Billing.onDemand(),
          pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
          encryption: TableEncryptionV2.awsManagedKey(),
          deletionProtection: true,
          removalPolicy: RemovalPolicy.RETAIN,
          timeToLiveAttribute: spec.ttlAttribute,
          // An upgrade keeps the claims table's first N retired indexes, N stepping down by one a deploy (tables.ts).
          globalSecondaryIndexes: [
            ...spec.indexes,
            ...(spec.id === 'claims' ? RETIRED_CLAIM_INDEXES.slice(0, props.retiredClaimIndexes ?? 0) : []),
          ].map((i) => ({
            indexName: i.indexName,
            partitionKey: attr(i.partitionKey),
            sortKey: i.sortKey ? attr(i.sortKey) : undefined,
            ...(i.include ? { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...i.include] } : {}),
          })),
        }),
      ]),
    ) as Record<TableId, TableV2>;

    const step = (name: string, file: string, timeout?: Duration) =>
      new FangpinFunction(this, name, { entry: `functions/steps/${file}.ts`, timeout });
    const intake = step('Intake', 'intake').bind('claims', tables.claims, 'readwrite').bind('audit', tables.audit, 'append');
    // A decision keeps the household's monitoring entry (monitoring table) and may open a warning on the registry
    // entry (functions/shared/monitoring-repo.ts): eligibility, assessment, RecordFailure and the claims API.
    const eligibility = step('Eligibility', 'eligibility')
      .bind('claims', tables.claims, 'readwrite')
      .bind('registry', tables.registry, 'readwrite')
      .bind('monitoring', tables.monitoring, 'readwrite')
      .bind('accumulators', tables.accumulators, 'read')
      .bind('reports', tables.reports, 'readwrite') // the report totals move with a rejection
      .bind('audit', tables.audit, 'append');
    const assessment = step('Assessment', 'assessment')
      .bind('claims', tables.claims, 'readwrite')
      .bind('claimKeys', tables.claimKeys, 'write') // a county the claim was not filed with (claim-keys-repo.ts)
      .bind('registry', tables.registry, 'readwrite')
      .bind('monitoring', tables.monitoring, 'readwrite')
      .bind('accumulators', tables.accumulators, 'readwrite')
      .bind('reports', tables.reports, 'readwrite')
      .bind('audit', tables.audit, 'append');
    const reviewRequest = step('ReviewRequest', 'review-request')
      .bind('claims', tables.claims, 'readwrite')
      .bind('reports', tables.reports, 'readwrite')
      .bind('audit', tables.audit, 'append'); // reports: an expired return moves the totals
    // Every step that moves a claim also moves the report totals (reports table, functions/shared/report-aggregates.ts).
    const split = step('Split', 'split')
      .bind('claims', tables.claims, 'readwrite')
      .bind('reports', tables.reports, 'readwrite')
      .bind('audit', tables.audit, 'append');
    const payout = step('Payout', 'payout')
      .bind('claims', tables.claims, 'readwrite')
      .bind('settlements', tables.settlements, 'readwrite')
      .bind('webhooks', tables.webhooks, 'readwrite')
      .bind('reports', tables.reports, 'readwrite')
      .bind('audit', tables.audit, 'append');
    const recordFailure = step('RecordFailure', 'record-failure')
      .bind('claims', tables.claims, 'readwrite')
      .bind('registry', tables.registry, 'readwrite')
      .bind('monitoring', tables.monitoring, 'readwrite')
      .bind('reports', tables.reports, 'readwrite')
      .bind('audit', tables.audit, 'append');
    const dispatch = step('WebhookDispatch', 'webhook-dispatch', Duration.seconds(WEBHOOK_DISPATCH_TIMEOUT_SECONDS)).bind(
      'webhooks',
      tables.webhooks,
      'readwrite',
    );
    dispatch.fn.addEnvironment('FANGPIN_WEBHOOK_RETRY_SCHEDULE', '5,300,1800,7200,18000,36000,36000');
    new Rule(this, 'WebhookSchedule', { schedule: Schedule.rate(Duration.minutes(1)), targets: [new LambdaFunction(dispatch.fn)] });

    const workflow = new ClaimWorkflow(this, 'ClaimWorkflow', {
      stateMachineName,
      intake: intake.fn,
      eligibility: eligibility.fn,
      assessment: assessment.fn,
      reviewRequest: reviewRequest.fn,
      split: split.fn,
      payout: payout.fn,
      recordFailure: recordFailure.fn,
      returnTimeout: props.returnTimeoutSeconds === undefined ? undefined : Duration.seconds(props.returnTimeoutSeconds),
    });
    const sm = workflow.stateMachine;
    markWorkflow(sm, 'claims');

    // Index events: the fan-out files claims (claims, audit, registry read) and starts their claim executions.
    const fanoutName = `${stateMachineName}-index-fanout`;
    const fanout = step('IndexFanout', 'index-fanout')
      .bind('indexEvents', tables.indexEvents, 'readwrite')
      .bind('registry', tables.registry, 'read')
      .bind('claims', tables.claims, 'readwrite')
      .bind('claimKeys', tables.claimKeys, 'write')
      .bind('reports', tables.reports, 'readwrite')
      .bind('audit', tables.audit, 'append');
    fanout.fn.addEnvironment('STATE_MACHINE_ARN', sm.stateMachineArn);
    sm.grantStartExecution(fanout.fn);
    const fanoutWorkflow = new IndexEventWorkflow(this, 'IndexEventWorkflow', { stateMachineName: fanoutName, fanout: fanout.fn });
    markWorkflow(fanoutWorkflow.stateMachine, 'index-fanout');
    // The review step replays a stored decision after a redrive; the ARN is built from the fixed name to avoid a
    // dependency cycle (the state machine already depends on this function).
    const smArn = this.formatArn({
      service: 'states',
      resource: 'stateMachine',
      resourceName: stateMachineName,
      arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    reviewRequest.fn.addToRolePolicy(new PolicyStatement({ actions: ['states:SendTaskSuccess'], resources: [smArn] }));

    const idHashKey = new Secret(this, 'IdHashKey', {
      description: 'HMAC key for identity numbers (keyed hash for look-up; raw numbers are never stored outside the registry input)',
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });
    acknowledgeNag(
      idHashKey,
      'SMG4',
      'An HMAC key for identity look-ups: rotating it would orphan every stored hash, so it is re-keyed with the registry on purpose, never automatically.',
    );

    const api = (module: ApiModule) =>
      new FangpinFunction(this, `Api-${module}`, { entry: `functions/api/${module}.ts`, timeout: Duration.seconds(29) });
    const apis: Record<ApiModule, FangpinFunction> = Object.fromEntries(API_MODULES.map((m) => [m, api(m)])) as Record<ApiModule, FangpinFunction>;
    apis.claims
      .bind('claims', tables.claims, 'readwrite')
      .bind('claimKeys', tables.claimKeys, 'readwrite') // written when a claim is filed, read by the listing
      .bind('registry', tables.registry, 'readwrite')
      .bind('monitoring', tables.monitoring, 'readwrite')
      .bind('idempotency', tables.idempotency, 'readwrite')
      .bind('settlements', tables.settlements, 'read')
      .bind('reports', tables.reports, 'readwrite')
      .bind('auditSamples', tables.auditSamples, 'write') // an objection to a paid claim marks it for the next audit sample
      .bind('audit', tables.audit, 'append');
    tables.audit.grantReadData(apis.claims.fn);
    apis.claims.fn.addEnvironment('STATE_MACHINE_ARN', sm.stateMachineArn);
    sm.grantStartExecution(apis.claims.fn);
    sm.grantTaskResponse(apis.claims.fn);
    // Executions are named per claim, so reading the history of any claim means `execution:<machine>:*`.
    apis.claims.fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['states:DescribeExecution', 'states:GetExecutionHistory'],
        resources: [
          this.formatArn({
            service: 'states',
            resource: 'execution',
            resourceName: `${stateMachineName}:*`,
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        ],
      }),
    );
    const { region, account } = nagEnv(this);
    acknowledgeNag(
      apis.claims.fn.role ?? apis.claims.fn,
      `IAM5[Resource::arn:<AWS::Partition>:states:${region}:${account}:execution:${stateMachineName}:*]`,
      'Auditors read the history of any claim; the wildcard is the execution name within this one state machine.',
    );
    apis.households
      .bind('registry', tables.registry, 'readwrite')
      .bind('identityLookup', tables.identityLookup, 'readwrite')
      .bind('reports', tables.reports, 'readwrite')
      .bind('audit', tables.audit, 'append');
    idHashKey.grantRead(apis.households.fn);
    apis.households.fn.addEnvironment('ID_HASH_SECRET_ARN', idHashKey.secretArn);
    apis.settlements
      .bind('settlements', tables.settlements, 'readwrite')
      .bind('claims', tables.claims, 'readwrite')
      .bind('reports', tables.reports, 'readwrite')
      .bind('audit', tables.audit, 'append');
    apis.webhooks.bind('webhooks', tables.webhooks, 'readwrite');
    // The report reads its running totals only (report-aggregates.ts), never the claims or the registry.
    apis.reports.bind('reports', tables.reports, 'read');
    // The public notice reads approved claims (index approvedByScheme) and the registry, for masked names only.
    apis.reports.bind('claims', tables.claims, 'read').bind('registry', tables.registry, 'read');
    // Audit samples: the paid claims of a period (index approvedByScheme), the samples and markers, their chains.
    apis['audit-samples']
      .bind('claims', tables.claims, 'read')
      .bind('auditSamples', tables.auditSamples, 'readwrite')
      .bind('audit', tables.audit, 'append');
    tables.audit.grantReadData(apis['audit-samples'].fn);
    apis['index-events']
      .bind('indexEvents', tables.indexEvents, 'readwrite')
      .bind('claims', tables.claims, 'read')
      .bind('claimKeys', tables.claimKeys, 'read') // the event's claims (index byIndexEvent)
      .bind('audit', tables.audit, 'append');
    apis['index-events'].fn.addEnvironment('INDEX_FANOUT_STATE_MACHINE_ARN', fanoutWorkflow.stateMachine.stateMachineArn);
    fanoutWorkflow.stateMachine.grantStartExecution(apis['index-events'].fn);
    // Auditors read a fan-out's history: its execution (named after the event), its map runs, and the slice
    // executions of each run (`<fan-out machine>/Slice:<id>`). Names are fixed, so no dependency on the machine.
    const fanoutArn = (resource: 'execution' | 'mapRun', name: string) =>
      this.formatArn({ service: 'states', resource, resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    const sliceName = `${fanoutName}/${FANOUT_MAP_RUN_LABEL}`;
    apis['index-events'].fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['states:DescribeExecution', 'states:GetExecutionHistory', 'states:ListMapRuns'],
        resources: [fanoutArn('execution', `${fanoutName}:*`)],
      }),
    );
    apis['index-events'].fn.addToRolePolicy(
      new PolicyStatement({ actions: ['states:DescribeExecution'], resources: [fanoutArn('execution', `${sliceName}:*`)] }),
    );
    apis['index-events'].fn.addToRolePolicy(
      new PolicyStatement({ actions: ['states:ListExecutions'], resources: [fanoutArn('mapRun', `${sliceName}:*`)] }),
    );
    for (const [resource, name] of [
      ['execution', `${fanoutName}:*`],
      ['execution', `${sliceName}:*`],
      ['mapRun', `${sliceName}:*`],
    ] as const) {
      acknowledgeNag(
        apis['index-events'].fn.role ?? apis['index-events'].fn,
        `IAM5[Resource::arn:<AWS::Partition>:states:${region}:${account}:${resource}:${name}]`,
        'Auditors read the fan-out of any index event: the wildcard is the event (or generated slice / map run id) within this one fan-out state machine.',
      );
    }
    // The medical bureau's feed (lib/medical-feed.ts): the prepare step reads what arrives and writes the
    // normalized file, the batch step matches people (identity hashes) and files claims, the settle step closes the feed.
    const feedName = `${stateMachineName}-medical-feed`;
    const prepareFeed = step('MedicalFeedPrepare', 'medical-feed-prepare', Duration.minutes(5))
      .bind('medicalFeeds', tables.medicalFeeds, 'readwrite')
      .bind('audit', tables.audit, 'append');
    const fileFeedBatch = step('MedicalFeedBatch', 'medical-feed-batch', Duration.minutes(2))
      .bind('medicalFeeds', tables.medicalFeeds, 'readwrite')
      .bind('identityLookup', tables.identityLookup, 'read')
      .bind('registry', tables.registry, 'read')
      .bind('claims', tables.claims, 'readwrite')
      .bind('claimKeys', tables.claimKeys, 'write')
      .bind('reports', tables.reports, 'readwrite')
      .bind('audit', tables.audit, 'append');
    fileFeedBatch.fn.addEnvironment('STATE_MACHINE_ARN', sm.stateMachineArn);
    idHashKey.grantRead(fileFeedBatch.fn); // identity numbers are looked up by their keyed hash
    fileFeedBatch.fn.addEnvironment('ID_HASH_SECRET_ARN', idHashKey.secretArn);
    sm.grantStartExecution(fileFeedBatch.fn);
    const settleFeed = step('MedicalFeedSettle', 'medical-feed-settle', Duration.minutes(2))
      .bind('medicalFeeds', tables.medicalFeeds, 'readwrite')
      .bind('claims', tables.claims, 'read')
      .bind('audit', tables.audit, 'append');
    const medicalFeed = new MedicalFeed(this, 'MedicalFeed', {
      stateMachineName: feedName,
      prepare: prepareFeed.fn,
      fileBatch: fileFeedBatch.fn,
      settle: settleFeed.fn,
    });
    markWorkflow(medicalFeed.stateMachine, 'medical-feed');
    // Each function gets the keys it uses: prepare reads what arrives and writes normalized/, the API writes uploads/.
    for (const f of [prepareFeed, apis['medical-feeds']]) f.fn.addEnvironment('MEDICAL_FEED_BUCKET', medicalFeed.bucket.bucketName);
    medicalFeed.bucket.grantRead(prepareFeed.fn, 'incoming/*');
    medicalFeed.bucket.grantRead(prepareFeed.fn, 'uploads/*');
    medicalFeed.bucket.grantPut(prepareFeed.fn, 'normalized/*');
    medicalFeed.bucket.grantPut(apis['medical-feeds'].fn, 'uploads/*');
    const bucketId = this.getLogicalId(medicalFeed.bucket.node.defaultChild as CfnBucket);
    for (const [f, prefixes] of [
      [prepareFeed, ['incoming', 'uploads', 'normalized']],
      [apis['medical-feeds'], ['uploads']],
    ] as const) {
      for (const prefix of prefixes)
        acknowledgeNag(
          f.fn.role ?? f.fn,
          `IAM5[Resource::<${bucketId}.Arn>/${prefix}/*]`,
          `Feed files under ${prefix}/ of the feed bucket: one object per file, named by the sender or by the feed id.`,
        );
      for (const action of ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:Abort*', 'kms:GenerateDataKey*', 'kms:ReEncrypt*']) {
        acknowledgeNag(
          f.fn.role ?? f.fn,
          `IAM5[Action::${action}]`,
          "CDK's read/put grants on the feed bucket and its KMS key: S3 object reads and writes, and the key uses they need, on that bucket and key only.",
        );
      }
    }
    apis['medical-feeds']
      .bind('medicalFeeds', tables.medicalFeeds, 'readwrite')
      .bind('claims', tables.claims, 'read')
      .bind('audit', tables.audit, 'append');
    apis['medical-feeds'].fn.addEnvironment('MEDICAL_FEED_STATE_MACHINE_ARN', medicalFeed.stateMachine.stateMachineArn);
    medicalFeed.stateMachine.grantStartExecution(apis['medical-feeds'].fn);
    // The progress view shows the feed's latest execution, and a redrive checks it ended without succeeding:
    // DescribeExecution on this machine's executions (named after the feed, `<feedId>-r<n>` when redriven).
    apis['medical-feeds'].fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['states:DescribeExecution'],
        resources: [
          this.formatArn({ service: 'states', resource: 'execution', resourceName: `${feedName}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
        ],
      }),
    );
    acknowledgeNag(
      apis['medical-feeds'].fn.role ?? apis['medical-feeds'].fn,
      `IAM5[Resource::arn:<AWS::Partition>:states:${region}:${account}:execution:${feedName}:*]`,
      "The feed's progress and redrive read its latest execution's status; the wildcard is the execution name (the feed id) within this one feed state machine.",
    );

    // The console draws executions on the claim state machine's graph (functions/api/workflows.ts): its definition only.
    apis.workflows.fn.addEnvironment('STATE_MACHINE_ARN', sm.stateMachineArn);
    apis.workflows.fn.addToRolePolicy(new PolicyStatement({ actions: ['states:DescribeStateMachine'], resources: [sm.stateMachineArn] }));
    // Monitoring runs: the API starts a run's execution and reads its progress; the run's Lambda pages the registry
    // slices and opens warnings (registry, its household chains, the run's progress item in the monitoring table).
    const monitoringName = `${stateMachineName}-monitoring`;
    const monitoringRun = step('MonitoringRun', 'monitoring-run')
      .bind('registry', tables.registry, 'readwrite')
      .bind('monitoring', tables.monitoring, 'readwrite')
      .bind('audit', tables.audit, 'append');
    const monitoringWorkflow = new MonitoringWorkflow(this, 'MonitoringWorkflow', { stateMachineName: monitoringName, run: monitoringRun.fn });
    markWorkflow(monitoringWorkflow.stateMachine, 'monitoring');
    apis.monitoring
      .bind('registry', tables.registry, 'readwrite')
      .bind('monitoring', tables.monitoring, 'readwrite')
      .bind('audit', tables.audit, 'append');
    apis.monitoring.fn.addEnvironment('MONITORING_STATE_MACHINE_ARN', monitoringWorkflow.stateMachine.stateMachineArn);
    monitoringWorkflow.stateMachine.grantStartExecution(apis.monitoring.fn);
    // Evidence (issue 17 §3): the API reads the claim (who filed it, who pays it) and writes the evidence table and
    // the audit chain; the arrival check, invoked by the bucket, settles an attachment and appends its record.
    apis.evidence.bind('claims', tables.claims, 'read').bind('evidence', tables.evidence, 'readwrite').bind('audit', tables.audit, 'append');
    const attachmentArrived = new FangpinFunction(this, 'AttachmentArrived', {
      entry: 'functions/events/attachment-arrived.ts',
      timeout: Duration.seconds(60),
    })
      .bind('evidence', tables.evidence, 'readwrite')
      .bind('audit', tables.audit, 'append');
    const evidence = new Evidence(this, 'Evidence', { api: apis.evidence.fn, arrival: attachmentArrived.fn });

    // The attention list (functions/shared/attention.ts) is read by the ops API and by the scheduled function that
    // publishes its counts: each gets exactly what the list reads. Query on the claims' byStatus index only (no
    // GetItem, no Scan, not the table itself), Query on the webhooks table (its 'DISABLED' partition), and
    // DescribeExecution on the claim workflow's executions (is an undecided claim's execution still running?).
    const reviewAlarmDays = props.reviewAlarmDays ?? DEFAULT_THRESHOLDS.reviewDays;
    const attentionMetrics = new FangpinFunction(this, 'AttentionMetrics', {
      entry: 'functions/ops/attention-metrics.ts',
      timeout: Duration.seconds(60),
    });
    for (const f of [apis.ops, attentionMetrics]) {
      f.fn.addEnvironment(tableSpec('claims').envVar, tables.claims.tableName);
      f.fn.addEnvironment(tableSpec('webhooks').envVar, tables.webhooks.tableName);
      f.fn.addEnvironment('STATE_MACHINE_ARN', sm.stateMachineArn);
      f.fn.addEnvironment('FANGPIN_REVIEW_ALARM_DAYS', String(reviewAlarmDays));
      f.fn.addToRolePolicy(
        new PolicyStatement({ actions: ['dynamodb:Query'], resources: [`${tables.claims.tableArn}/index/byStatus`, tables.webhooks.tableArn] }),
      );
      f.fn.addToRolePolicy(
        new PolicyStatement({
          actions: ['states:DescribeExecution'],
          resources: [
            this.formatArn({
              service: 'states',
              resource: 'execution',
              resourceName: `${stateMachineName}:*`,
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          ],
        }),
      );
      acknowledgeNag(
        f.fn.role ?? f.fn,
        `IAM5[Resource::arn:<AWS::Partition>:states:${region}:${account}:execution:${stateMachineName}:*]`,
        'The attention list checks whether any undecided claim still has an execution running; the wildcard is the execution name within this one state machine.',
      );
    }

    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN });
    const authorizer = new HttpJwtAuthorizer('Jwt', props.jwtIssuer, { jwtAudience: props.jwtAudience });
    const http = new HttpApi(this, 'HttpApi', { apiName: 'fangpin', defaultAuthorizer: authorizer, createDefaultStage: true });
    const stage = http.defaultStage?.node.defaultChild as CfnStage;
    stage.accessLogSettings = {
      destinationArn: accessLogs.logGroupArn,
      format: JSON.stringify({
        requestId: '$context.requestId',
        routeKey: '$context.routeKey',
        status: '$context.status',
        ip: '$context.identity.sourceIp',
        latency: '$context.responseLatency',
        sub: '$context.authorizer.claims.sub',
      }),
    };
    stage.defaultRouteSettings = { throttlingBurstLimit: 200, throttlingRateLimit: 100 };
    const integrations = Object.fromEntries(API_MODULES.map((m) => [m, new HttpLambdaIntegration(`Integration-${m}`, apis[m].fn)])) as Record<
      ApiModule,
      HttpLambdaIntegration
    >;
    for (const r of ROUTES) http.addRoutes({ path: r.path, methods: [HttpMethod[r.method]], integration: integrations[r.module] });

    // The web console (CloudFront + S3, config.json naming this API). Browsers may call the API from the console's
    // origin only; the CORS rules go on the API resource here because the origin (the distribution's domain) exists
    // only once the API does. Without a known origin (China, no domain) no origin is allowed.
    const consoleHosting = new ConsoleHosting(this, 'Console', { apiUrl: http.apiEndpoint, jwtIssuer: props.jwtIssuer, ...props.console });
    if (consoleHosting.origin) {
      (http.node.defaultChild as CfnApi).corsConfiguration = {
        allowOrigins: [consoleHosting.origin],
        allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.POST],
        allowHeaders: ['authorization', 'content-type', 'idempotency-key'],
        exposeHeaders: ['retry-after'],
        maxAge: 600,
      };
    }

    const functions = this.node
      .findAll()
      .filter((c): c is FangpinFunction => c instanceof FangpinFunction)
      .map((f) => ({ id: f.node.id, fn: f.fn }));
    const ops = new Operations(this, 'Operations', {
      alarmEmail: props.alarmEmail,
      reviewAlarmDays,
      workflows: [
        { name: 'ClaimWorkflow', stateMachine: sm },
        { name: 'IndexFanout', stateMachine: fanoutWorkflow.stateMachine },
        { name: 'Monitoring', stateMachine: monitoringWorkflow.stateMachine },
        { name: 'MedicalFeed', stateMachine: medicalFeed.stateMachine },
      ],
      functions,
      webhookDispatcher: dispatch.fn,
      attentionMetrics: attentionMetrics.fn,
    });

    new CfnOutput(this, 'ApiUrl', { value: http.apiEndpoint });
    new CfnOutput(this, 'AlarmTopicArn', { value: ops.topic.topicArn });
    new CfnOutput(this, 'EvidenceBucketName', { value: evidence.bucket.bucketName });
    new CfnOutput(this, 'StateMachineArn', { value: sm.stateMachineArn });
    new CfnOutput(this, 'IndexFanoutStateMachineArn', { value: fanoutWorkflow.stateMachine.stateMachineArn });
    new CfnOutput(this, 'MonitoringStateMachineArn', { value: monitoringWorkflow.stateMachine.stateMachineArn });
    new CfnOutput(this, 'MedicalFeedBucketName', { value: medicalFeed.bucket.bucketName });
    new CfnOutput(this, 'MedicalFeedStateMachineArn', { value: medicalFeed.stateMachine.stateMachineArn });
  }
}
