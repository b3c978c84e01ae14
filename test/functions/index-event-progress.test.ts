/**
 * Index-event progress at the repository: slice positions only grow (a retried page or a redriven execution
 * cannot count twice or go back), the event's total is their sum, and the claims still awaiting a decision are
 * counted for that event only.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { useStore } from '../support/store.js';
import { claimKeysOf } from '../../functions/shared/claim-keys-repo.js';

type Repo = typeof import('../../functions/shared/index-events-repo.js');
let repo: Repo;
let aws: typeof import('../../functions/shared/aws.js');

const observation = {
  kind: 'WEATHER',
  schemeId: 'xiaogan-2024',
  county: '420982',
  period: { start: '2024-07-01', end: '2024-07-03' },
  rainfallMm: 260,
} as const;

/** A claim and its keys item, as the fan-out files them (one transaction there). */
async function putClaim(claimId: string, indexEventId: string, status: string, createdAt = '2024-07-04T00:00:00.000Z') {
  const filed = {
    claimId,
    indexEventId,
    householdId: `H-${claimId}`,
    schemeId: 'xiaogan-2024',
    product: 'INDUSTRY' as const,
    createdAt,
  };
  await aws.documentClient().send(new PutCommand({ TableName: aws.tableName('claims'), Item: { ...filed, status } }));
  await aws.documentClient().send(new PutCommand({ TableName: aws.tableName('claimKeys'), Item: claimKeysOf(filed) }));
}

const EVENT_START = '2024-07-04T00:00:00.000Z';

beforeAll(async () => {
  await useStore('ixprogress');
  repo = await import('../../functions/shared/index-events-repo.js');
  aws = await import('../../functions/shared/aws.js');
  for (const eventId of ['IX-A', 'IX-B'])
    await repo.recordIndexEvent({ eventId, observation, status: 'FANNING_OUT', postedBy: 'admin:t', createdAt: EVENT_START });
});

describe('index-event progress', () => {
  it('sums the slices; a repeated or lower position changes nothing', async () => {
    await repo.recordSliceProgress('IX-A', 0, 100);
    await repo.recordSliceProgress('IX-A', 3, 40);
    await repo.recordSliceProgress('IX-A', 0, 100); // the same page retried
    await repo.recordSliceProgress('IX-A', 0, 60); // a redrive starting the slice over
    await repo.recordSliceProgress('IX-A', 0, 180);
    const rec = await repo.getIndexEvent('IX-A');
    expect(rec && repo.claimsFiledSoFar(rec)).toBe(220);
    expect(rec?.filedSlice0).toBe(180);
  });

  it('positions are recorded only for an event that exists', async () => {
    await repo.recordSliceProgress('IX-NONE', 1, 5);
    expect(await repo.getIndexEvent('IX-NONE')).toBeUndefined();
  });

  it("counts the event's claims still RECEIVED, not other events' nor decided ones", async () => {
    await putClaim('C-A1', 'IX-A', 'RECEIVED');
    await putClaim('C-A2', 'IX-A', 'RECEIVED');
    await putClaim('C-A3', 'IX-A', 'SETTLING');
    await putClaim('C-B1', 'IX-B', 'RECEIVED');
    expect(await repo.claimsAwaitingDecision({ eventId: 'IX-A', createdAt: EVENT_START })).toBe(2);
    expect(await repo.claimsAwaitingDecision({ eventId: 'IX-B', createdAt: EVENT_START })).toBe(1);
    expect(await repo.claimsAwaitingDecision({ eventId: 'IX-C', createdAt: EVENT_START })).toBe(0);
    expect(await repo.claimsByStatus('IX-A')).toEqual({ RECEIVED: 2, SETTLING: 1 });
  });

  it("reads the claims waiting from the event's start, less five minutes for clocks that disagree", async () => {
    for (const eventId of ['IX-D', 'IX-E'])
      await repo.recordIndexEvent({ eventId, observation, status: 'FANNING_OUT', postedBy: 'admin:t', createdAt: EVENT_START });
    await putClaim('C-D1', 'IX-D', 'RECEIVED', '2024-07-04T00:00:01.000Z');
    // Four minutes early by another host's clock: still counted.
    await putClaim('C-D2', 'IX-D', 'RECEIVED', '2024-07-03T23:56:00.000Z');
    expect(await repo.claimsAwaitingDecision({ eventId: 'IX-D', createdAt: EVENT_START })).toBe(2);
    // The same event's id on a claim from the day before cannot be its claim (the fan-out files after the event is
    // recorded): the count does not read that far back.
    await putClaim('C-E0', 'IX-E', 'RECEIVED', '2024-07-03T00:00:00.000Z');
    expect(await repo.claimsAwaitingDecision({ eventId: 'IX-E', createdAt: EVENT_START })).toBe(0);
    expect(await repo.claimsAwaitingDecision({ eventId: 'IX-E', createdAt: '2024-07-03T00:00:00.000Z' })).toBe(1);
  });
});
