/**
 * The medical insurance bureau's daily feed on AWS (issue 18): a private bucket for the files, a Standard state
 * machine that files them, and the S3 event that starts it.
 * - Bucket: KMS (a key of its own, rotated), TLS only, public access blocked, versioned, access logs to a log
 *   bucket of its own, EventBridge notifications on.
 * - A file put under `incoming/<schemeId>/` (the bureau, or an operator) starts the workflow through an
 *   EventBridge rule; `POST /medical-feeds` starts it directly (named after the feed).
 * - Workflow: PrepareFeed (read and check the whole file, record the feed, write `normalized/<feedId>.csv` in
 *   UTF-8 with line numbers) → FileRows, a Distributed Map whose ItemReader reads that CSV from S3, an ItemBatcher
 *   handing MEDICAL_FEED_BATCH_ROWS rows with `{feedId, schemeId}` to each batch execution (the batch Lambda files
 *   their claims, each claim its own execution of the claim workflow), a ResultWriter writing each batch's
 *   outcome under `results/` → SettleFeed, looped with a growing wait until no filed claim is still being
 *   decided, which marks the feed DONE with its totals in its audit chain.
 * The embedded runtime runs this very definition (embedded/sfn/item-reader.ts emulates the reader, batcher and
 * writer over a local stand-in for the bucket).
 */
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership, type CfnBucket } from 'aws-cdk-lib/aws-s3';
import { Rule } from 'aws-cdk-lib/aws-events';
import { SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { MEDICAL_FEED_BATCH_ROWS, MEDICAL_FEED_MAP_RUN_LABEL, MEDICAL_FEED_STATE, TRANSIENT_ERROR } from './workflow-names.js';
import { standardStateMachine } from './standard-state-machine.js';
import { acknowledgeMapChildren, acknowledgeNag } from './nag.js';

export interface MedicalFeedProps {
  readonly stateMachineName: string;
  readonly prepare: IFunction;
  readonly fileBatch: IFunction;
  readonly settle: IFunction;
  /** Batches filed at once. Each files its rows with a pool of FANGPIN_FEED_CONCURRENCY (8). */
  readonly maxConcurrency?: number;
}

const RETRY_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'States.Timeout',
  TRANSIENT_ERROR,
];

/** The errors a Lambda timeout surfaces as: AWS's, and the embedded runtime's (middy's timeoutEarlyResponse). */
export const MEDICAL_FEED_BATCH_TIMEOUT_ERRORS = ['Sandbox.Timedout', 'TimeoutError'];

export class MedicalFeed extends Construct {
  readonly bucket: Bucket;
  readonly key: Key;
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: MedicalFeedProps) {
    super(scope, id);
    const logs = new Bucket(this, 'AccessLogs', {
      // Server access logs can only be delivered to SSE-S3 buckets.
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_PREFERRED,
      versioned: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeNag(logs, 'S1', "This is the feed bucket's access-log bucket: logging its own access would log into itself.");
    this.key = new Key(this, 'Key', {
      enableKeyRotation: true,
      description: "fangpin medical feed files (identity numbers in the bureau's files)",
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.bucket = new Bucket(this, 'Files', {
      encryption: BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: logs,
      serverAccessLogsPrefix: 'feed-bucket/',
      eventBridgeEnabled: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const call = (name: string, fn: IFunction, payload?: Record<string, unknown>) => {
      const t = new tasks.LambdaInvoke(this, name, {
        stateName: name,
        lambdaFunction: fn,
        payload: payload ? sfn.TaskInput.fromObject(payload) : undefined,
        payloadResponseOnly: true,
        taskTimeout: sfn.Timeout.duration(Duration.minutes(5)),
        retryOnServiceExceptions: false,
      });
      t.addRetry({ errors: RETRY_ERRORS, interval: Duration.seconds(1), backoffRate: 2, maxAttempts: 6, jitterStrategy: sfn.JitterType.FULL });
      return t;
    };
    const S = MEDICAL_FEED_STATE;
    const refused = new sfn.Fail(this, S.refused, { stateName: S.refused, error: 'FeedRefused', causePath: '$.error.Cause' });
    const prepare = call(S.prepare, props.prepare);
    prepare.addCatch(refused, { errors: ['FeedRefused'], resultPath: '$.error' });

    // Each batch: `{Items: [row, …], BatchInput: {feedId, schemeId}}` → the batch Lambda, which files its rows.
    const fileBatch = call(S.fileBatch, props.fileBatch);
    // A batch that outlives its Lambda's timeout (a slow store: 100 rows, each a claim filed and started) is run
    // again rather than failing the map run and leaving the feed FILING for good: every row is idempotent, and the
    // next attempt reads what the last one filed first, so each attempt gets further. `Sandbox.Timedout` is what
    // AWS reports for a Lambda timeout; `TimeoutError` what the embedded runtime's middy reports.
    fileBatch.addRetry({ errors: MEDICAL_FEED_BATCH_TIMEOUT_ERRORS, interval: Duration.seconds(2), backoffRate: 2, maxAttempts: 4 });
    const fileRows = new sfn.DistributedMap(this, S.fileRows, {
      stateName: S.fileRows,
      label: MEDICAL_FEED_MAP_RUN_LABEL,
      mapExecutionType: sfn.StateMachineType.STANDARD,
      maxConcurrency: props.maxConcurrency ?? 4,
      itemReader: new sfn.S3CsvItemReader({ bucket: this.bucket, key: sfn.JsonPath.stringAt('$.key'), csvHeaders: sfn.CsvHeaders.useFirstRow() }),
      // BatchInput is rendered as written (CDK does not turn JsonPath tokens in it into `.$` keys), so the keys say it.
      itemBatcher: new sfn.ItemBatcher({
        maxItemsPerBatch: MEDICAL_FEED_BATCH_ROWS,
        batchInput: { 'feedId.$': '$.feedId', 'schemeId.$': '$.schemeId' },
      }),
      // ResultWriterV2 renders only with the feature flag lib/app.ts sets (the V1 class is deprecated); same ASL.
      resultWriterV2: new sfn.ResultWriterV2({ bucket: this.bucket, prefix: 'results' }),
      resultPath: '$.results',
    });
    fileRows.itemProcessor(fileBatch);

    const settle = call(S.settle, props.settle, { feedId: sfn.JsonPath.stringAt('$.feedId'), attempt: sfn.JsonPath.numberAt('$.attempt') });
    const start = new sfn.Pass(this, 'SettleFrom', {
      stateName: 'SettleFrom',
      parameters: { feedId: sfn.JsonPath.stringAt('$.feedId'), attempt: 0 },
    });
    const wait = new sfn.Wait(this, S.wait, { stateName: S.wait, time: sfn.WaitTime.secondsPath('$.waitSeconds') });
    const settled = new sfn.Choice(this, S.settled, { stateName: S.settled })
      .when(sfn.Condition.booleanEquals('$.done', true), new sfn.Succeed(this, S.done, { stateName: S.done }))
      .otherwise(wait.next(settle));
    const definition = prepare.next(fileRows).next(start).next(settle).next(settled);

    this.stateMachine = standardStateMachine(this, {
      stateMachineName: props.stateMachineName,
      definition,
      invokes: [props.prepare, props.fileBatch, props.settle],
      invokesWhat: "the feed's functions",
    });

    // Files the bureau puts under incoming/ start the workflow (the whole S3 event is the input).
    new Rule(this, 'FileArrived', {
      eventPattern: {
        source: ['aws.s3'],
        detailType: ['Object Created'],
        detail: { bucket: { name: [this.bucket.bucketName] }, object: { key: [{ prefix: 'incoming/' }] } },
      },
      targets: [new SfnStateMachine(this.stateMachine)],
    });

    // cdk-nag: the Distributed Map's own grants (CDK's), each limited to this machine's children and this bucket.
    acknowledgeMapChildren(this.stateMachine, MEDICAL_FEED_MAP_RUN_LABEL, 'batch executions');
    const bucketId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnBucket);
    for (const objects of [`<${bucketId}.Arn>/*`, `arn:<AWS::Partition>:s3:::<${bucketId}>/*`]) {
      acknowledgeNag(
        this.stateMachine,
        `IAM5[Resource::${objects}]`,
        "The ItemReader reads the normalized file and the ResultWriter writes the map run's results: objects of the feed bucket only (its key comes from the execution).",
      );
    }
    // eventBridgeEnabled is set by a CDK custom resource (one per stack) whose role only writes its own logs.
    const notifications = Stack.of(this).node.children.find((c) => c.node.id.startsWith('BucketNotificationsHandler'));
    const role = notifications?.node.tryFindChild('Role');
    if (role)
      acknowledgeNag(
        role,
        'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        "CDK's bucket-notifications handler (it turns on EventBridge delivery for the feed bucket) writes only its own logs with the basic execution role.",
      );
  }
}
