/**
 * The index-event fan-out: one Standard execution per observation (named after the event) runs a Distributed Map
 * over the registry slices of the observation's scheme and county, each slice a child execution of its own. Each
 * slice pages through its households with the fan-out Lambda, which files one claim per concerned household and
 * starts that claim's own execution of the claim workflow, so auditors keep a per-claim history. State payloads
 * stay small whatever the county's size (a shard number and a page cursor), so the map's items are the slice
 * numbers and no S3 ItemReader is needed. The embedded engine emulates the Distributed Map's child executions.
 */
import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { FANOUT_SHARDS } from '../core/index-event.js';
import { FANOUT_MAP_RUN_LABEL, FANOUT_STATE, TRANSIENT_ERROR } from './workflow-names.js';
import { standardStateMachine } from './standard-state-machine.js';
import { acknowledgeMapChildren } from './nag.js';

export interface IndexEventWorkflowProps {
  readonly stateMachineName: string;
  readonly fanout: IFunction;
  /** Slices of a county processed at once. Each files claims with its own small pool (FANGPIN_FANOUT_CONCURRENCY). */
  readonly maxConcurrency?: number;
}

const RETRY_ERRORS = [
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'States.Timeout',
  TRANSIENT_ERROR,
];

export class IndexEventWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: IndexEventWorkflowProps) {
    super(scope, id);
    const call = (name: string, payload: Record<string, unknown> | undefined, resultPath?: string) => {
      const t = new tasks.LambdaInvoke(this, name, {
        stateName: name,
        lambdaFunction: props.fanout,
        payload: payload ? sfn.TaskInput.fromObject(payload) : undefined,
        payloadResponseOnly: true,
        taskTimeout: sfn.Timeout.duration(Duration.minutes(5)),
        retryOnServiceExceptions: false,
        resultPath,
      });
      t.addRetry({ errors: RETRY_ERRORS, interval: Duration.seconds(1), backoffRate: 2, maxAttempts: 6, jitterStrategy: sfn.JitterType.FULL });
      return t;
    };

    const failed = new sfn.Fail(this, FANOUT_STATE.failed, { stateName: FANOUT_STATE.failed, error: 'FanoutFailed', causePath: '$.error.Cause' });
    const recordFailure = call(
      FANOUT_STATE.recordFailure,
      { action: 'fail', eventId: sfn.JsonPath.stringAt('$.eventId'), error: sfn.JsonPath.objectAt('$.error') },
      sfn.JsonPath.DISCARD,
    );
    recordFailure.next(failed);

    // One slice: file a page, loop while the page says there is more.
    // The whole state is the input: `{ action, eventId, shard }` from the Map, then the page's own answer, which
    // adds `cursor` and `more` (a path to an absent cursor would be a runtime error on the first page).
    const page = call(FANOUT_STATE.fileClaims, undefined);
    const more = new sfn.Choice(this, FANOUT_STATE.more, { stateName: FANOUT_STATE.more })
      .when(sfn.Condition.booleanEquals('$.more', true), page)
      .otherwise(new sfn.Succeed(this, FANOUT_STATE.sliceDone, { stateName: FANOUT_STATE.sliceDone }));
    page.next(more);

    // A Distributed Map: each slice is a child execution of its own, so every slice has its own 25,000-event
    // history (an inline Map puts every page of every slice into the parent's one history, which capped an
    // event at about 300,000 households). The items are the slice numbers, a short list whatever the county's
    // size, so no S3 ItemReader is needed: the households themselves are paged from the registry's index.
    const fanOut = new sfn.DistributedMap(this, FANOUT_STATE.fanOut, {
      stateName: FANOUT_STATE.fanOut,
      label: FANOUT_MAP_RUN_LABEL,
      mapExecutionType: sfn.StateMachineType.STANDARD,
      itemsPath: '$.shards',
      maxConcurrency: props.maxConcurrency ?? 4,
      itemSelector: { action: 'shard', eventId: sfn.JsonPath.stringAt('$.eventId'), shard: sfn.JsonPath.stringAt('$$.Map.Item.Value') },
      resultPath: sfn.JsonPath.DISCARD,
    });
    fanOut.itemProcessor(page);
    fanOut.addCatch(recordFailure, { errors: ['States.ALL'], resultPath: '$.error' });

    const slices = new sfn.Pass(this, FANOUT_STATE.slices, {
      stateName: FANOUT_STATE.slices,
      parameters: { eventId: sfn.JsonPath.stringAt('$.eventId'), shards: Array.from({ length: FANOUT_SHARDS }, (_, i) => i) },
    });
    const finish = call(FANOUT_STATE.finish, { action: 'finish', eventId: sfn.JsonPath.stringAt('$.eventId') });
    finish.addCatch(recordFailure, { errors: ['States.ALL'], resultPath: '$.error' });
    const definition = slices
      .next(fanOut)
      .next(finish)
      .next(new sfn.Succeed(this, FANOUT_STATE.done, { stateName: FANOUT_STATE.done }));

    this.stateMachine = standardStateMachine(this, {
      stateMachineName: props.stateMachineName,
      definition,
      invokes: [props.fanout],
      invokesWhat: 'the fan-out function',
    });
    // The Distributed Map's own grants (added by CDK): describe and stop its child executions, which are named
    // `<this machine>:<id>` and `<this machine>/Slice:<id>`. The wildcard is the child id only, never another machine.
    acknowledgeMapChildren(this.stateMachine, FANOUT_MAP_RUN_LABEL, 'child executions (one per registry slice)');
  }
}
