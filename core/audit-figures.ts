/**
 * The money an audit trail states, and the rule that reconciles it with what a claim's store holds now.
 *
 * Each audit record of a step that decides money carries `figures` in clear (hashed with the record, so an edit
 * breaks the chain). From a claim's chain this module reads what was decided (`chainFigures`) and compares it
 * with the claim's current stored figures (`reconcileFigures`): a payout, allocation or settlement edited in the
 * claims or settlements table is a difference naming the stored field. Pure: no store, no AWS.
 *
 * Amounts are integer fen. They are written as numbers (as the rest of the code keeps them, always safe
 * integers) and compared here as BigInt, so an export whose amounts are decimal strings past 2^53 compares exactly
 * too. Records written before figures existed carry none: a field whose step record has no figures is not
 * stated by the chain and is not checked (an old data directory keeps verifying).
 */
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)

/** Integer fen as a number (what the store and the records hold) or a decimal string; compared as BigInt. */
const Fen = z.union([z.number().int(), z.string().regex(/^-?\d+$/)]).transform((v) => BigInt(v));

const AllocationFigure = z.object({ insurerId: z.string(), shareBp: z.number().int(), amount: Fen });
const SettlementFigure = z.object({ settlementId: z.string(), insurerId: z.string(), amount: Fen });
const Route = z.enum(['PAYABLE', 'REVIEW', 'NO_PAYOUT']);
const ReviewDecision = z.enum(['APPROVE', 'REJECT']);

/** The figures each step's record carries, by step name. */
export const StepFigures = {
  Assessment: z.object({ payout: Fen, bankShare: Fen.nullable(), route: Route }),
  Split: z.object({ allocations: z.array(AllocationFigure) }),
  Payout: z.object({ settlements: z.array(SettlementFigure) }),
  Confirm: z.object({ settlementId: z.string(), amount: Fen, paidAt: z.string(), reference: z.string() }),
  Paid: z.object({ paidAt: z.string() }),
  /** The final review decision; `level` and `reasonCode` since authority levels (absent before). */
  ReviewDecision: z.object({
    reviewer: z.string(),
    decision: ReviewDecision,
    level: z.number().int().optional(),
    reasonCode: z.string().nullable().optional(),
  }),
  /** An approval above the reviewer's limit, and a return for information: not final, never reconciled with the store. */
  ReviewRecommendation: z.object({ reviewer: z.string(), level: z.number().int(), decision: z.literal('RECOMMEND') }),
  ReviewReturn: z.object({ reviewer: z.string(), level: z.number().int(), decision: z.literal('RETURN'), reasonCode: z.string() }),
  /**
   * An objection that took a SETTLING claim back to review (no insurer had confirmed): the settlements it withdrew.
   * Every settlement figure before it is history: the next approval settles afresh. Other objections carry no figures.
   */
  Objection: z.object({ withdrawn: z.array(SettlementFigure) }),
  /** The submitter's amendment after a return: digests of the submission before and after. */
  Amend: z.object({ before: z.string(), after: z.string(), amendment: z.number().int() }),
  /**
   * A claim's evidence (core/evidence.ts): a file declared, then judged on arrival (VERIFIED or REJECTED with why),
   * each download, and each note of the thread (its text as the record's input digest). Never reconciled with the
   * store; the decisions are never REJECTED…, which would read as the claim's rejection.
   */
  AttachmentDeclared: z.object({ attachmentId: z.string(), contentType: z.string(), size: z.number().int(), sha256: z.string() }),
  AttachmentVerified: z.object({ attachmentId: z.string(), size: z.number().int(), sha256: z.string() }),
  AttachmentRefused: z.object({ attachmentId: z.string(), reason: z.string(), size: z.number().int(), sha256: z.string() }),
  AttachmentDownloaded: z.object({ attachmentId: z.string(), reader: z.string(), role: z.string(), sha256: z.string() }),
  Note: z.object({ noteId: z.string(), author: z.string(), role: z.string() }),
  /** A medical bureau feed (chain FEED#<feedId>): which file arrived, and what it came to once its claims were decided. */
  FeedReceived: z.object({ schemeId: z.string(), sha256: z.string(), bytes: z.number().int(), encoding: z.string(), rows: z.number().int() }),
  FeedFinished: z.object({
    rows: z.number().int(),
    counts: z.record(z.string(), z.number().int()),
    totalCost: Fen,
    totalPayout: Fen,
    undecided: z.number().int(),
  }),
} as const;
export type FigureStep = keyof typeof StepFigures;

/** What a step writes into its record (numbers, as the step holds them). */
export type AuditFigures = { [S in FigureStep]: z.input<(typeof StepFigures)[S]> }[FigureStep];

/** The parts of an audit record this module reads. */
export interface FigureRecord {
  readonly seq: number;
  readonly step: string;
  readonly decision: string | null;
  readonly figures?: unknown;
}

/**
 * What a chain says about one figure: no record of that step (`none`: the step never ran, so the store must
 * not hold its figure either), a record without figures (`legacy`: written before figures existed, not
 * checked), or the figures of the record at `seq`.
 */
export type Stated<T> =
  | { readonly kind: 'none' }
  | { readonly kind: 'legacy'; readonly seq: number }
  | { readonly kind: 'stated'; readonly seq: number; readonly value: T };

type Out<S extends FigureStep> = z.output<(typeof StepFigures)[S]>;

export interface ChainFigures {
  readonly assessment: Stated<Out<'Assessment'>>;
  readonly split: Stated<Out<'Split'>>;
  readonly payout: Stated<Out<'Payout'>>;
  /** Confirmations by settlement id; `legacy` when some Confirm record predates figures (which one is unknown). */
  readonly confirmations: {
    readonly legacy: boolean;
    readonly bySettlement: ReadonlyMap<string, { readonly seq: number; readonly value: Out<'Confirm'> }>;
  };
  readonly paid: Stated<Out<'Paid'>>;
  readonly review: Stated<Out<'ReviewDecision'>>;
  /** Settlements an objection withdrew, by id, with the record that did. */
  readonly withdrawn: ReadonlyMap<string, { readonly seq: number; readonly value: z.output<typeof SettlementFigure> }>;
  /** The record that rejected the claim (eligibility, assessment, or the release after a review rejection). */
  readonly rejectedAt: { readonly seq: number; readonly decision: string } | null;
  /** The chain contradicts itself (two records of one step stating different figures) or a record's figures do not parse. */
  readonly problems: readonly Difference[];
}

export interface Difference {
  /** The stored field, as the claim or its settlements name it: `assessment.payout`, `allocations[XG-POOL-1].amount`, … */
  readonly field: string;
  readonly chain: string;
  /** null: not a difference with the store but within the chain (contradicting or unreadable figures). */
  readonly stored: string | null;
}

/** JSON with BigInt written as its digits, for comparing parsed figures and showing them. */
export function show(value: unknown): string {
  if (value === null || value === undefined) return 'none';
  if (typeof value === 'string' || typeof value === 'bigint' || typeof value === 'number') return String(value);
  return JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/** Equality of parsed figures: JSON with BigInt tagged (each field has one type, so tags never collide) and null kept apart from the word "none". */
function same(a: unknown, b: unknown): boolean {
  const key = (v: unknown) => JSON.stringify(v ?? null, (_k, x: unknown) => (typeof x === 'bigint' ? `n:${x.toString()}` : x));
  return key(a) === key(b);
}

export function chainFigures(all: readonly FigureRecord[]): ChainFigures {
  const problems: Difference[] = [];
  // An amendment after a return starts the claim's decision over (its holds were released before it): only the
  // records since the last Amend state what the claim holds now. Earlier assessments are history, not contradictions.
  const lastAmend = all.reduce((at, r, i) => (r.step === 'Amend' ? i : at), -1);
  const records = all.slice(lastAmend + 1);
  // A withdrawal (an objection to a SETTLING claim no insurer had confirmed) keeps the assessment but starts the
  // review, split, payout and confirmations over: only the records after the last one state those.
  const withdrawals = all.flatMap((r, i) => {
    if (r.step !== 'Objection' || r.figures === undefined || r.figures === null) return [];
    const parsed = StepFigures.Objection.safeParse(r.figures);
    if (!parsed.success) {
      problems.push({
        field: 'settlements',
        chain: `record ${r.seq} (Objection) carries figures that do not parse: ${parsed.error.issues[0]?.message ?? ''}`,
        stored: null,
      });
      return [];
    }
    return [{ i, seq: r.seq, value: parsed.data }];
  });
  const lastWithdrawal = withdrawals.at(-1)?.i ?? -1;
  const settling = all.slice(Math.max(lastAmend, lastWithdrawal) + 1);
  const withdrawn = new Map<string, { seq: number; value: z.output<typeof SettlementFigure> }>();
  for (const w of withdrawals) for (const x of w.value.withdrawn) withdrawn.set(x.settlementId, { seq: w.seq, value: x });
  /** The single statement of one step: a second record stating other figures is a contradiction, reported. */
  function single<S extends FigureStep>(step: S, field: string, records: readonly FigureRecord[] = settling): Stated<Out<S>> {
    let found: Stated<Out<S>> = { kind: 'none' };
    for (const r of records) {
      if (r.step !== step) continue;
      if (r.figures === undefined || r.figures === null) {
        if (found.kind === 'none') found = { kind: 'legacy', seq: r.seq };
        continue;
      }
      const parsed = StepFigures[step].safeParse(r.figures);
      if (!parsed.success) {
        problems.push({
          field,
          chain: `record ${r.seq} (${step}) carries figures that do not parse: ${parsed.error.issues[0]?.message ?? ''}`,
          stored: null,
        });
        continue;
      }
      const value = parsed.data as Out<S>;
      if (found.kind === 'stated' && !same(found.value, value)) {
        problems.push({ field, chain: `record ${found.seq} says ${show(found.value)}, record ${r.seq} says ${show(value)}`, stored: null });
        continue;
      }
      if (found.kind !== 'stated') found = { kind: 'stated', seq: r.seq, value };
    }
    return found;
  }
  const assessment = single('Assessment', 'assessment', records);
  const split = single('Split', 'allocations');
  const payout = single('Payout', 'settlements');
  const paid = single('Paid', 'paidAt');
  const review = single('ReviewDecision', 'review');
  let legacy = false;
  const bySettlement = new Map<string, { seq: number; value: Out<'Confirm'> }>();
  for (const r of settling) {
    if (r.step !== 'Confirm') continue;
    if (r.figures === undefined || r.figures === null) {
      legacy = true;
      continue;
    }
    const parsed = StepFigures.Confirm.safeParse(r.figures);
    if (!parsed.success) {
      problems.push({
        field: 'settlements',
        chain: `record ${r.seq} (Confirm) carries figures that do not parse: ${parsed.error.issues[0]?.message ?? ''}`,
        stored: null,
      });
      continue;
    }
    const before = bySettlement.get(parsed.data.settlementId);
    if (before && !same(before.value, parsed.data)) {
      problems.push({
        field: `settlements[${parsed.data.settlementId}]`,
        chain: `record ${before.seq} confirms ${show(before.value)}, record ${r.seq} confirms ${show(parsed.data)}`,
        stored: null,
      });
      continue;
    }
    if (!before) bySettlement.set(parsed.data.settlementId, { seq: r.seq, value: parsed.data });
  }
  const rejection = all.find((r) => r.decision?.startsWith('REJECTED') === true);
  return {
    assessment,
    split,
    payout,
    confirmations: { legacy, bySettlement },
    withdrawn,
    paid,
    review,
    rejectedAt: rejection ? { seq: rejection.seq, decision: rejection.decision ?? '' } : null,
    problems,
  };
}

/** A claim's figures as its store holds them now (what the audit export carries beside the chain). */
export const StoredFigures = z.object({
  status: z.string(),
  /** The assessment's figures; null when the claim was never assessed (still RECEIVED, or rejected before). */
  payout: Fen.nullable(),
  bankShare: Fen.nullable(),
  route: z.string().nullable(),
  allocations: z.array(AllocationFigure),
  settlements: z.array(
    SettlementFigure.extend({
      status: z.enum(['PENDING', 'CONFIRMED', 'WITHDRAWN']),
      paidAt: z.string().nullable(),
      reference: z.string().nullable(),
    }),
  ),
  review: z.object({ reviewer: z.string(), decision: ReviewDecision }).nullable(),
  paidAt: z.string().nullable(),
});
export type StoredFiguresInput = z.input<typeof StoredFigures>;
export type StoredFiguresParsed = z.output<typeof StoredFigures>;

/**
 * Chain figures vs stored figures → every difference, each naming the stored field. Rules:
 * - the assessment's payout, bankShare and route equal the Assessment record's (none stored if never assessed);
 * - allocations equal the Split record's, insurer by insurer (none stored is right for a claim APPROVED or FAILED
 *   with no Payout record yet: the payout stores them);
 *   settlements the Payout record's, id by id;
 * - a settlement stored as confirmed has a Confirm record with the same paidAt and reference, and the reverse;
 * - the claim's paidAt equals the Paid record's, its review the ReviewDecision record's;
 * - a rejected claim (eligibility, assessment or review) pays nothing: no allocations, no settlements, status
 *   REJECTED, whatever its assessment said before the review.
 * A step whose record predates figures (`legacy`) is not checked; a step with no record at all is, against nothing.
 */
export function reconcileFigures(chain: ChainFigures, stored: StoredFiguresParsed): Difference[] {
  const out: Difference[] = [...chain.problems];
  const diff = (field: string, c: unknown, s: unknown) => {
    if (!same(c, s)) out.push({ field, chain: show(c), stored: show(s) });
  };
  const nothing = (stepName: string) => (chain.rejectedAt ? `none (rejected in record ${chain.rejectedAt.seq})` : `none (no ${stepName} record)`);

  if (chain.rejectedAt) diff('status', 'REJECTED', stored.status);

  const a = chain.assessment;
  if (a.kind === 'stated') {
    diff('assessment.payout', a.value.payout, stored.payout);
    diff('assessment.bankShare', a.value.bankShare, stored.bankShare);
    diff('assessment.route', a.value.route, stored.route);
  } else if (a.kind === 'none' && stored.payout !== null) {
    out.push({ field: 'assessment.payout', chain: nothing('Assessment'), stored: show(stored.payout) });
  }

  // A rejected claim holds no allocations whatever the chain's Split says (a split is never followed by a rejection).
  const split = chain.rejectedAt ? ({ kind: 'none' } as const) : chain.split;
  // The allocations of a claim its assessment approved are stored by the payout, with the settlements (the split
  // itself writes only its record): between the two (APPROVED, the payout still to run, or FAILED in it) the claim
  // holds none. In any other status, once any allocation is stored, or with a Payout record, they must be the Split
  // record's.
  const notPaidOutYet =
    chain.payout.kind === 'none' && stored.allocations.length === 0 && (stored.status === 'APPROVED' || stored.status === 'FAILED');
  if (split.kind === 'stated' && !notPaidOutYet) {
    const want = new Map(split.value.allocations.map((x) => [x.insurerId, x]));
    const have = new Map(stored.allocations.map((x) => [x.insurerId, x]));
    for (const [id, w] of want) {
      const h = have.get(id);
      if (!h) out.push({ field: `allocations[${id}]`, chain: show(w.amount), stored: 'none' });
      else {
        diff(`allocations[${id}].amount`, w.amount, h.amount);
        diff(`allocations[${id}].shareBp`, w.shareBp, h.shareBp);
      }
    }
    for (const [id, h] of have) if (!want.has(id)) out.push({ field: `allocations[${id}]`, chain: 'none', stored: show(h.amount) });
  } else if (split.kind === 'none') {
    for (const h of stored.allocations) out.push({ field: `allocations[${h.insurerId}]`, chain: nothing('Split'), stored: show(h.amount) });
  }

  // A settlement the chain says was withdrawn is stored WITHDRAWN with its amount; the rest are the live round's.
  for (const [id, w] of chain.withdrawn) {
    const h = stored.settlements.find((x) => x.settlementId === id);
    if (!h) out.push({ field: `settlements[${id}]`, chain: `withdrawn in record ${w.seq}`, stored: 'none' });
    else {
      if (h.status !== 'WITHDRAWN') out.push({ field: `settlements[${id}].status`, chain: `WITHDRAWN (record ${w.seq})`, stored: h.status });
      diff(`settlements[${id}].amount`, w.value.amount, h.amount);
    }
  }
  for (const h of stored.settlements)
    if (h.status === 'WITHDRAWN' && !chain.withdrawn.has(h.settlementId))
      out.push({ field: `settlements[${h.settlementId}].status`, chain: 'not withdrawn (no Objection record withdrew it)', stored: h.status });
  const live = stored.settlements.filter((x) => !chain.withdrawn.has(x.settlementId));

  const payout = chain.rejectedAt ? ({ kind: 'none' } as const) : chain.payout;
  const storedById = new Map(live.map((s) => [s.settlementId, s]));
  if (payout.kind === 'stated') {
    const want = new Map(payout.value.settlements.map((x) => [x.settlementId, x]));
    for (const [id, w] of want) {
      const h = storedById.get(id);
      if (!h) out.push({ field: `settlements[${id}]`, chain: show(w.amount), stored: 'none' });
      else {
        diff(`settlements[${id}].amount`, w.amount, h.amount);
        diff(`settlements[${id}].insurerId`, w.insurerId, h.insurerId);
      }
    }
    for (const [id, h] of storedById) if (!want.has(id)) out.push({ field: `settlements[${id}]`, chain: 'none', stored: show(h.amount) });
  } else if (payout.kind === 'none') {
    for (const h of live) out.push({ field: `settlements[${h.settlementId}]`, chain: nothing('Payout'), stored: show(h.amount) });
  }

  if (!chain.confirmations.legacy) {
    for (const s of live) {
      const c = chain.confirmations.bySettlement.get(s.settlementId);
      if (!c) {
        if (s.status === 'CONFIRMED')
          out.push({ field: `settlements[${s.settlementId}].status`, chain: 'PENDING (no Confirm record)', stored: s.status });
        continue;
      }
      if (s.status !== 'CONFIRMED')
        out.push({ field: `settlements[${s.settlementId}].status`, chain: `CONFIRMED (record ${c.seq})`, stored: s.status });
      diff(`settlements[${s.settlementId}].paidAt`, c.value.paidAt, s.paidAt);
      diff(`settlements[${s.settlementId}].reference`, c.value.reference, s.reference);
      diff(`settlements[${s.settlementId}].amount`, c.value.amount, s.amount);
    }
    for (const [id, c] of chain.confirmations.bySettlement) {
      if (!storedById.has(id)) out.push({ field: `settlements[${id}]`, chain: `confirmed in record ${c.seq}`, stored: 'none' });
    }
  }

  if (chain.paid.kind === 'stated') diff('paidAt', chain.paid.value.paidAt, stored.paidAt);
  else if (chain.paid.kind === 'none' && stored.paidAt !== null) out.push({ field: 'paidAt', chain: 'none (no Paid record)', stored: stored.paidAt });

  if (chain.review.kind === 'stated') {
    diff('review.decision', chain.review.value.decision, stored.review?.decision ?? null);
    diff('review.reviewer', chain.review.value.reviewer, stored.review?.reviewer ?? null);
  } else if (chain.review.kind === 'none' && stored.review !== null) {
    out.push({ field: 'review.decision', chain: 'none (no ReviewDecision record)', stored: stored.review.decision });
  }
  return dedupe(out);
}

/** One line per field: the Payout and Confirm rules can both see one edited settlement amount. */
function dedupe(ds: readonly Difference[]): Difference[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const key = `${d.field}\u0000${d.stored}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** One line an auditor reads: `assessment.payout is 1960000 in the store, the chain says 960000`. */
export function describeDifference(d: Difference): string {
  if (d.stored === null) return `${d.field}: the chain contradicts itself: ${d.chain}`;
  return `${d.field} is ${d.stored} in the store, the chain says ${d.chain}`;
}
