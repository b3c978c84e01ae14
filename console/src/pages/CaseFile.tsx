import { Suspense, useCallback, useEffect, useRef, useState, type ComponentProps } from 'react';
import { Alert, Card, Descriptions, List, Space, Spin, Table, Tag, Typography } from 'antd';
import i18next from 'i18next';
import { useTranslation } from 'react-i18next';
import { api, type AuditAnswer, type ClaimView, type HistoryAnswer, type HistoryEvent } from '../api';
import { useErrorText } from '../components/errors';
import { formatTime } from '../format';
import { formatBp, formatFen } from '../money';
import { CAN, type Session } from '../token';
import type { PlacedDefinition } from '../graph/placements';
import { requestCaseFile, takePrefetchedCaseFile } from './case-file-data';
import { preloadable } from '../lazy';
import type { ReviewActions as ReviewActionsType } from '../components/ReviewActions';

// The execution graph (React Flow, dagre) is its own chunk, fetched alongside the claim for those who read history
// (main.tsx asks for it earlier still when the console opens on a case file).
// Awaited with the data, so the graph renders with the page rather than suspending after it (lazy.ts).
const graph = preloadable(() => import('../graph/ExecutionGraph'));
const ExecutionGraph = graph.Component;
// Approve/Reject (and the form and dialog they bring) only for reviewers: other readers of a case file do not
// load them. Loaded with the data too, for the same reason.
const reviewActions = preloadable<ComponentProps<typeof ReviewActionsType>>(() => import('../components/ReviewActions').then((m) => ({ default: m.ReviewActions })));
const ReviewActions = reviewActions.Component;

/** Figures the rules give in fen (core/rules/*): shown converted to yuan beside the raw value. */
const FEN_FIGURES = new Set([
  'selfPay', 'deductible', 'selfPayBefore', 'selfPayAfter', 'deductibleUsedByThisClaim', 'benefitBefore', 'benefitAfter', 'benefit', 'cap', 'paidBefore',
  'capRoom', 'expense', 'deduction', 'afterDeduction', 'sumInsured', 'damage', 'assessedLoss', 'costPrice', 'strike', 'observedPrice', 'grossIndemnity',
  'perMu', 'outstandingPrincipal', 'unpaidInterest', 'recoveries', 'loss', 'insurerShare', 'bankShare', 'payout',
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
    <Table<HistoryEvent>
      aria-label={label}
      size="small"
      rowKey="id"
      dataSource={events}
      pagination={false}
      columns={[
        { title: t('case.eventId'), dataIndex: 'id', width: 70 },
        { title: t('case.eventType'), dataIndex: 'type' },
        { title: t('case.stateName'), key: 'state', render: (_, e) => stateName(e) },
        { title: t('case.timestamp'), dataIndex: 'timestamp', render: (v: string | number) => formatTime(v) },
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

  const load = useCallback(async (reload: boolean) => {
    setError(null);
    const requests = (!reload && takePrefetchedCaseFile(session, claimId)) || requestCaseFile(session, claimId);
    // Its failure is not the page's: the graph's Suspense then shows the spinner and lazy() tries again.
    const graphReady = CAN.readHistory(session.role) ? graph.preload().catch(() => undefined) : null;
    const actionsReady = CAN.decide(session.role) ? reviewActions.preload().catch(() => undefined) : null;
    try {
      const [c, a, h, d] = await Promise.all([
        requests.claim,
        requests.audit,
        requests.history,
        // i18next's t, not the hook's (a new function after each language change, which would load the case again).
        requests.graph.catch((err: unknown) => i18next.t('graph.loadFailed', { detail: errorText(err) })),
        graphReady,
        actionsReady,
      ]);
      setClaim(c);
      setAudit(a);
      setHistory(h);
      setDefinition(d);
    } catch (err) {
      setError(errorText(err));
    }
  }, [session, claimId, errorText]);

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
              { key: 'status', label: t('case.status'), children: <Tag data-testid="claim-status">{t(`status.${claim.status}`, { defaultValue: claim.status })}</Tag> },
              { key: 'scheme', label: t('col.scheme'), children: claim.schemeId },
              { key: 'product', label: t('col.product'), children: t(`product.${claim.product}`) },
              { key: 'household', label: t('col.household'), children: claim.householdId },
              { key: 'person', label: t('case.person'), children: claim.personId },
              { key: 'incident', label: t('case.incidentDate'), children: claim.incidentDate },
              { key: 'created', label: t('col.created'), children: formatTime(claim.createdAt) },
              ...(claim.reasonCode ? [{ key: 'reason', label: t('case.reason'), children: `${claim.reasonCode}${claim.reasonDetail ? ` — ${claim.reasonDetail}` : ''}` }] : []),
            ]}
          />
          {claim.status === 'PENDING_REVIEW' && CAN.decide(session.role) && (
            <Suspense fallback={<Spin aria-label={t('common.loading')} />}>
              <ReviewActions session={session} claimId={claim.claimId} onDecided={() => void load(true)} />
            </Suspense>
          )}
        </Card>

        <Card title={<Typography.Title level={2} style={{ fontSize: 18, margin: 0 }}>{t('case.submission')}</Typography.Title>}>
          <Descriptions size="small" bordered column={1} items={Object.entries(claim.details).map(([k, v]) => ({ key: k, label: k, children: raw(v) }))} />
          <Typography.Paragraph type="secondary" style={{ marginTop: 8, marginBottom: 0 }}>
            {t('case.publicity')}
          </Typography.Paragraph>
        </Card>

        <Card title={<Typography.Title level={2} style={{ fontSize: 18, margin: 0 }}>{t('case.assessment')}</Typography.Title>}>
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
              <Table
                aria-label={t('case.assessment')}
                size="small"
                rowKey="0"
                pagination={false}
                dataSource={figures}
                columns={[
                  { title: t('case.figure'), key: 'k', render: (_, [k]) => t(`figure.${k}`, { defaultValue: k }) },
                  { title: t('case.value'), key: 'v', align: 'right', render: (_, [, v]) => <code>{raw(v)}</code> },
                  { title: t('case.formatted'), key: 'f', align: 'right', render: (_, [k, v]) => converted(k, v) },
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

        <Card title={<Typography.Title level={2} style={{ fontSize: 18, margin: 0 }}>{t('case.allocations')}</Typography.Title>}>
          <Table
            aria-label={t('case.allocations')}
            size="small"
            rowKey="insurerId"
            pagination={false}
            dataSource={claim.allocations}
            locale={{ emptyText: t('common.none') }}
            columns={[
              { title: t('case.insurer'), dataIndex: 'insurerId' },
              { title: t('case.share'), dataIndex: 'shareBp', align: 'right', render: (v: number) => formatBp(v) },
              { title: t('case.amount'), dataIndex: 'amount', align: 'right', render: (v: number) => formatFen(v) },
            ]}
          />
          <Typography.Title level={3} style={{ fontSize: 16, marginTop: 16 }}>
            {t('case.settlements')}
          </Typography.Title>
          <Table
            aria-label={t('case.settlements')}
            size="small"
            rowKey="settlementId"
            pagination={false}
            dataSource={claim.settlements}
            locale={{ emptyText: t('common.none') }}
            columns={[
              { title: t('case.settlementId'), dataIndex: 'settlementId' },
              { title: t('case.insurer'), dataIndex: 'insurerId' },
              { title: t('case.amount'), dataIndex: 'amount', align: 'right', render: (v: number) => formatFen(v) },
              { title: t('col.status'), dataIndex: 'status' },
              { title: t('case.paidAt'), dataIndex: 'paidAt', render: (v: string | null | undefined) => formatTime(v) },
            ]}
          />
          {claim.review && (
            <Descriptions
              style={{ marginTop: 16 }}
              title={t('case.review')}
              items={[
                { key: 'd', label: t('case.decision'), children: claim.review.decision },
                { key: 'r', label: t('case.reviewer'), children: claim.review.reviewer },
                { key: 'n', label: t('case.note'), children: claim.review.note || '—' },
                { key: 'a', label: t('case.at'), children: formatTime(claim.review.at) },
              ]}
            />
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
            {!audit.verified && <Alert type="error" showIcon title={t('case.brokenAt', { n: audit.brokenAt ?? '?', problem: audit.problem ?? '' })} style={{ marginBottom: 12 }} />}
            <Table
              aria-label={t('case.audit')}
              size="small"
              rowKey="seq"
              pagination={false}
              dataSource={audit.records}
              columns={[
                { title: t('case.seq'), dataIndex: 'seq', width: 70 },
                { title: t('case.step'), dataIndex: 'step' },
                { title: t('case.actor'), dataIndex: 'actor' },
                { title: t('case.decision'), dataIndex: 'decision', render: (v: string | null) => v ?? '' },
                { title: t('case.at'), dataIndex: 'at', render: (v: string) => formatTime(v) },
                { title: t('case.hash'), dataIndex: 'hash', render: (v: string) => <code title={v}>{v.slice(0, 12)}…</code> },
              ]}
            />
          </Card>
        )}

        {history && (
          <Card title={<Typography.Title level={2} style={{ fontSize: 18, margin: 0 }}>{t('case.history')}</Typography.Title>}>
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
                {history.redrives.length > 0 && <List
                  dataSource={history.redrives}
                  renderItem={(r) => (
                    <List.Item key={r.executionArn} style={{ display: 'block' }}>
                      <Typography.Title level={3} style={{ fontSize: 16 }}>
                        {t('case.redrive', { n: r.redrive })}
                      </Typography.Title>
                      <EventTable events={r.events} label={t('case.redrive', { n: r.redrive })} />
                    </List.Item>
                  )}
                />}
              </>
            )}
          </Card>
        )}
      </Space>
    </article>
  );
}
