/** The redrive rule shared by claims and index-event fan-outs, every case of it. */
import { describe, expect, it } from 'vitest';
import { redriveDecision } from '../../core/redrive.js';

describe('redrive decision', () => {
  it('a failed record is always redriven (its execution is not even asked)', () => {
    expect(redriveDecision({ failed: true })).toBe('REDRIVE');
  });

  it.each([
    // under way: the latest execution decides
    [true, undefined, 'START_LATEST'],
    [true, 'RUNNING', 'REFUSE'],
    [true, 'SUCCEEDED', 'REFUSE'],
    [true, 'FAILED', 'REDRIVE'],
    [true, 'TIMED_OUT', 'REDRIVE'],
    [true, 'ABORTED', 'REDRIVE'],
    // decided or finished: nothing to resume, whatever its execution did
    [false, undefined, 'REFUSE'],
    [false, 'RUNNING', 'REFUSE'],
    [false, 'SUCCEEDED', 'REFUSE'],
    [false, 'FAILED', 'REFUSE'],
    [false, 'ABORTED', 'REFUSE'],
  ] as const)('not failed, in flight %s, latest execution %s → %s', (inFlight, latestRun, expected) => {
    expect(redriveDecision({ failed: false, inFlight, latestRun })).toBe(expected);
  });
});
