/**
 * The monitoring signals kept as claims move (core/monitoring.ts says what counts). Each household has one item
 * in the monitoring table holding an attribute `e#<claimId>` per claim the signals count, set or removed in the
 * same conditional transaction that moves the claim (the claim's condition guards it: a retried step that finds
 * the claim moved writes nothing, and setting the same entry twice is the same entry). A decision that makes a
 * warning true opens it in that transaction too, with its record on the household's audit chain.
 *
 * Concurrency: two claims of one household decided at once could each miss the other (May and June each below
 * the pair alone). So a change that could open a warning (an entry whose month now exceeds half the income, or a
 * warning to open) is conditional on the item's version as read (`ver`, +1 on every change), and on the registry
 * entry as read (its updatedAt: the income the decision used). A cancelled transaction reads again, as every
 * claim-moving caller already does when its condition fails. Changes that cannot open anything (removals, months
 * below the threshold) carry no condition of their own, so they never conflict.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import {
  decidedMonitoringEntryOf,
  healthMonthExceeds,
  openWarningOf,
  warningsFromEntries,
  type MonitoringEntry,
  type MonitoringWarning,
  type OpenWarning,
} from '#core/index.js';
import { documentClient, tableName } from './aws.js';
import { batchGetAll } from './query-all.js';
import { chainAppendItems, chainHead, type TxItem } from './audit.js';
import { getHousehold, type StoredHousehold } from './registry-repo.js';
import type { ClaimRecord } from './claim-record.js';
import { WorkflowError } from './errors.js';
import { checkedItem } from './stored-item.js';

export const ENTRY_PREFIX = 'e#';

export interface MonitoringItem {
  readonly householdId: string;
  readonly ver: number;
  readonly entries: MonitoringEntry[];
}

/** The item's own fields; `ver` is absent until the first change that counted (ADD creates it). */
const MonitoringItemFields = z.object({ householdId: z.string().min(1), ver: z.number().int().min(0).optional() });

/** One `e#<claimId>` attribute: what a claim counts for in the signals (core/monitoring.ts monitoringEntryOf). */
const EntryItem = z.object({
  claimId: z.string().optional(),
  product: z.enum(['MEDICAL', 'INDUSTRY']),
  incidentDate: z.string(),
  createdAt: z.string().optional(),
  selfPay: z.number().int().optional(),
  invoice: z.string().optional(),
});

/** The entries of a stored item (its `e#…` attributes), each checked; a malformed one names the household and the attribute. */
export function monitoringItemOf(raw: Record<string, unknown>): MonitoringItem {
  const key = String(raw.householdId);
  const item = checkedItem(MonitoringItemFields, raw, { table: 'monitoring', key, what: 'monitoring item' });
  const entries: MonitoringEntry[] = [];
  for (const [k, v] of Object.entries(raw)) {
    if (k.startsWith(ENTRY_PREFIX)) entries.push(checkedItem(EntryItem, v, { table: 'monitoring', key: `${key} ${k}`, what: 'monitoring entry' }));
  }
  return { householdId: item.householdId, ver: item.ver ?? 0, entries };
}

/**
 * The monitoring items of a page's households, by household id: 100 keys a BatchGetItem, however many households
 * (a page may hold up to 1,000: FANGPIN_MONITORING_PAGE_SIZE).
 */
export async function monitoringOfHouseholds(householdIds: readonly string[]): Promise<Map<string, MonitoringItem>> {
  const out = new Map<string, MonitoringItem>();
  const found = await batchGetAll(
    tableName('monitoring'),
    householdIds.map((householdId) => ({ householdId })),
    { what: 'monitoring item', fail: (message) => new WorkflowError(message) },
  );
  for (const raw of found) {
    const item = monitoringItemOf(raw);
    out.set(item.householdId, item);
  }
  return out;
}

export async function readMonitoring(householdId: string): Promise<MonitoringItem | null> {
  const out = await documentClient().send(new GetCommand({ TableName: tableName('monitoring'), Key: { householdId }, ConsistentRead: true }));
  return out.Item ? monitoringItemOf(out.Item) : null;
}

/** Every warning id the household ever had (open, closed, or only in the id set). */
export function knownWarningIds(h: Pick<StoredHousehold, 'warningIds' | 'openWarnings' | 'closedWarnings'>): Set<string> {
  return new Set([...(h.warningIds ?? []), ...(h.openWarnings ?? []).map((w) => w.warningId), ...(h.closedWarnings ?? []).map((w) => w.warningId)]);
}

/**
 * Transaction items opening `warnings` on the household as read: the registry update (conditional on none of
 * them ever opened and on the entry being the one read) and one audit record each on the household's chain.
 */
export async function openWarningItems(
  household: StoredHousehold,
  warnings: readonly MonitoringWarning[],
  openedBy: string,
  actor: string,
): Promise<{ items: TxItem[]; opened: OpenWarning[] }> {
  const openedAt = new Date().toISOString();
  const opened = warnings.map((w) => openWarningOf(w, openedAt, openedBy));
  const values: Record<string, unknown> = {
    ':empty': [],
    ':w': opened,
    ':ids': new Set(opened.map((w) => w.warningId)),
    ':scheme': household.schemeId,
    ':was': household.updatedAt,
  };
  const fresh = opened.map((w, i) => {
    values[`:id${i}`] = w.warningId;
    return `NOT contains(warningIds, :id${i})`;
  });
  const chainId = `HOUSEHOLD#${household.householdId}`;
  const head = await chainHead(chainId);
  return {
    opened,
    items: [
      {
        Update: {
          TableName: tableName('registry'),
          Key: { householdId: household.householdId },
          UpdateExpression: 'SET openWarnings = list_append(if_not_exists(openWarnings, :empty), :w), warnedScheme = :scheme ADD warningIds :ids',
          ConditionExpression: `attribute_exists(householdId) AND updatedAt = :was AND ${fresh.join(' AND ')}`,
          ExpressionAttributeValues: values,
        },
      },
      ...chainAppendItems(
        opened.map((w) => ({
          claimId: chainId,
          step: 'WarningOpened',
          actor,
          input: { evidence: w.evidence },
          output: { warningId: w.warningId, level: w.level },
          decision: 'OPEN',
        })),
        head,
      ),
    ],
  };
}

function sameEntry(a: MonitoringEntry | null, b: MonitoringEntry | null): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The transaction items that keep the household's monitoring item with a claim's move (before → after; before
 * null when it is being created), and open what the move makes true. Empty when the claim counts as it did.
 */
export async function monitoringMoveItems(before: ClaimRecord | null, after: ClaimRecord, household?: StoredHousehold): Promise<TxItem[]> {
  const was = before ? decidedMonitoringEntryOf(before) : null;
  const now = decidedMonitoringEntryOf(after);
  if (sameEntry(was, now)) return [];
  const householdId = after.submission.householdId;
  const update = {
    TableName: tableName('monitoring'),
    Key: { householdId },
    UpdateExpression: now ? 'SET #e = :e ADD ver :one' : 'REMOVE #e ADD ver :one',
    ExpressionAttributeNames: { '#e': `${ENTRY_PREFIX}${after.claimId}` },
    ExpressionAttributeValues: now ? { ':e': now, ':one': 1 } : { ':one': 1 },
  };
  // A removal (a rejection in review, a return, a failure) never opens a warning, and warnings stay once opened.
  if (!now) return [{ Update: update }];
  // The household as the caller read it in this attempt (the assessment has just read it, a moment ago), else read
  // now. A read that went stale meanwhile cannot open a warning twice: the household's update below is conditional
  // on the updatedAt it was read with and on the warning ids it lacked, and a failed condition makes the caller
  // read everything again.
  const [item, stored] = await Promise.all([readMonitoring(householdId), household ?? getHousehold(householdId)]);
  if (!stored) return [{ Update: update }];
  const entries = [...(item?.entries ?? []).filter((e) => e.claimId !== after.claimId), now];
  const known = knownWarningIds(stored);
  const fresh = warningsFromEntries(stored, entries).filter((w) => !known.has(w.warningId));
  const hot = now.product === 'MEDICAL' && healthMonthExceeds(stored, entries, now.incidentDate.slice(0, 7));
  const pinned =
    hot || fresh.length > 0
      ? item
        ? { ...update, ConditionExpression: 'ver = :ver', ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':ver': item.ver } }
        : { ...update, ConditionExpression: 'attribute_not_exists(householdId)' }
      : update;
  if (fresh.length === 0) return [{ Update: pinned }];
  const { items } = await openWarningItems(stored, fresh, `claim:${after.claimId}`, 'workflow');
  return [{ Update: pinned }, ...items];
}
