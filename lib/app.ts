/** Builds the app: the one stack, with its settings from CDK context (cdk.json or -c). */
import { App, type AppProps } from 'aws-cdk-lib';
import { FangpinStack } from './fangpin-stack.js';
import { RETIRED_CLAIM_INDEXES } from '../functions/shared/tables.js';

export const STACK_NAME = 'Fangpin';
const RESULT_WRITER_V2 = '@aws-cdk/aws-stepfunctions:useDistributedMapResultWriterV2';

/** A context value as text; unset or empty (`-c key=`) is undefined. */
function optionalContext(app: App, key: string): string | undefined {
  const v: unknown = app.node.tryGetContext(key);
  return v === undefined || v === null || String(v).trim() === '' ? undefined : String(v).trim();
}

export function buildApp(props: AppProps = {}): { app: App; stack: FangpinStack } {
  // The Distributed Map's ResultWriterV2 (lib/medical-feed.ts) renders only with this flag; -c can still turn it off.
  const app = new App({ ...props, context: { [RESULT_WRITER_V2]: true, ...props.context } });
  const issuer = String(app.node.tryGetContext('fangpin:jwtIssuer') ?? 'https://issuer.example.invalid/');
  const audience = String(app.node.tryGetContext('fangpin:jwtAudience') ?? 'fangpin');
  const alarmEmail = optionalContext(app, 'fangpin:alarmEmail');
  if (alarmEmail !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(alarmEmail))
    throw new Error(`context fangpin:alarmEmail must be an email address, got ${alarmEmail}`);
  const reviewDaysRaw = optionalContext(app, 'fangpin:reviewAlarmDays');
  const reviewAlarmDays = reviewDaysRaw === undefined ? undefined : Number(reviewDaysRaw);
  if (reviewAlarmDays !== undefined && !(Number.isInteger(reviewAlarmDays) && reviewAlarmDays >= 1 && reviewAlarmDays <= 30)) {
    throw new Error(`context fangpin:reviewAlarmDays must be a whole number of days from 1 to 30, got ${reviewDaysRaw}`);
  }
  const returnRaw = optionalContext(app, 'fangpin:returnTimeoutSeconds');
  const returnTimeoutSeconds = returnRaw === undefined ? undefined : Number(returnRaw);
  if (
    returnTimeoutSeconds !== undefined &&
    !(Number.isInteger(returnTimeoutSeconds) && returnTimeoutSeconds >= 1 && returnTimeoutSeconds <= 365 * 24 * 3600)
  ) {
    throw new Error(`context fangpin:returnTimeoutSeconds must be a whole number of seconds from 1 to one year, got ${returnRaw}`);
  }
  const retiredRaw = optionalContext(app, 'fangpin:retiredClaimIndexes');
  const retiredClaimIndexes = retiredRaw === undefined ? undefined : Number(retiredRaw);
  if (
    retiredClaimIndexes !== undefined &&
    !(Number.isInteger(retiredClaimIndexes) && retiredClaimIndexes >= 0 && retiredClaimIndexes <= RETIRED_CLAIM_INDEXES.length)
  ) {
    throw new Error(`context fangpin:retiredClaimIndexes must be a whole number from 0 to ${RETIRED_CLAIM_INDEXES.length}, got ${retiredRaw}`);
  }
  const stack = new FangpinStack(app, STACK_NAME, {
    jwtIssuer: issuer,
    jwtAudience: [audience],
    alarmEmail,
    reviewAlarmDays,
    returnTimeoutSeconds,
    retiredClaimIndexes,
    console: {
      clientId: optionalContext(app, 'fangpin:consoleClientId'),
      domain: optionalContext(app, 'fangpin:consoleDomain')?.toLowerCase(),
      certificateId: optionalContext(app, 'fangpin:consoleCertificateId'),
      certificateArn: optionalContext(app, 'fangpin:consoleCertificateArn'),
    },
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
    description: 'fangpin: poverty-prevention insurance claims (Step Functions, Lambda, DynamoDB, HTTP API, web console)',
  });
  return { app, stack };
}
