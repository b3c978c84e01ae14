/**
 * `npm run audit -- export --out FILE`: every claim's audit records from a running server
 *   (FANGPIN_URL, default http://127.0.0.1:3000; FANGPIN_TOKEN, an auditor token).
 * `npm run audit -- verify FILE`: checks every chain offline; exits 1 naming the first broken link.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { verifyExport, type AuditExport } from './audit-verify.js';
import { serverClient } from './server-client.js';

async function exportAll(out: string): Promise<void> {
  const server = serverClient('auditor');
  const claims: AuditExport['claims'] = [];
  let cursor: string | null = null;
  do {
    const page = (await server.get(`/claims?limit=100${cursor ? `&cursor=${cursor}` : ''}`)) as { items: Array<{ claimId: string }>; nextCursor: string | null };
    for (const c of page.items) {
      const a = (await server.get(`/claims/${encodeURIComponent(c.claimId)}/audit`)) as { records: AuditExport['claims'][number]['records']; head: string };
      claims.push({ claimId: c.claimId, head: a.head, records: a.records });
    }
    process.stderr.write(`\rexported ${claims.length} claims`);
    cursor = page.nextCursor;
  } while (cursor);
  process.stderr.write('\n');
  const doc: AuditExport = { exportedAt: new Date().toISOString(), source: server.base, claims };
  writeFileSync(out, `${JSON.stringify(doc, null, 1)}\n`);
  console.log(`wrote ${claims.length} claims' audit records to ${out}`);
}

function verify(file: string): number {
  const result = verifyExport(JSON.parse(readFileSync(file, 'utf8')) as unknown);
  if (result.ok) {
    console.log(`verified ${result.claims} claims, ${result.records} records: every chain is intact`);
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
