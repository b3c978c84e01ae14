import type { HTMLAttributes } from 'react';
import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Input, Select, Space, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, query, type ClaimView, type Page } from '../api';
import { ReviewActions } from '../components/ReviewActions';
import { useErrorText } from '../components/errors';
import { ToneTag } from '../components/tone';
import { ageParts } from '../format';
import { formatFen } from '../money';
import { hrefOf, navigate } from '../router';
import { CAN, type Session } from '../token';

const PRODUCTS = ['MEDICAL', 'ACCIDENT', 'EDUCATION', 'DISASTER', 'INDUSTRY', 'LOAN_GUARANTEE'];
const REASONS = ['ABOVE_THRESHOLD', 'REGISTRY_NOT_VERIFIED', 'MONITORING_WARNING', 'FRAUD_SIGNAL'];
const SORTS = ['oldest', 'newest', 'amount-desc', 'amount-asc'] as const;
const AGES = [1, 3, 5, 7, 14];
const PAGE_SIZE = 25;

/** What GET /claims adds to a claim in a listing: the county and the 5-working-day target (computed by the server). */
type InboxItem = ClaimView & {
  county: string | null;
  due: { workingDaysLeft: number; dueDate: string; level: 'OK' | 'NEAR' | 'DUE' } | null;
};
type InboxPage = Page<InboxItem> & { budgetExhausted?: boolean; scanned?: number };

/** Yuan as typed ("20000", "1,234.5") to integer fen as a decimal string, exactly (no floating point); null if not an amount. */
export function yuanToFen(text: string): string | null {
  const s = text.replace(/[,，\s]/g, '');
  const m = /^(\d{1,13})(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return null;
  return (BigInt(m[1]!) * 100n + BigInt((m[2] ?? '').padEnd(2, '0'))).toString();
}

/** Text and background colours with a contrast above 4.5:1 (AA) for the due levels: green, orange, red. */
const DUE_STYLE = {
  OK: { color: '#135200', background: '#f6ffed', borderColor: '#b7eb8f' },
  NEAR: { color: '#873800', background: '#fff7e6', borderColor: '#ffd591' },
  DUE: { color: '#a8071a', background: '#fff1f0', borderColor: '#ffa39e' },
} as const;

interface Filters {
  county: string;
  minPayout: string;
  maxPayout: string;
}
const NO_FILTERS: Filters = { county: '', minPayout: '', maxPayout: '' };

/** Claims in PENDING_REVIEW, a page at a time; a decided claim leaves the list at once. */
export default function Inbox({ session }: { session: Session }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [schemes, setSchemes] = useState<string[]>([]);
  const [schemeId, setSchemeId] = useState<string>('');
  const [product, setProduct] = useState<string>('');
  const [reason, setReason] = useState<string>('');
  const [minAge, setMinAge] = useState<string>('');
  const [sort, setSort] = useState<(typeof SORTS)[number]>('oldest');
  // Typed filters are drafts until "Filter" (or Enter): no request per keystroke.
  const [draft, setDraft] = useState<Filters>(NO_FILTERS);
  const [applied, setApplied] = useState<Filters>(NO_FILTERS);
  const [draftError, setDraftError] = useState<string | null>(null);
  const [budgetNote, setBudgetNote] = useState<number | null>(null);
  const [items, setItems] = useState<InboxItem[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const now = Date.now();

  useEffect(() => {
    api<{ items: { schemeId: string }[] }>(session.token, 'GET', '/schemes')
      .then((r) => setSchemes(r.items.map((s) => s.schemeId)))
      .catch(() => setSchemes([]));
  }, [session.token]);

  const load = useCallback(
    async (from: string | null) => {
      setLoading(true);
      setError(null);
      try {
        const params = {
          status: 'PENDING_REVIEW',
          limit: PAGE_SIZE,
          cursor: from,
          schemeId,
          product,
          county: applied.county,
          reviewReason: reason,
          minPayout: applied.minPayout,
          maxPayout: applied.maxPayout,
          minAgeDays: minAge,
          sort: sort === 'oldest' ? '' : sort,
        };
        const page = await api<InboxPage>(session.token, 'GET', `/claims${query(params)}`);
        setBudgetNote(page.budgetExhausted ? (page.scanned ?? 0) : null);
        setItems((prev) => {
          const seen = new Set(from ? prev.map((c) => c.claimId) : []);
          return [...(from ? prev : []), ...page.items.filter((c) => !seen.has(c.claimId))];
        });
        setCursor(page.nextCursor);
      } catch (err) {
        setError(errorText(err));
      } finally {
        setLoading(false);
      }
    },
    [session.token, schemeId, product, reason, minAge, sort, applied, errorText],
  );

  const apply = () => {
    const county = draft.county.trim();
    if (county !== '' && !/^\d{6}$/.test(county)) return setDraftError(t('inbox.badCounty'));
    const min = draft.minPayout.trim() === '' ? '' : yuanToFen(draft.minPayout);
    const max = draft.maxPayout.trim() === '' ? '' : yuanToFen(draft.maxPayout);
    if (min === null || max === null) return setDraftError(t('inbox.badYuan'));
    setDraftError(null);
    setApplied({ county, minPayout: min, maxPayout: max });
  };
  const clear = () => {
    setDraft(NO_FILTERS);
    setApplied(NO_FILTERS);
    setDraftError(null);
    setSchemeId('');
    setProduct('');
    setReason('');
    setMinAge('');
  };

  useEffect(() => {
    void load(null);
  }, [load]);

  return (
    <section aria-labelledby="inbox-title">
      <Typography.Title level={1} id="inbox-title" style={{ fontSize: 22 }}>
        {t('inbox.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('inbox.intro')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 16 }}>
        <label>
          {t('inbox.scheme')}{' '}
          <Select
            aria-label={t('inbox.scheme')}
            style={{ minWidth: 180 }}
            value={schemeId}
            onChange={setSchemeId}
            options={[{ value: '', label: t('inbox.all') }, ...schemes.map((s) => ({ value: s, label: s }))]}
          />
        </label>
        <label>
          {t('inbox.product')}{' '}
          <Select
            aria-label={t('inbox.product')}
            style={{ minWidth: 160 }}
            value={product}
            onChange={setProduct}
            options={[{ value: '', label: t('inbox.all') }, ...PRODUCTS.map((p) => ({ value: p, label: t(`product.${p}`) }))]}
          />
        </label>
        <label>
          {t('inbox.reason')}{' '}
          <Select
            aria-label={t('inbox.reason')}
            style={{ minWidth: 160 }}
            value={reason}
            onChange={setReason}
            options={[{ value: '', label: t('inbox.all') }, ...REASONS.map((r) => ({ value: r, label: t(`reason.${r}`) }))]}
          />
        </label>
        <label>
          {t('inbox.age')}{' '}
          <Select
            aria-label={t('inbox.age')}
            style={{ minWidth: 120 }}
            value={minAge}
            onChange={setMinAge}
            options={[{ value: '', label: t('inbox.all') }, ...AGES.map((n) => ({ value: String(n), label: t('inbox.ageAtLeast', { n }) }))]}
          />
        </label>
        <label>
          {t('inbox.sort')}{' '}
          <Select
            aria-label={t('inbox.sort')}
            style={{ minWidth: 160 }}
            value={sort}
            onChange={setSort}
            options={SORTS.map((s) => ({ value: s, label: t(`inbox.sort.${s}`) }))}
          />
        </label>
      </Space>
      <form
        aria-label={t('inbox.filters')}
        onSubmit={(e) => {
          e.preventDefault();
          apply();
        }}
      >
        <Space wrap style={{ marginBottom: 16 }}>
          <Input
            aria-label={t('inbox.county')}
            addonBefore={t('inbox.county')}
            placeholder={t('inbox.countyPlaceholder')}
            style={{ width: 230 }}
            inputMode="numeric"
            value={draft.county}
            onChange={(e) => setDraft({ ...draft, county: e.target.value })}
          />
          <Input
            aria-label={t('inbox.minPayout')}
            addonBefore={t('inbox.minPayout')}
            style={{ width: 260 }}
            inputMode="decimal"
            value={draft.minPayout}
            onChange={(e) => setDraft({ ...draft, minPayout: e.target.value })}
          />
          <Input
            aria-label={t('inbox.maxPayout')}
            addonBefore={t('inbox.maxPayout')}
            style={{ width: 260 }}
            inputMode="decimal"
            value={draft.maxPayout}
            onChange={(e) => setDraft({ ...draft, maxPayout: e.target.value })}
          />
          <Button type="primary" htmlType="submit">
            {t('inbox.apply')}
          </Button>
          <Button onClick={clear}>{t('inbox.clear')}</Button>
          <Button onClick={() => void load(null)}>{t('inbox.reload')}</Button>
        </Space>
      </form>
      {draftError && <Alert type="warning" title={draftError} showIcon style={{ marginBottom: 16 }} />}
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} />}
      {budgetNote !== null && <Alert type="info" title={t('inbox.budget', { n: budgetNote })} showIcon style={{ marginBottom: 16 }} />}
      <Table<InboxItem>
        rowKey="claimId"
        loading={loading}
        dataSource={items}
        pagination={false}
        locale={{ emptyText: t('inbox.empty') }}
        onRow={(c) => ({ 'data-claim-id': c.claimId }) as HTMLAttributes<HTMLElement>}
        columns={[
          {
            title: t('col.claimId'),
            dataIndex: 'claimId',
            render: (id: string) => (
              <a
                href={hrefOf({ name: 'claim', claimId: id })}
                onClick={(e) => {
                  e.preventDefault();
                  navigate(hrefOf({ name: 'claim', claimId: id }));
                }}
                style={{ fontFamily: 'monospace' }}
              >
                {id}
              </a>
            ),
          },
          { title: t('col.scheme'), dataIndex: 'schemeId' },
          { title: t('col.product'), dataIndex: 'product', render: (p: string) => t(`product.${p}`) },
          { title: t('col.household'), dataIndex: 'householdId' },
          { title: t('col.county'), dataIndex: 'county', render: (c: string | null) => c ?? '—' },
          {
            title: t('col.reasons'),
            key: 'reasons',
            render: (_, c) => (
              <>
                {(c.assessment?.reviewReasons ?? []).map((r) => t(`reason.${r}`)).join('、') || '—'}
                {/* Recommended by a reviewer whose limit it exceeds: this one is waiting for the final review. */}
                {c.recommendation && (
                  <div>
                    <ToneTag tone="blue" testId="recommended">
                      {t('status.RECOMMENDED')}
                    </ToneTag>
                  </div>
                )}
              </>
            ),
          },
          { title: t('col.payout'), align: 'right', render: (_, c) => formatFen(c.assessment?.payout) },
          {
            title: t('col.age'),
            dataIndex: 'createdAt',
            render: (at: string) => {
              const a = ageParts(at, now);
              return t(`age.${a.unit}`, { n: a.n });
            },
          },
          {
            title: t('col.due'),
            key: 'due',
            render: (_, c) => {
              if (!c.due) return '—';
              const { workingDaysLeft: n, level, dueDate } = c.due;
              const text = n > 0 ? t('due.left', { n }) : n === 0 ? t('due.today') : t('due.overdue', { n: -n });
              return (
                <span
                  data-due-level={level}
                  title={t('due.title', { date: dueDate })}
                  style={{ ...DUE_STYLE[level], border: '1px solid', borderRadius: 4, padding: '1px 8px', whiteSpace: 'nowrap' }}
                >
                  {text}
                </span>
              );
            },
          },
          ...(CAN.decide(session.role)
            ? [
                {
                  title: t('col.actions'),
                  key: 'actions',
                  render: (_: unknown, c: InboxItem) => (
                    <ReviewActions
                      session={session}
                      claimId={c.claimId}
                      onDecided={() => setItems((prev) => prev.filter((x) => x.claimId !== c.claimId))}
                    />
                  ),
                },
              ]
            : []),
        ]}
      />
      {cursor && (
        <Button style={{ marginTop: 16 }} loading={loading} onClick={() => void load(cursor)}>
          {t('inbox.more')}
        </Button>
      )}
    </section>
  );
}
