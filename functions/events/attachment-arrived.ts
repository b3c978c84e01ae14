/**
 * An attachment's file arrived in the evidence bucket (S3 ObjectCreated notification): read it, compute its
 * SHA-256 and judge it against the declaration (core/evidence.ts `judgeArrival`). The verdict, VERIFIED or
 * REJECTED with why, commits with its record in the claim's audit chain; a refused file is deleted (the very
 * version that arrived), so nothing unchecked can ever be downloaded. S3 itself already refuses a PUT whose body
 * does not match the signed `x-amz-checksum-sha256`; this check is what holds for any other way into the bucket.
 *
 * Idempotent: S3 may deliver an event twice, and a retried invocation finds the attachment settled and stops.
 * Embedded, the local bucket stand-in invokes this same handler after each stored PUT.
 */
import { createHash } from 'node:crypto';
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context, S3Event } from 'aws-lambda';
import { judgeArrival, type AttachmentRejection } from '#core/evidence.js';
import { logger } from '../shared/step.js';
import { parseAttachmentKey, readObject, removeObject } from '../shared/evidence-bucket.js';
import { getAttachment, settleAttachment } from '../shared/evidence-repo.js';

const log = logger.createChild();

export type ArrivalOutcome = 'VERIFIED' | 'REJECTED' | 'ALREADY_SETTLED' | 'REMOVED_UNDECLARED';

/** One arrived object: its key as S3 names it (URL-encoded in events), its size and version. */
export async function checkArrival(rawKey: string, size: number, versionId?: string): Promise<ArrivalOutcome> {
  const key = decodeURIComponent(rawKey.replace(/\+/g, ' '));
  const ids = parseAttachmentKey(key);
  const declared = ids ? await getAttachment(ids.claimId, ids.attachmentId) : undefined;
  if (!ids || !declared) {
    // Nothing this API handed out a URL for: not evidence of any claim, so it does not stay.
    log.warn('undeclared object removed from the evidence bucket', { key });
    await removeObject(key, versionId);
    return 'REMOVED_UNDECLARED';
  }
  if (declared.status !== 'PENDING_UPLOAD') return 'ALREADY_SETTLED';
  let rejection: AttachmentRejection | null;
  let arrived = { size, sha256: '' };
  if (size !== declared.size)
    rejection = 'SIZE_MISMATCH'; // not read at all: it could be anything, of any size
  else {
    const object = await readObject(key, versionId);
    const sha256 = createHash('sha256').update(object.body).digest('hex');
    arrived = { size: object.body.length, sha256 };
    rejection = judgeArrival(declared, { size: object.body.length, sha256, head: object.body.subarray(0, 16) });
  }
  if (rejection) await removeObject(key, versionId); // before the verdict: a REJECTED attachment never has a file behind it
  const settled = await settleAttachment(
    declared,
    rejection ? { status: 'REJECTED', rejection } : { status: 'VERIFIED' },
    rejection
      ? {
          claimId: declared.claimId,
          step: 'AttachmentRefused',
          actor: 'evidence-check',
          input: { objectKey: key, versionId: versionId ?? null },
          output: { rejection },
          decision: rejection,
          figures: { attachmentId: declared.attachmentId, reason: rejection, size: arrived.size, sha256: arrived.sha256 },
        }
      : {
          claimId: declared.claimId,
          step: 'AttachmentVerified',
          actor: 'evidence-check',
          input: { objectKey: key, versionId: versionId ?? null },
          output: { sha256: arrived.sha256 },
          decision: 'VERIFIED',
          figures: { attachmentId: declared.attachmentId, size: arrived.size, sha256: arrived.sha256 },
        },
  );
  if (!settled) return 'ALREADY_SETTLED';
  log.info('attachment checked', { claimId: declared.claimId, attachmentId: declared.attachmentId, outcome: rejection ?? 'VERIFIED' });
  return rejection ? 'REJECTED' : 'VERIFIED';
}

export const handler = middy(async (event: S3Event, _context: Context): Promise<{ outcomes: ArrivalOutcome[] }> => {
  const outcomes: ArrivalOutcome[] = [];
  for (const r of event.Records ?? []) outcomes.push(await checkArrival(r.s3.object.key, r.s3.object.size, r.s3.object.versionId));
  return { outcomes };
}).use(injectLambdaContext(log));
