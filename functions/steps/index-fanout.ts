/**
 * The index-event fan-out's one Lambda (three actions, so one function and one role):
 * - `shard`: one page of a registry slice (scheme + county + shard), a claim filed for every household the
 *   observation concerns, with bounded concurrency; answers where to continue. Claim ids come from event +
 *   household, so a retried page files nothing twice.
 * - `finish`: counts the claims filed (from the claims' index, not a counter) and marks the event CREATED.
 * - `fail`: the Catch target; marks the event FAILED with the error (a re-post starts nothing new; an admin
 *   redrives it: POST /index-events/{eventId}/redrive).
 */
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { concernsHousehold, fanoutShardKey, indexClaimFor, indexClaimId, type IndexObservation } from '#core/index.js';
import { stepHandler } from '../shared/step.js';
import { documentClient, tableName } from '../shared/aws.js';
import { fileClaim } from '../shared/file-claim.js';
import { claimsFiledSoFar, getIndexEvent, recordSliceProgress, setIndexEventStatus } from '../shared/index-events-repo.js';
import { appendAudit } from '../shared/audit.js';
import { WorkflowError } from '../shared/errors.js';
import type { StoredHousehold } from '../shared/registry-repo.js';
import type { ClaimRecord } from '../shared/claim-record.js';
import { settingValue } from '../shared/config.js';

const Input = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('shard'),
    eventId: z.string().min(1),
    shard: z.number().int().min(0),
    cursor: z.record(z.string(), z.unknown()).nullable().optional(),
    /** Households of this slice filed by the pages before this one (the previous page's answer). */
    filedSoFar: z.number().int().min(0).optional(),
  }),
  z.object({ action: z.literal('finish'), eventId: z.string().min(1) }),
  z.object({
    action: z.literal('fail'),
    eventId: z.string().min(1),
    error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).partial().optional(),
  }),
]);

export const handler = stepHandler('index-fanout', Input, async (input) => {
  switch (input.action) {
    case 'shard':
      return fileShardPage(input.eventId, input.shard, input.cursor ?? undefined, input.filedSoFar ?? 0);
    case 'finish':
      return finish(input.eventId);
    case 'fail': {
      const error = `${input.error?.Error ?? 'Unknown'}: ${(input.error?.Cause ?? '').slice(0, 1000)}`;
      await setIndexEventStatus(input.eventId, 'FAILED', { error });
      return { eventId: input.eventId, status: 'FAILED' };
    }
  }
});

async function observationOf(eventId: string): Promise<IndexObservation> {
  const event = await getIndexEvent(eventId);
  if (!event) throw new WorkflowError(`index event ${eventId} does not exist`);
  return event.observation;
}

async function fileShardPage(eventId: string, shard: number, cursor: Record<string, unknown> | undefined, filedBefore: number) {
  const observation = await observationOf(eventId);
  const page = await documentClient().send(
    new QueryCommand({
      TableName: tableName('registry'),
      IndexName: 'byFanoutShard',
      KeyConditionExpression: 'fanoutShard = :k',
      ExpressionAttributeValues: { ':k': fanoutShardKey(observation.schemeId, observation.county, shard) },
      Limit: settingValue('FANGPIN_FANOUT_PAGE_SIZE'),
      ExclusiveStartKey: cursor,
    }),
  );
  const households = ((page.Items ?? []) as StoredHousehold[]).filter((h) => concernsHousehold(observation, h));
  const now = new Date().toISOString();
  let filed = 0;
  // A small pool: enough to keep the store busy, few enough that one page cannot flood the workflow engine.
  const queue = [...households];
  await Promise.all(
    Array.from({ length: Math.min(settingValue('FANGPIN_FANOUT_CONCURRENCY'), queue.length) }, async () => {
      for (let h = queue.shift(); h; h = queue.shift()) {
        const submission = indexClaimFor(eventId, observation, h);
        const record: ClaimRecord = {
          claimId: indexClaimId(eventId, h.householdId),
          submission,
          householdId: h.householdId,
          schemeId: submission.schemeId,
          product: submission.product,
          status: 'RECEIVED',
          submittedBy: `index-event:${eventId}`,
          idempotencyKey: null,
          indexEventId: eventId,
          county: h.county,
          createdAt: now,
          updatedAt: now,
        };
        if (await fileClaim(record, `index-event:${eventId}`)) filed++;
      }
    }),
  );
  // Every household of the page has its claim now (filed here or by an earlier attempt): the slice's position.
  const filedSoFar = filedBefore + households.length;
  await recordSliceProgress(eventId, shard, filedSoFar);
  const next = page.LastEvaluatedKey ?? null;
  return { action: 'shard' as const, eventId, shard, cursor: next, more: next !== null, filed, filedSoFar };
}

async function finish(eventId: string) {
  const event = await getIndexEvent(eventId);
  if (!event) throw new WorkflowError(`index event ${eventId} does not exist`);
  // Every slice has finished its pages: the sum of their positions is the number of claims filed.
  const claimsFiled = claimsFiledSoFar(event);
  await setIndexEventStatus(eventId, 'CREATED', { claimsFiled });
  await appendAudit({
    claimId: `INDEX#${eventId}`,
    step: 'FanoutFinished',
    actor: 'workflow',
    input: { eventId },
    output: { claimsFiled },
    decision: 'CREATED',
  });
  return { eventId, status: 'CREATED', claimsFiled };
}
