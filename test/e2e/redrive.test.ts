/**
 * Redrive: a claim whose workflow failed (here its review task failed, as a 30-day review timeout would) is FAILED
 * with the status it stopped in; an admin's POST /claims/{id}/redrive puts it back there and a new execution
 * carries on. Nothing is held or paid twice, the history shows both executions, the audit chain records who.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Embedded } from '../../embedded/runtime.js';
import { client, startTestSystem } from '../support/server.js';
import { bigClaim, REDRIVE_HOUSEHOLD, redriveScenario, tokenOf } from './scenarios/core.js';
import { documentClient, tableName } from '../../functions/shared/aws.js';

let system: Embedded;
let api: ReturnType<typeof client>;

beforeAll(async () => {
  system = await startTestSystem('redrive');
  api = client(system);
  expect((await api.call('POST', '/households', { role: 'admin', body: [REDRIVE_HOUSEHOLD] })).status).toBe(200);
});

afterAll(async () => {
  await system?.stop();
});

describe('redriving a FAILED claim', () => {
  // Also run with coalescing off and from the deployed bundles (scenarios/core.ts).
  redriveScenario(() => ({ system, api }));

  it('a stuck claim (its execution failed and RecordFailure never ran) and a claim whose start was lost are redriven too', async () => {
    const approve = async (id: string) => {
      const r = await api.review(id, 'APPROVE', 'ok');
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    };
    // Stuck: the review task fails, then the claim is put back to PENDING_REVIEW by hand, as if RecordFailure had
    // run out of retries: undecided, with no execution running.
    const stuck = (
      await api.call('POST', '/claims', { role: 'submitter', body: { ...bigClaim, details: { ...bigClaim.details, invoiceNo: 'R-2' } } })
    ).body.claimId as string;
    await api.waitForStatus(stuck, ['PENDING_REVIEW']);
    await system.sfn.sendTaskFailure(await tokenOf(stuck), 'ReviewerUnavailable', 'nobody reviewed it');
    await api.waitForStatus(stuck, ['FAILED']);
    await documentClient().send(
      new UpdateCommand({
        TableName: tableName('claims'),
        Key: { claimId: stuck },
        UpdateExpression: 'SET #s = :p REMOVE failedFrom',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':p': 'PENDING_REVIEW' },
      }),
    );
    const r1 = await api.call('POST', `/claims/${stuck}/redrive`, { role: 'admin' });
    expect(r1.status, JSON.stringify(r1.body)).toBe(202);
    expect(r1.body).toMatchObject({ status: 'PENDING_REVIEW', redrive: 1 });
    await approve(stuck);
    expect((await api.waitForStatus(stuck, ['SETTLING'])).body.redrives).toBe(1);

    // Start lost: a claim stored as RECEIVED whose execution never started (here: a copy under a new id).
    const stored =
      (await documentClient().send(new GetCommand({ TableName: tableName('claims'), Key: { claimId: stuck }, ConsistentRead: true }))).Item ?? {};
    const { assessment: _a, allocations: _b, settlementIds: _c, review: _d, taskToken: _e, redrives: _f, decidedAt: _g, ...asSubmitted } = stored;
    const lost = 'C-lost-start-1';
    await documentClient().send(
      new PutCommand({
        TableName: tableName('claims'),
        Item: {
          ...asSubmitted,
          claimId: lost,
          status: 'RECEIVED',
          submission: { ...stored.submission, details: { ...stored.submission.details, invoiceNo: 'R-3' } },
        },
      }),
    );
    const r2 = await api.call('POST', `/claims/${lost}/redrive`, { role: 'admin' });
    expect(r2.status, JSON.stringify(r2.body)).toBe(202);
    expect(r2.body).toMatchObject({ status: 'RECEIVED', redrive: 0 });
    await api.waitForStatus(lost, ['PENDING_REVIEW']);
    // Running now: another redrive is refused.
    expect((await api.call('POST', `/claims/${lost}/redrive`, { role: 'admin' })).status).toBe(409);
    await approve(lost);
    await api.waitForStatus(lost, ['SETTLING']);
  });

  it('an unknown claim is 404', async () => {
    expect((await api.call('POST', '/claims/C-nope/redrive', { role: 'admin' })).status).toBe(404);
  });
});
