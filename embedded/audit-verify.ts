/** Offline verification of an audit export: every claim's chain, and the head the server reported. */
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
const Export = z.object({
  exportedAt: z.string(),
  source: z.string(),
  claims: z.array(z.object({ claimId: z.string(), head: z.string(), records: z.array(Record_) })),
});
export type AuditExport = z.infer<typeof Export>;

export function verifyExport(data: unknown): { ok: true; claims: number; records: number } | { ok: false; problem: string } {
  const parsed = Export.safeParse(data);
  if (!parsed.success) return { ok: false, problem: `not an audit export: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}` };
  let records = 0;
  for (const c of parsed.data.claims) {
    if (c.records.some((r) => r.claimId !== c.claimId)) return { ok: false, problem: `claim ${c.claimId}: holds a record of another claim` };
    const check = verifyChain(c.records as AuditRecord[]);
    if (!check.verified) return { ok: false, problem: `claim ${c.claimId}, record ${check.brokenAt}: ${check.problem}` };
    if (check.head !== c.head) return { ok: false, problem: `claim ${c.claimId}: the chain ends at ${check.head}, not at the head ${c.head} the server reported (records removed?)` };
    records += c.records.length;
  }
  return { ok: true, claims: parsed.data.claims.length, records };
}
