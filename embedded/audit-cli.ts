/**
 * `npm run audit -- export --out FILE`: every claim's, household's and index event's audit records from a running server
 *   (FANGPIN_URL, default http://127.0.0.1:3000; FANGPIN_TOKEN, an auditor token).
 * `npm run audit -- verify FILE`: checks every chain offline; exits 1 naming the first broken link.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { verifyExport, type AuditExport } from './audit-verify.js';
import { serverClient, type ServerClient } from './server-client.js';

type Chain = AuditExport['claims'][number];

/** Every chain of one kind: page through `list`, read each item's audit answer. */
async function chainsOf(server: ServerClient, list: string, id: (item: Record<string, unknown>) => string, audit: (id: string) => string, key: (id: string) => string, what: string): Promise<Chain[]> {
  const chains: Chain[] = [];
  let cursor: string | null = null;
  do {
    const page = (await server.get(`${list}?limit=100${cursor ? `&cursor=${cursor}` : ''}`)) as { items: Array<Record<string, unknown>>; nextCursor: string | null };
    for (const item of page.items) {
      const a = (await server.get(audit(id(item)))) as { records: Chain['records']; head: string };
      chains.push({ claimId: key(id(item)), head: a.head, records: a.records });
    }
    process.stderr.write(`\rexported ${chains.length} ${what}`);
    cursor = page.nextCursor;
  } while (cursor);
  process.stderr.write('\n');
  return chains;
}

async function exportAll(out: string): Promise<void> {
  const server = serverClient('auditor');
  const claims = await chainsOf(server, '/claims', (c) => String(c.claimId), (id) => `/claims/${encodeURIComponent(id)}/audit`, (id) => id, 'claims');
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
  const doc: AuditExport = { exportedAt: new Date().toISOString(), source: server.base, claims, households, indexEvents };
  writeFileSync(out, `${JSON.stringify(doc, null, 1)}\n`);
  console.log(`wrote the audit records of ${claims.length} claims, ${households.length} households and ${indexEvents.length} index events to ${out}`);
}

function verify(file: string): number {
  const result = verifyExport(JSON.parse(readFileSync(file, 'utf8')) as unknown);
  if (result.ok) {
    console.log(`verified ${result.claims} claims, ${result.households} households and ${result.indexEvents} index events, ${result.records} records: every chain is intact`);
    return 0;
  }
  console.error(`BROKEN: ${result.problem}`);
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
