import { lazy, Suspense, useCallback, useEffect, useRef, useState, type ComponentProps } from 'react';
import { Alert, Card, Descriptions, Space, Spin, Tag, Typography } from 'antd';
import i18next from 'i18next';
import { useTranslation } from 'react-i18next';
import { api, type AuditAnswer, type ClaimView, type HistoryAnswer, type HistoryEvent, type ReviewEntry } from '../api';
import { useErrorText } from '../components/errors';
import { formatTime } from '../format';
import { formatBp, formatFen } from '../money';
import { CAN, type Session } from '../token';
import type { PlacedDefinition } from '../graph/placements';
import { requestCaseFile, takePrefetchedCaseFile } from './case-file-data';
import { preloadable } from '../lazy';
import type { ReviewActions as ReviewActionsType } from '../components/ReviewActions';
import { ReadTable } from '../components/ReadTable';
import { SettlementTag } from '../components/tone';

// The execution graph (React Flow, dagre) is its own chunk, fetched alongside the claim for those who read history
// (main.tsx asks for it earlier still when the console opens on a case file).
// Awaited with the data, so the graph renders with the page rather than suspending after it (lazy.ts).
const graph = preloadable(() => import('../graph/ExecutionGraph'));
const ExecutionGraph = graph.Component;
// Approve/Reject (and the form and dialog they bring) only for reviewers: other readers of a case file do not
// load them. Loaded with the data too, for the same reason.
const reviewActions = preloadable<ComponentProps<typeof ReviewActionsType>>(() =>
  import('../components/ReviewActions').then((m) => ({ default: m.ReviewActions })),
);
const ReviewActions = reviewActions.Component;
// Evidence, notes, amendment and objection (issue 17): their own chunk, drawn after the page, never before it.
const CaseExtras = lazy(() => import('../components/case-extras/CaseExtras'));

/** Figures the rules give in fen (core/rules/*): shown converted to yuan beside the raw value. */
const FEN_FIGURES = new Set([
  'selfPay',
  'deductible',
  'selfPayBefore',
  'selfPayAfter',
  'deductibleUsedByThisClaim',
  'benefitBefore',
  'benefitAfter',
  'benefit',
  'cap',
  'paidBefore',
  'capRoom',
  'expense',
  'deduction',
  'afterDeduction',
  'sumInsured',
  'damage',
  'assessedLoss',
  'costPrice',
  'strike',
  'observedPrice',
  'grossIndemnity',
  'perMu',
  'outstandingPrincipal',
  'unpaidInterest',
  'recoveries',
  'loss',
  'insurerShare',
  'bankShare',
  'payout',
]);

function raw(v: unknown): string {
  if (v === null || v === undefined) return '—';
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

function converted(key: string, v: unknown): string {
  if ((typeof v === 'number' && Number.isInteger(v)) || (typeof v === 'string' && /^-?\d+$/.test(v))) {
    if (key.endsWith('Bp')) return formatBp(v);
    if (FEN_FIGURES.has(key)) return formatFen(v);
  }
  return '';
}

function stateName(e: HistoryEvent): string {
  return e.stateEnteredEventDetails?.name ?? e.stateExitedEventDetails?.name ?? '';
}

function EventTable({ events, label }: { events: HistoryEvent[]; label: string }) {
  const { t } = useTranslation();
  return (
    <ReadTable<HistoryEvent>
      label={label}
      rowKey={(e) => e.id}
      rows={events}
      columns={[
        { key: 'id', title: t('case.eventId'), width: 70, render: (e) => e.id },
        { key: 'type', title: t('case.eventType'), render: (e) => e.type },
        { key: 'state', title: t('case.stateName'), render: (e) => stateName(e) },
        { key: 'at', title: t('case.timestamp'), render: (e) => formatTime(e.timestamp) },
      ]}
    />
  );
}

export default function CaseFile({ session, claimId }: { session: Session; claimId: string }) {
  const { t, i18n } = useTranslation();
  const errorText = useErrorText();
  const [claim, setClaim] = useState<ClaimView | null>(null);
  const [audit, setAudit] = useState<AuditAnswer | null>(null);
  const [history, setHistory] = useState<HistoryAnswer | null | 'none'>(null);
  const [definition, setDefinition] = useState<PlacedDefinition | string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(
    async (reload: boolean) => {
      setError(null);
      const requests = (!reload && takePrefetchedCaseFile(session, claimId)) || requestCaseFile(session, claimId);
      // Its failure is not the page's: the graph's Suspense then shows the spinner and lazy() tries again.
      const graphReady = CAN.readHistory(session.role) ? graph.preload().catch(() => undefined) : null;
      const actionsReady = CAN.decide(session.role) ? reviewActions.preload().catch(() => undefined) : null;
      // The audit chain is not awaited with the rest: verifying it is the API's slowest answer, and the page and
      // its graph do not need it to be drawn (the graph's state details read it once it is there).
      requests.audit.then(setAudit, (err: unknown) => setError(errorText(err)));
      try {
        const [c, h, d] = await Promise.all([
          requests.claim,
          requests.history,
          // i18next's t, not the hook's (a new function after each language change, which would load the case again).
          requests.graph.catch((err: unknown) => i18next.t('graph.loadFailed', { detail: errorText(err) })),
          graphReady,
          actionsReady,
        ]);
        setClaim(c);
        setHistory(h);
        setDefinition(d);
      } catch (err) {
        setError(errorText(err));
      }
    },
    [session, claimId, errorText],
  );

  useEffect(() => {
    void load(false);
  }, [load]);

  // The API words the explanation and the reason in the language asked for: ask again when the user switches.
  const lang = i18n.language;
  const shownLang = useRef(lang);
  useEffect(() => {
    if (shownLang.current === lang) return;
    shownLang.current = lang;
    api<ClaimView>(session.token, 'GET', `/claims/${encodeURIComponent(claimId)}`).then(setClaim, () => undefined);
  }, [lang, session.token, claimId]);

  if (error) return <Alert type="error" title={error} showIcon />;
  if (!claim) return <Spin aria-label={t('common.loading')} />;
  const a = claim.assessment;
  // A recommendation (an approval above the first reviewer's limit) leaves the claim PENDING_REVIEW: say so.
  const shownStatus = claim.status === 'PENDING_REVIEW' && claim.recommendation ? 'RECOMMENDED' : claim.status;
  // Claims decided before `reviews` existed carry only their final review (its level and code were not kept).
  const reviews: ReviewEntry[] = claim.reviews?.length
    ? claim.reviews
    : claim.review
      ? [
          {
            stage: 'FIRST',
            decision: claim.review.decision as ReviewEntry['decision'],
            reviewer: claim.review.reviewer,
            level: null,
            reasonCode: null,
            note: claim.review.note,
            at: claim.review.at,
          },
        ]
      : [];
  const figures = Object.entries(a?.explanation.figures ?? {});

  return (
    <article aria-labelledby="case-title">
      <Typography.Title level={1} id="case-title" style={{ fontSize: 22 }}>
        {t('case.title')} <span style={{ fontFamily: 'monospace', fontSize: 18 }}>{claim.claimId}</span>
      </Typography.Title>
      <Space orientation="vertical" size="large" style={{ width: '100%' }}>
        <Card>
          <Descriptions
            column={{ xs: 1, md: 3 }}
            items={[
              {
                key: 'status',
                label: t('case.status'),
                children: <Tag data-testid="claim-status">{t(`status.${shownStatus}`, { defaultValue: shownStatus })}</Tag>,
              },
              { key: 'scheme', label: t('col.scheme'), children: claim.schemeId },
              { key: 'product', label: t('col.product'), children: t(`product.${claim.product}`) },
              { key: 'household', label: t('col.household'), children: claim.householdId },
              { key: 'person', label: t('case.person'), children: claim.personId },
              { key: 'incident', label: t('case.incidentDate'), children: claim.incidentDate },
              { key: 'created', label: t('col.created'), children: formatTime(claim.createdAt) },
              ...(claim.reasonCode
                ? [{ key: 'reason', label: t('case.reason'), children: `${claim.reasonCode}${claim.reasonDetail ? ` — ${claim.reasonDetail}` : ''}` }]
                : []),
            ]}
          />
          {claim.status === 'PENDING_REVIEW' && CAN.decide(session.role) && (
            <Suspense fallback={<Spin aria-label={t('common.loading')} />}>
              <ReviewActions session={session} claimId={claim.claimId} onDecided={() => void load(true)} />
            </Suspense>
          )}
        </Card>

        <Card
          title={
            <Typography.Title level={2} style={{ fontSize: 18, margin: 0 }}>
              {t('case.submission')}
            </Typography.Title>
          }
        >
          <Descriptions
            size="small"
            bordered
            column={1}
            items={Object.entries(claim.details).map(([k, v]) => ({ key: k, label: k, children: raw(v) }))}
          />
          <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
            {t('case.publicity')}
          </Typography.Paragraph>
        </Card>

        <Suspense fallback={null}>
          <CaseExtras session={session} claim={claim} onChanged={() => void load(true)} />
        </Suspense>

        <Card
          title={
            <Typography.Title level={2} style={{ fontSize: 18, margin: 0 }}>
              {t('case.assessment')}
            </Typography.Title>
          }
        >
          {!a ? (
            <Typography.Text>{t('case.noAssessment')}</Typography.Text>
          ) : (
            <Space orientation="vertical" style={{ width: '100%' }}>
              <Descriptions
                items={[
                  { key: 'payout', label: t('case.payout'), children: <strong data-testid="payout">{formatFen(a.payout)}</strong> },
                  ...(a.bankShare !== null ? [{ key: 'bank', label: t('case.bankShare'), children: formatFen(a.bankShare) }] : []),
                  ...(a.reviewReasons.length ? [{ key: 'rr', label: t('case.reviewReasons'), children: a.reviewReasons.join(', ') }] : []),
                ]}
              />
              <ReadTable
                label={t('case.assessment')}
                rowKey={([k]) => k}
                rows={figures}
                columns={[
                  { key: 'k', title: t('case.figure'), render: ([k]) => t(`figure.${k}`, { defaultValue: k }) },
                  { key: 'v', title: t('case.value'), align: 'right', render: ([, v]) => <code>{raw(v)}</code> },
                  { key: 'f', title: t('case.formatted'), align: 'right', render: ([k, v]) => converted(k, v) },
                ]}
              />
              <Typography.Text type="secondary">{t('case.units')}</Typography.Text>
              <Typography.Title level={3} style={{ fontSize: 16 }}>
                {t('case.steps')}
              </Typography.Title>
              <ol data-testid="explanation-steps">
                {a.explanation.steps.map((s, i) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: the steps are one list, never reordered, and two may read the same
                  <li key={i}>{s}</li>
                ))}
              </ol>
            </Space>
          )}
        </Card>

        <Card
          title={
            <Typography.Title level={2} style={{ fontSize: 18, margin: 0 }}>
              {t('case.allocations')}
            </Typography.Title>
          }
        >
          <ReadTable
            label={t('case.allocations')}
            rowKey={(r) => r.insurerId}
            rows={claim.allocations}
            empty={t('common.none')}
            columns={[
              { key: 'insurer', title: t('case.insurer'), render: (r) => r.insurerId },
              { key: 'share', title: t('case.share'), align: 'right', render: (r) => formatBp(r.shareBp) },
              { key: 'amount', title: t('case.amount'), align: 'right', render: (r) => formatFen(r.amount) },
            ]}
          />
          <Typography.Title level={3} style={{ fontSize: 16, marginTop: 16 }}>
            {t('case.settlements')}
          </Typography.Title>
          <ReadTable
            label={t('case.settlements')}
            rowKey={(r) => r.settlementId}
            rows={claim.settlements}
            empty={t('common.none')}
            columns={[
              { key: 'id', title: t('case.settlementId'), render: (r) => r.settlementId },
              { key: 'insurer', title: t('case.insurer'), render: (r) => r.insurerId },
              { key: 'amount', title: t('case.amount'), align: 'right', render: (r) => formatFen(r.amount) },
              { key: 'status', title: t('col.status'), render: (r) => (r.status ? <SettlementTag status={r.status} /> : '—') },
              { key: 'paidAt', title: t('case.paidAt'), render: (r) => formatTime(r.paidAt) },
            ]}
          />
          {reviews.length > 0 && (
            <>
              <Typography.Title level={3} style={{ fontSize: 16, marginTop: 16 }}>
                {t('case.reviews')}
              </Typography.Title>
              <ReadTable<ReviewEntry>
                label={t('case.reviews')}
                rowKey={(_, i) => i}
                rows={reviews}
                columns={[
                  { key: 'stage', title: t('case.stage'), render: (r) => t(`stage.${r.stage}`) },
                  {
                    key: 'decision',
                    title: t('case.decision'),
                    render: (r) => <span data-decision={r.decision}>{t(`decision.${r.decision}`, { defaultValue: r.decision })}</span>,
                  },
                  { key: 'reviewer', title: t('case.reviewer'), render: (r) => r.reviewer },
                  { key: 'level', title: t('case.level'), align: 'right', render: (r) => r.level ?? '—' },
                  {
                    key: 'reason',
                    title: t('case.reasonCode'),
                    render: (r) => (r.reasonCode ? `${t(`reasonCode.${r.reasonCode}`, { defaultValue: r.reasonCode })} (${r.reasonCode})` : '—'),
                  },
                  { key: 'note', title: t('case.note'), render: (r) => r.note || '—' },
                  { key: 'at', title: t('case.at'), render: (r) => formatTime(r.at) },
                ]}
              />
            </>
          )}
        </Card>

        {audit && (
          <Card
            title={
              <Space>
                <Typography.Title level={2} style={{ fontSize: 18, margin: 0 }}>
                  {t('case.audit')}
                </Typography.Title>
                {audit.verified ? (
                  <Tag color="green" data-testid="audit-badge" style={{ color: '#135200' }}>
                    ✓ {t('case.verified')}
                  </Tag>
                ) : (
                  <Tag color="red" data-testid="audit-badge" style={{ color: '#820014' }}>
                    ✗ {t('case.notVerified')}
                  </Tag>
                )}
              </Space>
            }
          >
            {!audit.verified && (
              <Alert
                type="error"
                showIcon
                title={t('case.brokenAt', { n: audit.brokenAt ?? '?', problem: audit.problem ?? '' })}
                style={{ marginBottom: 12 }}
              />
            )}
            <ReadTable
              label={t('case.audit')}
              rowKey={(r) => r.seq}
              rows={audit.records}
              columns={[
                { key: 'seq', title: t('case.seq'), width: 70, render: (r) => r.seq },
                { key: 'step', title: t('case.step'), render: (r) => r.step },
                { key: 'actor', title: t('case.actor'), render: (r) => r.actor },
                { key: 'decision', title: t('case.decision'), render: (r) => r.decision ?? '' },
                { key: 'at', title: t('case.at'), render: (r) => formatTime(r.at) },
                { key: 'hash', title: t('case.hash'), render: (r) => <code title={r.hash}>{r.hash.slice(0, 12)}…</code> },
              ]}
            />
          </Card>
        )}

        {history && (
          <Card
            title={
              <Typography.Title level={2} style={{ fontSize: 18, margin: 0 }}>
                {t('case.history')}
              </Typography.Title>
            }
          >
            {history === 'none' ? (
              <Typography.Text>{t('case.noHistory')}</Typography.Text>
            ) : (
              <>
                <Typography.Title level={3} style={{ fontSize: 16 }}>
                  {t('graph.title')}
                </Typography.Title>
                {typeof definition === 'string' ? (
                  <Alert type="warning" showIcon title={definition} style={{ marginBottom: 16 }} />
                ) : (
                  definition && (
                    <Suspense fallback={<Spin aria-label={t('common.loading')} />}>
                      <ExecutionGraph definition={definition.answer.definition} placement={definition.placement} history={history} audit={audit} />
                    </Suspense>
                  )
                )}
                <Typography.Title level={3} style={{ fontSize: 16, marginTop: 16 }}>
                  {t('graph.eventTable')}
                </Typography.Title>
                <EventTable events={history.events} label={t('case.history')} />
                {history.redrives.map((r) => (
                  <section key={r.executionArn} style={{ marginTop: 16 }}>
                    <Typography.Title level={3} style={{ fontSize: 16 }}>
                      {t('case.redrive', { n: r.redrive })}
                    </Typography.Title>
                    <EventTable events={r.events} label={t('case.redrive', { n: r.redrive })} />
                  </section>
                ))}
              </>
            )}
          </Card>
        )}
      </Space>
    </article>
  );
}
