/** Builds the app: the one stack, with its settings from CDK context (cdk.json or -c). */
import { App, type AppProps } from 'aws-cdk-lib';
import { FangpinStack } from './fangpin-stack.js';

export const STACK_NAME = 'Fangpin';

export function buildApp(props: AppProps = {}): { app: App; stack: FangpinStack } {
  const app = new App(props);
  const issuer = String(app.node.tryGetContext('fangpin:jwtIssuer') ?? 'https://issuer.example.invalid/');
  const audience = String(app.node.tryGetContext('fangpin:jwtAudience') ?? 'fangpin');
  const stack = new FangpinStack(app, STACK_NAME, {
    jwtIssuer: issuer,
    jwtAudience: [audience],
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
    description: 'fangpin: poverty-prevention insurance claims (Step Functions, Lambda, DynamoDB, HTTP API)',
  });
  return { app, stack };
}
