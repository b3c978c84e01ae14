/**
 * embedded/sfn/deadlines.ts on its own: the token waits a stopped run was in, read back from its history, so a
 * restart keeps their first deadlines.
 */
import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../embedded/sfn/api.js';
import { pendingTokenWaits } from '../../embedded/sfn/deadlines.js';

const T0 = Date.UTC(2024, 4, 3);
function history(...entries: Array<[string, Record<string, unknown>?]>): HistoryEvent[] {
  return entries.map(([type, details], i) => ({ id: i + 1, previousEventId: i, timestamp: new Date(T0 + i * 1000), type, ...details }));
}
const entered = (name: string): [string, Record<string, unknown>] => ['TaskStateEntered', { stateEnteredEventDetails: { name } }];
const scheduled = (timeoutInSeconds?: number): [string, Record<string, unknown>] => [
  'TaskScheduled',
  { taskScheduledEventDetails: { resource: 'invoke.waitForTaskToken', ...(timeoutInSeconds === undefined ? {} : { timeoutInSeconds }) } },
];
const isReview = (state: string) => state === 'Review';

describe('pendingTokenWaits', () => {
  it('a token wait still open: its deadline is the TaskScheduled time plus its timeout', () => {
    const events = history(['ExecutionStarted'], entered('Review'), scheduled(2_592_000), ['TaskStarted'], ['TaskSubmitted']);
    expect(pendingTokenWaits(events, isReview)).toEqual(new Map([['Review', T0 + 2000 + 2_592_000_000]]));
  });

  it('a wait that ended (succeeded, failed, timed out) is not pending; nor is a Task that waits for no token', () => {
    for (const end of ['TaskSucceeded', 'TaskFailed', 'TaskTimedOut'])
      expect(pendingTokenWaits(history(['ExecutionStarted'], entered('Review'), scheduled(60), [end]), isReview).size).toBe(0);
    expect(pendingTokenWaits(history(['ExecutionStarted'], entered('Intake'), scheduled(60)), isReview).size).toBe(0);
    expect(pendingTokenWaits(history(['ExecutionStarted'], entered('Review'), scheduled()), isReview).size).toBe(0); // no timeout known
  });

  it('only the latest run counts, and its first deadline is what the latest run was given', () => {
    // Run 1 waits; a restart (run 2) reaches the wait again with what was left: run 2's deadline is the one kept.
    const events = history(['ExecutionStarted'], entered('Review'), scheduled(100), ['ExecutionStarted'], entered('Review'), scheduled(97));
    expect(pendingTokenWaits(events, isReview)).toEqual(new Map([['Review', T0 + 5000 + 97_000]]));
    // The latest run has not reached the wait yet: nothing pending from its own history.
    expect(pendingTokenWaits(history(['ExecutionStarted'], entered('Review'), scheduled(100), ['ExecutionStarted']), isReview).size).toBe(0);
    expect(pendingTokenWaits([], isReview).size).toBe(0);
  });
});
