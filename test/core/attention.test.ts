/** The attention list (core/attention.ts): what needs a person, decided from facts and "now" alone. */
import { describe, expect, it } from 'vitest';
import {
  attentionList,
  DEFAULT_THRESHOLDS,
  needsExecutionCheck,
  pastTargetCreatedBefore,
  type ClaimFacts,
  type EndpointFacts,
} from '../../core/attention.js';
import { workingDaysBetween } from '../../core/calendar.js';

const T = DEFAULT_THRESHOLDS; // 3 review days, 15 stuck minutes
const NOW = '2024-06-20T04:00:00.000Z'; // Thursday, 12:00 in China

function claim(over: Partial<ClaimFacts> & Pick<ClaimFacts, 'claimId' | 'status'>): ClaimFacts {
  return { schemeId: 'xiaogan-2024', createdAt: '2024-06-20T03:00:00.000Z', updatedAt: '2024-06-20T03:00:00.000Z', ...over };
}

function list(claims: ClaimFacts[], endpoints: EndpointFacts[] = [], holidays: Record<string, string[]> = {}, now = NOW) {
  return attentionList({ now, thresholds: T, claims, endpoints, holidaysOf: (id) => holidays[id] ?? [] });
}

const kinds = (l: ReturnType<typeof list>) => l.items.map((i) => `${i.kind}:${i.claimId ?? i.endpoint?.endpointId}`);

describe('attention list', () => {
  it('is empty, with every count 0, when nothing needs a person', () => {
    const l = list([claim({ claimId: 'C-ok', status: 'SETTLING' }), claim({ claimId: 'C-paid', status: 'PAID', createdAt: '2024-05-01T00:00:00Z' })]);
    expect(l.items).toEqual([]);
    expect(l.counts).toEqual({ CLAIM_FAILED: 0, CLAIM_STUCK: 0, REVIEW_WAITING: 0, ENDPOINT_DISABLED: 0, PAST_TARGET: 0 });
    expect(l.asOf).toBe(NOW);
  });

  it('lists a FAILED claim with where it stopped and its error, since its last change', () => {
    const l = list([
      claim({
        claimId: 'C-f',
        status: 'FAILED',
        failedFrom: 'PENDING_REVIEW',
        error: { error: 'States.Timeout' },
        updatedAt: '2024-06-20T02:00:00.000Z',
      }),
    ]);
    expect(l.items).toEqual([
      {
        kind: 'CLAIM_FAILED',
        claimId: 'C-f',
        since: '2024-06-20T02:00:00.000Z',
        ageMinutes: 120,
        reason: expect.stringMatching(/failed in PENDING_REVIEW \(States\.Timeout\).*redrive/),
      },
    ]);
  });

  it('calls an undecided claim stuck only when it is old enough and its execution was read and is not running', () => {
    const old = '2024-06-20T03:30:00.000Z'; // 30 minutes before NOW
    const young = '2024-06-20T03:50:00.000Z'; // 10 minutes
    const l = list([
      claim({ claimId: 'C-running', status: 'RECEIVED', updatedAt: old, execution: 'RUNNING' }),
      claim({ claimId: 'C-failed-run', status: 'APPROVED', updatedAt: old, execution: 'FAILED' }),
      claim({ claimId: 'C-never', status: 'RECEIVED', updatedAt: old, execution: 'NONE' }),
      claim({ claimId: 'C-unread', status: 'RECEIVED', updatedAt: old }),
      claim({ claimId: 'C-young', status: 'RECEIVED', updatedAt: young, execution: 'FAILED' }),
      claim({ claimId: 'C-decided', status: 'REJECTED', updatedAt: old, execution: 'SUCCEEDED' }),
    ]);
    expect(kinds(l)).toEqual(['CLAIM_STUCK:C-failed-run', 'CLAIM_STUCK:C-never']);
    expect(l.items[0]?.reason).toContain('FAILED');
    expect(l.items[1]?.reason).toContain('never started');
    expect(needsExecutionCheck({ status: 'PENDING_REVIEW', updatedAt: old }, NOW, T)).toBe(true);
    expect(needsExecutionCheck({ status: 'PENDING_REVIEW', updatedAt: young }, NOW, T)).toBe(false);
    expect(needsExecutionCheck({ status: 'SETTLING', updatedAt: old }, NOW, T)).toBe(false);
    // A claim returned for information waits in its execution too: with none running, nobody's amendment can reach it.
    expect(needsExecutionCheck({ status: 'RETURNED', updatedAt: old }, NOW, T)).toBe(true);
    expect(kinds(list([claim({ claimId: 'C-returned', status: 'RETURNED', updatedAt: old, execution: 'ABORTED' })]))).toEqual([
      'CLAIM_STUCK:C-returned',
    ]);
    expect(needsExecutionCheck({ status: 'FAILED', updatedAt: old }, NOW, T)).toBe(false);
  });

  it('lists a review waiting at least the threshold (from when it entered review), unless it is stuck', () => {
    const day = 24 * 60 * 60_000;
    const at = (ms: number) => new Date(Date.parse(NOW) - ms).toISOString();
    const l = list([
      claim({ claimId: 'C-3d', status: 'PENDING_REVIEW', createdAt: at(3 * day), updatedAt: at(3 * day), execution: 'RUNNING' }),
      claim({ claimId: 'C-almost', status: 'PENDING_REVIEW', createdAt: at(4 * day), updatedAt: at(3 * day - 60_000), execution: 'RUNNING' }),
      claim({ claimId: 'C-stuck', status: 'PENDING_REVIEW', createdAt: at(4 * day), updatedAt: at(4 * day), execution: 'TIMED_OUT' }),
    ]);
    expect(kinds(l)).toEqual(['CLAIM_STUCK:C-stuck', 'REVIEW_WAITING:C-3d']);
    expect(l.items.find((i) => i.kind === 'REVIEW_WAITING')).toMatchObject({
      since: at(3 * day),
      ageMinutes: 3 * 24 * 60,
      reason: expect.stringContaining('3 day'),
    });
  });

  it('puts an unpaid claim past target only after more than 5 working days of the China calendar, with the scheme holidays', () => {
    // Submitted Friday 2024-06-07 10:00 China time. Working days after it: Mon 10 (Dragon Boat holiday in Xiaogan),
    // Tue 11, Wed 12, Thu 13, Fri 14, Mon 17, Tue 18.
    const createdAt = '2024-06-07T02:00:00.000Z';
    const holidays = { 'xiaogan-2024': ['2024-06-10'] };
    const settling = [
      claim({ claimId: 'C-x', status: 'SETTLING', createdAt, updatedAt: createdAt }),
      claim({ claimId: 'C-l', schemeId: 'lishui-2017', status: 'SETTLING', createdAt, updatedAt: createdAt }),
    ];
    // Monday 17th, 09:00 China: Xiaogan 5 working days (11..14, 17), Lishui 6 (10..14, 17) → only Lishui is past.
    const mon = '2024-06-17T01:00:00.000Z';
    expect(workingDaysBetween(createdAt, mon, holidays['xiaogan-2024'])).toBe(5);
    expect(kinds(list(settling, [], holidays, mon))).toEqual(['PAST_TARGET:C-l']);
    // Tuesday 18th: Xiaogan 6 → past too. The reason says how many working days.
    const tue = list(settling, [], holidays, '2024-06-18T01:00:00.000Z');
    expect(kinds(tue)).toEqual(['PAST_TARGET:C-l', 'PAST_TARGET:C-x'].sort());
    expect(tue.items.find((i) => i.claimId === 'C-x')?.reason).toMatch(/SETTLING 6 working days/);
    expect(tue.items.find((i) => i.claimId === 'C-x')?.since).toBe(createdAt);
  });

  it('never puts a paid, rejected or closed claim past target; a failed or undecided one can be (several kinds at once)', () => {
    const createdAt = '2024-06-03T02:00:00.000Z'; // Monday two and a half weeks before NOW
    const l = list(
      ['PAID', 'REJECTED', 'CLOSED_NO_PAYOUT', 'FAILED', 'PENDING_REVIEW'].map((status) =>
        claim({ claimId: `C-${status}`, status, createdAt, updatedAt: createdAt, execution: 'RUNNING' }),
      ),
    );
    expect(kinds(l)).toEqual(['CLAIM_FAILED:C-FAILED', 'REVIEW_WAITING:C-PENDING_REVIEW', 'PAST_TARGET:C-FAILED', 'PAST_TARGET:C-PENDING_REVIEW']);
    expect(l.counts).toMatchObject({ CLAIM_FAILED: 1, REVIEW_WAITING: 1, PAST_TARGET: 2 });
  });

  it('lists disabled endpoints with the insurer, since they were disabled', () => {
    const l = list(
      [],
      [{ insurerId: 'XG-POOL-1', endpointId: 'ep_1', url: 'https://x.example/h', disabledAt: '2024-06-19T04:00:00.000Z', reason: 'HTTP 410 Gone' }],
    );
    expect(l.items).toEqual([
      {
        kind: 'ENDPOINT_DISABLED',
        endpoint: { insurerId: 'XG-POOL-1', endpointId: 'ep_1', url: 'https://x.example/h' },
        since: '2024-06-19T04:00:00.000Z',
        ageMinutes: 24 * 60,
        reason: expect.stringMatching(/^HTTP 410 Gone; XG-POOL-1 gets no settlement webhooks/),
      },
    ]);
    expect(l.counts.ENDPOINT_DISABLED).toBe(1);
  });

  it('ignores claims filed after "now" and a claim read twice', () => {
    const c = claim({ claimId: 'C-f', status: 'FAILED' });
    expect(list([c, c]).counts.CLAIM_FAILED).toBe(1);
    expect(list([claim({ claimId: 'C-later', status: 'FAILED', createdAt: '2024-06-21T00:00:00Z' })]).items).toEqual([]);
  });

  it('pastTargetCreatedBefore never leaves out a claim that is past target (checked every hour over a year)', () => {
    const start = Date.parse('2024-01-01T00:00:00Z');
    for (let h = 0; h < 366 * 24; h += 7) {
      const created = new Date(start + h * 3_600_000).toISOString();
      for (const daysLater of [5, 6, 7, 9]) {
        const now = new Date(Date.parse(created) + daysLater * 86_400_000 + 3_600_000).toISOString();
        if (workingDaysBetween(created, now, []) > 5) expect(created < pastTargetCreatedBefore(now), `${created} at ${now}`).toBe(true);
      }
    }
  });
});
