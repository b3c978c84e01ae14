/**
 * The feed workflow's first step: the file as sent → the feed recorded and the file normalized for the map.
 * Step Functions' CSV ItemReader reads UTF-8 only and knows nothing of the feed's rules, so the whole file is read
 * here first, as core/medical-feed.ts says (UTF-8 with or without BOM, or GB18030; the header; the limits): a file
 * refused whole fails the execution with `FeedRefused` naming the problem, and nothing is filed. A readable file is
 * recorded (recordFeed: the same file for the same scheme is the same feed, recorded once) and written back as
 * `normalized/<feedId>.csv` in UTF-8 with each row's line number in the file as sent, which the map then reads.
 * Input: what `POST /medical-feeds` starts the workflow with (`{source, schemeId, encoding?, sentBy}`), or the
 * S3 "Object Created" event of a file put under `incoming/<schemeId>/` (EventBridge). Idempotent throughout.
 */
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { FeedFileError, feedSha256, medicalFeedId, readFeed } from '#core/index.js';
import { schemes } from '../shared/catalogue.js';
import { stepHandler } from '../shared/step.js';
import { recordFeed } from '../shared/medical-feeds-repo.js';
import { feedBucket, normalizedCsv, normalizedKey, readFeedFile, schemeOfIncomingKey, writeFeedFile } from '../shared/feed-files.js';

/** A file that cannot be taken: not retried, the execution fails with this error and the reason as its cause. */
export class FeedRefused extends Error {
  override readonly name = 'FeedRefused';
}

const FromApi = z.object({
  source: z.object({ bucket: z.string().min(3), key: z.string().min(1) }),
  schemeId: z.string().min(1).max(128),
  encoding: z.string().max(40).optional(),
  sentBy: z.string().min(1).max(256),
});
const FromS3Event = z.object({
  'detail-type': z.literal('Object Created'),
  detail: z.object({ bucket: z.object({ name: z.string() }), object: z.object({ key: z.string() }) }),
});
const Input = z.union([FromApi, FromS3Event]);

export const handler = stepHandler('medical-feed-prepare', Input, async (input) => {
  let bucket: string, key: string, schemeId: string, encoding: string | undefined, sentBy: string;
  if ('source' in input)
    ({
      source: { bucket, key },
      schemeId,
      encoding,
      sentBy,
    } = input);
  else {
    bucket = input.detail.bucket.name;
    key = input.detail.object.key;
    const fromKey = schemeOfIncomingKey(key);
    if (!fromKey) throw new FeedRefused(`${key}: put feed files under incoming/<schemeId>/`);
    schemeId = fromKey;
    sentBy = `s3:${key}`.slice(0, 256);
  }
  if (!schemes().has(schemeId)) throw new FeedRefused(`${key}: unknown scheme ${schemeId}`);
  const bytes = await readFeedFile(bucket, key);
  let read: ReturnType<typeof readFeed>;
  try {
    read = readFeed(bytes, encoding);
  } catch (err) {
    if (err instanceof FeedFileError) throw new FeedRefused(`${key}: ${err.field}: ${err.message}`);
    throw err;
  }
  const sha256 = feedSha256(bytes);
  const feedId = medicalFeedId(schemeId, sha256);
  const { record } = await recordFeed({
    feedId,
    schemeId,
    sha256,
    bytes: bytes.byteLength,
    encoding: read.encoding,
    rows: read.items.length,
    sentBy,
    createdAt: new Date().toISOString(),
  });
  const out = feedBucket();
  await writeFeedFile(out, normalizedKey(feedId), normalizedCsv(read.items), 'text/csv; charset=utf-8');
  return { feedId, schemeId: record.schemeId, bucket: out, key: normalizedKey(feedId), rows: record.rows };
});
