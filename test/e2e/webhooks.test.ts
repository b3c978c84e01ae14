/**
 * Settlement webhooks end to end: signed per the Standard Webhooks spec (checked with the spec's own npm
 * library, not our code), at-least-once with the same webhook-id across retries, 410 disables, replay by admin.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Embedded } from '../../embedded/runtime.js';
import { DEMO_HOUSEHOLDS } from '../../embedded/demo.js';
import { client, startTestSystem } from '../support/server.js';
import { receiver, registerEndpoint, settledClaim as settledClaimOf, until, webhookDeliveryScenario } from './scenarios/core.js';

process.env.FANGPIN_WEBHOOK_RETRY_SCHEDULE = '0.2,0.2,0.2';
process.env.FANGPIN_WEBHOOK_POLL_MS = '50';

let system: Embedded;
let api: ReturnType<typeof client>;
const hook = receiver();
let secret: string;

const settledClaim = () => settledClaimOf(api);

beforeAll(async () => {
  const url = await hook.listen();
  system = await startTestSystem('hooks');
  api = client(system);
  expect((await api.call('POST', '/households', { role: 'admin', body: DEMO_HOUSEHOLDS })).status).toBe(200);
  secret = await registerEndpoint(api, url);
});

afterAll(async () => {
  await system?.stop();
  await hook.close();
});

describe('settlement.created webhooks', () => {
  // Also run with coalescing off and from the deployed bundles (scenarios/core.ts).
  webhookDeliveryScenario(
    () => ({ system, api }),
    () => ({ hook, secret }),
  );

  it('a receiver that is down gets the same message, same webhook-id, once it is up; every attempt is recorded', async () => {
    hook.answer([503, 500]);
    const claimId = await settledClaim();
    const attempts = await until('three attempts', async () => {
      const got = hook.received.filter((m) => JSON.parse(m.body).data.claimId === claimId);
      return got.length >= 3 ? got : undefined;
    });
    expect(new Set(attempts.map((a) => a.headers['webhook-id'])).size).toBe(1);
    expect(new Set(attempts.map((a) => a.body)).size).toBe(1);
    const d = await until('delivered', async () => {
      const list = await api.call('GET', '/webhook-deliveries?insurerId=XG-POOL-1', { role: 'auditor' });
      return list.body.items.find(
        (x: { payload: { data: { claimId: string } }; state: string }) => x.payload.data.claimId === claimId && x.state === 'DELIVERED',
      );
    });
    expect(d.attempts.map((a: { status: number }) => a.status)).toEqual([503, 500, 200]);
  });

  it('a delivery that exhausts its retries fails and an admin can replay it', async () => {
    hook.answer([500, 500, 500, 500]);
    const claimId = await settledClaim();
    const failed = await until('failed', async () => {
      const list = await api.call('GET', '/webhook-deliveries?insurerId=XG-POOL-1', { role: 'admin' });
      return list.body.items.find(
        (x: { payload: { data: { claimId: string } }; state: string }) => x.payload.data.claimId === claimId && x.state === 'FAILED',
      );
    });
    expect(failed.attempts).toHaveLength(4);
    expect((await api.call('POST', `/webhook-deliveries/${encodeURIComponent(failed.deliveryId)}/replay`, { role: 'submitter' })).status).toBe(403);
    const replay = await api.call('POST', `/webhook-deliveries/${encodeURIComponent(failed.deliveryId)}/replay`, { role: 'admin' });
    expect(replay.status).toBe(202);
    const done = await until('replayed', async () => {
      const list = await api.call('GET', '/webhook-deliveries?insurerId=XG-POOL-1', { role: 'admin' });
      return list.body.items.find((x: { deliveryId: string; state: string }) => x.deliveryId === failed.deliveryId && x.state === 'DELIVERED');
    });
    expect(done.attempts).toHaveLength(5);
    expect(new Set(hook.received.filter((m) => JSON.parse(m.body).data.claimId === claimId).map((m) => m.headers['webhook-id'])).size).toBe(1);
  });

  it('a pending delivery survives a restart of the server and is delivered after it', async () => {
    hook.answer([503]);
    const claimId = await settledClaim();
    await until('first failed attempt', async () => (hook.received.some((m) => JSON.parse(m.body).data.claimId === claimId) ? true : undefined));
    await system.stop();
    system = await startTestSystem('hooks');
    api = client(system);
    const got = await until('redelivery after restart', async () => {
      const all = hook.received.filter((m) => JSON.parse(m.body).data.claimId === claimId);
      return all.length >= 2 ? all : undefined;
    });
    expect(new Set(got.map((m) => m.headers['webhook-id'])).size).toBe(1);
  });

  it('410 Gone disables the endpoint', async () => {
    hook.answer([410]);
    const claimId = await settledClaim();
    const d = await until('failed on 410', async () => {
      const list = await api.call('GET', '/webhook-deliveries?insurerId=XG-POOL-1', { role: 'admin' });
      return list.body.items.find(
        (x: { payload: { data: { claimId: string } }; state: string }) => x.payload.data.claimId === claimId && x.state === 'FAILED',
      );
    });
    expect(d.attempts.map((a: { status: number }) => a.status)).toEqual([410]);
    const before = hook.received.length;
    await settledClaim();
    await new Promise((r) => setTimeout(r, 500));
    expect(hook.received.length).toBe(before);
  });
});
