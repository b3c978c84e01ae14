/**
 * The one way this app makes a state machine: Standard (exactly-once steps, a year of history), traced, logged
 * without execution data, and with cdk-nag told why its wildcard grants are what they are.
 */
import { CfnElement, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { acknowledgeNag } from './nag.js';

export interface StandardStateMachineProps {
  readonly stateMachineName?: string | undefined;
  readonly definition: sfn.IChainable;
  /** The functions its tasks invoke, and how to name them in the nag acknowledgement. */
  readonly invokes: readonly IFunction[];
  readonly invokesWhat: string;
}

/** Created as `StateMachine` and `Logs` inside `scope` (stable logical ids). */
export function standardStateMachine(scope: Construct, props: StandardStateMachineProps): sfn.StateMachine {
  const stateMachine = new sfn.StateMachine(scope, 'StateMachine', {
    stateMachineName: props.stateMachineName,
    stateMachineType: sfn.StateMachineType.STANDARD,
    definitionBody: sfn.DefinitionBody.fromChainable(props.definition),
    tracingEnabled: true,
    logs: {
      destination: new LogGroup(scope, 'Logs', { retention: RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN }),
      level: sfn.LogLevel.ALL,
      // No claim data in the logs: amounts and personal data stay in the encrypted tables.
      includeExecutionData: false,
    },
  });
  acknowledgeNag(
    stateMachine,
    'IAM5[Resource::*]',
    'Log delivery (logs:CreateLogDelivery and friends) and X-Ray (xray:PutTraceSegments) have no resource-level permissions.',
  );
  for (const fn of new Set(props.invokes)) {
    const cfn = fn.node.defaultChild;
    if (!(cfn instanceof CfnElement)) continue;
    acknowledgeNag(
      stateMachine,
      `IAM5[Resource::<${Stack.of(scope).getLogicalId(cfn)}.Arn>:*]`,
      `LambdaInvoke grants invoke of ${props.invokesWhat} and its versions/aliases (\`<arn>:*\`); only that.`,
    );
  }
  return stateMachine;
}
