/**
 * Operable on AWS: alarms to one SNS topic (an email subscription when CDK context `fangpin:alarmEmail` is set),
 * and a dashboard with the same figures. The alarms watch
 * - executions failed, timed out or aborted on both state machines (AWS/States);
 * - errors and throttles of every Lambda, the webhook dispatcher's errors under their own name (AWS/Lambda);
 * - the attention list's counts per kind (core/attention.ts), published by the scheduled function as Powertools
 *   metrics: failed and stuck claims, reviews waiting longer than `fangpin:reviewAlarmDays`, disabled webhook
 *   endpoints, claims past the 5-working-day target; and that function falling silent.
 */
import { Duration, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { ATTENTION_KINDS, ATTENTION_METRIC, OPS_METRICS_NAMESPACE, OPS_METRICS_SERVICE, type AttentionKind } from '../core/attention.js';

/** How often the scheduled function publishes the attention counts; every metric alarm's period. */
export const ATTENTION_SCHEDULE_MINUTES = 5;

const ATTENTION_DESCRIPTION: Record<AttentionKind, string> = {
  CLAIM_FAILED: 'Claims whose workflow failed (status FAILED) wait for an admin to redrive them. See GET /ops/attention.',
  CLAIM_STUCK: 'Undecided claims with no execution running: an admin redrives them. See GET /ops/attention.',
  REVIEW_WAITING: 'Reviews waiting longer than the configured number of days (fangpin:reviewAlarmDays). See GET /ops/attention.',
  ENDPOINT_DISABLED: 'An insurer webhook endpoint answered 410 and is disabled: its settlements are not announced. See GET /ops/attention.',
  PAST_TARGET: 'Claims not paid more than 5 working days (China calendar, scheme holidays) after submission. See GET /ops/attention.',
};

export interface OperationsProps {
  readonly alarmEmail?: string;
  readonly reviewAlarmDays: number;
  readonly workflows: ReadonlyArray<{ readonly name: string; readonly stateMachine: StateMachine }>;
  /** Every function of the stack, by construct id. */
  readonly functions: ReadonlyArray<{ readonly id: string; readonly fn: IFunction }>;
  readonly webhookDispatcher: IFunction;
  /** The scheduled function that publishes the attention counts. */
  readonly attentionMetrics: IFunction;
}

export class Operations extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    // CloudWatch can publish to an encrypted topic only with a customer managed key whose policy lets it use the key
    // (the AWS managed SNS key cannot be shared), hence a key of our own.
    const key = new Key(this, 'AlarmTopicKey', { enableKeyRotation: true, description: 'fangpin alarm topic encryption' });
    key.grant(new ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new Topic(this, 'AlarmTopic', { displayName: 'fangpin alarms', masterKey: key, enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    const action = new SnsAction(this.topic);
    const period = Duration.minutes(ATTENTION_SCHEDULE_MINUTES);

    const alarm = (
      alarmId: string,
      metric: IMetric,
      description: string,
      extra: { treatMissingData?: TreatMissingData; threshold?: number; comparisonOperator?: ComparisonOperator; evaluationPeriods?: number } = {},
    ) => {
      const a = new Alarm(this, alarmId, {
        metric,
        threshold: extra.threshold ?? 1,
        comparisonOperator: extra.comparisonOperator ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: extra.evaluationPeriods ?? 1,
        treatMissingData: extra.treatMissingData ?? TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      a.addAlarmAction(action);
      this.alarms.push(a);
      return a;
    };

    // Workflows: any execution that ended failed, timed out or aborted (a claim's caught failure ends in the Fail
    // state, so it counts here too).
    const executionGraphs: IMetric[] = [];
    for (const { name, stateMachine } of props.workflows) {
      const failed = stateMachine.metricFailed({ period, statistic: 'Sum' });
      const timedOut = stateMachine.metricTimedOut({ period, statistic: 'Sum' });
      const aborted = stateMachine.metricAborted({ period, statistic: 'Sum' });
      executionGraphs.push(
        failed.with({ label: `${name} failed` }),
        timedOut.with({ label: `${name} timed out` }),
        aborted.with({ label: `${name} aborted` }),
      );
      alarm(
        `${name}ExecutionsNotSucceeded`,
        new MathExpression({
          expression: 'FILL(f, 0) + FILL(t, 0) + FILL(a, 0)',
          usingMetrics: { f: failed, t: timedOut, a: aborted },
          period,
          label: `${name} executions failed, timed out or aborted`,
        }),
        `Executions of the ${name} state machine failed, timed out or were aborted. Failed claims are listed by GET /ops/attention.`,
      );
    }

    // Every function: errors and throttles. The dispatcher's errors get their own name: they mean insurers are
    // not being told about settlements.
    for (const { id: fnId, fn } of props.functions) {
      const errorsId = fn === props.webhookDispatcher ? 'WebhookDispatcherErrors' : `${fnId}Errors`;
      alarm(errorsId, fn.metricErrors({ period, statistic: 'Sum' }), `Lambda ${fnId} reported errors.`);
      alarm(`${fnId}Throttles`, fn.metricThrottles({ period, statistic: 'Sum' }), `Lambda ${fnId} was throttled.`);
    }

    // The attention list, as the scheduled function publishes it (Maximum: the count at the latest run).
    const attentionMetric = (kind: AttentionKind, statistic = 'Maximum') =>
      new Metric({
        namespace: OPS_METRICS_NAMESPACE,
        metricName: ATTENTION_METRIC[kind],
        dimensionsMap: { service: OPS_METRICS_SERVICE },
        period,
        statistic,
      });
    for (const kind of ATTENTION_KINDS) alarm(`Attention${ATTENTION_METRIC[kind]}`, attentionMetric(kind), ATTENTION_DESCRIPTION[kind]);
    // Every run publishes every count: none for three periods means the check itself stopped (its errors alarm
    // covers a failing run; this covers a disabled schedule or a function that no longer publishes).
    alarm(
      'AttentionCheckSilent',
      attentionMetric('CLAIM_FAILED', 'SampleCount'),
      'The attention check published nothing for 15 minutes: the alarms on its counts are blind.',
      {
        threshold: 1,
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 3,
        treatMissingData: TreatMissingData.BREACHING,
      },
    );

    new Rule(this, 'AttentionSchedule', { schedule: Schedule.rate(period), targets: [new LambdaFunction(props.attentionMetrics)] });

    const stack = Stack.of(this);
    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: `${stack.stackName}-operations`, defaultInterval: Duration.days(1) });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `## fangpin operations\nWhat needs a person: \`GET /ops/attention\` (admin, auditor), the same list as the counts below. Reviews alarm after ${props.reviewAlarmDays} day(s).`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Needs a person (attention list)',
        left: ATTENTION_KINDS.map((k) => attentionMetric(k).with({ label: k })),
        width: 12,
        height: 6,
      }),
      new GraphWidget({ title: 'Executions failed / timed out / aborted', left: executionGraphs, width: 12, height: 6 }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Lambda errors',
        left: props.functions.map(({ id: fnId, fn }) => fn.metricErrors({ period, statistic: 'Sum', label: fnId })),
        width: 12,
        height: 6,
      }),
      new GraphWidget({
        title: 'Lambda throttles',
        left: props.functions.map(({ id: fnId, fn }) => fn.metricThrottles({ period, statistic: 'Sum', label: fnId })),
        width: 12,
        height: 6,
      }),
    );
    this.dashboard.addWidgets(
      new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: Math.min(20, 2 + Math.ceil(this.alarms.length / 4)) }),
    );
  }
}
