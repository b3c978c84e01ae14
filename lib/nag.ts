/**
 * cdk-nag 3 acknowledgements. Each one is placed on the narrowest construct that owns the finding (a function's
 * role, the state machine, one secret), never on the whole stack, so a new wildcard elsewhere still fails
 * `cdk synth` and test/cdk/nag.test.ts. The id is `<plugin>::<rule>[<finding>]`, exactly as the report prints it.
 */
import { CfnElement, Stack, Token, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export const NAG_PLUGIN = 'AwsSolutions';

export function acknowledgeNag(scope: IConstruct, finding: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `${NAG_PLUGIN}::${NAG_PLUGIN}-${finding}`, reason });
}

/**
 * Region and account as cdk-nag prints them inside a finding's ARN: `<AWS::Region>` / `<AWS::AccountId>` while
 * they are unresolved (a synth with no environment), the concrete values once the stack has an environment.
 * The CDK CLI always gives the app one (CDK_DEFAULT_REGION is us-east-1 when nothing is configured), so an
 * acknowledgement written with the placeholders alone would not match what `npx cdk synth` reports.
 */
export function nagEnv(scope: IConstruct): { region: string; account: string } {
  const stack = Stack.of(scope);
  return {
    region: Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region,
    account: Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account,
  };
}

/**
 * The grants CDK gives a Distributed Map on its own child executions: describe, stop and redrive
 * `<machine>:<id>` and `<machine>/<label>:<id>`. The wildcard is the child id only, never another machine; `what`
 * says what the children are, for the acknowledgement's reason.
 */
export function acknowledgeMapChildren(stateMachine: IConstruct, mapRunLabel: string, what: string): void {
  const cfn = stateMachine.node.defaultChild;
  if (!(cfn instanceof CfnElement)) return;
  const { region, account } = nagEnv(stateMachine);
  const name = `{"Fn::Select":[6,{"Fn::Split":[":",{"Ref":"${Stack.of(stateMachine).getLogicalId(cfn)}"}]}]}`;
  for (const children of [`${name}:*`, `${name}/${mapRunLabel}:*`]) {
    acknowledgeNag(
      stateMachine,
      `IAM5[Resource::arn:<AWS::Partition>:states:${region}:${account}:execution:${children}]`,
      `The Distributed Map describes, stops and redrives its own ${what}, whose ids are generated per map run; the grant names this state machine only.`,
    );
  }
}
