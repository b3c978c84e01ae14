/**
 * `npm run audit -- export --out FILE`: every claim's, household's, index event's and medical feed's audit records from a running server
 *   (FANGPIN_URL, default http://127.0.0.1:3000; FANGPIN_TOKEN, an auditor token), and each claim's current
 *   stored figures (payout, allocations, settlements and their confirmation).
 * `npm run audit -- verify FILE`: checks every chain offline (exit 1 naming the first broken link), then that
 *   every claim's stored figures equal what its chain says (exit 1, one line per claim and field that differs).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { verifyExport, type AuditExport } from './audit-verify.js';
import { serverClient, type ServerClient } from './server-client.js';

type Chain = AuditExport['claims'][number];

/** Every chain of one kind: page through `list`, read each item's audit answer. */
async function chainsOf(
  server: ServerClient,
  list: string,
  id: (item: Record<string, unknown>) => string,
  audit: (id: string) => string,
  key: (id: string) => string,
  what: string,
): Promise<Chain[]> {
  const chains: Chain[] = [];
  let cursor: string | null = null;
  do {
    const page = (await server.get(`${list}?limit=100${cursor ? `&cursor=${cursor}` : ''}`)) as {
      items: Array<Record<string, unknown>>;
      nextCursor: string | null;
    };
    for (const item of page.items) {
      const a = (await server.get(audit(id(item)))) as { records: Chain['records']; head: string; stored?: unknown };
      // A claim's answer carries its stored figures; households and index events have none.
      chains.push({ claimId: key(id(item)), head: a.head, records: a.records, ...(a.stored === undefined ? {} : { stored: a.stored }) });
    }
    process.stderr.write(`\rexported ${chains.length} ${what}`);
    cursor = page.nextCursor;
  } while (cursor);
  process.stderr.write('\n');
  return chains;
}

async function exportAll(out: string): Promise<void> {
  const server = serverClient('auditor');
  const claims = await chainsOf(
    server,
    '/claims',
    (c) => String(c.claimId),
    (id) => `/claims/${encodeURIComponent(id)}/audit`,
    (id) => id,
    'claims',
  );
  const households = await chainsOf(
    server,
    '/households',
    (h) => String(h.householdId),
    (id) => `/households/${encodeURIComponent(id)}/audit`,
    (id) => `HOUSEHOLD#${id}`,
    'households',
  );
  const indexEvents = await chainsOf(
    server,
    '/index-events',
    (e) => String(e.eventId),
    (id) => `/index-events/${encodeURIComponent(id)}/audit`,
    (id) => `INDEX#${id}`,
    'index events',
  );
  const medicalFeeds = await chainsOf(
    server,
    '/medical-feeds',
    (f) => String(f.feedId),
    (id) => `/medical-feeds/${encodeURIComponent(id)}/audit`,
    (id) => `FEED#${id}`,
    'medical feeds',
  );
  const doc: AuditExport = { exportedAt: new Date().toISOString(), source: server.base, claims, households, indexEvents, medicalFeeds };
  writeFileSync(out, `${JSON.stringify(doc, null, 1)}\n`);
  console.log(
    `wrote the audit records of ${claims.length} claims, ${households.length} households, ${indexEvents.length} index events and ${medicalFeeds.length} medical feeds to ${out}`,
  );
}

function verify(file: string): number {
  const result = verifyExport(JSON.parse(readFileSync(file, 'utf8')) as unknown);
  if (result.ok) {
    console.log(
      `verified ${result.claims} claims, ${result.households} households, ${result.indexEvents} index events and ${result.medicalFeeds} medical feeds, ${result.records} records: every chain is intact; ` +
        `the stored figures of ${result.reconciled} claims agree with their chains`,
    );
    return 0;
  }
  for (const p of result.problems) console.error(`BROKEN: ${p}`);
  return 1;
}

const [cmd, ...rest] = process.argv.slice(2);
try {
  if (cmd === 'export') {
    const at = rest.indexOf('--out');
    const out = at >= 0 ? rest[at + 1] : undefined;
    if (!out) throw new Error('usage: npm run audit -- export --out FILE');
    await exportAll(out);
  } else if (cmd === 'verify' && rest[0]) {
    process.exit(verify(rest[0]));
  } else {
    console.error('usage: npm run audit -- export --out FILE | verify FILE');
    process.exit(2);
  }
} catch (err) {
  console.error(`fangpin audit: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}
