/**
 * Redriving an index event's fan-out: a registry entry the fan-out's pages cannot read stops the fan-out (FAILED);
 * once the entry is fixed, an admin's POST /index-events/{id}/redrive walks every slice again in a new execution.
 * Every concerned household ends with exactly one claim, the history shows both executions, the audit names who.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Embedded } from '../../embedded/runtime.js';
import { client, startTestSystem, type Reply } from '../support/server.js';
import { household } from '../core/fixtures.js';
import { documentClient, tableName } from '../../functions/shared/aws.js';
import { fanoutShardOf } from '../../core/index.js';

let system: Embedded;
let api: ReturnType<typeof client>;

const ANLU = '420982';
const good = Array.from({ length: 12 }, (_, i) =>
  household({ householdId: `H-RD-${String(i + 1).padStart(2, '0')}`, county: ANLU, area_mu: i + 1, products: ['INDUSTRY'] }),
);
const broken = household({ householdId: 'H-RD-BAD', county: ANLU, area_mu: 3, products: ['INDUSTRY'] });
const weather = { kind: 'WEATHER', schemeId: 'xiaogan-2024', county: ANLU, period: { start: '2024-07-01', end: '2024-07-03' }, rainfallMm: 260 };

async function waitFor(eventId: string, ok: (body: { status: string; done?: boolean }) => boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let last: Reply | undefined;
  while (Date.now() < deadline) {
    last = await api.call('GET', `/index-events/${eventId}?limit=1000`, { role: 'auditor' });
    if (last.status === 200 && ok(last.body)) return last.body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`event ${eventId}: ${JSON.stringify(last?.body).slice(0, 500)}`);
}

beforeAll(async () => {
  system = await startTestSystem('ixredrive');
  api = client(system);
  expect((await api.call('POST', '/households', { role: 'admin', body: good })).status).toBe(200);
  // A registry entry written around the API, missing its insured figures: the fan-out's page cannot read it.
  const { insured: _insured, ...enrollment } = broken.enrollment;
  await documentClient().send(
    new PutCommand({
      TableName: tableName('registry'),
      Item: { ...broken, enrollment, members: broken.members, fanoutShard: fanoutShardOf(broken), updatedAt: new Date().toISOString() },
    }),
  );
});

afterAll(async () => {
  await system?.stop();
});

describe('redriving an index event', () => {
  it('a failed fan-out, its data fixed, is redriven: every household filed once', async () => {
    const posted = await api.call('POST', '/index-events', { role: 'admin', body: weather });
    expect([201, 202]).toContain(posted.status);
    const eventId = posted.body.eventId as string;
    const failed = await waitFor(eventId, (b) => b.status === 'FAILED');
    expect(failed.status).toBe('FAILED');
    // Re-posting starts nothing; a redrive while it is broken is allowed, but first the entry is fixed.
    expect((await api.call('POST', '/index-events', { role: 'admin', body: weather })).body.status).toBe('FAILED');
    expect((await api.call('POST', `/index-events/${eventId}/redrive`, { role: 'auditor' })).status).toBe(403);
    expect((await api.call('POST', '/households', { role: 'admin', body: [broken] })).status).toBe(200);

    const redriven = await api.call('POST', `/index-events/${eventId}/redrive`, { role: 'admin', body: { note: 'registry entry fixed' } });
    expect(redriven.status, JSON.stringify(redriven.body)).toBe(202);
    expect(redriven.body).toMatchObject({ eventId, status: 'FANNING_OUT', redrive: 1 });
    const done = await waitFor(eventId, (b) => b.done === true);
    expect(done.status).toBe('CREATED');
    const claims = done.claims as Array<{ claimId: string; householdId: string }>;
    expect(claims.map((c) => c.householdId).sort()).toEqual([...good, broken].map((h) => h.householdId).sort());
    expect(new Set(claims.map((c) => c.claimId)).size).toBe(13);

    // Finished: nothing to redrive.
    expect((await api.call('POST', `/index-events/${eventId}/redrive`, { role: 'admin' })).status).toBe(409);
    const history = await api.call('GET', `/index-events/${eventId}/history`, { role: 'auditor' });
    expect(history.body.status).toBe('FAILED');
    expect(history.body.redrives).toHaveLength(1);
    expect(history.body.redrives[0]).toMatchObject({ redrive: 1, status: 'SUCCEEDED' });
    expect(history.body.redrives[0].executionArn).toMatch(new RegExp(`:${eventId}-r1$`));
    const audit = await api.call('GET', `/index-events/${eventId}/audit`, { role: 'auditor' });
    expect(audit.body.verified).toBe(true);
    const steps = (audit.body.records as Array<{ step: string; actor: string }>).map((r) => r.step);
    expect(steps).toEqual(['IndexEventPosted', 'FanoutRedrive', 'FanoutFinished']);
  });

  it('an unknown event is 404', async () => {
    expect((await api.call('POST', '/index-events/IX-nope/redrive', { role: 'admin' })).status).toBe(404);
  });
});
