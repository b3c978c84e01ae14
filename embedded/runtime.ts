/**
 * The embedded system on one machine: DynamoDB Local, the state machine definition extracted from the
 * synthesized CDK template run by a local ASL engine with the same handler modules, a Step Functions API
 * endpoint for the AWS SDK, and the HTTP server. Handlers reach the store and the engine only through the AWS
 * SDK, pointed here by the standard endpoint variables.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { startDynamoDbLocal, localDynamoClientConfig } from './dynamodb-local.js';
import { ensureTables, tableNamesEnv } from './create-tables.js';
import { createLocalSfn, type LocalSfn } from './sfn/engine.js';
import { Journal } from './sfn/journal.js';
import { startSfnApiServer } from './sfn/server.js';
import { startHttpServer } from './http-server.js';
import { startLocalS3 } from './s3-local.js';
import { dataDirSecret, issueToken } from './auth.js';
import { lambdaContext } from './lambda-context.js';
import { loadHandler as loadSourceHandler, type HandlerLoader } from './handler-modules.js';
import { installSdkDecorators } from './sdk/decorators.js';
import { synthesizeWorkflows, type ExtractedWorkflow } from '../lib/definition.js';
import { MEDICAL_FEED_STATE, WEBHOOK_DISPATCH_TIMEOUT_SECONDS } from '../lib/workflow-names.js';
import { documentClient, resetClients, tableName } from '../functions/shared/aws.js';
import { indexWholeRegistry } from '../functions/shared/identities-repo.js';
import { upgradeClaimKeysIfNeeded } from './claim-keys-upgrade.js';
import { createLocalBucket, EVIDENCE_BUCKET_PATH } from './evidence-bucket.js';
import { startClaimExecution } from '../functions/shared/execution.js';
import { queryAll } from '../functions/shared/query-all.js';
import type { ApiModule, Role } from '../functions/api/routes.js';
import { embeddedSetting } from './config.js';

export const STATE_MACHINE_NAME = 'fangpin-claims';
export const STATE_MACHINE_ARN = `arn:aws:states:us-east-1:000000000000:stateMachine:${STATE_MACHINE_NAME}`;
const FANOUT_MACHINE_NAME = `${STATE_MACHINE_NAME}-index-fanout`;
const FANOUT_MACHINE_ARN = `arn:aws:states:us-east-1:000000000000:stateMachine:${FANOUT_MACHINE_NAME}`;
const MONITORING_MACHINE_NAME = `${STATE_MACHINE_NAME}-monitoring`;
const MONITORING_MACHINE_ARN = `arn:aws:states:us-east-1:000000000000:stateMachine:${MONITORING_MACHINE_NAME}`;
const FEED_MACHINE_NAME = `${STATE_MACHINE_NAME}-medical-feed`;
const FEED_MACHINE_ARN = `arn:aws:states:us-east-1:000000000000:stateMachine:${FEED_MACHINE_NAME}`;
const TABLE_PREFIX = 'fangpin-';
export const EVIDENCE_BUCKET_NAME = 'fangpin-evidence';

export interface EmbeddedOptions {
  /** null: everything in memory (tests). Otherwise state lives here and survives restarts. */
  readonly dataDir: string | null;
  readonly port?: number;
  readonly host?: string;
  readonly log?: (line: string) => void;
  /** Multiply Retry intervals of the state machine (tests use a small factor). */
  readonly retryIntervalScale?: number;
  /** Use an already running DynamoDB-compatible endpoint instead of starting DynamoDB Local (tests share one). */
  readonly dynamoEndpoint?: string;
  /** Physical table name prefix; tests give each suite its own. */
  readonly tablePrefix?: string;
  /**
   * Coalesce the store requests of one event-loop turn (embedded/sdk/): reads into BatchGetItem, writes into one
   * transaction. Default on, unless FANGPIN_COALESCE_READS / FANGPIN_COALESCE_WRITES is set to anything but '1'.
   * The test suite runs its core scenarios both ways (test/e2e/core*.test.ts).
   */
  readonly coalesce?: boolean;
  /** Fault drills: this share of store requests fails (embedded/sdk/faults.ts). Default FANGPIN_FAULT_RATE, or 0. */
  readonly faultRate?: number;
  /**
   * Where handler code comes from, by `fangpin:handler` entry: the TypeScript sources (default), or the Lambda
   * bundles the CDK app deploys (embedded/bundles.ts).
   */
  readonly loadHandler?: HandlerLoader;
  /**
   * Return as soon as the HTTP server listens, while a worker thread still reads the execution journal (a first
   * start on days not indexed yet: a minute or more for a GB); Step Functions requests wait for it meanwhile, and
   * `loaded` says when it is done. `npm start` does this; by default the start returns once everything is loaded.
   */
  readonly serveWhileLoading?: boolean;
  /** CDK context for the synthesized app the workflows are taken from, as `-c key=value` gives it (e.g. `fangpin:returnTimeoutSeconds`). */
  readonly context?: Readonly<Record<string, string>>;
}

export interface Embedded {
  /** Resolves once every execution of the journal is loaded (already, unless `serveWhileLoading`); rejects if it cannot be. */
  readonly loaded: Promise<void>;
  readonly url: string;
  readonly dynamoEndpoint: string;
  readonly sfnEndpoint: string;
  readonly dataDir: string | null;
  readonly sfn: LocalSfn;
  /**
   * A bearer token this server accepts; ttlSeconds ≤ 0 gives an already expired one (for tests). `user`: the
   * token's `sub` and, for a reviewer, `fangpin:reviewLevel` (defaults as `npm run token`).
   */
  token(role: Role, insurerId?: string, ttlSeconds?: number, user?: { sub?: string; level?: number }): Promise<string>;
  stop(): Promise<void>;
}

/**
 * A claim stored as RECEIVED whose execution never started (the process stopped between the two) gets it now;
 * starting is idempotent by name, so claims that have one are untouched.
 */
async function startMissingExecutions(): Promise<number> {
  const received = await queryAll<{ claimId: string; redrives?: number }>({
    TableName: tableName('claims'),
    IndexName: 'byStatus',
    KeyConditionExpression: '#s = :r',
    ExpressionAttributeNames: { '#s': 'status' },
    ExpressionAttributeValues: { ':r': 'RECEIVED' },
  });
  // A redriven claim's execution is its latest redrive's (a stop between the redrive and its start).
  for (const item of received) await startClaimExecution(String(item.claimId), undefined, item.redrives ?? 0);
  return received.length;
}

/**
 * The feed bucket's name as the synthesized definition has it (the ItemReader's Bucket: the bucket's logical id
 * once resolved locally): the handlers write where the map reads.
 */
function feedBucketOf(workflow: ExtractedWorkflow): string {
  const rows = (workflow.definition.States as Record<string, { ItemReader?: { Parameters?: { Bucket?: unknown } } }>)[MEDICAL_FEED_STATE.fileRows];
  const bucket = rows?.ItemReader?.Parameters?.Bucket;
  if (typeof bucket !== 'string') throw new Error(`the medical feed workflow's ${MEDICAL_FEED_STATE.fileRows} state has no ItemReader bucket`);
  return bucket;
}

/**
 * A registry imported before the identity lookup existed (issue 18; keyed by number since 2026-12-02) has households
 * and an empty lookup: index it
 * once, so the medical feed can match its people. Cheap to ask (two one-item scans); a no-op afterwards.
 */
async function indexRegistryIfNeeded(log: (line: string) => void): Promise<void> {
  const one = async (table: 'registry' | 'identityLookup') =>
    ((await documentClient().send(new ScanCommand({ TableName: tableName(table), Limit: 1 }))).Items ?? []).length > 0;
  if (!(await one('registry')) || (await one('identityLookup'))) return;
  const t0 = Date.now();
  const households = await indexWholeRegistry();
  log(`indexed the identity numbers of ${households} household(s) for the medical feed (${Date.now() - t0} ms)`);
}

export async function startEmbedded(opts: EmbeddedOptions): Promise<Embedded> {
  const log = opts.log ?? (() => undefined);
  const host = opts.host ?? '127.0.0.1';
  const dataDir = opts.dataDir ? resolve(opts.dataDir) : null;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const s of stops.reverse()) await s().catch(() => undefined);
  };
  // Pinned SDK versions run on Node 20; its notice about future releases is noise here. Set before the first
  // client (the store's readiness probe) is built: the SDK checks it then.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  // DynamoDB Local is a JVM: seconds to start, many more on a loaded machine. It boots on the other core while this
  // thread synthesizes the definitions, loads the handlers and reads the execution journal (whose files a worker
  // thread parses); nothing below talks to the store before `await storeStarting`.
  const started = Date.now();
  const phase = (what: string, since: number) => log(`${what} in ${Date.now() - since} ms`);
  const storeStarting = opts.dynamoEndpoint
    ? Promise.resolve({ endpoint: opts.dynamoEndpoint, stop: async () => undefined })
    : startDynamoDbLocal({ dataDir: dataDir ? resolve(dataDir, 'dynamodb') : undefined, log });
  storeStarting.catch(() => undefined); // awaited below; a failure then stops the start
  // Stopped last (the first pushed): the engine's running executions and the dispatcher use it until they stop.
  stops.push(async () => (await storeStarting.catch(() => undefined))?.stop());
  try {
    const tablePrefix = opts.tablePrefix ?? TABLE_PREFIX;

    const tokenSecret = dataDirSecret(dataDir, 'token-secret');
    // Under load a store request may queue behind DynamoDB Local's table locks for over 10 s: not a hang (aws.ts).
    process.env.FANGPIN_SDK_TIMEOUT_MS ||= '60000';
    // The report's counters go to 4 shards, not 64: the write coalescer adds up the counts one merged request
    // writes to a shard (write-coalescer.ts), so more shards would only mean more items for the store to write.
    process.env.FANGPIN_REPORT_SHARDS ||= '4';
    // The SDK's credentials here sign what the evidence bucket's stand-in checks (presigned URLs), so the secret is
    // the data directory's own, not a well-known word: a URL cannot be forged by anyone who has not got it.
    const secretAccessKey = dataDirSecret(dataDir, 'evidence-bucket-secret');
    Object.assign(process.env, {
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'local',
      AWS_SECRET_ACCESS_KEY: secretAccessKey,
      EVIDENCE_BUCKET: EVIDENCE_BUCKET_NAME,
      FANGPIN_ID_HASH_KEY: dataDirSecret(dataDir, 'id-hash-key'),
      STATE_MACHINE_ARN,
      INDEX_FANOUT_STATE_MACHINE_ARN: FANOUT_MACHINE_ARN,
      MONITORING_STATE_MACHINE_ARN: MONITORING_MACHINE_ARN,
      MEDICAL_FEED_STATE_MACHINE_ARN: FEED_MACHINE_ARN,
      ...tableNamesEnv(tablePrefix),
    });
    // Every claim in flight shares this process: the single-item reads of one event-loop turn go as one batch, and
    // their transactions and conditional puts as one transaction. Installed before any handler builds a client.
    const uninstallSdk = installSdkDecorators({
      coalesceReads: opts.coalesce ?? embeddedSetting('FANGPIN_COALESCE_READS'),
      coalesceWrites: opts.coalesce ?? embeddedSetting('FANGPIN_COALESCE_WRITES'),
      faultRate: opts.faultRate ?? embeddedSetting('FANGPIN_FAULT_RATE'),
    });
    stops.push(async () => uninstallSdk());
    resetClients();
    const loadHandler = opts.loadHandler ?? loadSourceHandler;

    // The execution journal's days are read by a worker thread from now on, while this thread synthesizes.
    let since = Date.now();
    const journal = dataDir ? new Journal(resolve(dataDir, 'executions'), log) : undefined;
    journal?.load().catch(() => undefined); // awaited by the engine
    // The definitions come from the synthesized template, never from a second copy.

    const workflows = synthesizeWorkflows(opts.context);
    phase('definitions synthesized', since);
    // The store's tables exist before any execution runs again (the engine waits for this) or any request comes.
    const storeReady = storeStarting.then(async (store) => {
      process.env.AWS_ENDPOINT_URL_DYNAMODB = store.endpoint;
      resetClients();
      const ddb = new DynamoDBClient(localDynamoClientConfig(store.endpoint));
      try {
        await ensureTables(ddb, tablePrefix);
      } finally {
        ddb.destroy();
      }
      return store;
    });
    storeReady.catch(() => undefined); // awaited below
    // The local stand-in for S3 (the medical feed's bucket): files under the data directory, read by the engine's
    // ItemReader and, through the SDK, by the handlers. Without a data directory, a temporary one.
    const bucketDir = dataDir ? resolve(dataDir, 's3') : mkdtempSync(join(tmpdir(), 'fangpin-s3-'));
    if (!dataDir) stops.push(async () => rmSync(bucketDir, { recursive: true, force: true }));
    mkdirSync(bucketDir, { recursive: true });
    const s3 = await startLocalS3(bucketDir, host);
    stops.push(() => s3.close());
    process.env.AWS_ENDPOINT_URL_S3 = s3.endpoint;
    process.env.MEDICAL_FEED_BUCKET = feedBucketOf(workflows['medical-feed']);
    resetClients();
    const machine = async (name: string, arn: string, workflow: ExtractedWorkflow) => {
      const taskHandlers: Record<string, (payload: unknown) => Promise<unknown>> = {};
      for (const [stateName, modulePath] of Object.entries(workflow.taskModules)) {
        const handler = await loadHandler(modulePath);
        // One function per handler module, as deployed (ReleaseHold and Assessment are the same Lambda).
        const functionName = basename(modulePath, '.ts');
        taskHandlers[stateName] = (payload) => handler(payload, lambdaContext(functionName));
      }
      return { name, arn, definition: workflow.definition, taskHandlers };
    };
    since = Date.now();
    const sfn = await createLocalSfn({
      stateMachines: [
        await machine(STATE_MACHINE_NAME, STATE_MACHINE_ARN, workflows.claims),
        await machine(FANOUT_MACHINE_NAME, FANOUT_MACHINE_ARN, workflows['index-fanout']),
        await machine(MONITORING_MACHINE_NAME, MONITORING_MACHINE_ARN, workflows.monitoring),
        await machine(FEED_MACHINE_NAME, FEED_MACHINE_ARN, workflows['medical-feed']),
      ],
      dataDir: dataDir ? resolve(dataDir, 'executions') : undefined,
      journal,
      bucketDir,
      retryIntervalScale: opts.retryIntervalScale,
      resumeAfter: storeReady,
      log,
      // Requests that need no execution are served while the journal is read (the API server waits for it).
      openInBackground: true,
    });
    stops.push(() => sfn.close());
    phase('handlers loaded', since);
    // Imported while the store may still be starting (a module import is a second or more on a loaded machine).
    const dispatchLoading = loadHandler('functions/steps/webhook-dispatch.ts');
    dispatchLoading.catch(() => undefined); // awaited below
    since = Date.now();
    const store = await storeReady;
    phase('then waited for the store', since);
    const sfnApi = await startSfnApiServer(sfn, { port: 0, host });
    stops.push(() => sfnApi.close());
    process.env.AWS_ENDPOINT_URL_SFN = sfnApi.endpoint;
    resetClients();
    log(`Step Functions API at ${sfnApi.endpoint}`);
    await indexRegistryIfNeeded(log);
    // A data directory from before table claimKeys: its claims get their search keys before the API serves a list.
    const upgrading = new DynamoDBClient(localDynamoClientConfig(store.endpoint));
    try {
      await upgradeClaimKeysIfNeeded(upgrading, tableName('claims'), log);
    } finally {
      upgrading.destroy();
    }
    // Once the journal is read: a claim whose execution was never started gets it (starting is idempotent by name).
    const loaded = sfn.loaded().then(async () => {
      const redriven = await startMissingExecutions();
      if (redriven) log(`started ${redriven} execution(s) for claims accepted before a stop`);
    });
    loaded.catch(() => undefined); // awaited below, or by the caller (serveWhileLoading)

    // The evidence bucket: files under the data directory (a temporary folder without one); each stored PUT is
    // checked by the same arrival handler S3's notification invokes on AWS.
    const bucketRoot = dataDir ? resolve(dataDir, 'evidence') : mkdtempSync(resolve(tmpdir(), 'fangpin-evidence-'));
    if (!dataDir) stops.push(async () => rmSync(bucketRoot, { recursive: true, force: true }));
    // Loaded at the first upload, not at start: most runs attach nothing, and the S3 SDK is not small.
    let arrivalCheck: ReturnType<typeof loadHandler> | undefined;
    const arrived = async (event: unknown, context: ReturnType<typeof lambdaContext>) =>
      (await (arrivalCheck ??= loadHandler('functions/events/attachment-arrived.ts')))(event, context);
    const evidenceBucket = createLocalBucket({
      root: bucketRoot,
      bucket: EVIDENCE_BUCKET_NAME,
      region: 'us-east-1',
      accessKeyId: 'local',
      secretAccessKey,
      log,
      onObjectCreated: (o) =>
        arrived(
          {
            Records: [
              {
                eventVersion: '2.1',
                eventSource: 'aws:s3',
                awsRegion: 'us-east-1',
                eventTime: new Date().toISOString(),
                eventName: 'ObjectCreated:Put',
                s3: {
                  s3SchemaVersion: '1.0',
                  bucket: { name: o.bucket, arn: `arn:aws:s3:::${o.bucket}` },
                  object: { key: encodeURIComponent(o.key).replace(/%2F/g, '/'), size: o.size, eTag: o.eTag, versionId: o.versionId },
                },
              },
            ],
          },
          lambdaContext('attachment-arrived'),
        ),
    });

    const modules = new Map<ApiModule, ReturnType<typeof loadHandler>>();
    const http = await startHttpServer({
      port: opts.port ?? 3000,
      host,
      tokenSecret,
      evidenceBucket,
      loadModule: (m) => {
        let h = modules.get(m);
        if (!h) modules.set(m, (h = loadHandler(`functions/api/${m}.ts`)));
        return h as Promise<never>;
      },
    });
    stops.push(() => http.close());
    stops.push(() => evidenceBucket.drain()); // runs before the server closes: checks in flight finish first
    // The handlers' S3 client reaches the stand-in on this server (the URLs it presigns point here).
    process.env.FANGPIN_EVIDENCE_S3_ENDPOINT = `${http.url}${EVIDENCE_BUCKET_PATH}`;
    resetClients();
    phase('serving', started);
    if (!opts.serveWhileLoading) {
      await loaded;
      phase('ready (execution journal loaded)', started);
    } else
      void loaded.then(
        () => phase('execution journal loaded, ready', started),
        () => undefined,
      );

    // The webhook dispatcher: the same round the scheduled Lambda runs on AWS, on a short interval here.
    const dispatch = await dispatchLoading;
    let round: Promise<void> | undefined;
    const timer = setInterval(() => {
      if (round) return;
      round = dispatch({}, lambdaContext('webhook-dispatch', WEBHOOK_DISPATCH_TIMEOUT_SECONDS * 1000))
        .then(() => undefined)
        .catch((err: unknown) => log(`webhook dispatch failed: ${err instanceof Error ? err.message : String(err)}`))
        .finally(() => {
          round = undefined;
        });
    }, embeddedSetting('FANGPIN_WEBHOOK_POLL_MS'));
    timer.unref();
    // Stopping lets a round in flight finish before the store goes away (no deliveries cut off half-way).
    stops.push(async () => {
      clearInterval(timer);
      await round;
    });
    return {
      loaded,
      url: http.url,
      dynamoEndpoint: store.endpoint,
      sfnEndpoint: sfnApi.endpoint,
      dataDir,
      sfn,
      token: (role, insurerId, ttlSeconds, user) => issueToken(tokenSecret, role, insurerId, ttlSeconds, user?.sub, user?.level),
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
