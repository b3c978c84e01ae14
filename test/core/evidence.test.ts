/** core/evidence.ts: which arrived file is the declared one, who may read and attach, the download name. */
import { describe, expect, it } from 'vitest';
import { hasSignatureOf, judgeArrival, mayAttach, mayReadAttachments, safeFileName, type EvidenceReader } from '../../core/evidence.js';

const PDF_HEAD = new Uint8Array(Buffer.from('%PDF-1.7\n'));
const PNG_HEAD = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]);
const JPEG_HEAD = new Uint8Array([0xff, 0xd8, 0xff, 0xe0]);
const SHA = 'ab'.repeat(32);

describe('judgeArrival', () => {
  const declared = { contentType: 'application/pdf' as const, size: 100, sha256: SHA };
  it('accepts the declared file (the checksum compared without regard to case)', () => {
    expect(judgeArrival(declared, { size: 100, sha256: SHA.toUpperCase(), head: PDF_HEAD })).toBeNull();
  });
  it('refuses another size, another checksum, another format, in that order', () => {
    expect(judgeArrival(declared, { size: 101, sha256: 'cd'.repeat(32), head: PNG_HEAD })).toBe('SIZE_MISMATCH');
    expect(judgeArrival(declared, { size: 100, sha256: 'cd'.repeat(32), head: PDF_HEAD })).toBe('SHA256_MISMATCH');
    expect(judgeArrival(declared, { size: 100, sha256: SHA, head: PNG_HEAD })).toBe('TYPE_MISMATCH');
  });
  it('knows each allowed format by its first bytes', () => {
    expect(hasSignatureOf('application/pdf', PDF_HEAD)).toBe(true);
    expect(hasSignatureOf('image/png', PNG_HEAD)).toBe(true);
    expect(hasSignatureOf('image/jpeg', JPEG_HEAD)).toBe(true);
    expect(hasSignatureOf('image/jpeg', PNG_HEAD)).toBe(false);
    expect(hasSignatureOf('application/pdf', new Uint8Array([0x25, 0x50]))).toBe(false); // too short
  });
});

describe('who may read attachments', () => {
  const claim = {
    submittedBy: 'agent-1',
    allocations: [
      { insurerId: 'XG-POOL-1', amount: 500 },
      { insurerId: 'XG-POOL-2', amount: 0 },
    ],
  };
  const reader = (role: EvidenceReader['role'], sub = 'u', insurerId: string | null = null): EvidenceReader => ({ role, sub, insurerId });
  it.each([
    ['the submitter', reader('submitter', 'agent-1'), true],
    ['another submitter', reader('submitter', 'agent-2'), false],
    ['a reviewer', reader('reviewer'), true],
    ['an auditor', reader('auditor'), true],
    ['an insurer paying part of it', reader('insurer', 'i', 'XG-POOL-1'), true],
    ['an insurer with a zero share', reader('insurer', 'i', 'XG-POOL-2'), false],
    ['an insurer of another claim', reader('insurer', 'i', 'LS-MED-INSURER'), false],
    ['an admin who filed it', reader('admin', 'agent-1'), true],
    ['an admin who did not', reader('admin', 'root'), false],
  ] as const)('%s: %s', (_label, r, allowed) => {
    expect(mayReadAttachments(r, claim).allowed).toBe(allowed);
  });
  it('an insurer of a claim not split yet (no allocations) may not', () => {
    expect(mayReadAttachments(reader('insurer', 'i', 'XG-POOL-1'), { submittedBy: 'a' })).toEqual({ allowed: false, reason: 'INSURER_NOT_ON_CLAIM' });
  });
  it('only the submitter attaches, whatever else the role may read', () => {
    expect(mayAttach(reader('submitter', 'agent-1'), claim)).toBe(true);
    expect(mayAttach(reader('reviewer', 'agent-1'), claim)).toBe(false);
    expect(mayAttach(reader('submitter', 'agent-2'), claim)).toBe(false);
  });
});

describe('safeFileName', () => {
  it('keeps a readable name and drops what could break a header or a path', () => {
    expect(safeFileName('出院小结.pdf')).toBe('出院小结.pdf');
    expect(safeFileName('../a"b\r\n.pdf')).toBe('.._a_b__.pdf');
    expect(safeFileName('   ')).toBe('attachment');
    expect(safeFileName('x'.repeat(300))).toHaveLength(200);
  });
});
