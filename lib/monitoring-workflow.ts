/**
 * The monitoring run (POST /monitoring/run): one Standard execution per run (named after the job) runs a
 * Distributed Map over the registry's slices (index bySchemeShard: `<scheme>#<0..15>`), each slice a child
 * execution paging its households with the monitoring Lambda, as the index-event fan-out pages a county
 * (lib/index-event-workflow.ts). Payloads stay small whatever the registry's size (a slice number, a scheme
 * position, a page cursor and two counts). The embedded engine runs the same definition from the template.
 */
import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { FANOUT_SHARDS } from '../core/index-event.js';
import { MONITORING_MAP_RUN_LABEL, MONITORING_STATE, TRANSIENT_ERROR } from './workflow-names.js';
import { standardStateMachine } from './standard-state-machine.js';
import { acknowledgeMapChildren } from './nag.js';

export interface MonitoringWorkflowProps {
  readonly stateMachineName: string;
  readonly run: IFunction;
  /** Slices examined at once. */
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

export class MonitoringWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: MonitoringWorkflowProps) {
    super(scope, id);
    const call = (name: string, payload: Record<string, unknown> | undefined, resultPath?: string) => {
      const t = new tasks.LambdaInvoke(this, name, {
        stateName: name,
        lambdaFunction: props.run,
        payload: payload ? sfn.TaskInput.fromObject(payload) : undefined,
        payloadResponseOnly: true,
        taskTimeout: sfn.Timeout.duration(Duration.minutes(5)),
        retryOnServiceExceptions: false,
        resultPath,
      });
      t.addRetry({ errors: RETRY_ERRORS, interval: Duration.seconds(1), backoffRate: 2, maxAttempts: 6, jitterStrategy: sfn.JitterType.FULL });
      return t;
    };

    const failed = new sfn.Fail(this, MONITORING_STATE.failed, {
      stateName: MONITORING_STATE.failed,
      error: 'MonitoringFailed',
      causePath: '$.error.Cause',
    });
    const recordFailure = call(
      MONITORING_STATE.recordFailure,
      { action: 'fail', jobId: sfn.JsonPath.stringAt('$.jobId'), error: sfn.JsonPath.objectAt('$.error') },
      sfn.JsonPath.DISCARD,
    );
    recordFailure.next(failed);

    // One slice: a page, then again while the page says there is more (the page's answer is the next state).
    const page = call(MONITORING_STATE.page, undefined);
    const more = new sfn.Choice(this, MONITORING_STATE.more, { stateName: MONITORING_STATE.more })
      .when(sfn.Condition.booleanEquals('$.more', true), page)
      .otherwise(new sfn.Succeed(this, MONITORING_STATE.sliceDone, { stateName: MONITORING_STATE.sliceDone }));
    page.next(more);

    const map = new sfn.DistributedMap(this, MONITORING_STATE.map, {
      stateName: MONITORING_STATE.map,
      label: MONITORING_MAP_RUN_LABEL,
      mapExecutionType: sfn.StateMachineType.STANDARD,
      itemsPath: '$.shards',
      maxConcurrency: props.maxConcurrency ?? FANOUT_SHARDS,
      itemSelector: { action: 'slice', jobId: sfn.JsonPath.stringAt('$.jobId'), shard: sfn.JsonPath.stringAt('$$.Map.Item.Value') },
      resultPath: sfn.JsonPath.DISCARD,
    });
    map.itemProcessor(page);
    map.addCatch(recordFailure, { errors: ['States.ALL'], resultPath: '$.error' });

    const slices = new sfn.Pass(this, MONITORING_STATE.slices, {
      stateName: MONITORING_STATE.slices,
      parameters: { jobId: sfn.JsonPath.stringAt('$.jobId'), shards: Array.from({ length: FANOUT_SHARDS }, (_, i) => i) },
    });
    const finish = call(MONITORING_STATE.finish, { action: 'finish', jobId: sfn.JsonPath.stringAt('$.jobId') });
    finish.addCatch(recordFailure, { errors: ['States.ALL'], resultPath: '$.error' });
    const definition = slices
      .next(map)
      .next(finish)
      .next(new sfn.Succeed(this, MONITORING_STATE.done, { stateName: MONITORING_STATE.done }));

    this.stateMachine = standardStateMachine(this, {
      stateMachineName: props.stateMachineName,
      definition,
      invokes: [props.run],
      invokesWhat: 'the monitoring function',
    });
    // The Distributed Map's own grants (added by CDK) on its child executions, named after this machine only.
    acknowledgeMapChildren(this.stateMachine, MONITORING_MAP_RUN_LABEL, 'child executions (one per registry slice)');
  }
}
