/**
 * What needs a person now: failed claims, claims stuck with no execution running, reviews waiting too long,
 * disabled webhook endpoints, and claims that can no longer meet the 5-working-day payment target. Pure: the
 * caller reads the facts (functions/shared/attention.ts) and says what "now" is. `GET /ops/attention` answers this
 * list and the scheduled metrics function publishes its counts, so the alarms watch exactly what the route shows.
 */
import { PAYMENT_TARGET_WORKING_DAYS, workingDaysBetween } from './calendar.js';

export const ATTENTION_KINDS = ['CLAIM_FAILED', 'CLAIM_STUCK', 'REVIEW_WAITING', 'ENDPOINT_DISABLED', 'PAST_TARGET'] as const;
export type AttentionKind = (typeof ATTENTION_KINDS)[number];

/** One CloudWatch metric per kind (a count, published every run, 0 included, so an alarm sees it clear). */
export const ATTENTION_METRIC: Record<AttentionKind, string> = {
  CLAIM_FAILED: 'ClaimsFailed',
  CLAIM_STUCK: 'ClaimsStuck',
  REVIEW_WAITING: 'ReviewsWaiting',
  ENDPOINT_DISABLED: 'WebhookEndpointsDisabled',
  PAST_TARGET: 'ClaimsPastTarget',
};

/** Where the scheduled function publishes the counts (CloudWatch namespace and `service` dimension), and where the alarms and the dashboard read them. */
export const OPS_METRICS_NAMESPACE = 'Fangpin';
export const OPS_METRICS_SERVICE = 'fangpin-ops';

export interface AttentionThresholds {
  /** A review waiting longer than this many days needs someone to chase the reviewer. */
  readonly reviewDays: number;
  /** An undecided claim unchanged this long is checked for a running execution; none running = stuck. */
  readonly stuckMinutes: number;
}

export const DEFAULT_THRESHOLDS: AttentionThresholds = { reviewDays: 3, stuckMinutes: 15 };

/** Statuses a workflow is still working on (or waiting in): a claim here with no execution running is stuck. */
export const UNDECIDED_STATUSES = ['RECEIVED', 'APPROVED', 'PENDING_REVIEW', 'RETURNED'] as const;
/** Statuses after which nothing will be paid, or everything was: never past the target. */
const CLOSED_STATUSES: ReadonlySet<string> = new Set(['PAID', 'REJECTED', 'CLOSED_NO_PAYOUT']);

/** The few claim fields the list needs. */
export interface ClaimFacts {
  readonly claimId: string;
  readonly status: string;
  readonly schemeId: string;
  readonly createdAt: string;
  /** The last change; for PENDING_REVIEW (and a redriven claim) when its current wait began. */
  readonly updatedAt: string;
  readonly error?: { readonly error: string; readonly cause?: string } | null;
  readonly failedFrom?: string | null;
  /**
   * Its latest execution's status as read: a Step Functions status, `NONE` (never started), or absent when it was
   * not read (not old enough to need it, or the read failed): an unread claim is never called stuck.
   */
  readonly execution?: string;
}

export interface EndpointFacts {
  readonly insurerId: string;
  readonly endpointId: string;
  readonly url: string;
  readonly disabledAt: string;
  readonly reason: string;
}

export interface AttentionItem {
  readonly kind: AttentionKind;
  readonly claimId?: string;
  readonly endpoint?: { readonly insurerId: string; readonly endpointId: string; readonly url: string };
  /** Since when it has been in this state (ISO instant). */
  readonly since: string;
  readonly ageMinutes: number;
  readonly reason: string;
}

export interface AttentionList {
  readonly asOf: string;
  readonly thresholds: AttentionThresholds;
  readonly counts: Record<AttentionKind, number>;
  readonly items: AttentionItem[];
}

const MINUTE_MS = 60_000;

function ageMinutes(since: string, now: string): number {
  return Math.max(0, Math.floor((Date.parse(now) - Date.parse(since)) / MINUTE_MS));
}

function isUndecided(status: string): boolean {
  return (UNDECIDED_STATUSES as readonly string[]).includes(status);
}

/** Whether the caller must read this claim's execution before the list can say if it is stuck. */
export function needsExecutionCheck(c: Pick<ClaimFacts, 'status' | 'updatedAt'>, now: string, t: AttentionThresholds): boolean {
  return isUndecided(c.status) && ageMinutes(c.updatedAt, now) >= t.stuckMinutes;
}

function isStuck(c: ClaimFacts, now: string, t: AttentionThresholds): boolean {
  return needsExecutionCheck(c, now, t) && c.execution !== undefined && c.execution !== 'RUNNING';
}

/**
 * Claims created at or after this instant cannot be past the target at `now`: more than 5 working days after the
 * submission's China date needs at least 6 calendar days, so anything younger than 5 days is safely left out.
 * The store uses it as a key condition, so it reads old claims only.
 */
export function pastTargetCreatedBefore(now: string): string {
  return new Date(Date.parse(now) - 5 * 24 * 60 * MINUTE_MS).toISOString();
}

/**
 * The list. Each claim is judged on its own facts; one claim may be in several kinds (a FAILED claim can also be
 * past target). A review that is stuck is listed as stuck, not as waiting: no reviewer can decide it.
 * `holidaysOf` gives the scheme's holidays (the same calendar as the report's "paid within 5 working days").
 */
export function attentionList(input: {
  readonly now: string;
  readonly thresholds: AttentionThresholds;
  readonly claims: readonly ClaimFacts[];
  readonly endpoints: readonly EndpointFacts[];
  readonly holidaysOf: (schemeId: string) => readonly string[];
}): AttentionList {
  const { now, thresholds: t } = input;
  const items: AttentionItem[] = [];
  const seen = new Set<string>();
  for (const c of input.claims) {
    if (seen.has(c.claimId) || Date.parse(c.createdAt) > Date.parse(now)) continue; // filed after "now": not yet
    seen.add(c.claimId);
    const claimItem = (kind: AttentionKind, since: string, reason: string) =>
      items.push({ kind, claimId: c.claimId, since, ageMinutes: ageMinutes(since, now), reason });
    if (c.status === 'FAILED') {
      claimItem(
        'CLAIM_FAILED',
        c.updatedAt,
        `workflow failed${c.failedFrom ? ` in ${c.failedFrom}` : ''}${c.error ? ` (${c.error.error})` : ''}; an admin can redrive it`,
      );
    }
    const stuck = isStuck(c, now, t);
    if (stuck) {
      const run = c.execution === 'NONE' ? 'its execution was never started' : `its execution is ${c.execution ?? 'unknown'}`;
      claimItem('CLAIM_STUCK', c.updatedAt, `${c.status} with no execution running (${run}); an admin can redrive it`);
    }
    if (c.status === 'PENDING_REVIEW' && !stuck && ageMinutes(c.updatedAt, now) >= t.reviewDays * 24 * 60) {
      claimItem('REVIEW_WAITING', c.updatedAt, `waiting for a reviewer for more than ${t.reviewDays} day(s)`);
    }
    if (!CLOSED_STATUSES.has(c.status)) {
      const days = workingDaysBetween(c.createdAt, now, input.holidaysOf(c.schemeId));
      if (days > PAYMENT_TARGET_WORKING_DAYS) {
        claimItem('PAST_TARGET', c.createdAt, `${c.status} ${days} working days after submission, not paid (target ${PAYMENT_TARGET_WORKING_DAYS})`);
      }
    }
  }
  for (const e of input.endpoints) {
    items.push({
      kind: 'ENDPOINT_DISABLED',
      endpoint: { insurerId: e.insurerId, endpointId: e.endpointId, url: e.url },
      since: e.disabledAt,
      ageMinutes: ageMinutes(e.disabledAt, now),
      reason: `${e.reason}; ${e.insurerId} gets no settlement webhooks until an admin registers an endpoint`,
    });
  }
  const order = (k: AttentionKind) => ATTENTION_KINDS.indexOf(k);
  items.sort(
    (a, b) =>
      order(a.kind) - order(b.kind) ||
      a.since.localeCompare(b.since) ||
      (a.claimId ?? a.endpoint?.endpointId ?? '').localeCompare(b.claimId ?? b.endpoint?.endpointId ?? ''),
  );
  const counts = Object.fromEntries(ATTENTION_KINDS.map((k) => [k, 0])) as Record<AttentionKind, number>;
  for (const i of items) counts[i.kind]++;
  return { asOf: now, thresholds: t, counts, items };
}
