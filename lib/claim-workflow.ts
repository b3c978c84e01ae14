/**
 * The claim workflow: a Standard state machine (auditors need GetExecutionHistory; Express keeps none).
 * intake → eligibility → assessment → split → payout, a Choice for rejected / zero / review, the review as a
 * `.waitForTaskToken` task, Retry with backoff on transient errors for every task and Catch into a recorded
 * FAILED state. Review has two token waits (an approval above the first reviewer's authority limit waits again
 * for a higher level, so the history shows both decisions) and a return for information that releases the holds,
 * waits for the submitter's amendment and runs eligibility and assessment again in the same execution. Only ASL the local engine runs faithfully: no JSONata, Assign, Distributed Map or heartbeats.
 */
import { Duration } from 'aws-cdk-lib';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import {
  ELIGIBILITY_OUTCOME,
  RETURN_TIMEOUT_SECONDS,
  REVIEW_OUTCOME,
  ROUTE_OUTCOME,
  STATE,
  TRANSIENT_ERROR,
  WAIT_STAGE,
  type EligibilityOutcome,
  type ReviewOutcome,
  type RouteOutcome,
  type WaitStage,
} from './workflow-names.js';
import { standardStateMachine } from './standard-state-machine.js';

export interface ClaimWorkflowProps {
  readonly stateMachineName: string;
  readonly intake: IFunction;
  readonly eligibility: IFunction;
  readonly assessment: IFunction;
  readonly reviewRequest: IFunction;
  readonly split: IFunction;
  readonly payout: IFunction;
  readonly recordFailure: IFunction;
  /** How long a returned claim waits for its amendment (default 30 days). */
  readonly returnTimeout?: Duration;
}

// CDK's built-in service retry is off (retryOnServiceExceptions: false) so each Task has exactly one Retry rule:
// Lambda's own transient errors plus our TransientError share one backoff (1 s, x2, 6 attempts, full jitter).
// The Review task retries only Lambda's errors; its own failures and the 30-day timeout go to the Catch.
const LAMBDA_TRANSIENT = ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'];
/** A step that hangs (its function timed out, or a lost connection) is abandoned and retried: steps are idempotent. */
const STEP_TIMEOUT = sfn.Timeout.duration(Duration.seconds(60));
const STEP_RETRY = [...LAMBDA_TRANSIENT, 'States.Timeout'];

function retry(task: tasks.LambdaInvoke, errors: string[]): tasks.LambdaInvoke {
  task.addRetry({ errors, interval: Duration.seconds(1), backoffRate: 2, maxAttempts: 6, jitterStrategy: sfn.JitterType.FULL });
  return task;
}

export class ClaimWorkflow extends Construct {
  readonly stateMachine: sfn.StateMachine;

  constructor(scope: Construct, id: string, props: ClaimWorkflowProps) {
    super(scope, id);
    // The Resource is the function ARN itself (payloadResponseOnly): the state's output is the handler's result,
    // and the execution history records LambdaFunctionScheduled/Started/Succeeded for each step, on AWS as locally.
    const step = (name: string, fn: IFunction, payload?: sfn.TaskInput) =>
      retry(
        new tasks.LambdaInvoke(this, name, {
          stateName: name,
          lambdaFunction: fn,
          payload,
          payloadResponseOnly: true,
          taskTimeout: STEP_TIMEOUT,
          retryOnServiceExceptions: false,
        }),
        [...STEP_RETRY, TRANSIENT_ERROR],
      );

    const failed = new sfn.Fail(this, STATE.failed, { stateName: STATE.failed, error: 'ClaimFailed', causePath: '$.error.Cause' });
    // RecordFailure discards its result so `$.error` (from the Catch) is still there for the Fail state's CausePath.
    const recordFailure = retry(
      new tasks.LambdaInvoke(this, STATE.recordFailure, {
        stateName: STATE.recordFailure,
        lambdaFunction: props.recordFailure,
        payload: sfn.TaskInput.fromObject({ claimId: sfn.JsonPath.stringAt('$.claimId'), error: sfn.JsonPath.objectAt('$.error') }),
        payloadResponseOnly: true,
        taskTimeout: STEP_TIMEOUT,
        resultPath: sfn.JsonPath.DISCARD,
        retryOnServiceExceptions: false,
      }),
      [...STEP_RETRY, TRANSIENT_ERROR],
    );
    recordFailure.next(failed);
    const guarded = (t: tasks.LambdaInvoke) => {
      t.addCatch(recordFailure, { errors: ['States.ALL'], resultPath: '$.error' });
      return t;
    };

    const intake = guarded(step(STATE.intake, props.intake));
    const eligibility = guarded(step(STATE.eligibility, props.eligibility));
    const assessment = guarded(step(STATE.assessment, props.assessment));
    const split = guarded(step(STATE.split, props.split));
    const payout = guarded(step(STATE.payout, props.payout));
    const releaseHold = guarded(
      step(STATE.releaseHold, props.assessment, sfn.TaskInput.fromObject({ claimId: sfn.JsonPath.stringAt('$.claimId'), action: 'release' })),
    );
    // The human waits share one function; `stage` says which wait it is (review-request.ts replays a decision
    // already stored for that stage, so a re-run after a restart or redrive never asks twice).
    const wait = (name: string, stage: WaitStage, timeout: Duration) =>
      retry(
        new tasks.LambdaInvoke(this, name, {
          stateName: name,
          lambdaFunction: props.reviewRequest,
          integrationPattern: sfn.IntegrationPattern.WAIT_FOR_TASK_TOKEN,
          payload: sfn.TaskInput.fromObject({ claimId: sfn.JsonPath.stringAt('$.claimId'), taskToken: sfn.JsonPath.taskToken, stage }),
          taskTimeout: sfn.Timeout.duration(timeout),
          retryOnServiceExceptions: false,
        }),
        LAMBDA_TRANSIENT,
      );
    const review = guarded(wait(STATE.review, WAIT_STAGE.review, Duration.days(30)));
    const finalReview = guarded(wait(STATE.finalReview, WAIT_STAGE.finalReview, Duration.days(30)));
    const returnHold = guarded(
      step(STATE.returnHold, props.assessment, sfn.TaskInput.fromObject({ claimId: sfn.JsonPath.stringAt('$.claimId'), action: 'return' })),
    );
    const expireReturn = guarded(
      step(
        STATE.expireReturn,
        props.reviewRequest,
        sfn.TaskInput.fromObject({ claimId: sfn.JsonPath.stringAt('$.claimId'), action: 'expireReturn' }),
      ),
    );
    // An amendment not made in time closes the claim (RETURN_EXPIRED); the Timeout catcher comes before States.ALL.
    const awaitAmendment = wait(STATE.awaitAmendment, WAIT_STAGE.amend, props.returnTimeout ?? Duration.seconds(RETURN_TIMEOUT_SECONDS));
    awaitAmendment.addCatch(expireReturn, { errors: ['States.Timeout'], resultPath: '$.error' });
    guarded(awaitAmendment);

    const rejected = new sfn.Succeed(this, STATE.rejected, { stateName: STATE.rejected });
    const closed = new sfn.Succeed(this, STATE.closedNoPayout, { stateName: STATE.closedNoPayout });
    const settling = new sfn.Succeed(this, STATE.settling, { stateName: STATE.settling });
    // Only words a step answers (functions/shared/workflow-contract.ts).
    const outcome = (value: EligibilityOutcome | RouteOutcome | ReviewOutcome) => sfn.Condition.stringEquals('$.outcome', value);

    split.next(payout).next(settling);
    releaseHold.next(rejected);
    expireReturn.next(rejected);
    finalReview.next(
      new sfn.Choice(this, STATE.finalReviewDecision, { stateName: STATE.finalReviewDecision })
        .when(outcome(REVIEW_OUTCOME.approved), split)
        .when(outcome(REVIEW_OUTCOME.returned), returnHold)
        .otherwise(releaseHold),
    );
    review.next(
      new sfn.Choice(this, STATE.reviewDecision, { stateName: STATE.reviewDecision })
        .when(outcome(REVIEW_OUTCOME.approved), split)
        .when(outcome(REVIEW_OUTCOME.recommended), finalReview)
        .when(outcome(REVIEW_OUTCOME.returned), returnHold)
        .otherwise(releaseHold),
    );
    // Amended: eligibility and assessment again, in this execution (the history shows the whole story).
    returnHold.next(awaitAmendment).next(eligibility);
    const route = new sfn.Choice(this, STATE.route, { stateName: STATE.route })
      .when(outcome(ROUTE_OUTCOME.noPayout), closed)
      .when(outcome(ROUTE_OUTCOME.rejected), rejected)
      .when(outcome(ROUTE_OUTCOME.review), review)
      .otherwise(split);
    const definition = intake
      .next(eligibility)
      .next(
        new sfn.Choice(this, STATE.eligible, { stateName: STATE.eligible })
          .when(outcome(ELIGIBILITY_OUTCOME.rejected), rejected)
          .otherwise(assessment.next(route)),
      );

    this.stateMachine = standardStateMachine(this, {
      stateMachineName: props.stateMachineName,
      definition,
      invokes: [props.intake, props.eligibility, props.assessment, props.reviewRequest, props.split, props.payout, props.recordFailure],
      invokesWhat: 'the seven step functions',
    });
  }
}
