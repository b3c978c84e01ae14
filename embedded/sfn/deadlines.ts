/**
 * Restart deadlines. A restart re-runs an execution from the start, and a token wait (the claim's Review) reached
 * again must keep the deadline of the run that stopped, not get a fresh 30 days at every restart. The deadlines
 * are read back from the history, so they need no storage of their own.
 */
import type { HistoryEvent } from './api.js';

/**
 * The token waits an execution's latest run was in when it stopped, by state, with their deadlines in epoch ms
 * (the TaskScheduled time plus its `timeoutInSeconds`). A TaskScheduled belongs to the Task state entered just
 * before it: exact for the project's workflows, whose token waits run one at a time.
 */
export function pendingTokenWaits(events: readonly HistoryEvent[], isTokenWait: (state: string) => boolean): Map<string, number> {
  const waits = new Map<string, number>();
  let from = events.length;
  while (from > 0 && events[from - 1]?.type !== 'ExecutionStarted') from--;
  let entered: string | undefined;
  let scheduled: string | undefined;
  for (const ev of events.slice(from)) {
    if (ev.type === 'TaskStateEntered') entered = String((ev.stateEnteredEventDetails as { name?: unknown } | undefined)?.name ?? '');
    else if (ev.type === 'TaskScheduled') {
      scheduled = entered;
      const seconds = (ev.taskScheduledEventDetails as { timeoutInSeconds?: unknown } | undefined)?.timeoutInSeconds;
      if (scheduled && isTokenWait(scheduled) && typeof seconds === 'number') waits.set(scheduled, ev.timestamp.getTime() + seconds * 1000);
    } else if ((ev.type === 'TaskSucceeded' || ev.type === 'TaskFailed' || ev.type === 'TaskTimedOut') && scheduled) waits.delete(scheduled);
  }
  return waits;
}
