/**
 * Monitoring runs (POST /monitoring/run): one item `JOB#<jobId>` in the monitoring table per run, and one execution
 * of the monitoring state machine (lib/monitoring-workflow.ts) named after it. Progress is written by the slices
 * as absolute figures per slice (h<n> households examined, o<n> open warnings among them), which a retried page
 * rewrites to the same values; `opened` is added in the transaction that opens each warning (its condition
 * guards it), and `refs` names the opened warnings while there are few (a synchronous answer lists them).
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { StartExecutionCommand, ExecutionAlreadyExists } from '@aws-sdk/client-sfn';
import { FANOUT_SHARDS } from '#core/index.js';
import { documentClient, sfnClient, tableName } from './aws.js';
import type { TxItem } from './audit.js';
import { wiring } from './config.js';

export type JobStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED';
/** The refs kept for the answer; past it only the count grows (a whole registry's run may open thousands). */
export const MAX_REFS = 500;
export const JOB_SLICES = FANOUT_SHARDS;

export interface MonitoringJob {
  readonly jobId: string;
  readonly status: JobStatus;
  readonly schemeId: string | null;
  readonly asOf: string;
  readonly startedBy: string;
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly slices: number;
  readonly slicesDone: number;
  readonly households: number;
  readonly opened: number;
  readonly open: number;
  /** `<householdId>/<warningId>` of the warnings opened, while at most MAX_REFS. */
  readonly refs: string[];
  readonly error: string | null;
}

const keyOf = (jobId: string) => ({ householdId: `JOB#${jobId}` });

export async function createJob(jobId: string, o: { schemeId: string | null; asOf: string; startedBy: string }): Promise<void> {
  await documentClient().send(
    new PutCommand({
      TableName: tableName('monitoring'),
      Item: {
        ...keyOf(jobId),
        jobId,
        status: 'RUNNING',
        schemeId: o.schemeId,
        asOf: o.asOf,
        startedBy: o.startedBy,
        startedAt: new Date().toISOString(),
        opened: 0,
      },
      ConditionExpression: 'attribute_not_exists(householdId)',
    }),
  );
}

export async function getJob(jobId: string): Promise<MonitoringJob | undefined> {
  const out = await documentClient().send(new GetCommand({ TableName: tableName('monitoring'), Key: keyOf(jobId), ConsistentRead: true }));
  const item = out.Item;
  if (!item) return undefined;
  let households = 0;
  let open = 0;
  for (let n = 0; n < JOB_SLICES; n++) {
    households += Number(item[`h${n}`] ?? 0);
    open += Number(item[`o${n}`] ?? 0);
  }
  return {
    jobId,
    status: item.status as JobStatus,
    schemeId: (item.schemeId as string | null) ?? null,
    asOf: String(item.asOf),
    startedBy: String(item.startedBy),
    startedAt: String(item.startedAt),
    finishedAt: (item.finishedAt as string | undefined) ?? null,
    slices: JOB_SLICES,
    slicesDone: (item.slicesDone as Set<string> | undefined)?.size ?? 0,
    households,
    opened: Number(item.opened ?? 0),
    open,
    refs: [...((item.refs as Set<string> | undefined) ?? [])].sort(),
    error: (item.error as string | undefined) ?? null,
  };
}

/** The job's counter (and ref, while few) for one opened warning: committed with the opening. */
export function jobOpenedItem(jobId: string, ref: string | null): TxItem {
  return {
    Update: {
      TableName: tableName('monitoring'),
      Key: keyOf(jobId),
      UpdateExpression: ref ? 'ADD opened :one, refs :ref' : 'ADD opened :one',
      ExpressionAttributeValues: ref ? { ':one': 1, ':ref': new Set([ref]) } : { ':one': 1 },
    },
  };
}

/** A slice's figures so far (absolute: a retried page writes the same), and whether it is done. */
export async function recordSlice(jobId: string, slice: number, households: number, open: number, done: boolean): Promise<void> {
  await documentClient().send(
    new UpdateCommand({
      TableName: tableName('monitoring'),
      Key: keyOf(jobId),
      UpdateExpression: `SET #h = :h, #o = :o${done ? ' ADD slicesDone :s' : ''}`,
      ExpressionAttributeNames: { '#h': `h${slice}`, '#o': `o${slice}` },
      ExpressionAttributeValues: { ':h': households, ':o': open, ...(done ? { ':s': new Set([String(slice)]) } : {}) },
    }),
  );
}

/** RUNNING → SUCCEEDED or FAILED, once. */
export async function finishJob(jobId: string, status: 'SUCCEEDED' | 'FAILED', error?: string): Promise<void> {
  try {
    await documentClient().send(
      new UpdateCommand({
        TableName: tableName('monitoring'),
        Key: keyOf(jobId),
        UpdateExpression: `SET #s = :s, finishedAt = :now${error ? ', #e = :e' : ''}`,
        ConditionExpression: '#s = :running',
        ExpressionAttributeNames: { '#s': 'status', ...(error ? { '#e': 'error' } : {}) },
        ExpressionAttributeValues: { ':s': status, ':now': new Date().toISOString(), ':running': 'RUNNING', ...(error ? { ':e': error } : {}) },
      }),
    );
  } catch (err) {
    if (!(err instanceof ConditionalCheckFailedException)) throw err;
  }
}

function machineArn(): string {
  return wiring('MONITORING_STATE_MACHINE_ARN', 'the monitoring job state machine');
}

export async function startJobExecution(jobId: string): Promise<void> {
  try {
    await sfnClient().send(new StartExecutionCommand({ stateMachineArn: machineArn(), name: jobId, input: JSON.stringify({ jobId }) }));
  } catch (err) {
    if (!(err instanceof ExecutionAlreadyExists)) throw err;
  }
}
