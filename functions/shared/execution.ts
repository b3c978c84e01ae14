/** A claim's workflow execution: named after the claim id, so starting it twice is harmless. */
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  GetExecutionHistoryCommand,
  StartExecutionCommand,
  type HistoryEvent,
} from '@aws-sdk/client-sfn';
import { sfnClient } from './aws.js';
import { wiring } from './config.js';
import type { AuditHead } from './audit.js';

export function stateMachineArn(): string {
  return wiring('STATE_MACHINE_ARN');
}

/** A claim's first execution is named after it; the one an admin's n-th redrive starts, `<claimId>-r<n>`. */
export function executionNameFor(claimId: string, redrive = 0): string {
  return redrive > 0 ? `${claimId}-r${redrive}` : claimId;
}

/** arn:aws:states:r:a:stateMachine:Name → arn:aws:states:r:a:execution:Name:<execution name> */
export function executionArnFor(claimId: string, redrive = 0): string {
  return `${stateMachineArn().replace(':stateMachine:', ':execution:')}:${executionNameFor(claimId, redrive)}`;
}

/**
 * Execution names allow 80 characters of [A-Za-z0-9-_]; claim ids are made to fit. `audit` is the claim's
 * audit head after its Submit record, handed to the first step so it appends without reading.
 */
export async function startClaimExecution(claimId: string, audit?: AuditHead, redrive = 0): Promise<void> {
  try {
    await sfnClient().send(
      new StartExecutionCommand({
        stateMachineArn: stateMachineArn(),
        name: executionNameFor(claimId, redrive),
        input: JSON.stringify(audit ? { claimId, audit } : { claimId }),
      }),
    );
  } catch (err) {
    // The execution exists already (a repeated submission, or a redrive with a different input). Nothing to do.
    if (!(err instanceof ExecutionAlreadyExists)) throw err;
  }
}

/** An execution's status, or undefined if it was never started. */
export async function executionStatus(executionArn: string): Promise<string | undefined> {
  try {
    return (await sfnClient().send(new DescribeExecutionCommand({ executionArn }))).status;
  } catch (err) {
    if (err instanceof ExecutionDoesNotExist) return undefined;
    throw err;
  }
}

/** Any execution's status and whole history (pages of 1,000 events). */
export async function historyOf(executionArn: string): Promise<{ executionArn: string; status: string | undefined; events: HistoryEvent[] }> {
  const described = await sfnClient().send(new DescribeExecutionCommand({ executionArn }));
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfnClient().send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000, includeExecutionData: true }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return { executionArn, status: described.status, events };
}
