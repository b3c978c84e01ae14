/**
 * AWS SDK clients, built once per process. Endpoints come from the standard service-specific variables
 * (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_SFN, AWS_ENDPOINT_URL_S3): unset on AWS, pointed at the embedded store and engine
 * locally. That is the only difference between the two ways to run.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, GetCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { S3Client } from '@aws-sdk/client-s3';
import { tableSpec, type TableId } from './tables.js';
import { optionalWiring, settingValue, wiring } from './config.js';

/**
 * The command classes of the SDK copy that built a document client. A decorator that recognises commands
 * (`instanceof GetCommand`) or sends its own (`new BatchGetCommand`) must use these: a Lambda bundle carries its
 * own copy of the SDK, and `instanceof` against another copy's classes is always false.
 */
export interface DocumentCommands {
  readonly GetCommand: typeof GetCommand;
  readonly BatchGetCommand: typeof BatchGetCommand;
  readonly PutCommand: typeof PutCommand;
  readonly TransactWriteCommand: typeof TransactWriteCommand;
}

/** Called once on each client this module builds, before anything is sent with it. */
export interface SdkClientDecorators {
  readonly documentClient?: (client: DynamoDBDocumentClient, commands: DocumentCommands) => void;
  readonly sfnClient?: (client: SFNClient) => void;
}

/**
 * Where the embedded runtime installs its SDK client decorators (embedded/sdk/: what only makes sense with
 * many claims in one process, and the fault drills). A process-global registry keyed by Symbol.for, not a setter exported from this module: the
 * embedded runtime can also run the deployed Lambda bundles in-process, and each bundle carries its own copy of
 * this module, which no setter on the runtime's copy would reach; a Symbol.for key is the same in every copy.
 * On AWS nothing installs decorators, so the clients are exactly the ones built here.
 */
export const SDK_CLIENT_DECORATORS = Symbol.for('fangpin.sdkClientDecorators');

type DecoratorRegistry = { [SDK_CLIENT_DECORATORS]?: SdkClientDecorators };

function decorators(): SdkClientDecorators | undefined {
  return (globalThis as DecoratorRegistry)[SDK_CLIENT_DECORATORS];
}

/**
 * A request that hangs must fail and be retried, not hold a step (or a claim) forever. In this SDK version
 * `requestTimeout` only warns (it would abort with `throwOnRequestTimeout`, counting time spent waiting for a
 * free socket too); `socketTimeout` aborts a request whose connection stays silent that long, which is the hang.
 * 10 s on AWS. The embedded runtime sets FANGPIN_SDK_TIMEOUT_MS=60000: there a request can legitimately wait over
 * 10 s in DynamoDB Local's table-lock queue while thousands of claims are in flight (an index event), and cutting
 * it off only re-sends it into the same queue (measured: fan-out 55.5–59.7 s instead of 57.6–65.3 s).
 */
function timeouts() {
  const ms = settingValue('FANGPIN_SDK_TIMEOUT_MS'); // read when a client is built: after the runtime set it
  return { connectionTimeout: 2_000, requestTimeout: ms, socketTimeout: ms };
}

let ddb: DynamoDBDocumentClient | undefined;
let sfn: SFNClient | undefined;
/** One S3 client per endpoint setting: embedded, the feed's bucket and the evidence bucket are separate stand-ins. */
const s3Clients = new Map<S3Endpoint, S3Client>();

function endpoint(service: 'DYNAMODB' | 'SFN'): string | undefined {
  return optionalWiring(`AWS_ENDPOINT_URL_${service}`);
}

/**
 * The SDK's logger middleware builds a redacted copy of every request's input and output for `logger.info`
 * even when the logger is the default no-op one (it calls `logger?.info?.(...)` with the copies as arguments):
 * a walk of every item written and read, about a tenth of this process's CPU under load. Nothing here logs
 * through the SDK, so the middleware goes.
 */
function withoutSdkLogging<T extends { middlewareStack: { remove(name: string): boolean } }>(client: T): T {
  client.middlewareStack.remove('loggerMiddleware');
  return client;
}

export function documentClient(): DynamoDBDocumentClient {
  if (!ddb) {
    ddb = DynamoDBDocumentClient.from(
      withoutSdkLogging(new DynamoDBClient({ endpoint: endpoint('DYNAMODB'), maxAttempts: 3, requestHandler: timeouts() })),
      {
        marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
      },
    );
    withoutSdkLogging(ddb);
    decorators()?.documentClient?.(ddb, { GetCommand, BatchGetCommand, PutCommand, TransactWriteCommand });
  }
  return ddb;
}

export function sfnClient(): SFNClient {
  if (!sfn) {
    sfn = withoutSdkLogging(new SFNClient({ endpoint: endpoint('SFN'), maxAttempts: 3, requestHandler: timeouts() }));
    decorators()?.sfnClient?.(sfn);
  }
  return sfn;
}

/**
 * Where an S3 client sends its requests: unset on AWS (S3 itself); embedded, a local stand-in. The feed's bucket
 * (embedded/s3-local.ts) is AWS_ENDPOINT_URL_S3; the evidence bucket (embedded/evidence-bucket.ts), which checks
 * signatures and checksums, is FANGPIN_EVIDENCE_S3_ENDPOINT.
 */
export type S3Endpoint = 'AWS_ENDPOINT_URL_S3' | 'FANGPIN_EVIDENCE_S3_ENDPOINT';

/**
 * S3 for the feed's files (by default) or the evidence bucket. A local endpoint is addressed path-style, as it has
 * no bucket host names; it is set explicitly, so the SDK never falls back to AWS_ENDPOINT_URL_S3 for the evidence
 * bucket. Checksums only where S3 requires them: otherwise the SDK adds a CRC32 of the (empty) body to every
 * presigned PUT, which the real upload would then fail; the evidence sets its SHA-256 itself, and the feed digests
 * its files.
 */
export function s3Client(endpointSetting: S3Endpoint = 'AWS_ENDPOINT_URL_S3'): S3Client {
  let client = s3Clients.get(endpointSetting);
  if (!client) {
    const local = optionalWiring(endpointSetting);
    client = withoutSdkLogging(
      new S3Client({
        endpoint: local,
        forcePathStyle: local !== undefined,
        maxAttempts: 3,
        requestHandler: timeouts(),
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      }),
    );
    s3Clients.set(endpointSetting, client);
  }
  return client;
}

/** The physical table name, from the variable the CDK app (or the embedded runtime) sets. */
export function tableName(id: TableId): string {
  return wiring(tableSpec(id).envVar, `table ${id}`);
}

/** For tests and the embedded runtime: forget the cached clients after the environment changed. */
export function resetClients(): void {
  ddb = undefined;
  sfn = undefined;
  s3Clients.clear();
}
