/**
 * cdk-nag findings the design accepts, each acknowledged by its exact finding id with the reason. A new
 * wildcard or managed policy that is not listed here fails `cdk synth` and the nag test.
 */
import { CfnResource, Stack, Token, Validations } from 'aws-cdk-lib';
import { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { CfnGlobalTable } from 'aws-cdk-lib/aws-dynamodb';

function logicalIds<T extends CfnResource>(stack: Stack, type: abstract new (...args: never[]) => T): string[] {
  return stack.node.findAll().filter((c): c is T => c instanceof type).map((r) => stack.getLogicalId(r));
}

export function acknowledgeFindings(stack: Stack, stateMachineName = 'fangpin-claims'): void {
  const ack = (finding: string, reason: string) => Validations.of(stack).acknowledge({ id: `AwsSolutions::AwsSolutions-${finding}`, reason });
  ack(
    'IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    'The managed basic execution role only lets a function write its own logs; data access is granted per table and action.',
  );
  ack('L1', 'Functions run on NODEJS_22_X, the runtime the project targets and tests against (the issue fixes it); move with the project, not automatically.');
  ack('IAM5[Resource::*]', 'X-Ray tracing (xray:PutTraceSegments, PutTelemetryRecords) and CloudWatch Logs delivery for the state machine have no resource-level permissions.');
  for (const table of logicalIds(stack, CfnGlobalTable)) {
    ack(`IAM5[Resource::<${table}.Arn>/index/*]`, 'CDK table grants include the table\'s own GSIs (byHousehold, byStatus, byClaim, byInsurer), nothing else.');
  }
  for (const fn of logicalIds(stack, CfnFunction)) {
    ack(`IAM5[Resource::<${fn}.Arn>:*]`, 'The state machine may invoke any version of its own step functions (LambdaInvoke grant).');
  }
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  ack(
    `IAM5[Resource::arn:<AWS::Partition>:states:${region}:<AWS::AccountId>:execution:${stateMachineName}:*]`,
    'Auditors read the history of any claim: executions are named per claim, so the claims API reads executions of its one state machine.',
  );
}
