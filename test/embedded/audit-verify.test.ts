/** The offline verifier catches any edit of a record: an amount digest, a decision, an actor, a removed record. */
import { describe, expect, it } from 'vitest';
import { GENESIS, hashRecord, type AuditRecord } from '../../functions/shared/audit.js';
import { digest } from '../../functions/shared/canonical.js';
import { verifyExport, type AuditExport } from '../../embedded/audit-verify.js';

function chain(claimId: string, steps: string[]): AuditRecord[] {
  const out: AuditRecord[] = [];
  let prev = GENESIS;
  steps.forEach((step, i) => {
    const body = { claimId, seq: i + 1, step, actor: 'workflow', at: '2024-05-03T00:00:00.000Z', inputDigest: digest({ i }), outputDigest: digest({ payout: 960000 + i }), decision: step === 'Assessment' ? 'APPROVED' : null, prevHash: prev };
    const r = { ...body, hash: hashRecord(body) };
    out.push(r);
    prev = r.hash;
  });
  return out;
}

function doc(records: AuditRecord[], head = records.at(-1)?.hash ?? GENESIS): AuditExport {
  return { exportedAt: 'now', source: 'test', claims: [{ claimId: 'C-1', head, records }] };
}

const steps = ['Submit', 'Intake', 'Eligibility', 'Assessment', 'Split', 'Payout'];

describe('verifyExport', () => {
  it('accepts an untouched export', () => {
    expect(verifyExport(doc(chain('C-1', steps)))).toEqual({ ok: true, claims: 1, households: 0, indexEvents: 0, records: 6 });
  });

  it.each([
    ['an output digest (an amount)', (r: AuditRecord[]) => (r[3] = { ...r[3]!, outputDigest: digest({ payout: 1 }) })],
    ['a decision', (r: AuditRecord[]) => (r[3] = { ...r[3]!, decision: 'REJECTED' })],
    ['an actor', (r: AuditRecord[]) => (r[1] = { ...r[1]!, actor: 'someone-else' })],
  ])('names the first broken link when someone edits %s', (_what, tamper) => {
    const records = chain('C-1', steps);
    const head = records.at(-1)!.hash;
    tamper(records);
    const result = verifyExport(doc(records, head));
    expect(result.ok).toBe(false);
    expect(!result.ok && result.problem).toMatch(/record [24]: record [24] was changed/);
  });

  it('catches a re-hashed edit by the broken link to the next record', () => {
    const records = chain('C-1', steps);
    const head = records.at(-1)!.hash;
    const { hash: _h, ...body } = { ...records[2]!, decision: 'FORGED' };
    records[2] = { ...body, hash: hashRecord(body) };
    const result = verifyExport(doc(records, head));
    expect(!result.ok && result.problem).toContain('record 4: record 4 does not link');
  });

  it('catches records removed from the end by the reported head', () => {
    const records = chain('C-1', steps);
    const head = records.at(-1)!.hash;
    const result = verifyExport(doc(records.slice(0, 4), head));
    expect(!result.ok && result.problem).toContain('records removed');
  });
});
