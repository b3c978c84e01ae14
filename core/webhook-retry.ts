/**
 * What becomes of a webhook delivery after an attempt: delivered, failed for good (and whether its endpoint is
 * disabled), or tried again at a given time. Pure: the caller supplies the clock, the random jitter and the
 * schedule, so the rule is tested without a store, a receiver or a wait.
 */

/** Default delays between attempts, in seconds: about a day in all (as Svix and Stripe do). */
export const DEFAULT_RETRY_SCHEDULE: readonly number[] = [5, 300, 1800, 7200, 18000, 36000, 36000];

/** A schedule from its setting (`FANGPIN_WEBHOOK_RETRY_SCHEDULE`, comma-separated seconds); unset: the default. */
export function parseRetrySchedule(raw: string | undefined): readonly number[] {
  if (!raw) return DEFAULT_RETRY_SCHEDULE;
  const parsed = raw.split(',').map((s) => Number(s.trim()));
  if (parsed.some((n) => !Number.isFinite(n) || n < 0)) throw new Error(`FANGPIN_WEBHOOK_RETRY_SCHEDULE must be comma-separated seconds, got ${raw}`);
  return parsed;
}

/** How an attempt went, as far as the retry rule cares. */
export type AttemptOutcome =
  /** The endpoint was disabled or removed since the delivery was made: nothing was sent. */
  | { readonly kind: 'ENDPOINT_GONE' }
  /** No HTTP answer: refused, reset, timed out. */
  | { readonly kind: 'NO_RESPONSE' }
  /** An HTTP answer, with its Retry-After header if it sent one. */
  | { readonly kind: 'RESPONSE'; readonly status: number; readonly retryAfter: string | null };

export type RetryDecision =
  | { readonly state: 'DELIVERED' }
  /** Given up: a 410 also disables the endpoint (the receiver said it is gone for good). */
  | { readonly state: 'FAILED'; readonly disableEndpoint: boolean }
  | { readonly state: 'PENDING'; readonly nextAttemptAt: Date };

export interface AttemptFacts {
  readonly outcome: AttemptOutcome;
  /** This attempt's number, from 1, counted since the delivery was made or last replayed (a replay starts over). */
  readonly attempt: number;
  readonly schedule: readonly number[];
  /** When this attempt started: the next one is timed from it. */
  readonly attemptedAt: Date;
  /** A number in [0, 1), drawn by the caller: spreads retries over ±20% of the scheduled delay. */
  readonly jitter: number;
}

/**
 * Only a 2xx counts. A 410, or an endpoint gone, fails the delivery at once; anything else is retried after the
 * schedule's next delay (±20% jitter, so a recovering receiver is not hit by every sender at once, and never
 * sooner than its Retry-After asks) until the schedule is used up.
 */
export function retryDecision(facts: AttemptFacts): RetryDecision {
  const { outcome, schedule } = facts;
  if (outcome.kind === 'RESPONSE' && outcome.status >= 200 && outcome.status < 300) return { state: 'DELIVERED' };
  if (outcome.kind === 'RESPONSE' && outcome.status === 410) return { state: 'FAILED', disableEndpoint: true };
  if (outcome.kind === 'ENDPOINT_GONE') return { state: 'FAILED', disableEndpoint: false };
  // After attempt k the schedule's k-th delay applies (index k - 1); after the last one, nothing is left.
  const n = facts.attempt - 1;
  if (n >= schedule.length) return { state: 'FAILED', disableEndpoint: false };
  const base = (schedule[n] ?? 0) * 1000;
  const jittered = (base * (4 + facts.jitter * 2)) / 5; // 80% to 120% of base
  const asked = outcome.kind === 'RESPONSE' ? retryAfterMs(outcome.retryAfter, facts.attemptedAt) : 0;
  return { state: 'PENDING', nextAttemptAt: new Date(facts.attemptedAt.getTime() + Math.max(jittered, asked)) };
}

/** A Retry-After header (seconds, or an HTTP date) as milliseconds from `now`; absent, unreadable or past: 0. */
export function retryAfterMs(header: string | null, now: Date): number {
  if (!header) return 0;
  const secs = Number(header);
  if (Number.isFinite(secs)) return Math.max(0, secs * 1000);
  const when = Date.parse(header);
  return Number.isNaN(when) ? 0 : Math.max(0, when - now.getTime());
}
