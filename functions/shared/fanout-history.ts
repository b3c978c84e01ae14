/**
 * What an auditor reads of an index event's fan-out: the fan-out execution's own history, and one line per
 * registry slice. Each slice is a child execution of the Distributed Map (its own history, readable with
 * GetExecutionHistory on its ARN); its input names the slice and its output how many households it filed.
 */
import { DescribeExecutionCommand, ListExecutionsCommand, ListMapRunsCommand } from '@aws-sdk/client-sfn';
import { sfnClient } from './aws.js';
import { historyOf } from './execution.js';
import { fanoutExecutionName, indexFanoutArn } from './index-events-repo.js';

export interface SliceExecution {
  readonly shard: number | null;
  readonly executionArn: string;
  readonly mapRunArn: string;
  readonly status: string | undefined;
  readonly startDate: string | undefined;
  readonly stopDate: string | undefined;
  /** Households of the slice the observation concerned, all filed (null until the slice finished). */
  readonly householdsFiled: number | null;
}

const parse = (text: string | undefined): Record<string, unknown> => {
  try {
    const v: unknown = text ? JSON.parse(text) : {};
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

export function fanoutExecutionArn(eventId: string, redrive = 0): string {
  return `${indexFanoutArn().replace(':stateMachine:', ':execution:')}:${fanoutExecutionName(eventId, redrive)}`;
}

export async function fanoutHistory(eventId: string, redrive = 0) {
  const parent = await historyOf(fanoutExecutionArn(eventId, redrive));
  const slices: SliceExecution[] = [];
  let runsToken: string | undefined;
  do {
    const runs = await sfnClient().send(new ListMapRunsCommand({ executionArn: parent.executionArn, nextToken: runsToken }));
    for (const run of runs.mapRuns ?? []) {
      const mapRunArn = run.mapRunArn ?? '';
      let token: string | undefined;
      do {
        const page = await sfnClient().send(new ListExecutionsCommand({ mapRunArn, nextToken: token, maxResults: 1000 }));
        for (const e of page.executions ?? []) {
          const d = await sfnClient().send(new DescribeExecutionCommand({ executionArn: e.executionArn }));
          const shard = parse(d.input).shard;
          const filed = parse(d.output).filedSoFar;
          slices.push({
            shard: typeof shard === 'number' ? shard : null,
            executionArn: e.executionArn ?? '',
            mapRunArn,
            status: d.status,
            startDate: d.startDate?.toISOString(),
            stopDate: d.stopDate?.toISOString(),
            householdsFiled: d.status === 'SUCCEEDED' && typeof filed === 'number' ? filed : null,
          });
        }
        token = page.nextToken;
      } while (token);
    }
    runsToken = runs.nextToken;
  } while (runsToken);
  slices.sort((a, b) => (a.shard ?? -1) - (b.shard ?? -1) || (a.startDate ?? '').localeCompare(b.startDate ?? ''));
  return { ...parent, slices };
}
