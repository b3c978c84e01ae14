/** Point the handlers' AWS SDK clients at the run's DynamoDB Local, with tables under a prefix of the suite's own. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { ensureTables, tableNamesEnv } from '../../embedded/create-tables.js';
import { localDynamoClientConfig } from '../../embedded/dynamodb-local.js';
import { resetClients } from '../../functions/shared/aws.js';

export async function useStore(prefix: string): Promise<string> {
  const endpoint = inject('dynamoEndpoint');
  Object.assign(process.env, {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    AWS_ENDPOINT_URL_DYNAMODB: endpoint,
    FANGPIN_ID_HASH_KEY: 'test-key',
    ...tableNamesEnv(`${prefix}-`),
  });
  const client = new DynamoDBClient(localDynamoClientConfig(endpoint));
  await ensureTables(client, `${prefix}-`);
  client.destroy();
  resetClients();
  return endpoint;
}
