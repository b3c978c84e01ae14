/**
 * Settlements API: insurers see and confirm only their own; auditors and admins read all. When every
 * settlement of a claim is confirmed, the claim becomes PAID.
 */
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import {
  apiHandler,
  decodeCursor,
  encodeCursor,
  fieldErrors,
  HttpError,
  json,
  jsonBody,
  parseLimit,
  validationError,
  type RouteContext,
} from './http.js';
import { confirmSettlementItem, getSettlement, settlementsOfClaim, settlementsPage, type Settlement } from '../shared/settlements-repo.js';
import { pageCursorOf } from '../shared/full-page.js';
import { schemes } from '../shared/catalogue.js';
import { getClaim, moveClaim } from '../shared/claims-repo.js';
import { commitWithAudit } from '../shared/audit.js';
import { text } from '#core/i18n/index.js';

const Query = z.object({ claimId: z.string().min(1).max(128).optional(), status: z.enum(['PENDING', 'CONFIRMED']).optional() });

async function list({ principal, query }: RouteContext) {
  const q = Query.safeParse({ claimId: query.claimId, status: query.status });
  if (!q.success) throw new HttpError(400, 'Bad query', fieldErrors(q.error)[0]?.message ?? 'bad query', fieldErrors(q.error));
  const limit = parseLimit(query.limit);
  const cursor = pageCursorOf(decodeCursor(query.cursor));
  if (cursor === 'bad') throw new HttpError(400, 'Bad cursor', 'cursor is not one this API handed out', [{ path: 'cursor', message: 'invalid' }]);
  if (q.data.claimId) {
    // One claim's few settlements, whole; an insurer sees its own only, whatever it asked for.
    const items = (await settlementsOfClaim(q.data.claimId)).filter(
      (s) => (!principal.insurerId || s.insurerId === principal.insurerId) && (!q.data.status || s.status === q.data.status),
    );
    return json(200, { items, nextCursor: null });
  }
  const page = await settlementsPage(
    { insurerId: principal.insurerId ?? undefined, status: q.data.status, schemeIds: [...schemes().keys()].sort() },
    limit,
    cursor,
  );
  return json(200, { items: page.items, nextCursor: encodeCursor(page.next as Record<string, unknown> | undefined) });
}

const ConfirmBody = z
  .object({
    paidAt: z.string().datetime({ offset: true, message: 'expected an ISO-8601 instant' }),
    reference: z.string().min(1).max(128),
  })
  .strict();

async function confirm({ event, principal, params }: RouteContext) {
  const parsed = ConfirmBody.safeParse(jsonBody(event, 16 * 1024));
  if (!parsed.success) throw validationError(fieldErrors(parsed.error));
  const s = params.settlementId ? await getSettlement(params.settlementId) : undefined;
  // Another insurer's settlement answers 404: its existence is not theirs to learn.
  if (!s || s.insurerId !== principal.insurerId)
    throw new HttpError(404, 'Not found', text('no settlement {{settlementId}}', { settlementId: params.settlementId ?? '' }));
  const { paidAt, reference } = parsed.data;
  // One transaction: the confirmation and its record (null: it was confirmed already, by this request's lost
  // first attempt or by another one).
  const confirmed = await commitWithAudit([{ Update: confirmSettlementItem(s.settlementId, s.insurerId, paidAt, reference) }], {
    claimId: s.claimId,
    step: 'Confirm',
    actor: `insurer:${principal.insurerId}`,
    input: parsed.data,
    output: { settlementId: s.settlementId, amount: s.amount },
    decision: 'CONFIRMED',
    figures: { settlementId: s.settlementId, amount: s.amount, paidAt, reference },
  });
  if (!confirmed) {
    const now = await getSettlement(s.settlementId);
    if (now?.reference !== reference) throw new HttpError(409, 'Already confirmed', 'this settlement was already confirmed with another reference');
  }
  // Consistent reads of the claim's own settlement list (a GSI could lag behind the confirmation just made).
  const claim = await getClaim(s.claimId);
  const all = (await Promise.all((claim?.settlementIds ?? []).map((id) => getSettlement(id)))).filter((x): x is Settlement => x !== undefined);
  if (claim && all.length > 0 && all.every((x) => x.status === 'CONFIRMED')) {
    const claimPaidAt =
      all
        .map((x) => x.paidAt ?? '')
        .sort()
        .at(-1) ?? paidAt;
    // The claim's move to PAID and its record commit together (null: another confirmation moved it first).
    await commitWithAudit(await moveClaim(claim, ['SETTLING'], { status: 'PAID', paidAt: claimPaidAt }), {
      claimId: s.claimId,
      step: 'Paid',
      actor: 'workflow',
      input: { settlements: all.map((x) => x.settlementId) },
      output: { paidAt: claimPaidAt },
      decision: 'PAID',
      figures: { paidAt: claimPaidAt },
    });
  }
  return json(200, { ...(await getSettlement(s.settlementId)) });
}

export const handler = apiHandler('settlements', {
  'GET /settlements': list,
  'POST /settlements/{settlementId}/confirm': confirm,
});

/** The request schemas, for the OpenAPI document (functions/api/openapi/). */
export { Query as SettlementListQuery, ConfirmBody };
