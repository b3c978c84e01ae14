/**
 * Fault drills (test/e2e/faults.test.ts, `npm run soak`): fails a share of store requests with a transient error
 * (HTTP 503), half before the request reaches the store and half after it succeeded (a lost response). The
 * fault sits inside the SDK's retry loop, as a real network or service fault does, so a re-sent write must be
 * harmless: conditional writes and idempotent steps, not luck. Embedded only (embedded/sdk/decorators.ts).
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export function injectFaults(client: DynamoDBDocumentClient, rate: number): void {
  // Recognised by the SDK's retry strategy by these properties alone, whichever SDK copy built the client.
  const fault = (when: string) =>
    Object.assign(new Error(`injected fault (${when})`), {
      name: 'InjectedFault',
      $metadata: { httpStatusCode: 503 },
      $retryable: { throttling: false },
    });
  client.middlewareStack.add(
    (next) => async (args) => {
      const roll = Math.random();
      if (roll < rate / 2) throw fault('before the request');
      const result = await next(args);
      if (roll < rate) throw fault('after the request succeeded');
      return result;
    },
    { step: 'finalizeRequest', priority: 'low', name: 'fangpinFaultInjection' },
  );
}
