/** One in-memory DynamoDB Local for the whole test run; suites get its endpoint with inject('dynamoEndpoint'). */
import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal, type DynamoDbLocal } from '../embedded/dynamodb-local.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

let store: DynamoDbLocal | undefined;

export async function setup(project: TestProject) {
  store = await startDynamoDbLocal();
  project.provide('dynamoEndpoint', store.endpoint);
}

export async function teardown() {
  await store?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoEndpoint: string;
  }
}
