/** Offline verification of an audit export: every chain (claims, households, index events), and the head the server reported. */
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { verifyChain, type AuditRecord } from '../functions/shared/audit.js';

const Record_ = z.object({
  claimId: z.string(),
  seq: z.number().int(),
  step: z.string(),
  actor: z.string(),
  at: z.string(),
  inputDigest: z.string(),
  outputDigest: z.string(),
  decision: z.string().nullable(),
  prevHash: z.string(),
  hash: z.string(),
});
const Chain = z.object({ claimId: z.string(), head: z.string(), records: z.array(Record_) });
const Export = z.object({
  exportedAt: z.string(),
  source: z.string(),
  claims: z.array(Chain),
  /** Households' chains (registry changes, warnings), keyed HOUSEHOLD#<id>; absent in older exports. */
  households: z.array(Chain).default([]),
  /** Index events' chains (who posted which observation), keyed INDEX#<eventId>; absent in older exports. */
  indexEvents: z.array(Chain).default([]),
});
export type AuditExport = z.input<typeof Export>;

export function verifyExport(data: unknown): { ok: true; claims: number; households: number; indexEvents: number; records: number } | { ok: false; problem: string } {
  const parsed = Export.safeParse(data);
  if (!parsed.success) return { ok: false, problem: `not an audit export: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}` };
  let records = 0;
  const kinds = [['claim', parsed.data.claims], ['household chain', parsed.data.households], ['index event chain', parsed.data.indexEvents]] as const;
  for (const [what, chains] of kinds) {
    for (const c of chains) {
      if (c.records.some((r) => r.claimId !== c.claimId)) return { ok: false, problem: `${what} ${c.claimId}: holds a record of another chain` };
      const check = verifyChain(c.records as AuditRecord[]);
      if (!check.verified) return { ok: false, problem: `${what} ${c.claimId}, record ${check.brokenAt}: ${check.problem}` };
      if (check.head !== c.head) return { ok: false, problem: `${what} ${c.claimId}: the chain ends at ${check.head}, not at the head ${c.head} the server reported (records removed?)` };
      records += c.records.length;
    }
  }
  return { ok: true, claims: parsed.data.claims.length, households: parsed.data.households.length, indexEvents: parsed.data.indexEvents.length, records };
}
