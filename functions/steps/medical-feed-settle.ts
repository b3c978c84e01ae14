/**
 * The feed workflow's last step, called in a loop with a growing wait: once every row has its outcome and none of
 * the claims it filed is still being decided by the workflow (RECEIVED), the feed is DONE and its FeedFinished
 * record states the counts and control totals (finishFeed: once). A claim waiting for a person (PENDING_REVIEW,
 * RETURNED) or an insurer (SETTLING), or FAILED, does not hold the feed: those take days, and the report
 * (`GET /medical-feeds/{id}`) is always computed from the claims as they are now.
 *
 * Each turn of the loop reads the cheap progress (medical-feed-progress.ts: the batch summaries and a count of the
 * feed's RECEIVED claims on the status index), never the rows: a 10,000-row feed would otherwise read its 10,000
 * row items and claims at every turn. Only when that says done is the full report computed (consistent reads) and
 * checked again, since the index lags the table; then the feed is finished.
 */
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { stepHandler } from '../shared/step.js';
import { WorkflowError } from '../shared/errors.js';
import { feedReport, finishFeed, getFeed } from '../shared/medical-feeds-repo.js';
import { batchSummaries, feedClaimsIn } from '../shared/medical-feed-progress.js';

const Input = z.object({ feedId: z.string().regex(/^MF-[0-9a-f]{32}$/), attempt: z.number().int().min(0).default(0) });

/**
 * Seconds between checks: 1 for the first ten (when the last rows are filed, their claims are decided within a few
 * seconds, and a feed should be DONE as soon as they are), then 2, 3, … up to a minute (a feed whose claims wait
 * longer, e.g. after a store outage, is checked less often).
 */
const QUICK_CHECKS = 10;
export const waitAfter = (attempt: number) => (attempt < QUICK_CHECKS ? 1 : Math.min(60, attempt - QUICK_CHECKS + 2));
/**
 * Every this many turns the exact check runs whatever the cheap one says: a feed filed partly before batch
 * summaries existed (an upgrade mid-feed) has rows no summary counts, and would otherwise wait for ever.
 */
const EXACT_EVERY = 20;

export const handler = stepHandler('medical-feed-settle', Input, async ({ feedId, attempt }) => {
  const feed = await getFeed(feedId);
  if (!feed) throw new WorkflowError(`medical feed ${feedId} does not exist`);
  if (feed.status === 'DONE') return { feedId, done: true, attempt, waitSeconds: 0 };
  const wait = { feedId, done: false, attempt: attempt + 1, waitSeconds: waitAfter(attempt) };
  // The cheap check: rows of the finished batches, then (only if all are in) the feed's RECEIVED claims.
  const exactTurn = attempt > 0 && attempt % EXACT_EVERY === 0;
  const rowsDone = exactTurn ? feed.rows : (await batchSummaries(feedId, true)).reduce((n, s) => n + s.rows, 0);
  if (rowsDone < feed.rows || (!exactTurn && (await feedClaimsIn(feed, ['RECEIVED'])) > 0)) return wait;
  // The exact check, once: every row item there and every filed claim out of RECEIVED, read consistently.
  const report = await feedReport(feed);
  const inFlight = (report.claimsByStatus.RECEIVED ?? 0) + (report.claimsByStatus.MISSING ?? 0);
  if (report.rowsDone < report.rows || inFlight > 0) return wait;
  await finishFeed(feedId, 'medical-feed-workflow', report);
  return { feedId, done: true, attempt, waitSeconds: 0 };
});
