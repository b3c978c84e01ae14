/**
 * Offline verification of an audit export: every chain (claims, households, index events, medical feeds), the head the server
 * reported, and for each claim exported with its stored figures, that they equal what its chain says
 * (core/audit-figures.ts).
 */
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { verifyChain, type AuditRecord } from '../functions/shared/audit.js';
import { chainFigures, describeDifference, reconcileFigures, StoredFigures } from '../core/audit-figures.js';

const Record_ = z.object({
  claimId: z.string(),
  seq: z.number().int(),
  step: z.string(),
  actor: z.string(),
  at: z.string(),
  inputDigest: z.string(),
  outputDigest: z.string(),
  decision: z.string().nullable(),
  /** Kept exactly as exported (it is hashed); its shape is checked by the reconciliation. Absent on older records. */
  figures: z.unknown().optional(),
  prevHash: z.string(),
  hash: z.string(),
});
/** `stored`: a claim's current stored figures (claims only; absent in older exports, then only the chain is checked). */
const Chain = z.object({ claimId: z.string(), head: z.string(), records: z.array(Record_), stored: z.unknown().optional() });
const Export = z.object({
  exportedAt: z.string(),
  source: z.string(),
  claims: z.array(Chain),
  /** Households' chains (registry changes, warnings), keyed HOUSEHOLD#<id>; absent in older exports. */
  households: z.array(Chain).default([]),
  /** Index events' chains (who posted which observation), keyed INDEX#<eventId>; absent in older exports. */
  indexEvents: z.array(Chain).default([]),
  /** Medical feeds' chains (who sent which file, redrives, the end with its totals), keyed FEED#<feedId>; absent in older exports. */
  medicalFeeds: z.array(Chain).default([]),
});
export type AuditExport = z.input<typeof Export>;

export type VerifyResult =
  | { ok: true; claims: number; households: number; indexEvents: number; medicalFeeds: number; records: number; reconciled: number }
  | { ok: false; problem: string; problems: string[] };

function broken(problem: string): VerifyResult {
  return { ok: false, problem, problems: [problem] };
}

export function verifyExport(data: unknown): VerifyResult {
  const parsed = Export.safeParse(data);
  if (!parsed.success) return broken(`not an audit export: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
  let records = 0;
  const kinds = [
    ['claim', parsed.data.claims],
    ['household chain', parsed.data.households],
    ['index event chain', parsed.data.indexEvents],
    ['medical feed chain', parsed.data.medicalFeeds],
  ] as const;
  for (const [what, chains] of kinds) {
    for (const c of chains) {
      if (c.records.some((r) => r.claimId !== c.claimId)) return broken(`${what} ${c.claimId}: holds a record of another chain`);
      const check = verifyChain(c.records as AuditRecord[]);
      if (!check.verified) return broken(`${what} ${c.claimId}, record ${check.brokenAt}: ${check.problem}`);
      if (check.head !== c.head)
        return broken(`${what} ${c.claimId}: the chain ends at ${check.head}, not at the head ${c.head} the server reported (records removed?)`);
      records += c.records.length;
    }
  }
  // Every chain is intact, so what the chains say can be trusted: now the store must agree with it.
  const problems: string[] = [];
  let reconciled = 0;
  for (const c of parsed.data.claims) {
    if (c.stored === undefined) continue;
    const stored = StoredFigures.safeParse(c.stored);
    if (!stored.success) {
      problems.push(`claim ${c.claimId}: stored figures do not parse: ${stored.error.issues[0]?.path.join('.')}: ${stored.error.issues[0]?.message}`);
      continue;
    }
    reconciled++;
    for (const d of reconcileFigures(chainFigures(c.records), stored.data)) problems.push(`claim ${c.claimId}: ${describeDifference(d)}`);
  }
  const [first] = problems;
  if (first !== undefined) return { ok: false, problem: first, problems };
  return {
    ok: true,
    claims: parsed.data.claims.length,
    households: parsed.data.households.length,
    indexEvents: parsed.data.indexEvents.length,
    medicalFeeds: parsed.data.medicalFeeds.length,
    records,
    reconciled,
  };
}
