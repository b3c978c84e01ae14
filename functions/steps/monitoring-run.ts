/**
 * The monitoring run's one Lambda (lib/monitoring-workflow.ts; three actions, so one function and one role):
 * - `slice`: one page of a registry slice (scheme + slice n, index bySchemeShard): each household's counted claims
 *   (its monitoring item, kept as claims move) against its registry entry as it is now, and any warning that is
 *   true and was never opened, opened (with its household-chain record and the job's counter, one transaction).
 *   This is what a claim's decision cannot do: an income or area that changed after the claims were decided,
 *   or an `asOf` other than today. It reads no claim. Answers where to continue; the slice's figures so far are
 *   carried in the state and written as absolute values, so a retried page counts nothing twice.
 * - `finish`: marks the job SUCCEEDED. `fail`: the Catch target, marks it FAILED with the error.
 */
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { BatchGetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { openWarningOf, schemeShardKey, warningsFromEntries } from '#core/index.js';
import { schemes } from '../shared/catalogue.js';
import { stepHandler } from '../shared/step.js';
import { documentClient, tableName } from '../shared/aws.js';
import { WorkflowError } from '../shared/errors.js';
import { openHouseholdWarning, type StoredHousehold } from '../shared/registry-repo.js';
import { knownWarningIds, monitoringItemOf, type MonitoringItem } from '../shared/monitoring-repo.js';
import { finishJob, getJob, jobOpenedItem, MAX_REFS, recordSlice } from '../shared/monitoring-jobs.js';
import { settingValue } from '../shared/config.js';

const OPEN_CONCURRENCY = 8;

const Input = z.discriminatedUnion('action', [
  z.object({
    action: z.literal('slice'),
    jobId: z.string().min(1),
    shard: z.number().int().min(0),
    /** Which of the job's schemes the slice is in, and where in it. */
    scheme: z.number().int().min(0).optional(),
    cursor: z.record(z.string(), z.unknown()).nullable().optional(),
    households: z.number().int().min(0).optional(),
    open: z.number().int().min(0).optional(),
  }),
  z.object({ action: z.literal('finish'), jobId: z.string().min(1) }),
  z.object({
    action: z.literal('fail'),
    jobId: z.string().min(1),
    error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).partial().optional(),
  }),
]);

export const handler = stepHandler('monitoring-run', Input, async (input) => {
  switch (input.action) {
    case 'slice':
      return slicePage(input);
    case 'finish':
      await finishJob(input.jobId, 'SUCCEEDED');
      return { jobId: input.jobId, status: 'SUCCEEDED' };
    case 'fail': {
      const error = `${input.error?.Error ?? 'Unknown'}: ${(input.error?.Cause ?? '').slice(0, 1000)}`;
      await finishJob(input.jobId, 'FAILED', error);
      return { jobId: input.jobId, status: 'FAILED' };
    }
  }
});

/** The monitoring items of a page's households, by household id (BatchGet, 100 keys at most a call). */
async function monitoringItems(householdIds: readonly string[]): Promise<Map<string, MonitoringItem>> {
  const out = new Map<string, MonitoringItem>();
  let keys: Record<string, unknown>[] = householdIds.map((householdId) => ({ householdId }));
  for (let round = 0; keys.length > 0; round++) {
    if (round > 10) throw new WorkflowError('the store kept leaving monitoring items unprocessed');
    const res = await documentClient().send(
      new BatchGetCommand({ RequestItems: { [tableName('monitoring')]: { Keys: keys, ConsistentRead: true } } }),
    );
    for (const raw of res.Responses?.[tableName('monitoring')] ?? []) {
      const item = monitoringItemOf(raw);
      out.set(item.householdId, item);
    }
    keys = (res.UnprocessedKeys?.[tableName('monitoring')]?.Keys ?? []) as Record<string, unknown>[];
    if (keys.length) await new Promise((r) => setTimeout(r, 20 * (round + 1)));
  }
  return out;
}

async function slicePage(input: Extract<z.infer<typeof Input>, { action: 'slice' }>) {
  const job = await getJob(input.jobId);
  if (!job) throw new WorkflowError(`monitoring job ${input.jobId} does not exist`);
  const schemeIds = job.schemeId !== null ? [job.schemeId] : [...schemes().keys()].sort();
  const scheme = input.scheme ?? 0;
  let households = input.households ?? 0;
  let open = input.open ?? 0;
  const schemeId = schemeIds[scheme];
  if (schemeId === undefined) {
    await recordSlice(input.jobId, input.shard, households, open, true);
    return { action: 'slice', jobId: input.jobId, shard: input.shard, scheme, cursor: null, households, open, more: false };
  }
  const page = await documentClient().send(
    new QueryCommand({
      TableName: tableName('registry'),
      IndexName: 'bySchemeShard',
      KeyConditionExpression: 'schemeShard = :k',
      ExpressionAttributeValues: { ':k': schemeShardKey(schemeId, input.shard) },
      Limit: settingValue('FANGPIN_MONITORING_PAGE_SIZE'),
      ExclusiveStartKey: input.cursor ?? undefined,
      ConsistentRead: false,
    }),
  );
  const registry = (page.Items ?? []) as StoredHousehold[];
  const items = registry.length ? await monitoringItems(registry.map((h) => h.householdId)) : new Map<string, MonitoringItem>();
  const openedAt = new Date().toISOString();
  const queue = [...registry];
  await Promise.all(
    Array.from({ length: Math.min(OPEN_CONCURRENCY, queue.length) }, async () => {
      for (let h = queue.shift(); h; h = queue.shift()) {
        households++;
        open += h.openWarnings?.length ?? 0;
        const entries = items.get(h.householdId)?.entries ?? [];
        if (entries.length === 0) continue; // no counted claim: no signal can be true
        const known = knownWarningIds(h);
        for (const w of warningsFromEntries(h, entries, job.asOf)) {
          if (known.has(w.warningId)) continue;
          const ref = job.opened < MAX_REFS ? `${h.householdId}/${w.warningId}` : null;
          // Conditional on the id never opened: a concurrent decision or a retried page makes it a no-op.
          if (
            await openHouseholdWarning(h.householdId, openWarningOf(w, openedAt, `job:${input.jobId}`), job.startedBy, [
              jobOpenedItem(input.jobId, ref),
            ])
          )
            open++;
        }
      }
    }),
  );
  const cursor = page.LastEvaluatedKey ?? null;
  const nextScheme = cursor ? scheme : scheme + 1;
  const done = !cursor && nextScheme >= schemeIds.length;
  await recordSlice(input.jobId, input.shard, households, open, done);
  return { action: 'slice', jobId: input.jobId, shard: input.shard, scheme: nextScheme, cursor, households, open, more: !done };
}
