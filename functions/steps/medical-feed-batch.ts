/**
 * One batch of the medical bureau's feed, as a Distributed Map's ItemBatcher hands it over:
 * `{ Items: [row, ...], BatchInput: { feedId, schemeId } }`, each row the file's columns as text (what an
 * ItemReader gives for a CSV with a header) plus `line`, its line in the file. Validates the envelope, files the
 * rows (functions/shared/file-feed-rows.ts) and answers one outcome per row for the map's ResultWriter: line,
 * outcome, claim id. No identity numbers in the answer or the logs.
 */
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { FEED_COLUMNS, ROW_OUTCOMES, type FeedColumn, type FeedItem } from '#core/index.js';
import { stepHandler } from '../shared/step.js';
import { WorkflowError } from '../shared/errors.js';
import { getFeed } from '../shared/medical-feeds-repo.js';
import { fileFeedBatch } from '../shared/file-feed-rows.js';
import { problemOfColumn } from '../shared/feed-files.js';

/** A cell as read; an ItemReader omits nothing, but a column missing from an item reads as empty (a bad row). */
const cell = z.string().max(4096).default('');

const Cells = z.object(Object.fromEntries(FEED_COLUMNS.map((c) => [c, cell])) as Record<FeedColumn, typeof cell>);
const Item = Cells.extend({
  // A CSV ItemReader gives every value as text.
  line: z.union([z.number().int().min(2), z.string().regex(/^\d+$/).transform(Number)]),
  /** Why the record is not a row of the table (wrong number of fields), found when the file was read. */
  problem: z.string().max(1000).optional(),
});

const Input = z.object({
  Items: z.array(Item).min(1).max(1000),
  BatchInput: z.object({ feedId: z.string().regex(/^MF-[0-9a-f]{32}$/), schemeId: z.string().min(1).max(128) }),
});

export const handler = stepHandler('medical-feed-batch', Input, async ({ Items, BatchInput }) => {
  const feed = await getFeed(BatchInput.feedId);
  if (!feed) throw new WorkflowError(`medical feed ${BatchInput.feedId} does not exist`);
  if (feed.schemeId !== BatchInput.schemeId)
    throw new WorkflowError(`medical feed ${feed.feedId} is for scheme ${feed.schemeId}, not ${BatchInput.schemeId}`);
  const items: FeedItem[] = Items.map(({ line, problem, ...cells }) =>
    problem ? { line, cells, problem: problemOfColumn(problem) } : { line, cells },
  );
  const outcomes = await fileFeedBatch(feed, items);
  const counts = Object.fromEntries(ROW_OUTCOMES.map((o) => [o, outcomes.filter((r) => r.outcome === o).length]));
  return {
    feedId: feed.feedId,
    counts,
    rows: outcomes.map((o) => ({ line: o.line, outcome: o.outcome, claimId: o.claimId ?? null })),
  };
});
