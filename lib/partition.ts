/**
 * Where the stack is going: AWS China (partition `aws-cn`, regions cn-north-1 Beijing and cn-northwest-1
 * Ningxia) offers most of what the stack uses, with differences the stack must choose around (docs/deploy.md).
 * The CDK CLI always gives the app a concrete region (CDK_DEFAULT_REGION, from AWS_REGION or the profile), so the
 * choice is made at synth time; a synth with no region at all is treated as the standard partition.
 */
import { Stack, Token } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export function isChinaRegion(scope: IConstruct): boolean {
  const { region } = Stack.of(scope);
  return !Token.isUnresolved(region) && region.startsWith('cn-');
}

/**
 * Lambda's X-Ray integration is not offered in the China regions ("Amazon X-Ray integration with Lambda functions
 * is not available in the China Regions", Getting Started with AWS in China, Lambda). Step Functions tracing is.
 */
export function lambdaTracingAvailable(scope: IConstruct): boolean {
  return !isChinaRegion(scope);
}
