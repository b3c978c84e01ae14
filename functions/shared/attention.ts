/**
 * Reads what core/attention.ts needs, through indexes only, never a scan of every claim:
 * - FAILED claims: the byStatus index, status FAILED (every one: each is a claim someone must redrive);
 * - RECEIVED, APPROVED, PENDING_REVIEW claims created more than `stuckMinutes` ago: byStatus with a key condition
 *   on createdAt (a claim younger than that cannot be stuck, late in review or past target); those unchanged for
 *   `stuckMinutes` get one DescribeExecution of their latest execution, oldest first, at most MAX_EXECUTION_CHECKS;
 * - SETTLING claims created more than 5 days ago (byStatus): the only other status that can be past the target;
 * - disabled webhook endpoints: the 'DISABLED' partition of the webhooks table (functions/shared/webhooks/store.ts).
 * Only the attributes the list uses are fetched.
 */
import { ExecutionDoesNotExist } from '@aws-sdk/client-sfn';
import {
  attentionList,
  needsExecutionCheck,
  pastTargetCreatedBefore,
  UNDECIDED_STATUSES,
  type AttentionList,
  type AttentionThresholds,
  type ClaimFacts,
} from '#core/attention.js';
import { schemes } from './catalogue.js';
import { tableName } from './aws.js';
import { queryAll } from './query-all.js';
import { executionArnFor, executionStatus } from './execution.js';
import { disabledEndpoints } from './webhooks/store.js';
import { logger } from './step.js';
import { settingValue } from './config.js';

/**
 * DescribeExecution calls per list: Step Functions allows a burst of a few hundred, and a backlog of long reviews
 * should not make every run throttle. Claims left unread are counted in `executionChecks.unchecked`.
 */
export const MAX_EXECUTION_CHECKS = 200;
const CHECK_CONCURRENCY = 8;

/**
 * From FANGPIN_REVIEW_ALARM_DAYS and FANGPIN_STUCK_MINUTES (set by the stack from CDK context; bounds and defaults
 * in functions/shared/config.ts); a bad value fails loudly.
 */
export function thresholdsFromEnv(): AttentionThresholds {
  return { reviewDays: settingValue('FANGPIN_REVIEW_ALARM_DAYS'), stuckMinutes: settingValue('FANGPIN_STUCK_MINUTES') };
}

type StoredFacts = Omit<ClaimFacts, 'execution'> & { redrives?: number };

function claimsInStatus(status: string, createdBefore?: string): Promise<StoredFacts[]> {
  return queryAll<StoredFacts>({
    TableName: tableName('claims'),
    IndexName: 'byStatus',
    KeyConditionExpression: createdBefore ? '#s = :s AND createdAt < :before' : '#s = :s',
    ProjectionExpression: 'claimId, #s, schemeId, createdAt, updatedAt, #e, failedFrom, redrives',
    ExpressionAttributeNames: { '#s': 'status', '#e': 'error' },
    ExpressionAttributeValues: createdBefore ? { ':s': status, ':before': createdBefore } : { ':s': status },
  });
}

async function latestExecution(c: StoredFacts): Promise<string | undefined> {
  try {
    return (await executionStatus(executionArnFor(c.claimId, c.redrives ?? 0))) ?? 'NONE';
  } catch (err) {
    // Throttled or refused: this claim is not judged this time (never called stuck on a guess).
    if (err instanceof ExecutionDoesNotExist) return 'NONE';
    logger.warn('attention: execution not read', { claimId: c.claimId, error: err instanceof Error ? err.name : String(err) });
    return undefined;
  }
}

export interface AttentionAnswer extends AttentionList {
  /** How many undecided claims needed their execution read, and how many could not be (cap or error). */
  readonly executionChecks: { readonly needed: number; readonly unchecked: number };
}

export async function readAttention(now: Date, thresholds: AttentionThresholds, maxChecks = MAX_EXECUTION_CHECKS): Promise<AttentionAnswer> {
  const at = now.toISOString();
  const undecidedBefore = new Date(now.getTime() - thresholds.stuckMinutes * 60_000).toISOString();
  const [failed, settling, endpoints, ...undecided] = await Promise.all([
    claimsInStatus('FAILED'),
    claimsInStatus('SETTLING', pastTargetCreatedBefore(at)),
    disabledEndpoints(),
    ...UNDECIDED_STATUSES.map((s) => claimsInStatus(s, undecidedBefore)),
  ]);
  const claims: ClaimFacts[] = [...failed, ...settling];
  const toCheck = undecided
    .flat()
    .filter((c) => needsExecutionCheck(c, at, thresholds))
    .sort((a, b) => a.updatedAt.localeCompare(b.updatedAt));
  const unchecked = new Set(toCheck.slice(maxChecks).map((c) => c.claimId));
  const checked = new Map<string, string | undefined>();
  const queue = toCheck.slice(0, maxChecks);
  await Promise.all(
    Array.from({ length: Math.min(CHECK_CONCURRENCY, queue.length) }, async () => {
      for (let c = queue.shift(); c; c = queue.shift()) checked.set(c.claimId, await latestExecution(c));
    }),
  );
  for (const c of undecided.flat()) {
    const execution = checked.get(c.claimId);
    if (checked.has(c.claimId) && execution === undefined) unchecked.add(c.claimId);
    claims.push(execution === undefined ? c : { ...c, execution });
  }
  const holidays = new Map([...schemes().values()].map((s) => [s.schemeId, s.holidays]));
  const list = attentionList({ now: at, thresholds, claims, endpoints, holidaysOf: (id) => holidays.get(id) ?? [] });
  return { ...list, executionChecks: { needed: toCheck.length, unchecked: unchecked.size } };
}
