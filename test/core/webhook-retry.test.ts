/**
 * The webhook retry rule without a store or a receiver: what each outcome leads to, when the next attempt is
 * due, Retry-After, the end of the schedule, and the schedule setting.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DEFAULT_RETRY_SCHEDULE, parseRetrySchedule, retryAfterMs, retryDecision, type AttemptOutcome } from '../../core/webhook-retry.js';

const at = new Date('2024-07-04T01:00:00.000Z');
const response = (status: number, retryAfter: string | null = null): AttemptOutcome => ({ kind: 'RESPONSE', status, retryAfter });
const decide = (outcome: AttemptOutcome, attempt = 1, jitter = 0.5, schedule: readonly number[] = DEFAULT_RETRY_SCHEDULE) =>
  retryDecision({ outcome, attempt, schedule, attemptedAt: at, jitter });
const delayMs = (d: ReturnType<typeof retryDecision>) => (d.state === 'PENDING' ? d.nextAttemptAt.getTime() - at.getTime() : undefined);

describe('webhook retry decision', () => {
  it.each([200, 201, 204, 299])('a %i delivers, whatever the attempt', (status) => {
    expect(decide(response(status), 1)).toEqual({ state: 'DELIVERED' });
    expect(decide(response(status), 8)).toEqual({ state: 'DELIVERED' });
  });

  it('a 410 fails the delivery at once and disables the endpoint; an endpoint gone fails it without', () => {
    expect(decide(response(410), 1)).toEqual({ state: 'FAILED', disableEndpoint: true });
    expect(decide({ kind: 'ENDPOINT_GONE' }, 1)).toEqual({ state: 'FAILED', disableEndpoint: false });
  });

  it.each([
    ['a 500', response(500)],
    ['a 429', response(429)],
    ['a redirect (never followed)', response(301)],
    ['a 404', response(404)],
    ['no answer', { kind: 'NO_RESPONSE' } as AttemptOutcome],
  ])('%s is retried after the schedule’s delay for that attempt', (_what, outcome) => {
    // jitter 0.5 is the middle of ±20%: exactly the scheduled delay.
    expect(DEFAULT_RETRY_SCHEDULE.map((_, k) => delayMs(decide(outcome, k + 1)))).toEqual([
      5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
    ]);
  });

  it('jitter spreads the delay over 80% to 120% of the scheduled one', () => {
    expect(delayMs(decide(response(503), 2, 0))).toBe(240_000);
    expect(delayMs(decide(response(503), 2, 0.25))).toBe(270_000);
    expect(delayMs(decide(response(503), 2, 0.999_999))).toBe(359_999);
  });

  it('gives up once the schedule is used up: after the 8th attempt by default, after the 2nd with two delays', () => {
    expect(decide(response(500), 7).state).toBe('PENDING');
    expect(decide(response(500), 8)).toEqual({ state: 'FAILED', disableEndpoint: false });
    expect(decide({ kind: 'NO_RESPONSE' }, 3, 0.5, [1, 2])).toEqual({ state: 'FAILED', disableEndpoint: false });
    expect(delayMs(decide({ kind: 'NO_RESPONSE' }, 2, 0.5, [1, 2]))).toBe(2_000);
    expect(decide(response(500), 1, 0.5, [])).toEqual({ state: 'FAILED', disableEndpoint: false });
  });

  it('honours a Retry-After longer than the scheduled delay, in seconds or as a date; a shorter one changes nothing', () => {
    expect(delayMs(decide(response(429, '120'), 1))).toBe(120_000);
    expect(delayMs(decide(response(503, 'Thu, 04 Jul 2024 03:00:00 GMT'), 1))).toBe(7_200_000);
    expect(delayMs(decide(response(503, '1'), 2))).toBe(300_000);
    expect(delayMs(decide(response(503, 'soon'), 1))).toBe(5_000);
  });

  it('a replayed delivery starts the schedule again (the attempt number counts from the replay)', () => {
    expect(delayMs(decide(response(500), 1))).toBe(5_000);
  });

  it('property: the outcome alone decides delivered and failed-at-once; otherwise the delay is within ±20% of the schedule, or Retry-After if longer', () => {
    const outcome = fc.oneof(
      fc.record({
        kind: fc.constant('RESPONSE' as const),
        status: fc.integer({ min: 100, max: 599 }),
        retryAfter: fc.option(fc.oneof(fc.nat({ max: 200_000 }).map(String), fc.string()), { nil: null }),
      }),
      fc.constant({ kind: 'NO_RESPONSE' as const }),
      fc.constant({ kind: 'ENDPOINT_GONE' as const }),
    );
    const schedule = fc.array(fc.nat({ max: 100_000 }), { maxLength: 10 });
    fc.assert(
      fc.property(
        outcome,
        schedule,
        fc.integer({ min: 1, max: 12 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (o, sched, attempt, jitter) => {
          const d = retryDecision({ outcome: o, attempt, schedule: sched, attemptedAt: at, jitter });
          if (o.kind === 'RESPONSE' && o.status >= 200 && o.status < 300) {
            expect(d).toEqual({ state: 'DELIVERED' });
            return;
          }
          if (o.kind === 'RESPONSE' && o.status === 410) {
            expect(d).toEqual({ state: 'FAILED', disableEndpoint: true });
            return;
          }
          if (o.kind === 'ENDPOINT_GONE' || attempt > sched.length) {
            expect(d).toEqual({ state: 'FAILED', disableEndpoint: false });
            return;
          }
          expect(d.state).toBe('PENDING');
          const base = (sched[attempt - 1] as number) * 1000;
          // The formula as it stood before the rule moved to core/ (Date drops the fraction of a millisecond).
          const before = Math.max(base * (0.8 + jitter * 0.4), o.kind === 'RESPONSE' ? retryAfterMs(o.retryAfter, at) : 0);
          const delay = delayMs(d) as number;
          expect(Math.abs(delay - Math.trunc(before))).toBeLessThanOrEqual(1);
          expect(delay).toBeGreaterThanOrEqual(Math.floor(base * 0.8) - 1);
          if (o.kind !== 'RESPONSE' || !o.retryAfter) expect(delay).toBeLessThanOrEqual(base * 1.2);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});

describe('Retry-After', () => {
  it.each([
    [null, 0],
    ['', 0],
    ['30', 30_000],
    ['0', 0],
    ['-5', 0],
    ['1.5', 1_500],
    ['Thu, 04 Jul 2024 01:00:10 GMT', 10_000],
    ['Thu, 04 Jul 2024 00:59:00 GMT', 0], // past
    ['not a date', 0],
  ])('%j → %i ms', (header, ms) => {
    expect(retryAfterMs(header, at)).toBe(ms);
  });
});

describe('retry schedule setting', () => {
  it('unset is the default, about a day in all', () => {
    expect(parseRetrySchedule(undefined)).toBe(DEFAULT_RETRY_SCHEDULE);
    expect(parseRetrySchedule('')).toBe(DEFAULT_RETRY_SCHEDULE);
    expect(DEFAULT_RETRY_SCHEDULE.reduce((a, b) => a + b, 0)).toBe(99_305);
  });

  it('reads comma-separated seconds and refuses anything else', () => {
    expect(parseRetrySchedule('1, 5,30')).toEqual([1, 5, 30]);
    expect(() => parseRetrySchedule('1,x')).toThrow(/comma-separated seconds, got 1,x/);
    expect(() => parseRetrySchedule('1,-2')).toThrow(/FANGPIN_WEBHOOK_RETRY_SCHEDULE/);
  });
});
