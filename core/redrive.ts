/**
 * Whether an admin's redrive of a workflow that stopped without finishing (a claim's, or an index event's
 * fan-out) may go ahead. One rule for both: the routes differ in what they store, not in when a redrive is right.
 * Pure: the caller reads the record and, when the rule needs it, the status of the record's latest execution.
 */

/**
 * What the rule needs of the record. A FAILED one is always resumable; any other needs its latest execution's
 * status (`undefined`: never started), and only a record still under way (`inFlight`: not decided, not finished)
 * can be stuck.
 */
export type RedriveSubject =
  | { readonly failed: true }
  | { readonly failed: false; readonly inFlight: boolean; readonly latestRun: string | undefined };

/**
 * REDRIVE: a new execution carries on from where the record stopped. START_LATEST: the latest execution was never
 * started (a start lost after the record was written), so start it rather than make another. REFUSE: running, or
 * finished; nothing to resume (409).
 */
export type RedriveDecision = 'REDRIVE' | 'START_LATEST' | 'REFUSE';

export function redriveDecision(subject: RedriveSubject): RedriveDecision {
  if (subject.failed) return 'REDRIVE';
  if (!subject.inFlight) return 'REFUSE';
  if (subject.latestRun === undefined) return 'START_LATEST';
  if (subject.latestRun === 'RUNNING' || subject.latestRun === 'SUCCEEDED') return 'REFUSE';
  return 'REDRIVE'; // stuck: its execution stopped (FAILED, TIMED_OUT, ABORTED) and left the record under way
}
