/**
 * `npm run replay -- export --out FILE [--scheme-id ID] [--year YYYY]`: a year's claims from a running server as
 * the replay reads them: a { household } line for each household concerned, then a { claim } line per claim in the
 * order they were decided (incident date, then submission time). The household is the registry entry as it stands now (identity numbers masked, as the API
 * gives them), which is what a what-if for the next period should be run against.
 */
import { createWriteStream } from 'node:fs';
import { serverClient } from './server-client.js';

interface ClaimView {
  claimId: string;
  schemeId: string;
  product: string;
  householdId: string;
  personId: string;
  incidentDate: string;
  details: unknown;
  createdAt: string;
}

export interface ClaimsExportFilter {
  readonly schemeId?: string | undefined;
  readonly year?: number | undefined;
}

export async function exportClaims(out: string, filter: ClaimsExportFilter, progress: (line: string) => void = () => undefined): Promise<number> {
  const server = serverClient('auditor');
  const claims: ClaimView[] = [];
  let seen = 0;
  let cursor: string | null = null;
  do {
    const page = (await server.get(`/claims?limit=100${cursor ? `&cursor=${cursor}` : ''}`)) as { items: ClaimView[]; nextCursor: string | null };
    seen += page.items.length;
    for (const c of page.items) {
      if (filter.schemeId && c.schemeId !== filter.schemeId) continue;
      if (filter.year && !c.incidentDate.startsWith(`${filter.year}-`)) continue;
      claims.push(c);
    }
    progress(`read ${seen} claims, ${claims.length} selected`);
    cursor = page.nextCursor;
  } while (cursor);
  claims.sort((a, b) =>
    a.incidentDate < b.incidentDate ? -1 : a.incidentDate > b.incidentDate ? 1 : a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0,
  );

  const stream = createWriteStream(out);
  const write = async (row: unknown) => {
    if (!stream.write(`${JSON.stringify(row)}\n`)) await new Promise<void>((r) => stream.once('drain', () => r()));
  };
  const households = new Set<string>();
  for (const c of claims) {
    if (households.has(c.householdId)) continue;
    households.add(c.householdId);
    const h = (await server.get(`/households/${encodeURIComponent(c.householdId)}`).catch((err: unknown) => {
      // Removed from the registry since: no line, and the replay rejects its claims as the system would now.
      if (err instanceof Error && err.message.includes(': 404 ')) return null;
      throw err;
    })) as Record<string, unknown> | null;
    if (h) await write({ household: registryEntry(h) });
    if (households.size % 100 === 0) progress(`fetched ${households.size} households`);
  }
  for (const c of claims) {
    await write({
      claim: {
        schemeId: c.schemeId,
        householdId: c.householdId,
        personId: c.personId,
        product: c.product,
        incidentDate: c.incidentDate,
        details: c.details,
      },
    });
  }
  await new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return claims.length;
}

/** The household as the rules read it: the registry's answer without its warnings and bookkeeping. */
function registryEntry(h: Record<string, unknown>): Record<string, unknown> {
  const { openWarnings: _open, closedWarnings: _closed, createdAt: _c, updatedAt: _u, ...entry } = h;
  return entry;
}
