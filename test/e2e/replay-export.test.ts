/**
 * The operator's what-if loop end to end: claims decided by the running system, exported with
 * `npm run replay -- export`, read back and replayed. Under the scheme the system ran, the replay must pay what
 * the system decided, to the fen; under a changed scheme it shows the difference.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Embedded } from '../../embedded/runtime.js';
import { exportClaims } from '../../embedded/claims-export.js';
import { loadReplayFile } from '../../embedded/replay-file.js';
import { parseScheme, prepareReplay, replay } from '../../core/index.js';
import { schemes } from '../../functions/shared/catalogue.js';
import { client, startTestSystem } from '../support/server.js';

let system: Embedded;
let api: ReturnType<typeof client>;
let dir: string;

const ID_NUMBER = '420922198807071234';
const households = [
  { householdId: 'H-RX-1', county: '420922', persons: ['P-RX-1', 'P-RX-2'] },
  { householdId: 'H-RX-2', county: '420902', persons: ['P-RX-3'] },
].map((h) => ({
  householdId: h.householdId,
  schemeId: 'xiaogan-2024',
  county: h.county,
  category: 'LIFTED_OUT',
  verifiedYear: 2024,
  members: h.persons.map((personId, i) => ({ personId, ...(i === 0 ? { idNumber: ID_NUMBER } : {}) })),
  enrollment: { products: ['MEDICAL', 'DISASTER'], start: '2024-01-01', end: '2024-12-31' },
}));

const medical = (householdId: string, personId: string, day: string, invoiceNo: string, totalCost: number) => ({
  schemeId: 'xiaogan-2024',
  product: 'MEDICAL',
  householdId,
  personId,
  incidentDate: `2024-${day}`,
  details: { hospitalCode: 'HOSP-RX', invoiceNo, totalCost, basicInsurancePaid: 0, criticalIllnessPaid: 0, payee: 'HOSPITAL' },
});

const DECIDED = ['PENDING_REVIEW', 'REJECTED', 'CLOSED_NO_PAYOUT', 'SETTLING', 'PAID'];

beforeAll(async () => {
  system = await startTestSystem('replayexport');
  api = client(system);
  dir = mkdtempSync(join(tmpdir(), 'fangpin-replay-'));
  const r = await api.call('POST', '/households', { role: 'admin', body: households });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  // Submitted one after another with non-decreasing incident dates, so the live order is the replay's order.
  const claims = [
    medical('H-RX-1', 'P-RX-1', '02-01', 'RX-1', 1_500_000), // over the deductible: pays
    medical('H-RX-1', 'P-RX-1', '03-01', 'RX-2', 2_500_000), // the same person's year accumulates
    medical('H-RX-1', 'P-RX-2', '03-02', 'RX-3', 300_000), // under the deductible: no payout
    medical('H-RX-2', 'P-RX-3', '04-01', 'RX-1', 1_500_000), // the invoice RX-1 again: rejected
    medical('H-RX-2', 'P-RX-3', '05-01', 'RX-4', 900_000),
    {
      schemeId: 'xiaogan-2024',
      product: 'DISASTER',
      householdId: 'H-RX-2',
      personId: 'P-RX-3',
      incidentDate: '2024-07-01',
      details: { cause: 'FLOOD', damage: 'PARTIAL', assessedLoss: 800_000 },
    },
    medical('H-RX-9', 'P-RX-9', '08-01', 'RX-5', 900_000), // no such household: rejected
  ];
  for (const body of claims) {
    const res = await api.call('POST', '/claims', { role: 'submitter', body });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    await api.waitForStatus(res.body.claimId, DECIDED);
  }
});

afterAll(async () => {
  await system?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('npm run replay -- export, then the replay', () => {
  it('exports each household once and every claim, and replays them to exactly what the system decided', async () => {
    process.env.FANGPIN_URL = system.url;
    process.env.FANGPIN_TOKEN = await system.token('auditor');
    const file = join(dir, 'year.jsonl');
    expect(await exportClaims(file, { schemeId: 'xiaogan-2024', year: 2024 })).toBe(7);

    const text = readFileSync(file, 'utf8');
    const rows = text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { claim?: { householdId: string }; household?: { householdId: string } });
    expect(
      rows
        .filter((r) => r.household)
        .map((r) => r.household!.householdId)
        .sort(),
    ).toEqual(['H-RX-1', 'H-RX-2']);
    expect(rows.filter((r) => r.claim)).toHaveLength(7);
    expect(text).not.toContain(ID_NUMBER);

    const live = (await api.call('GET', '/claims?limit=100', { role: 'auditor' })).body.items as Array<{
      status: string;
      assessment: { payout: number } | null;
      householdId: string;
    }>;
    const paidLive = live.filter((c) => c.status !== 'REJECTED').reduce((sum, c) => sum + (c.assessment?.payout ?? 0), 0);
    const rejectedLive = live.filter((c) => c.status === 'REJECTED').length;
    expect(rejectedLive).toBe(2);
    expect(paidLive).toBeGreaterThan(0);

    const xiaogan = schemes().get('xiaogan-2024')!;
    const prepared = prepareReplay(loadReplayFile(file));
    const baseline = replay(prepared, xiaogan);
    expect(baseline).toMatchObject({ claims: 7, rejected: rejectedLive, paid: paidLive });

    const raw = JSON.parse(JSON.stringify(xiaogan)) as { products: { MEDICAL: { deductible: number } } };
    raw.products.MEDICAL.deductible -= 100_000;
    const whatIf = replay(prepared, parseScheme(raw));
    expect(whatIf.byProduct.DISASTER).toEqual(baseline.byProduct.DISASTER);
    expect(whatIf.byProduct.MEDICAL!.payout).toBeGreaterThan(baseline.byProduct.MEDICAL!.payout);
  });

  it('names the line of a bad entry in a replay file', async () => {
    const file = join(dir, 'bad.jsonl');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, `${JSON.stringify({ household: { ...households[0], county: '42' } })}\n`);
    expect(() => loadReplayFile(file)).toThrow(/bad\.jsonl:1: household\.county: expected a 6-digit county code/);
    writeFileSync(
      file,
      `${JSON.stringify({ household: households[0] })}\n${JSON.stringify({ household: { ...households[0], category: 'OTHER' } })}\n`,
    );
    expect(() => loadReplayFile(file)).toThrow(/bad\.jsonl:2: household H-RX-1 differs from its entry on line 1/);
  });
});
