/**
 * Settlement webhooks end to end: signed per the Standard Webhooks spec (checked with the spec's own npm
 * library, not our code), at-least-once with the same webhook-id across retries, 410 disables, replay by admin.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Webhook } from 'standardwebhooks';
import type { Embedded } from '../../embedded/runtime.js';
import { DEMO_HOUSEHOLDS } from '../../embedded/demo.js';
import { client, startTestSystem } from '../support/server.js';

process.env.FANGPIN_WEBHOOK_RETRY_SCHEDULE = '0.2,0.2,0.2';
process.env.FANGPIN_WEBHOOK_POLL_MS = '50';

interface Received {
  headers: Record<string, string>;
  body: string;
}

/** A receiver whose answer each test can change: status codes to return, in order, then 200. */
function receiver() {
  const received: Received[] = [];
  let script: number[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8') });
      const status = script.shift() ?? 200;
      res.writeHead(status).end();
    });
  });
  return {
    received,
    answer: (statuses: number[]) => {
      script = [...statuses];
    },
    listen: () => new Promise<string>((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

let system: Embedded;
let api: ReturnType<typeof client>;
const hook = receiver();
let secret: string;
let n = 0;

async function until<T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = await f();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function settledClaim(insurerPays = true): Promise<string> {
  const body = { schemeId: 'xiaogan-2024', product: 'DISASTER', householdId: 'H-420922-0001', personId: 'P-1', incidentDate: '2024-07-01', details: { cause: 'FLOOD', damage: 'PARTIAL', assessedLoss: 100_000 + ++n } };
  const r = await api.call('POST', '/claims', { role: 'submitter', body });
  expect(r.status).toBe(202);
  await api.waitForStatus(r.body.claimId, insurerPays ? ['SETTLING'] : ['SETTLING']);
  return r.body.claimId as string;
}

beforeAll(async () => {
  const url = await hook.listen();
  system = await startTestSystem('hooks');
  api = client(system);
  expect((await api.call('POST', '/households', { role: 'admin', body: DEMO_HOUSEHOLDS })).status).toBe(200);
  const ep = await api.call('POST', '/webhook-endpoints', { role: 'admin', body: { insurerId: 'XG-POOL-1', url } });
  expect(ep.status).toBe(201);
  secret = ep.body.secret;
  expect(secret).toMatch(/^whsec_/);
});

afterAll(async () => {
  await system?.stop();
  await hook.close();
});

describe('settlement.created webhooks', () => {
  it('arrive signed as Standard Webhooks says, verified by the spec library, with a thin payload', async () => {
    const claimId = await settledClaim();
    const msg = await until('a webhook', async () => hook.received.find((m) => JSON.parse(m.body).data.claimId === claimId));
    const verified = new Webhook(secret).verify(msg.body, msg.headers) as { type: string; data: Record<string, unknown> };
    expect(verified.type).toBe('settlement.created');
    expect(verified.data.insurerId).toBe('XG-POOL-1');
    expect(Object.keys(verified.data).sort()).toEqual(['amount', 'claimId', 'insurerId', 'payee', 'settlementId']);
    expect(msg.body).not.toMatch(/\d{17}[\dX]/);
    // Only XG-POOL-1 registered an endpoint: the other two pool members' settlements send nothing.
    expect(hook.received.filter((m) => JSON.parse(m.body).data.claimId === claimId)).toHaveLength(1);
    expect(() => new Webhook(`whsec_${Buffer.from('wrong key wrong key wrong').toString('base64')}`).verify(msg.body, msg.headers)).toThrow();
  });

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
      return list.body.items.find((x: { payload: { data: { claimId: string } }; state: string }) => x.payload.data.claimId === claimId && x.state === 'DELIVERED');
    });
    expect(d.attempts.map((a: { status: number }) => a.status)).toEqual([503, 500, 200]);
  });

  it('a delivery that exhausts its retries fails and an admin can replay it', async () => {
    hook.answer([500, 500, 500, 500]);
    const claimId = await settledClaim();
    const failed = await until('failed', async () => {
      const list = await api.call('GET', '/webhook-deliveries?insurerId=XG-POOL-1', { role: 'admin' });
      return list.body.items.find((x: { payload: { data: { claimId: string } }; state: string }) => x.payload.data.claimId === claimId && x.state === 'FAILED');
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
      return list.body.items.find((x: { payload: { data: { claimId: string } }; state: string }) => x.payload.data.claimId === claimId && x.state === 'FAILED');
    });
    expect(d.attempts.map((a: { status: number }) => a.status)).toEqual([410]);
    const before = hook.received.length;
    await settledClaim();
    await new Promise((r) => setTimeout(r, 500));
    expect(hook.received.length).toBe(before);
  });
});
