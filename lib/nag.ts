/**
 * cdk-nag 3 acknowledgements. Each one is placed on the narrowest construct that owns the finding (a function's
 * role, the state machine, one secret), never on the whole stack, so a new wildcard elsewhere still fails
 * `cdk synth` and test/cdk/nag.test.ts. The id is `<plugin>::<rule>[<finding>]`, exactly as the report prints it.
 */
import { Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

export const NAG_PLUGIN = 'AwsSolutions';

export function acknowledgeNag(scope: IConstruct, finding: string, reason: string): void {
  Validations.of(scope).acknowledge({ id: `${NAG_PLUGIN}::${NAG_PLUGIN}-${finding}`, reason });
}
