/**
 * The webhooks store checks every item it reads against its schema, and hands back the item as stored: the
 * signed body carries an outbox event's data in the order the table returned it, as before the schemas.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { useStore } from '../support/store.js';

let aws: typeof import('../../functions/shared/aws.js');
let store: typeof import('../../functions/shared/webhooks/store.js');
let dispatcher: typeof import('../../functions/shared/webhooks/dispatcher.js');

beforeAll(async () => {
  await useStore('whstore');
  aws = await import('../../functions/shared/aws.js');
  store = await import('../../functions/shared/webhooks/store.js');
  dispatcher = await import('../../functions/shared/webhooks/dispatcher.js');
});

const put = (Item: Record<string, unknown>) => aws.documentClient().send(new PutCommand({ TableName: aws.tableName('webhooks'), Item }));

describe('webhooks store', () => {
  it('refuses a malformed item, naming it and the field', async () => {
    await put({ pk: 'DELIVERY', sk: 'S-BAD#ep_1', deliveryId: 'S-BAD#ep_1', state: 'SOMETHING', attempts: [] });
    await expect(store.delivery('S-BAD#ep_1')).rejects.toThrow(/DELIVERY\/S-BAD#ep_1 is not a valid delivery: .*state/);
    await put({ pk: 'DISABLED', sk: 'X#ep_2', insurerId: 'X', endpointId: 'ep_2', url: 'https://x.example', reason: 'HTTP 410 Gone' });
    await expect(store.disabledEndpoints()).rejects.toThrow(/DISABLED\/X#ep_2 is not a valid disabled-endpoint marker: disabledAt/);
  });

  it('signs the outbox event’s data as the table returned it, key for key and in order', async () => {
    const ep = await store.registerEndpoint('ORDER', 'https://order.example/hooks');
    const data = { settlementId: 'S-O-1', claimId: 'C-O-1', insurerId: 'ORDER', amount: 600, payee: { type: 'HOUSEHOLD', id: 'H-1' } };
    const event = { settlementId: 'S-O-1', insurerId: 'ORDER', type: 'settlement.created', data, createdAt: '2024-07-04T00:00:00.000Z' };
    await put({ pk: 'OUTBOX', sk: 'C-O-1', events: [event], createdAt: event.createdAt });
    const raw = (
      await aws
        .documentClient()
        .send(new GetCommand({ TableName: aws.tableName('webhooks'), Key: { pk: 'OUTBOX', sk: 'C-O-1' }, ConsistentRead: true }))
    ).Item as { events: Array<{ data: unknown }> };
    const bodies: string[] = [];
    const fetchOk = (async (_u: string | URL | Request, init?: RequestInit) => {
      bodies.push(String(init?.body));
      return new Response('', { status: 200 });
    }) as typeof fetch;
    await dispatcher.dispatchWebhooks(new Date('2024-07-04T01:00:00.000Z'), fetchOk);
    expect(bodies).toEqual([`{"type":"settlement.created","timestamp":"2024-07-04T00:00:00.000Z","data":${JSON.stringify(raw.events[0]?.data)}}`]);
    const [listed] = await store.deliveries('ORDER');
    expect(listed?.endpointId).toBe(ep.endpointId);
    expect(listed?.state).toBe('DELIVERED');
  });
});
