/**
 * The feed workflow's last step, called in a loop with a growing wait: once every row has its outcome and none of
 * the claims it filed is still being decided by the workflow (RECEIVED), the feed is DONE and its FeedFinished
 * record states the counts and control totals (finishFeed: once). A claim waiting for a person (PENDING_REVIEW,
 * RETURNED) or an insurer (SETTLING), or FAILED, does not hold the feed: those take days, and the report
 * (`GET /medical-feeds/{id}`) is always computed from the claims as they are now.
 */
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { stepHandler } from '../shared/step.js';
import { WorkflowError } from '../shared/errors.js';
import { feedReport, finishFeed, getFeed } from '../shared/medical-feeds-repo.js';

const Input = z.object({ feedId: z.string().regex(/^MF-[0-9a-f]{32}$/), attempt: z.number().int().min(0).default(0) });

/** 1, 2, 3, … seconds between checks, at most a minute (a 10,000-row feed settles in about a minute). */
const waitAfter = (attempt: number) => Math.min(60, attempt + 1);

export const handler = stepHandler('medical-feed-settle', Input, async ({ feedId, attempt }) => {
  const feed = await getFeed(feedId);
  if (!feed) throw new WorkflowError(`medical feed ${feedId} does not exist`);
  if (feed.status === 'DONE') return { feedId, done: true, attempt, waitSeconds: 0 };
  const report = await feedReport(feed);
  const inFlight = (report.claimsByStatus.RECEIVED ?? 0) + (report.claimsByStatus.MISSING ?? 0);
  if (report.rowsDone < report.rows || inFlight > 0) return { feedId, done: false, attempt: attempt + 1, waitSeconds: waitAfter(attempt) };
  await finishFeed(feedId, 'medical-feed-workflow');
  return { feedId, done: true, attempt, waitSeconds: 0 };
});
