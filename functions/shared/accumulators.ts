/**
 * Year-to-date accumulators, one item per person (or household), product and policy year, with a version
 * number. The assessment writes the new counters, the invoice and the claim's decision in ONE transaction
 * conditioned on the version it read, so two concurrent claims for one person can never both use the same
 * cap room: the loser's transaction is cancelled and it re-reads and recomputes.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { HOUSEHOLD_PRODUCTS, type ClaimSubmission, type YearToDate } from '#core/index.js';
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { documentClient, tableName } from './aws.js';
import { checkedItem } from './stored-item.js';

/** The item as stored (accumulatorPut): counters by name, and the version its conditional writes pin. */
const AccumulatorItem = z.object({ pk: z.string(), counters: z.record(z.string(), z.number().int()), version: z.number().int().min(1) });

export interface AccumulatorState {
  readonly key: string;
  readonly counters: YearToDate;
  /** 0 when the item does not exist yet. */
  readonly version: number;
}

/** LOAN_GUARANTEE has no cap, so no accumulator. */
export function accumulatorKey(claim: ClaimSubmission): string | null {
  if (claim.product === 'LOAN_GUARANTEE') return null;
  const year = claim.incidentDate.slice(0, 4);
  return HOUSEHOLD_PRODUCTS.has(claim.product)
    ? `ACC#H#${claim.schemeId}#${claim.householdId}#${claim.product}#${year}`
    : `ACC#P#${claim.schemeId}#${claim.personId}#${claim.product}#${year}`;
}

export async function readAccumulator(key: string): Promise<AccumulatorState> {
  const out = await documentClient().send(new GetCommand({ TableName: tableName('accumulators'), Key: { pk: key }, ConsistentRead: true }));
  if (out.Item === undefined) return { key, counters: {}, version: 0 };
  const item = checkedItem(AccumulatorItem, out.Item, { table: 'accumulators', key, what: 'year-to-date accumulator' });
  return { key, counters: item.counters, version: item.version };
}

/** counters + delta (delta may be negative when a review rejection releases a hold). */
export function addCounters(counters: YearToDate, delta: Readonly<Record<string, number>>, sign: 1 | -1 = 1): Record<string, number> {
  const next: Record<string, number> = { ...counters };
  for (const [k, v] of Object.entries(delta)) next[k] = (next[k] ?? 0) + sign * v;
  return next;
}

/** A conditional Put of the accumulator at version + 1, for a TransactWriteItems. */
export function accumulatorPut(state: AccumulatorState, counters: Record<string, number>, claimId: string) {
  return {
    Put: {
      TableName: tableName('accumulators'),
      Item: { pk: state.key, counters, version: state.version + 1, lastClaimId: claimId, updatedAt: new Date().toISOString() },
      ConditionExpression: state.version === 0 ? 'attribute_not_exists(pk)' : 'version = :v',
      ...(state.version === 0 ? {} : { ExpressionAttributeValues: { ':v': state.version } }),
    },
  };
}

export function invoiceItemKey(invoiceKey: string): string {
  return `INVOICE#${invoiceKey}`;
}

/** Who holds an invoice now (undefined when nobody). */
export async function invoiceHolder(invoiceKey: string): Promise<string | undefined> {
  const out = await documentClient().send(
    new GetCommand({ TableName: tableName('accumulators'), Key: { pk: invoiceItemKey(invoiceKey) }, ConsistentRead: true }),
  );
  return typeof out.Item?.claimId === 'string' ? out.Item.claimId : undefined;
}
