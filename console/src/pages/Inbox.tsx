import type { HTMLAttributes } from 'react';
import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Select, Space, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, query, type ClaimView, type Page } from '../api';
import { ReviewActions } from '../components/ReviewActions';
import { useErrorText } from '../components/errors';
import { ageParts } from '../format';
import { formatFen } from '../money';
import { hrefOf, navigate } from '../router';
import { CAN, type Session } from '../token';

const PRODUCTS = ['MEDICAL', 'ACCIDENT', 'EDUCATION', 'DISASTER', 'INDUSTRY', 'LOAN_GUARANTEE'];
const PAGE_SIZE = 25;

/** Claims in PENDING_REVIEW, a page at a time; a decided claim leaves the list at once. */
export default function Inbox({ session }: { session: Session }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [schemes, setSchemes] = useState<string[]>([]);
  const [schemeId, setSchemeId] = useState<string>('');
  const [product, setProduct] = useState<string>('');
  const [items, setItems] = useState<ClaimView[]>([]);
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
        const page = await api<Page<ClaimView>>(session.token, 'GET', `/claims${query({ status: 'PENDING_REVIEW', limit: PAGE_SIZE, cursor: from, schemeId, product })}`);
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
    // eslint-disable-next-line react-hooks/exhaustive-deps -- errorText follows the language only
    [session.token, schemeId, product],
  );

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
        <Button onClick={() => void load(null)}>{t('inbox.reload')}</Button>
      </Space>
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} />}
      <Table<ClaimView>
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
          { title: t('col.payout'), align: 'right', render: (_, c) => formatFen(c.assessment?.payout) },
          {
            title: t('col.age'),
            dataIndex: 'createdAt',
            render: (at: string) => {
              const a = ageParts(at, now);
              return t(`age.${a.unit}`, { n: a.n });
            },
          },
          ...(CAN.decide(session.role)
            ? [
                {
                  title: t('col.actions'),
                  key: 'actions',
                  render: (_: unknown, c: ClaimView) => (
                    <ReviewActions session={session} claimId={c.claimId} onDecided={() => setItems((prev) => prev.filter((x) => x.claimId !== c.claimId))} />
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
