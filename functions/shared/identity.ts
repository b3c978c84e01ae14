/**
 * Identity numbers (身份证号) never leave the registry raw: we keep an HMAC-SHA256 under a secret key for
 * look-ups and a masked form for display. The key comes from Secrets Manager on AWS (ID_HASH_SECRET_ARN) and
 * from FANGPIN_ID_HASH_KEY in embedded mode (a random key kept in the data directory).
 */
import { createHmac } from 'node:crypto';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { optionalWiring } from './config.js';

let key: Promise<string> | undefined;

async function loadKey(): Promise<string> {
  const local = optionalWiring('FANGPIN_ID_HASH_KEY');
  if (local) return local;
  const arn = optionalWiring('ID_HASH_SECRET_ARN');
  if (!arn) throw new Error('neither FANGPIN_ID_HASH_KEY nor ID_HASH_SECRET_ARN is set: cannot hash identity numbers');
  const out = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: arn }));
  if (!out.SecretString) throw new Error('the identity hash secret is empty');
  return out.SecretString;
}

export async function hashIdNumber(idNumber: string): Promise<string> {
  key ??= loadKey();
  return createHmac('sha256', await key)
    .update(idNumber.toUpperCase(), 'utf8')
    .digest('hex');
}
