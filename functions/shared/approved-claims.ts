/**
 * Claims approved for payment in a period, by scheme: a Query on index approvedByScheme (tables.ts), the period
 * being China Standard Time days (core/public-notice.ts cstDayRange). Never a Scan: the read grows with the
 * approvals of that scheme in that period, not with the table.
 */
import { cstDayRange } from '#core/public-notice.js';
import { tableName } from './aws.js';
import { queryAll } from './query-all.js';
import type { ClaimRecord } from './claim-record.js';

export interface ApprovalFilter {
  readonly county?: string;
  readonly status?: string;
}

export async function approvedClaims(schemeId: string, from: string, to: string, filter: ApprovalFilter = {}): Promise<ClaimRecord[]> {
  const { start, end } = cstDayRange(from, to);
  // BETWEEN includes its upper bound and the period's end is exclusive: the last millisecond before it (instants
  // are written with milliseconds, so nothing falls between). A key attribute cannot be a filter.
  const last = new Date(Date.parse(end) - 1).toISOString();
  const names: Record<string, string> = { '#s': 'approvedScheme', '#at': 'approvedAt' };
  const values: Record<string, unknown> = { ':s': schemeId, ':start': start, ':end': last };
  const filters: string[] = [];
  if (filter.county) {
    names['#county'] = 'county';
    values[':county'] = filter.county;
    filters.push('#county = :county');
  }
  if (filter.status) {
    names['#status'] = 'status';
    values[':status'] = filter.status;
    filters.push('#status = :status');
  }
  return queryAll<ClaimRecord>({
    TableName: tableName('claims'),
    IndexName: 'approvedByScheme',
    KeyConditionExpression: '#s = :s AND #at BETWEEN :start AND :end',
    FilterExpression: filters.length ? filters.join(' AND ') : undefined,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  });
}
