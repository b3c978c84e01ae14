/**
 * A data directory from before table claimKeys (2026-12-02) has claims whose search keys are indexes of the claims
 * table itself, and no keys items. At start: give every claim its keys item, then delete the claims table's retired
 * indexes, which nothing reads any more and which the store would otherwise keep paying for at every claim read and
 * write. The indexes still being there is what says the upgrade is not done: a start stopped half-way does it again
 * (the keys' writes are conditional, so nothing is written twice). On AWS the same backfill is
 * `npm run reports -- rebuild`, and the indexes go one per stack update (docs/deploy.md).
 */
import { DescribeTableCommand, UpdateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { RETIRED_CLAIM_INDEXES } from '../functions/shared/tables.js';
import { indexAllClaimKeys } from '../functions/shared/claim-keys-repo.js';

/** The table's indexes and their status (ACTIVE, DELETING, …). */
async function indexStatuses(client: DynamoDBClient, TableName: string): Promise<Map<string, string>> {
  const described = await client.send(new DescribeTableCommand({ TableName }));
  return new Map((described.Table?.GlobalSecondaryIndexes ?? []).map((g) => [g.IndexName ?? '', g.IndexStatus ?? '']));
}

/** How long a start waits for one index to go before it leaves the rest to the next start. */
const DELETION_WAIT_MS = 60_000;

/** Answers how many claims were given their keys (0 when there was nothing to upgrade). */
export async function upgradeClaimKeysIfNeeded(client: DynamoDBClient, claimsTable: string, log: (line: string) => void): Promise<number> {
  const have = await indexStatuses(client, claimsTable);
  const retired = RETIRED_CLAIM_INDEXES.map((i) => i.indexName).filter((n) => have.has(n));
  if (retired.length === 0) return 0;
  const t0 = Date.now();
  let said = t0;
  const { scanned, written } = await indexAllClaimKeys({
    write: true,
    // A large directory takes a while, once: say how far it is, every few seconds.
    onProgress: (n) => {
      if (Date.now() - said < 3000) return;
      said = Date.now();
      log(`giving claims their search keys (table claimKeys): ${n} claim(s) read`);
    },
  });
  log(`gave ${written} of ${scanned} claim(s) their search keys (table claimKeys) in ${Date.now() - t0} ms`);
  // One at a time (DynamoDB Local deletes one index of a table at once). Nothing reads them any more, so an index
  // that takes too long is left to the next start, never a reason to fail this one.
  for (const IndexName of retired) {
    if (have.get(IndexName) !== 'DELETING')
      await client.send(new UpdateTableCommand({ TableName: claimsTable, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName } }] }));
    for (let waited = 0; (await indexStatuses(client, claimsTable)).has(IndexName); waited += 100) {
      if (waited > DELETION_WAIT_MS) {
        log(`the claims table's retired index ${IndexName} is still being deleted; the next start carries on`);
        return written;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  log(`deleted the claims table's retired index(es) ${retired.join(', ')}`);
  return written;
}
