/**
 * After-payment audit sampling (事后抽查, docs/domain.md §7.4).
 * POST /audit-samples {schemeId, from, to, randomBp, minPayout, seed} (auditor): the scheme's PAID claims approved
 * in the period (index approvedByScheme) are the population; core/audit-sample.ts picks every one at or above
 * minPayout and a hash-of-(seed, claim id) share of the rest, and the scheme's claims objected to after their
 * payment was decided join it. The sample (parameters, the population's count and digest, the claim ids and why
 * each is in) is stored and is the first record of its own audit chain, so anyone can draw it again.
 * The id is a digest of the parameters: the same request answers the same sample (200), also after a crash.
 * GET /audit-samples/{id}: the sample, its findings, progress, and its chain verified.
 * POST /audit-samples/{id}/findings {claimId, finding: OK|ISSUE, note} (auditor): one finding per sampled claim,
 * committed with its audit record.
 */
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { pickSample, SAMPLE_FINDINGS, type SampleParams } from '#core/audit-sample.js';
import { schemes } from '../shared/catalogue.js';
import { MAX_FEN } from '#core/money.js';
import { apiHandler, encodeCursor, fieldErrors, HttpError, json, jsonBody, validationError, type RouteContext } from './http.js';
import { approvedClaims } from '../shared/approved-claims.js';
import { auditAnswer, commitWithAudit } from '../shared/audit.js';
import { canonicalJson, sha256Hex } from '../shared/canonical.js';
import {
  findingItem,
  getSample,
  objectedClaims,
  removeObjectionMarkers,
  sampleChain,
  sampleFindings,
  sampleItem,
  SAMPLE_LIST_KEY,
  samplesPage,
  type StoredSample,
} from '../shared/audit-samples-repo.js';
import { SchemeListFilters, schemeListQuery } from './list-query.js';
import { text } from '#core/i18n/index.js';

const date = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), 'not a calendar date');
export const SampleBody = z
  .object({
    schemeId: z.string().min(1).max(64),
    from: date,
    to: date,
    randomBp: z.number().int().min(0).max(10_000),
    minPayout: z.number().int().min(0).max(MAX_FEN),
    seed: z.string().min(1).max(128),
  })
  .strict()
  .superRefine((b, ctx) => {
    if (b.from > b.to) ctx.addIssue({ code: 'custom', path: ['from'], message: 'from is after to' });
    if (!schemes().has(b.schemeId)) ctx.addIssue({ code: 'custom', path: ['schemeId'], message: 'unknown scheme' });
  });
export const FindingBody = z
  .object({ claimId: z.string().min(1).max(128), finding: z.enum(SAMPLE_FINDINGS), note: z.string().max(2000).default('') })
  .strict()
  .superRefine((b, ctx) => {
    if (b.finding === 'ISSUE' && b.note.trim() === '') ctx.addIssue({ code: 'custom', path: ['note'], message: 'an ISSUE finding needs a note' });
  });

/** Claims in one sample at most: the sample is one item (400 KB), about 60 bytes a claim. */
const MAX_SAMPLE = 4000;

/** The population's digest: SHA-256 of its `claimId:payout` lines, sorted, so a re-deriver can check theirs is the same. */
export function populationDigest(candidates: readonly { claimId: string; payout: number }[]): string {
  return sha256Hex(
    candidates
      .map((c) => `${c.claimId}:${c.payout}`)
      .sort()
      .join('\n'),
  );
}

async function draw({ event, principal }: RouteContext) {
  const parsed = SampleBody.safeParse(jsonBody(event, 16 * 1024));
  if (!parsed.success) throw validationError(fieldErrors(parsed.error));
  const { schemeId, from, to, randomBp, minPayout, seed } = parsed.data;
  const sampleId = `AS-${sha256Hex(canonicalJson(parsed.data)).slice(0, 24)}`;
  const existing = await getSample(sampleId);
  if (existing) {
    await settle(existing); // a retry after a crash finishes what the first attempt left
    return json(200, { ...existing, repeated: true }, { location: `/audit-samples/${sampleId}` });
  }
  const params: SampleParams = { randomBp, minPayout, seed };
  const population = (await approvedClaims(schemeId, from, to, { status: 'PAID' })).map((c) => ({
    claimId: c.claimId,
    payout: c.assessment?.payout ?? 0,
  }));
  const objected = await objectedClaims(schemeId);
  const claims = pickSample(population, params, objected);
  if (claims.length > MAX_SAMPLE)
    throw new HttpError(
      422,
      'Sample too large',
      text('{{count}} claims would be sampled, at most {{max}}: raise minPayout, lower randomBp or shorten the period', {
        count: claims.length,
        max: MAX_SAMPLE,
      }),
      [{ path: 'minPayout', message: 'too many claims sampled' }],
    );
  const sample: StoredSample = {
    sampleId,
    schemeId,
    from,
    to,
    params,
    population: { count: population.length, digest: populationDigest(population) },
    claims,
    drawnBy: principal.sub,
    drawnAt: new Date().toISOString(),
  };
  // The sample and its record in one transaction: it exists only with the record that lets anyone re-derive it.
  const recorded = await commitWithAudit([sampleItem(sample)], {
    claimId: sampleChain(sampleId),
    step: 'AuditSampleDrawn',
    actor: `auditor:${principal.sub}`,
    input: { schemeId, from, to, ...params, population: sample.population, objected },
    output: { claims },
    decision: `SAMPLED:${claims.length}`,
  });
  if (!recorded) {
    // Drawn concurrently by the same request: answer the stored one.
    const now = await getSample(sampleId);
    if (!now) throw new HttpError(409, 'Claim moving', 'the sample is being drawn; retry', [], { 'retry-after': '1' });
    return json(200, { ...now, repeated: true }, { location: `/audit-samples/${sampleId}` });
  }
  await settle(sample);
  return json(201, { ...sample, repeated: false }, { location: `/audit-samples/${sampleId}` });
}

/** The objection markers a stored sample took in are removed (idempotent). */
async function settle(sample: StoredSample): Promise<void> {
  await removeObjectionMarkers(
    sample.schemeId,
    sample.claims.filter((c) => c.reasons.includes('OBJECTION')).map((c) => c.claimId),
  );
}

async function requireSample(sampleId: string | undefined): Promise<StoredSample> {
  const sample = sampleId ? await getSample(sampleId) : undefined;
  if (!sample) throw new HttpError(404, 'Not found', text('no audit sample {{sampleId}}', { sampleId: sampleId ?? '' }));
  return sample;
}

async function read({ params }: RouteContext) {
  const sample = await requireSample(params.sampleId);
  const findings = await sampleFindings(sample.sampleId);
  const byClaim = new Map(findings.map((f) => [f.claimId, f]));
  const chain = await auditAnswer(sampleChain(sample.sampleId));
  const issues = findings.filter((f) => f.finding === 'ISSUE').length;
  return json(200, {
    ...sample,
    claims: sample.claims.map((c) => ({ ...c, finding: byClaim.get(c.claimId) ?? null })),
    progress: {
      sampled: sample.claims.length,
      reviewed: findings.length,
      ok: findings.length - issues,
      issues,
      done: findings.length === sample.claims.length,
    },
    audit: { verified: chain.verified, head: chain.head, records: chain.records },
  });
}

async function finding({ event, principal, params }: RouteContext) {
  const parsed = FindingBody.safeParse(jsonBody(event, 16 * 1024));
  if (!parsed.success) throw validationError(fieldErrors(parsed.error));
  const sample = await requireSample(params.sampleId);
  const { claimId, finding: outcome, note } = parsed.data;
  if (!sample.claims.some((c) => c.claimId === claimId))
    throw new HttpError(422, 'Not in sample', text('claim {{claimId}} is not in sample {{sampleId}}', { claimId, sampleId: sample.sampleId }), [
      { path: 'claimId', message: 'not in this sample' },
    ]);
  const f = { claimId, finding: outcome, note, auditor: principal.sub, at: new Date().toISOString() };
  const recorded = await commitWithAudit([findingItem(sample.sampleId, f)], {
    claimId: sampleChain(sample.sampleId),
    step: 'AuditFinding',
    actor: `auditor:${principal.sub}`,
    input: { claimId, note }, // the note is free text: a digest in the chain
    output: { claimId, finding: outcome },
    decision: `${outcome}:${claimId}`,
  });
  if (!recorded) {
    const now = (await sampleFindings(sample.sampleId)).find((x) => x.claimId === claimId);
    if (now && now.finding === outcome && now.note === note && now.auditor === principal.sub) return json(200, { sampleId: sample.sampleId, ...now });
    throw new HttpError(409, 'Finding already recorded', text('claim {{claimId}} already has a finding in this sample', { claimId }), [
      { path: 'claimId', message: 'finding already recorded' },
    ]);
  }
  return json(201, { sampleId: sample.sampleId, ...f });
}

/** GET /audit-samples's filters (limit and cursor aside). */
export const SampleListQuery = SchemeListFilters;

/**
 * GET /audit-samples?schemeId=&limit=&cursor= (auditor, admin): the samples, newest first, each with its claim
 * count and the findings recorded so far, so an auditor on any machine finds the sample still to finish.
 */
async function list({ query }: RouteContext) {
  const q = schemeListQuery(SampleListQuery, query, SAMPLE_LIST_KEY);
  const page = await samplesPage(q.schemeIds, q.limit, q.cursor);
  return json(200, { items: page.items, nextCursor: encodeCursor(page.next) });
}

export const handler = apiHandler('audit-samples', {
  'POST /audit-samples': draw,
  'GET /audit-samples': list,
  'GET /audit-samples/{sampleId}': read,
  'POST /audit-samples/{sampleId}/findings': finding,
});
