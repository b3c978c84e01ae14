/** The offline verifier catches any edit of a record: an amount digest, a decision, an actor, a removed record. */
import { describe, expect, it } from 'vitest';
import { GENESIS, hashRecord, type AuditRecord } from '../../functions/shared/audit.js';
import { digest } from '../../functions/shared/canonical.js';
import { verifyExport, type AuditExport } from '../../embedded/audit-verify.js';

function chain(claimId: string, steps: string[]): AuditRecord[] {
  const out: AuditRecord[] = [];
  let prev = GENESIS;
  steps.forEach((step, i) => {
    const body = {
      claimId,
      seq: i + 1,
      step,
      actor: 'workflow',
      at: '2024-05-03T00:00:00.000Z',
      inputDigest: digest({ i }),
      outputDigest: digest({ payout: 960000 + i }),
      decision: step === 'Assessment' ? 'APPROVED' : null,
      prevHash: prev,
    };
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

/** A chain whose Assessment and Split records carry their figures in clear, hashed with the record. */
function withFigures(): AuditRecord[] {
  const figures: Record<string, AuditRecord['figures']> = {
    Assessment: { payout: 960_000, bankShare: null, route: 'PAYABLE' },
    Split: { allocations: [{ insurerId: 'XG-POOL-1', shareBp: 10000, amount: 960_000 }] },
  };
  const out: AuditRecord[] = [];
  let prev = GENESIS;
  ['Submit', 'Intake', 'Eligibility', 'Assessment', 'Split'].forEach((step, i) => {
    const f = figures[step];
    const body = {
      claimId: 'C-1',
      seq: i + 1,
      step,
      actor: 'workflow',
      at: '2024-05-03T00:00:00.000Z',
      inputDigest: digest({ i }),
      outputDigest: digest({ i }),
      decision: null,
      ...(f ? { figures: f } : {}),
      prevHash: prev,
    };
    const r = { ...body, hash: hashRecord(body) };
    out.push(r);
    prev = r.hash;
  });
  return out;
}

describe('verifyExport', () => {
  it('accepts an untouched export', () => {
    expect(verifyExport(doc(chain('C-1', steps)))).toEqual({
      ok: true,
      claims: 1,
      households: 0,
      indexEvents: 0,
      medicalFeeds: 0,
      records: 6,
      reconciled: 0,
    });
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

  it('names an edited clear figure (the payout in an Assessment record) as a changed record', () => {
    const records = withFigures();
    const head = records.at(-1)!.hash;
    records[3] = { ...records[3]!, figures: { payout: 1_960_000, bankShare: null, route: 'PAYABLE' } };
    const result = verifyExport(doc(records, head));
    expect(!result.ok && result.problem).toBe('claim C-1, record 4: record 4 was changed after it was written');
  });

  it('reconciles stored figures with the chain: agreeing passes, a differing payout names the claim and the field', () => {
    const records = withFigures();
    const stored = {
      status: 'SETTLING',
      payout: 960_000,
      bankShare: null,
      route: 'PAYABLE',
      allocations: [{ insurerId: 'XG-POOL-1', shareBp: 10000, amount: 960_000 }],
      settlements: [],
      review: null,
      paidAt: null,
    };
    expect(verifyExport({ ...doc(records), claims: [{ claimId: 'C-1', head: records.at(-1)!.hash, records, stored }] })).toEqual({
      ok: true,
      claims: 1,
      households: 0,
      indexEvents: 0,
      medicalFeeds: 0,
      records: 5,
      reconciled: 1,
    });
    const bad = verifyExport({
      ...doc(records),
      claims: [{ claimId: 'C-1', head: records.at(-1)!.hash, records, stored: { ...stored, payout: 9_600_000, allocations: [] } }],
    });
    expect(bad).toEqual({
      ok: false,
      problem: 'claim C-1: assessment.payout is 9600000 in the store, the chain says 960000',
      problems: [
        'claim C-1: assessment.payout is 9600000 in the store, the chain says 960000',
        'claim C-1: allocations[XG-POOL-1] is none in the store, the chain says 960000',
      ],
    });
    const unreadable = verifyExport({
      ...doc(records),
      claims: [{ claimId: 'C-1', head: records.at(-1)!.hash, records, stored: { ...stored, payout: 1.5 } }],
    });
    expect(!unreadable.ok && unreadable.problem).toMatch(/^claim C-1: stored figures do not parse: payout/);
  });

  it('catches records removed from the end by the reported head', () => {
    const records = chain('C-1', steps);
    const head = records.at(-1)!.hash;
    const result = verifyExport(doc(records.slice(0, 4), head));
    expect(!result.ok && result.problem).toContain('records removed');
  });
});
