/**
 * AWS SDK clients, built once per process. Endpoints come from the standard service-specific variables
 * (AWS_ENDPOINT_URL_DYNAMODB, AWS_ENDPOINT_URL_SFN): unset on AWS, pointed at the embedded store and engine
 * locally. That is the only difference between the two ways to run.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SFNClient } from '@aws-sdk/client-sfn';
import { tableSpec, type TableId } from './tables.js';
import { coalesceReads } from './read-coalescer.js';
import { coalesceWrites } from './write-coalescer.js';

/**
 * A request that hangs must fail and be retried, not hold a step (or a claim) forever. In this SDK version
 * `requestTimeout` only warns (it would abort with `throwOnRequestTimeout`, counting time spent waiting for a
 * free socket too); `socketTimeout` aborts a request whose connection stays silent that long, which is the hang.
 * 10 s on AWS. The embedded runtime sets FANGPIN_SDK_TIMEOUT_MS=60000: there a request can legitimately wait over
 * 10 s in DynamoDB Local's table-lock queue while thousands of claims are in flight (an index event), and cutting
 * it off only re-sends it into the same queue (measured: fan-out 55.5–59.7 s instead of 57.6–65.3 s).
 */
function timeouts() {
  const ms = Number(process.env.FANGPIN_SDK_TIMEOUT_MS ?? 10_000); // read when a client is built: after the runtime set it
  return { connectionTimeout: 2_000, requestTimeout: ms, socketTimeout: ms };
}

let ddb: DynamoDBDocumentClient | undefined;
let sfn: SFNClient | undefined;

function endpoint(service: 'DYNAMODB' | 'SFN'): string | undefined {
  return process.env[`AWS_ENDPOINT_URL_${service}`] || undefined;
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
    ddb = DynamoDBDocumentClient.from(withoutSdkLogging(new DynamoDBClient({ endpoint: endpoint('DYNAMODB'), maxAttempts: 3, requestHandler: timeouts() })), {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
    });
    withoutSdkLogging(ddb);
    const rate = Number(process.env.FANGPIN_FAULT_RATE ?? 0);
    // Fault drills: only against a local endpoint, never on AWS.
    if (rate > 0 && endpoint('DYNAMODB')) injectFaults(ddb, rate);
    if (process.env.FANGPIN_COALESCE_READS === '1') coalesceReads(ddb);
    if (process.env.FANGPIN_COALESCE_WRITES === '1') coalesceWrites(ddb);
  }
  return ddb;
}

/**
 * Fails a share of store requests with a transient error (HTTP 503), half before the request reaches the store
 * and half after it succeeded (a lost response). The fault sits inside the SDK's retry loop, as a real network
 * or service fault does, so a re-sent write must be harmless: conditional writes and idempotent steps, not luck.
 */
function injectFaults(client: DynamoDBDocumentClient, rate: number): void {
  const fault = (when: string) =>
    Object.assign(new Error(`injected fault (${when})`), { name: 'InjectedFault', $metadata: { httpStatusCode: 503 }, $retryable: { throttling: false } });
  client.middlewareStack.add(
    (next) => async (args) => {
      const roll = Math.random();
      if (roll < rate / 2) throw fault('before the request');
      const result = await next(args);
      if (roll < rate) throw fault('after the request succeeded');
      return result;
    },
    { step: 'finalizeRequest', priority: 'low', name: 'fangpinFaultInjection' },
  );
}

export function sfnClient(): SFNClient {
  sfn ??= withoutSdkLogging(new SFNClient({ endpoint: endpoint('SFN'), maxAttempts: 3, requestHandler: timeouts() }));
  return sfn;
}

/** The physical table name, from the variable the CDK app (or the embedded runtime) sets. */
export function tableName(id: TableId): string {
  const spec = tableSpec(id);
  const name = process.env[spec.envVar];
  if (!name) throw new Error(`environment variable ${spec.envVar} (table ${id}) is not set`);
  return name;
}

/** For tests and the embedded runtime: forget the cached clients after the environment changed. */
export function resetClients(): void {
  ddb = undefined;
  sfn = undefined;
}
