/**
 * The dispatcher against the store: a round fans out at most its share of the outbox (an index event can leave
 * tens of thousands of records), page by page; the next rounds take the rest; every settlement is announced
 * once, whatever the number of rounds.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { useStore } from '../support/store.js';
import type { Settlement } from '../../functions/shared/settlements-repo.js';

let aws: typeof import('../../functions/shared/aws.js');
let store: typeof import('../../functions/shared/webhooks/store.js');
let dispatcher: typeof import('../../functions/shared/webhooks/dispatcher.js');
let outbox: typeof import('../../functions/shared/webhook-outbox.js');

const settlement = (claimId: string, insurerId = 'PICC'): Settlement => ({
  settlementId: `S-${claimId}-${insurerId}`,
  claimId,
  insurerId,
  amount: 600,
  payee: { type: 'HOUSEHOLD', id: `H-${claimId}` },
  schemeId: 'xiaogan-2024',
  product: 'INDUSTRY',
  status: 'PENDING',
  createdAt: '2024-07-04T00:00:00.000Z',
});

/** A receiver that answers 200 and records each webhook-id it was sent. */
function receiver() {
  const posted: string[] = [];
  const fetchOk = (async (_url: string | URL | Request, init?: RequestInit) => {
    posted.push(String((init!.headers as Record<string, string>)['webhook-id']));
    return new Response('', { status: 200 });
  }) as typeof fetch;
  return { posted, fetchOk };
}

beforeAll(async () => {
  await useStore('whrounds');
  aws = await import('../../functions/shared/aws.js');
  store = await import('../../functions/shared/webhooks/store.js');
  dispatcher = await import('../../functions/shared/webhooks/dispatcher.js');
  outbox = await import('../../functions/shared/webhook-outbox.js');
});

describe('webhook dispatcher rounds', () => {
  it('fans out at most its share of a large outbox per round; the next rounds finish it, each event once', async () => {
    await store.registerEndpoint('PICC', 'https://picc.example/hooks');
    const N = 450;
    for (let i = 0; i < N; i += 25) {
      await Promise.all(
        Array.from({ length: Math.min(25, N - i) }, (_, k) => {
          const claimId = `C-${String(i + k).padStart(4, '0')}`;
          return aws
            .documentClient()
            .send(
              new PutCommand({ TableName: aws.tableName('webhooks'), Item: outbox.settlementsCreatedOutboxItem(claimId, [settlement(claimId)]) }),
            );
        }),
      );
    }
    const { posted, fetchOk } = receiver();
    const now = new Date('2024-07-04T01:00:00.000Z');
    const rounds: number[] = [];
    for (let r = 0; r < 6; r++) rounds.push((await dispatcher.dispatchWebhooks(now, fetchOk, 200)).fannedOut);
    expect(rounds).toEqual([200, 200, 50, 0, 0, 0]);
    expect(posted).toHaveLength(N);
    expect(new Set(posted).size).toBe(N);
    const all = await store.deliveries('PICC');
    expect(all).toHaveLength(N);
    expect(all.every((d) => d.state === 'DELIVERED')).toBe(true);
  });

  it('takes no new work once the invocation is near its deadline: the next round finishes, each event once', async () => {
    await store.registerEndpoint('CPIC', 'https://cpic.example/hooks');
    const N = 120;
    await Promise.all(
      Array.from({ length: N }, (_, k) => {
        const claimId = `D-${String(k).padStart(4, '0')}`;
        return aws.documentClient().send(
          new PutCommand({
            TableName: aws.tableName('webhooks'),
            Item: outbox.settlementsCreatedOutboxItem(claimId, [settlement(claimId, 'CPIC')]),
          }),
        );
      }),
    );
    const { posted, fetchOk } = receiver();
    const now = new Date('2024-07-04T02:00:00.000Z');
    // The clock runs out after 30 checks: the round fans out that many records and attempts nothing.
    let checks = 0;
    const cut = await dispatcher.dispatchWebhooks(now, fetchOk, 2_000, () => (checks++ < 30 ? 60_000 : 1_000));
    expect(cut).toEqual({ fannedOut: 30, attempted: 0 });
    expect(posted).toHaveLength(0);
    const next = await dispatcher.dispatchWebhooks(now, fetchOk, 2_000, () => 60_000);
    expect(next).toEqual({ fannedOut: N - 30, attempted: N });
    expect(new Set(posted).size).toBe(N);
    expect(posted).toHaveLength(N);
    const all = await store.deliveries('CPIC');
    expect(all.every((d) => d.state === 'DELIVERED')).toBe(true);
  });
});
