/**
 * Warnings on the registry item, at the repository: opened once per warningId (also under concurrency), closed
 * by moving, and never lost to a registry re-import (the upsert leaves the warning attributes alone).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { HouseholdInput, type OpenWarning } from '../../core/index.js';
import { useStore } from '../support/store.js';

type Repo = typeof import('../../functions/shared/registry-repo.js');
let repo: Repo;

const input = (householdId: string, extra: Record<string, unknown> = {}) =>
  HouseholdInput.parse({
    householdId,
    schemeId: 'xiaogan-2024',
    county: '420902',
    category: 'LIFTED_OUT',
    verifiedYear: 2024,
    monthlyIncome: 100_000,
    members: [{ personId: 'P-1', idNumber: '420902199001011234' }],
    enrollment: { products: ['MEDICAL'], start: '2024-01-01', end: '2024-12-31' },
    ...extra,
  });

const warning = (warningId: string): OpenWarning => ({
  warningId,
  type: 'HEALTH',
  level: 'MEDIUM',
  followUp: 'PHONE_CHECK',
  openedAt: '2024-07-01T00:00:00.000Z',
  evidence: {
    monthlyIncome: 100_000,
    thresholdBp: 5000,
    months: [
      { month: '2024-05', medicalCost: 60_000, claimIds: ['C-1'] },
      { month: '2024-06', medicalCost: 60_000, claimIds: ['C-2'] },
    ],
  },
});

beforeAll(async () => {
  await useStore('registry-warnings');
  repo = await import('../../functions/shared/registry-repo.js');
});

describe('registry warnings', () => {
  it('a re-import keeps open and closed warnings, replaces every imported attribute and removes the ones left out', async () => {
    expect(await repo.putHousehold(await repo.toStoredHousehold(input('H-RW-1', { previousMonthlyIncome: 150_000 })))).toBe('created');
    expect(await repo.openHouseholdWarning('H-RW-1', warning('HEALTH-2024-05'), 'admin:test')).toBe(true);
    expect(await repo.openHouseholdWarning('H-RW-1', warning('HEALTH-2024-06'), 'admin:test')).toBe(true);
    const closed = await repo.closeHouseholdWarning('H-RW-1', 'HEALTH-2024-05', {
      closedAt: '2024-07-02T00:00:00.000Z',
      closedBy: 'reviewer:r1',
      note: 'ok',
    });
    expect(closed).toEqual({ closed: { ...warning('HEALTH-2024-05'), closedAt: '2024-07-02T00:00:00.000Z', closedBy: 'reviewer:r1', note: 'ok' } });

    const stored = await repo.toStoredHousehold(input('H-RW-1', { county: '420922', monthlyIncome: undefined }));
    expect(await repo.putHousehold(stored)).toBe('updated');
    const h = (await repo.getHousehold('H-RW-1'))!;
    expect(h.county).toBe('420922');
    expect(h.fanoutShard).toBe(stored.fanoutShard);
    expect(h.updatedAt).toBe(stored.updatedAt);
    expect(h.monthlyIncome).toBeUndefined();
    expect(h.previousMonthlyIncome).toBeUndefined();
    expect(h.openWarnings?.map((w) => w.warningId)).toEqual(['HEALTH-2024-06']);
    expect(h.closedWarnings?.map((w) => w.warningId)).toEqual(['HEALTH-2024-05']);
    // a closed warning is not opened again, nor an open one
    expect(await repo.openHouseholdWarning('H-RW-1', warning('HEALTH-2024-05'), 'admin:test')).toBe(false);
    expect(await repo.openHouseholdWarning('H-RW-1', warning('HEALTH-2024-06'), 'admin:test')).toBe(false);
    // the view shows both lists, never the hash or the id set
    const view = repo.householdView(h);
    expect(view.openWarnings).toHaveLength(1);
    expect(view.closedWarnings).toHaveLength(1);
    expect(JSON.stringify(view)).not.toContain('idHash');
    expect(JSON.stringify(view)).not.toContain('420902199001011234');
    expect('warningIds' in view).toBe(false);
  });

  it('a household without warnings shows empty lists; closing answers NO_HOUSEHOLD / NOT_OPEN', async () => {
    await repo.putHousehold(await repo.toStoredHousehold(input('H-RW-2')));
    const view = repo.householdView((await repo.getHousehold('H-RW-2'))!);
    expect(view.openWarnings).toEqual([]);
    expect(view.closedWarnings).toEqual([]);
    const closure = { closedAt: 't', closedBy: 'reviewer:r', note: 'n' };
    expect(await repo.closeHouseholdWarning('H-RW-NONE', 'HEALTH-2024-05', closure)).toEqual({ error: 'NO_HOUSEHOLD' });
    expect(await repo.closeHouseholdWarning('H-RW-2', 'HEALTH-2024-05', closure)).toEqual({ error: 'NOT_OPEN' });
    // opening on an unknown household creates nothing
    expect(await repo.openHouseholdWarning('H-RW-NONE', warning('HEALTH-2024-05'), 'admin:test')).toBe(false);
    expect(await repo.getHousehold('H-RW-NONE')).toBeUndefined();
  });

  it('concurrent runs open a warning once; concurrent closes and re-imports lose nothing', async () => {
    await repo.putHousehold(await repo.toStoredHousehold(input('H-RW-3')));
    const opened = await Promise.all(Array.from({ length: 8 }, () => repo.openHouseholdWarning('H-RW-3', warning('HEALTH-2024-01'), 'admin:test')));
    expect(opened.filter(Boolean)).toHaveLength(1);
    for (const id of ['HEALTH-2024-02', 'HEALTH-2024-03', 'HEALTH-2024-04'])
      expect(await repo.openHouseholdWarning('H-RW-3', warning(id), 'admin:test')).toBe(true);
    const closure = { closedAt: 't', closedBy: 'reviewer:r', note: 'n' };
    const results = await Promise.all([
      repo.closeHouseholdWarning('H-RW-3', 'HEALTH-2024-01', closure),
      repo.closeHouseholdWarning('H-RW-3', 'HEALTH-2024-03', closure),
      repo.closeHouseholdWarning('H-RW-3', 'HEALTH-2024-03', closure),
      repo.toStoredHousehold(input('H-RW-3')).then((s) => repo.putHousehold(s)),
    ]);
    expect(results.slice(1, 3).filter((r) => typeof r === 'object' && 'closed' in r)).toHaveLength(1);
    const h = (await repo.getHousehold('H-RW-3'))!;
    expect(h.openWarnings?.map((w) => w.warningId).sort()).toEqual(['HEALTH-2024-02', 'HEALTH-2024-04']);
    expect(h.closedWarnings?.map((w) => w.warningId).sort()).toEqual(['HEALTH-2024-01', 'HEALTH-2024-03']);
    // The household's audit chain says the same, once per change, in one unbroken chain.
    const { readAudit, verifyChain } = await import('../../functions/shared/audit.js');
    const trail = await readAudit('HOUSEHOLD#H-RW-3');
    expect(verifyChain(trail).verified).toBe(true);
    const said = trail.map((r) => `${r.step}:${r.decision ?? ''}:${r.actor}`);
    expect(said.filter((x) => x === 'WarningOpened:OPEN:admin:test')).toHaveLength(4);
    expect(said.filter((x) => x === 'WarningClosed:CLOSED:reviewer:r')).toHaveLength(2);
  });
});
