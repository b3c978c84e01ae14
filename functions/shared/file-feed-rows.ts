/**
 * One batch of the medical bureau's feed, filed: every row validated (core), matched to an insured person by
 * identity number (identities-repo), and filed as a MEDICAL claim through the same intake path HTTP claims use
 * (file-claim.ts, each claim its own execution). Answers and records one outcome per row; a bad row never stops
 * the others. Idempotent: the claim id comes from scheme + hospital + invoice, so a retried batch, a resent file or
 * an overlapping file files nothing twice; what is found stored decides the outcome:
 * - the claim was filed by this feed's same line → FILED (a retry);
 * - by another line or another feed with the same figures → DUPLICATE;
 * - with other figures (another person, other amounts or dates) → CONFLICT, nothing filed.
 * The rows of one invoice within a batch are filed in line order, so the first files and the later ones are
 * judged against it like any repeat; across concurrent batches the line that files first wins.
 */
import {
  feedClaimFor,
  maskIdNumber,
  medicalFeedClaimId,
  groupByInvoice,
  sameDetails,
  validateFeedRow,
  formatLine,
  rowProblem,
  type FeedItem,
  type FeedRow,
  type RowProblem,
} from '#core/index.js';
import { text } from '#core/i18n/index.js';
import { getClaim } from './claims-repo.js';
import { fileClaim } from './file-claim.js';
import { findInsuredByIdentities, type InsuredPerson } from './identities-repo.js';
import { recordRowOutcomes, type FeedRowOutcome, type MedicalFeedRecord } from './medical-feeds-repo.js';
import { recordBatchSummary } from './medical-feed-progress.js';
import type { ClaimRecord } from './claim-record.js';
import { settingValue } from './config.js';
import { pool } from './pool.js';

function rowFacts(row: FeedRow, idMasked: string | null) {
  return { line: row.line, hospitalCode: row.details.hospitalCode, invoiceNo: row.details.invoiceNo, idMasked, totalCost: row.details.totalCost };
}

/** Why a row repeats a stored claim, as data (core/medical-feed.ts RowProblem): which line, feed or claim filed it. */
function repeatProblem(feedId: string, row: FeedRow, existing: ClaimRecord, conflict: boolean): RowProblem {
  const line = formatLine(existing.feedLine ?? 0);
  const what = !existing.medicalFeedId
    ? conflict
      ? text('invoice already filed by claim {{claimId}} with other figures; not filed', { claimId: existing.claimId })
      : text('invoice already filed by claim {{claimId}}', { claimId: existing.claimId })
    : existing.medicalFeedId === feedId
      ? conflict
        ? text('invoice already filed by line {{line}} of this file with other figures; not filed', { line })
        : text('invoice already filed by line {{line}} of this file', { line })
      : conflict
        ? text('invoice already filed by line {{line}} of feed {{feedId}} with other figures; not filed', { line, feedId: existing.medicalFeedId })
        : text('invoice already filed by line {{line}} of feed {{feedId}}', { line, feedId: existing.medicalFeedId });
  return rowProblem(row.line, 'invoiceNo', what);
}

/** A claim found stored under the row's claim id: this row's own (a retry), a repeat, or a conflict. */
function judgeExisting(feedId: string, row: FeedRow, mine: ClaimRecord, existing: ClaimRecord): Pick<FeedRowOutcome, 'outcome' | 'problems'> {
  if (existing.medicalFeedId === feedId && existing.feedLine === row.line) return { outcome: 'FILED' };
  const s = existing.submission;
  const same =
    s.product === 'MEDICAL' &&
    s.householdId === mine.submission.householdId &&
    s.personId === mine.submission.personId &&
    s.incidentDate === mine.submission.incidentDate &&
    mine.submission.product === 'MEDICAL' &&
    sameDetails(s.details, mine.submission.details);
  return same
    ? { outcome: 'DUPLICATE', problems: [repeatProblem(feedId, row, existing, false)] }
    : { outcome: 'CONFLICT', problems: [repeatProblem(feedId, row, existing, true)] };
}

async function fileRow(feed: MedicalFeedRecord, row: FeedRow, person: InsuredPerson): Promise<FeedRowOutcome> {
  const claimId = medicalFeedClaimId(feed.schemeId, row.details.hospitalCode, row.details.invoiceNo);
  const submission = feedClaimFor(feed.schemeId, row, person);
  const now = new Date().toISOString();
  const record: ClaimRecord = {
    claimId,
    submission,
    householdId: person.householdId,
    // The county as the registry has it now, as POST /claims files with it: the report counts the claim there from
    // the start, and its search keys are written whole once (the assessment sets it again only if it has changed).
    ...(person.county ? { county: person.county } : {}),
    schemeId: feed.schemeId,
    product: 'MEDICAL',
    status: 'RECEIVED',
    submittedBy: `medical-feed:${feed.feedId}`,
    idempotencyKey: null,
    medicalFeedId: feed.feedId,
    feedLine: row.line,
    createdAt: now,
    updatedAt: now,
  };
  const facts = { ...rowFacts(row, person.idMasked), claimId };
  // Read first: a resent or overlapping file mostly meets claims that exist, and a repeat must not start anything.
  const before = await getClaim(claimId);
  if (before) {
    const judged = judgeExisting(feed.feedId, row, record, before);
    // This row's own claim (a retry): file again, which starts its execution if the first attempt died before.
    if (judged.outcome === 'FILED') await fileClaim(before, `medical-feed:${feed.feedId}`);
    return { ...facts, ...judged };
  }
  if (await fileClaim(record, `medical-feed:${feed.feedId}`)) return { ...facts, outcome: 'FILED' };
  // Another batch filed it between the read and the write.
  const after = await getClaim(claimId);
  if (!after) throw new Error(`claim ${claimId} was neither filed nor found`);
  return { ...facts, ...judgeExisting(feed.feedId, row, record, after) };
}

/** Files one batch of the feed's rows; answers their outcomes in the order given (also recorded in the store). */
export async function fileFeedBatch(feed: MedicalFeedRecord, items: readonly FeedItem[]): Promise<FeedRowOutcome[]> {
  const checked = items.map(validateFeedRow);
  const outcomes = new Map<number, FeedRowOutcome>();
  const valid: FeedRow[] = [];
  for (const c of checked) {
    if (c.ok) valid.push(c.row);
    else outcomes.set(c.line, { line: c.line, outcome: 'BAD_ROW', problems: c.problems });
  }
  const people = await findInsuredByIdentities(
    feed.schemeId,
    valid.map((row) => row.idNumber),
  );
  const matches = valid.map((row, i) => ({ row, found: people[i] ?? [] }));
  const matched: { row: FeedRow; person: InsuredPerson }[] = [];
  for (const { row, found } of matches) {
    const idMasked = maskIdNumber(row.idNumber);
    const [person, ...others] = found;
    if (!person) outcomes.set(row.line, { ...rowFacts(row, idMasked), outcome: 'NOT_IN_REGISTRY' });
    else if (others.length > 0) {
      // The registry lists this person in several households of the scheme: a registry error; guessing could pay the wrong household.
      outcomes.set(row.line, {
        ...rowFacts(row, idMasked),
        outcome: 'NOT_IN_REGISTRY',
        problems: [
          rowProblem(
            row.line,
            'idNumber',
            text('the identity number is in {{count}} households of the registry; correct the registry and send the row again', {
              count: found.length,
            }),
          ),
        ],
      });
    } else matched.push({ row, person });
  }
  // Groups in parallel, the rows of one invoice in line order (see groupByInvoice).
  const groups = groupByInvoice(matched.map((m) => m.row));
  const personOf = new Map(matched.map((m) => [m.row.line, m.person]));
  await pool(groups, settingValue('FANGPIN_FEED_CONCURRENCY'), async (group) => {
    for (const row of group) outcomes.set(row.line, await fileRow(feed, row, personOf.get(row.line) as InsuredPerson));
  });
  const inOrder = checked.map((c) => outcomes.get(c.ok ? c.row.line : c.line) as FeedRowOutcome);
  await recordRowOutcomes(feed.feedId, inOrder);
  // After every row's item: a summary stands for a batch whose rows are all recorded (progress reads only these).
  await recordBatchSummary(feed.feedId, inOrder);
  return inOrder;
}
