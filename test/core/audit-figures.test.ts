/** The reconciliation rule (chain figures vs stored figures → differences), with no store: records and figures by hand. */
import { describe, expect, it } from 'vitest';
import {
  chainFigures,
  describeDifference,
  reconcileFigures,
  StoredFigures,
  type FigureRecord,
  type StoredFiguresInput,
} from '../../core/audit-figures.js';

const S1 = 'S-C-1-XG-POOL-1-HOSPITAL';
const S2 = 'S-C-1-XG-POOL-2-HOSPITAL';

/** The worked example of the README: 960,000 fen split 40/60 over two pools, both settled. */
function paidChain(): FigureRecord[] {
  return [
    { seq: 1, step: 'Submit', decision: 'RECEIVED' },
    { seq: 2, step: 'Intake', decision: 'ACCEPTED' },
    { seq: 3, step: 'Eligibility', decision: 'ELIGIBLE' },
    { seq: 4, step: 'Assessment', decision: 'APPROVED', figures: { payout: 960_000, bankShare: null, route: 'PAYABLE' } },
    {
      seq: 5,
      step: 'Split',
      decision: 'SPLIT',
      figures: {
        allocations: [
          { insurerId: 'XG-POOL-1', shareBp: 4000, amount: 384_000 },
          { insurerId: 'XG-POOL-2', shareBp: 6000, amount: 576_000 },
        ],
      },
    },
    {
      seq: 6,
      step: 'Payout',
      decision: 'SETTLING',
      figures: {
        settlements: [
          { settlementId: S1, insurerId: 'XG-POOL-1', amount: 384_000 },
          { settlementId: S2, insurerId: 'XG-POOL-2', amount: 576_000 },
        ],
      },
    },
    {
      seq: 7,
      step: 'Confirm',
      decision: 'CONFIRMED',
      figures: { settlementId: S1, amount: 384_000, paidAt: '2024-05-04T00:00:00Z', reference: 'R-1' },
    },
    {
      seq: 8,
      step: 'Confirm',
      decision: 'CONFIRMED',
      figures: { settlementId: S2, amount: 576_000, paidAt: '2024-05-05T00:00:00Z', reference: 'R-2' },
    },
    { seq: 9, step: 'Paid', decision: 'PAID', figures: { paidAt: '2024-05-05T00:00:00Z' } },
  ];
}

function paidStore(): StoredFiguresInput {
  return {
    status: 'PAID',
    payout: 960_000,
    bankShare: null,
    route: 'PAYABLE',
    allocations: [
      { insurerId: 'XG-POOL-1', shareBp: 4000, amount: 384_000 },
      { insurerId: 'XG-POOL-2', shareBp: 6000, amount: 576_000 },
    ],
    settlements: [
      { settlementId: S1, insurerId: 'XG-POOL-1', amount: 384_000, status: 'CONFIRMED', paidAt: '2024-05-04T00:00:00Z', reference: 'R-1' },
      { settlementId: S2, insurerId: 'XG-POOL-2', amount: 576_000, status: 'CONFIRMED', paidAt: '2024-05-05T00:00:00Z', reference: 'R-2' },
    ],
    review: null,
    paidAt: '2024-05-05T00:00:00Z',
  };
}

function reconcile(records: FigureRecord[], stored: StoredFiguresInput) {
  return reconcileFigures(chainFigures(records), StoredFigures.parse(stored));
}

const fields = (records: FigureRecord[], stored: StoredFiguresInput) => reconcile(records, stored).map((d) => d.field);

describe('reconcileFigures', () => {
  it('finds nothing when the store holds what the chain says', () => {
    expect(reconcile(paidChain(), paidStore())).toEqual([]);
  });

  it('names an edited payout, and says both figures', () => {
    const diffs = reconcile(paidChain(), { ...paidStore(), payout: 1_960_000 });
    expect(diffs).toEqual([{ field: 'assessment.payout', chain: '960000', stored: '1960000' }]);
    expect(describeDifference(diffs[0]!)).toBe('assessment.payout is 1960000 in the store, the chain says 960000');
  });

  it.each<[string, (s: StoredFiguresInput) => StoredFiguresInput, string[]]>([
    ['a bank share', (s) => ({ ...s, bankShare: 1 }), ['assessment.bankShare']],
    ['the review route', (s) => ({ ...s, route: 'NO_PAYOUT' }), ['assessment.route']],
    [
      'an allocation amount',
      (s) => ({ ...s, allocations: [s.allocations[0]!, { ...s.allocations[1]!, amount: 576_001 }] }),
      ['allocations[XG-POOL-2].amount'],
    ],
    [
      'an allocation share',
      (s) => ({ ...s, allocations: [{ ...s.allocations[0]!, shareBp: 5000 }, s.allocations[1]!] }),
      ['allocations[XG-POOL-1].shareBp'],
    ],
    ['an allocation removed', (s) => ({ ...s, allocations: [s.allocations[0]!] }), ['allocations[XG-POOL-2]']],
    [
      'an allocation added',
      (s) => ({ ...s, allocations: [...s.allocations, { insurerId: 'XG-POOL-9', shareBp: 1, amount: 5 }] }),
      ['allocations[XG-POOL-9]'],
    ],
    ['a settlement amount', (s) => ({ ...s, settlements: [{ ...s.settlements[0]!, amount: 1 }, s.settlements[1]!] }), [`settlements[${S1}].amount`]],
    [
      'a settlement insurer',
      (s) => ({ ...s, settlements: [{ ...s.settlements[0]!, insurerId: 'XG-POOL-2' }, s.settlements[1]!] }),
      [`settlements[${S1}].insurerId`],
    ],
    ['a settlement removed', (s) => ({ ...s, settlements: [s.settlements[1]!] }), [`settlements[${S1}]`]],
    [
      'a settlement confirmed on another day',
      (s) => ({ ...s, settlements: [{ ...s.settlements[0]!, paidAt: '2024-06-01T00:00:00Z' }, s.settlements[1]!] }),
      [`settlements[${S1}].paidAt`],
    ],
    [
      'a confirmation reference',
      (s) => ({ ...s, settlements: [s.settlements[0]!, { ...s.settlements[1]!, reference: 'R-X' }] }),
      [`settlements[${S2}].reference`],
    ],
    [
      'a confirmation undone',
      (s) => ({ ...s, settlements: [{ ...s.settlements[0]!, status: 'PENDING', paidAt: null, reference: null }, s.settlements[1]!] }),
      [`settlements[${S1}].status`, `settlements[${S1}].paidAt`, `settlements[${S1}].reference`],
    ],
    ['the claim paidAt', (s) => ({ ...s, paidAt: '2024-05-06T00:00:00Z' }), ['paidAt']],
  ])('names %s edited in the store', (_what, edit, expected) => {
    expect(fields(paidChain(), edit(paidStore()))).toEqual(expected);
  });

  it('a settlement added behind the chain, and a confirmation the chain never recorded', () => {
    const store = paidStore();
    const extra = {
      settlementId: 'S-C-1-XG-POOL-3-HOSPITAL',
      insurerId: 'XG-POOL-3',
      amount: 10,
      status: 'CONFIRMED' as const,
      paidAt: 'x',
      reference: 'y',
    };
    expect(fields(paidChain(), { ...store, settlements: [...store.settlements, extra] })).toEqual([
      'settlements[S-C-1-XG-POOL-3-HOSPITAL]',
      'settlements[S-C-1-XG-POOL-3-HOSPITAL].status',
    ]);
  });

  it('a settling claim: pending settlements, no Confirm record, no paidAt', () => {
    const chain = paidChain().slice(0, 6);
    const store: StoredFiguresInput = {
      ...paidStore(),
      status: 'SETTLING',
      paidAt: null,
      settlements: paidStore().settlements.map((s) => ({ ...s, status: 'PENDING', paidAt: null, reference: null })),
    };
    expect(reconcile(chain, store)).toEqual([]);
    expect(fields(chain, { ...store, paidAt: '2024-05-05T00:00:00Z' })).toEqual(['paidAt']);
    // Confirmed in the store, but no Confirm record says so.
    expect(fields(chain, { ...store, settlements: [{ ...store.settlements[0]!, status: 'CONFIRMED' }, store.settlements[1]!] })).toEqual([
      `settlements[${S1}].status`,
    ]);
  });

  it('split but not paid out yet (the payout to run, or failed): no allocations stored is right; other ones are not', () => {
    const chain = paidChain().slice(0, 5);
    const store: StoredFiguresInput = { ...paidStore(), status: 'APPROVED', allocations: [], settlements: [], paidAt: null };
    expect(reconcile(chain, store)).toEqual([]);
    expect(reconcile(chain, { ...store, status: 'FAILED' })).toEqual([]);
    // A claim shown SETTLING without the allocations (and without a Payout record) is not that moment.
    expect(fields(chain, { ...store, status: 'SETTLING' })).toEqual(['allocations[XG-POOL-1]', 'allocations[XG-POOL-2]']);
    const edited = [{ ...paidStore().allocations[0]!, amount: 1 }, paidStore().allocations[1]!];
    expect(fields(chain, { ...store, allocations: edited })).toEqual(['allocations[XG-POOL-1].amount']);
    // Once the payout has a record, the allocations it stored must be there.
    expect(
      fields(paidChain().slice(0, 6), {
        ...store,
        status: 'SETTLING',
        settlements: paidStore().settlements.map((x) => ({ ...x, status: 'PENDING', paidAt: null, reference: null })),
      }),
    ).toEqual(['allocations[XG-POOL-1]', 'allocations[XG-POOL-2]']);
  });

  it('a claim rejected at eligibility reconciles with no payout, no allocations and no settlements', () => {
    const chain: FigureRecord[] = [
      { seq: 1, step: 'Submit', decision: 'RECEIVED' },
      { seq: 2, step: 'Intake', decision: 'ACCEPTED' },
      { seq: 3, step: 'Eligibility', decision: 'REJECTED:NOT_ENROLLED' },
    ];
    const store: StoredFiguresInput = {
      status: 'REJECTED',
      payout: null,
      bankShare: null,
      route: null,
      allocations: [],
      settlements: [],
      review: null,
      paidAt: null,
    };
    expect(reconcile(chain, store)).toEqual([]);
    expect(reconcile(chain, { ...store, payout: 5 })).toEqual([{ field: 'assessment.payout', chain: 'none (rejected in record 3)', stored: '5' }]);
    expect(fields(chain, { ...store, status: 'SETTLING', allocations: [{ insurerId: 'XG-POOL-1', shareBp: 10000, amount: 5 }] })).toEqual([
      'status',
      'allocations[XG-POOL-1]',
    ]);
  });

  it('a claim rejected in review keeps its assessed payout but pays nothing', () => {
    const chain: FigureRecord[] = [
      ...paidChain().slice(0, 3),
      { seq: 4, step: 'Assessment', decision: 'PENDING_REVIEW', figures: { payout: 6_000_000, bankShare: null, route: 'REVIEW' } },
      { seq: 5, step: 'Review', decision: 'AWAITING_REVIEW' },
      { seq: 6, step: 'ReviewDecision', decision: 'REJECT', figures: { reviewer: 'rev-1', decision: 'REJECT' } },
      { seq: 7, step: 'ReleaseHold', decision: 'REJECTED:REVIEW_REJECTED' },
    ];
    const store: StoredFiguresInput = {
      status: 'REJECTED',
      payout: 6_000_000,
      bankShare: null,
      route: 'REVIEW',
      allocations: [],
      settlements: [],
      review: { reviewer: 'rev-1', decision: 'REJECT' },
      paidAt: null,
    };
    expect(reconcile(chain, store)).toEqual([]);
    expect(fields(chain, { ...store, review: { reviewer: 'rev-1', decision: 'APPROVE' } })).toEqual(['review.decision']);
    expect(fields(chain, { ...store, review: { reviewer: 'rev-2', decision: 'REJECT' } })).toEqual(['review.reviewer']);
    const settled = {
      ...store,
      settlements: [{ settlementId: 'S-x', insurerId: 'XG-POOL-1', amount: 6_000_000, status: 'PENDING' as const, paidAt: null, reference: null }],
    };
    expect(reconcile(chain, settled)).toEqual([{ field: 'settlements[S-x]', chain: 'none (rejected in record 7)', stored: '6000000' }]);
  });

  it('records written before figures existed leave those fields unchecked; steps that never ran are still checked', () => {
    const legacy = paidChain().map(({ figures: _f, ...r }) => r);
    const edited = { ...paidStore(), payout: 1, allocations: [], paidAt: 'whenever' };
    expect(reconcile(legacy, edited)).toEqual([]);
    // A legacy chain that never reached Split or Payout: the store may hold neither.
    const early = legacy.slice(0, 4);
    const before = { ...edited, status: 'APPROVED', settlements: [], paidAt: null };
    expect(reconcile(early, before)).toEqual([]);
    expect(fields(early, { ...before, allocations: paidStore().allocations, paidAt: 'x' })).toEqual([
      'allocations[XG-POOL-1]',
      'allocations[XG-POOL-2]',
      'paidAt',
    ]);
  });

  it('a chain stating two different payouts contradicts itself (a second figure record must never differ)', () => {
    const chain = [...paidChain(), { seq: 10, step: 'Assessment', decision: 'APPROVED', figures: { payout: 1, bankShare: null, route: 'PAYABLE' } }];
    const diffs = reconcile(chain, paidStore());
    expect(diffs).toEqual([{ field: 'assessment', chain: expect.stringContaining('record 4 says') as string, stored: null }]);
    expect(describeDifference(diffs[0]!)).toMatch(/^assessment: the chain contradicts itself: record 4 says .*"payout":"960000".*, record 10 says/);
    // The same figures stated twice (a step's identical retry) are one statement.
    expect(reconcile([...paidChain(), { ...paidChain()[3]!, seq: 10 }], paidStore())).toEqual([]);
  });

  it('compares amounts past 2^53 exactly (an export may write them as decimal strings)', () => {
    const big = '9007199254740993'; // 2^53 + 1: as a number it would read as 2^53
    const chain = paidChain().map((r) => (r.step === 'Assessment' ? { ...r, figures: { payout: big, bankShare: null, route: 'PAYABLE' } } : r));
    expect(fields(chain, { ...paidStore(), payout: big })).toEqual([]);
    expect(reconcile(chain, { ...paidStore(), payout: '9007199254740992' })).toEqual([
      { field: 'assessment.payout', chain: big, stored: '9007199254740992' },
    ]);
  });

  it('figures that do not parse are reported, not skipped', () => {
    const chain = paidChain().map((r) => (r.step === 'Split' ? { ...r, figures: { allocations: [{ insurerId: 'XG-POOL-1', amount: 1.5 }] } } : r));
    const diffs = reconcile(chain, paidStore());
    expect(diffs[0]).toMatchObject({
      field: 'allocations',
      stored: null,
      chain: expect.stringContaining('record 5 (Split) carries figures that do not parse') as string,
    });
  });
});

describe('reconcileFigures edge', () => {
  it('a stored null is not the word "none"', () => {
    const chain = paidChain().map((r) =>
      r.seq === 7 ? { ...r, figures: { settlementId: S1, amount: 384_000, paidAt: '2024-05-04T00:00:00Z', reference: 'none' } } : r,
    );
    const store = paidStore();
    expect(fields(chain, { ...store, settlements: [{ ...store.settlements[0]!, reference: null }, store.settlements[1]!] })).toEqual([
      `settlements[${S1}].reference`,
    ]);
  });

  it('an objection withdrew the first round: the second round is what the claim holds, the first stays WITHDRAWN', () => {
    const first = paidChain().slice(0, 6); // assessed, split, SETTLING, nothing confirmed
    const withdrawn = [
      { settlementId: S1, insurerId: 'XG-POOL-1', amount: 384_000 },
      { settlementId: S2, insurerId: 'XG-POOL-2', amount: 576_000 },
    ];
    const [N1, N2] = [`${S1}-2`, `${S2}-2`];
    const chain: FigureRecord[] = [
      ...first,
      { seq: 7, step: 'Objection', decision: 'OBJECTION:REVIEW', figures: { withdrawn } },
      { seq: 8, step: 'Intake', decision: 'ACCEPTED' },
      { seq: 9, step: 'ReviewDecision', decision: 'APPROVE', figures: { reviewer: 'wang', decision: 'APPROVE', level: 3, reasonCode: null } },
      { ...paidChain()[4]!, seq: 10 },
      {
        seq: 11,
        step: 'Payout',
        decision: 'SETTLING',
        figures: {
          settlements: [
            { settlementId: N1, insurerId: 'XG-POOL-1', amount: 384_000 },
            { settlementId: N2, insurerId: 'XG-POOL-2', amount: 576_000 },
          ],
        },
      },
    ];
    const store: StoredFiguresInput = {
      ...paidStore(),
      status: 'SETTLING',
      paidAt: null,
      review: { reviewer: 'wang', decision: 'APPROVE' },
      settlements: [
        ...withdrawn.map((w) => ({ ...w, status: 'WITHDRAWN' as const, paidAt: null, reference: null })),
        { settlementId: N1, insurerId: 'XG-POOL-1', amount: 384_000, status: 'PENDING', paidAt: null, reference: null },
        { settlementId: N2, insurerId: 'XG-POOL-2', amount: 576_000, status: 'PENDING', paidAt: null, reference: null },
      ],
    };
    expect(reconcile(chain, store)).toEqual([]);
    // A withdrawn settlement put back to PENDING (to be confirmed after all) is named.
    const revived = { ...store, settlements: store.settlements.map((x) => (x.settlementId === S1 ? { ...x, status: 'PENDING' as const } : x)) };
    expect(reconcile(chain, revived)).toEqual([{ field: `settlements[${S1}].status`, chain: 'WITHDRAWN (record 7)', stored: 'PENDING' }]);
    // A settlement marked WITHDRAWN that no objection withdrew is named too.
    const hidden = { ...store, settlements: store.settlements.map((x) => (x.settlementId === N2 ? { ...x, status: 'WITHDRAWN' as const } : x)) };
    expect(fields(chain, hidden)).toEqual([`settlements[${N2}].status`]);
  });
});
