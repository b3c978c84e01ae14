/** One in-memory DynamoDB Local for the whole test run; suites get its endpoint with inject('dynamoEndpoint'). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal, type DynamoDbLocal } from '../embedded/dynamodb-local.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

// Every temporary folder of the run under one, removed at its end: the CDK tests' synth outputs (about 25 MB each,
// the console staged as an asset), data directories, bundles and browser profiles would otherwise stay in the
// system's temp folder, about 1.6 GB a run. The test workers are forked after this and inherit TMPDIR.
const runTmp = mkdtempSync(join(tmpdir(), 'fangpin-test-run-'));
process.env.TMPDIR = runTmp;

let store: DynamoDbLocal | undefined;

export async function setup(project: TestProject) {
  store = await startDynamoDbLocal();
  project.provide('dynamoEndpoint', store.endpoint);
}

export async function teardown() {
  await store?.stop();
  rmSync(runTmp, { recursive: true, force: true });
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}
