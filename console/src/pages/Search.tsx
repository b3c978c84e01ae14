import { useState } from 'react';
import { Alert, Button, Form, Input, Select, Space, Table, Tag, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { useTranslation } from 'react-i18next';
import { api, query, type ClaimView, type Page } from '../api';
import { useErrorText } from '../components/errors';
import { csvText, downloadCsv } from '../csv';
import { formatTime } from '../format';
import { formatFen } from '../money';
import { hrefOf, navigate } from '../router';
import type { Session } from '../token';

const STATUSES = ['RECEIVED', 'PENDING_REVIEW', 'RETURNED', 'APPROVED', 'REJECTED', 'CLOSED_NO_PAYOUT', 'SETTLING', 'PAID', 'FAILED'];

/** The CSV export fetches every page of the search, 100 at a time, up to this many rows. */
export const CSV_MAX_ROWS = 10_000;
const CSV_PAGE = 100;

interface Criteria {
  claimId?: string;
  householdId?: string;
  status?: string;
}

export default function Search({ session }: { session: Session }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [criteria, setCriteria] = useState<Criteria | null>(null);
  const [items, setItems] = useState<ClaimView[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [exporting, setExporting] = useState<{ n: number; done: boolean; capped: boolean } | null>(null);

  /** Every row of the current search (all pages, by the cursor), as the API gives them, into a CSV file. */
  const exportCsv = async (c: Criteria) => {
    setExporting({ n: 0, done: false, capped: false });
    setError(null);
    const rows: ClaimView[] = [];
    let from: string | null = null;
    try {
      do {
        const page: Page<ClaimView> = await api<Page<ClaimView>>(
          session.token,
          'GET',
          `/claims${query({ householdId: c.householdId?.trim(), status: c.status, limit: CSV_PAGE, cursor: from })}`,
        );
        rows.push(...page.items.slice(0, CSV_MAX_ROWS - rows.length));
        from = page.nextCursor;
        setExporting({ n: rows.length, done: false, capped: false });
      } while (from && rows.length < CSV_MAX_ROWS);
      const header = [
        'claimId',
        'status',
        'schemeId',
        'product',
        'householdId',
        'personId',
        'incidentDate',
        'payout_fen',
        'payout_yuan',
        'reasonCode',
        'createdAt',
        'decidedAt',
        'paidAt',
      ];
      const body = rows.map((r) => [
        r.claimId,
        r.status,
        r.schemeId,
        r.product,
        r.householdId,
        r.personId,
        r.incidentDate,
        r.assessment?.payout ?? null,
        r.assessment ? formatFen(r.assessment.payout) : null,
        r.reasonCode,
        r.createdAt,
        r.decidedAt,
        r.paidAt,
      ]);
      const stamp = new Date().toISOString().slice(0, 19).replace(/[-:T]/g, '');
      downloadCsv(`claims-${stamp}.csv`, csvText([header, ...body]));
      setExporting({ n: rows.length, done: true, capped: Boolean(from) });
    } catch (err) {
      setExporting(null);
      setError(errorText(err));
    }
  };

  const run = async (c: Criteria, from: string | null) => {
    const claimId = c.claimId?.trim();
    if (claimId) return navigate(hrefOf({ name: 'claim', claimId }));
    setLoading(true);
    setError(null);
    try {
      const page = await api<Page<ClaimView>>(
        session.token,
        'GET',
        `/claims${query({ householdId: c.householdId?.trim(), status: c.status, limit: 25, cursor: from })}`,
      );
      setItems((prev) => [...(from ? prev : []), ...page.items]);
      setCursor(page.nextCursor);
      setCriteria(c);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setLoading(false);
    }
  };

  return (
    <section aria-labelledby="search-title">
      <Typography.Title level={1} id="search-title" style={{ fontSize: 22 }}>
        {t('search.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('search.hint')}</Typography.Paragraph>
      <Form<Criteria> layout="inline" onFinish={(c) => void run(c, null)} style={{ marginBottom: 16, rowGap: 8 }}>
        <Form.Item label={t('search.claimId')} name="claimId">
          <Input allowClear style={{ width: 260 }} />
        </Form.Item>
        <Form.Item label={t('search.household')} name="householdId">
          <Input allowClear style={{ width: 200 }} />
        </Form.Item>
        <Form.Item label={t('search.status')} name="status">
          <Select
            allowClear
            aria-label={t('search.status')}
            style={{ width: 180 }}
            options={STATUSES.map((s) => ({ value: s, label: t(`status.${s}`) }))}
          />
        </Form.Item>
        <Space>
          <Button type="primary" htmlType="submit" loading={loading}>
            {t('search.go')}
          </Button>
          <Button
            icon={<DownloadOutlined />}
            disabled={!criteria || items.length === 0}
            loading={exporting !== null && !exporting.done}
            onClick={() => criteria && void exportCsv(criteria)}
            title={t('search.csvHint', { max: CSV_MAX_ROWS })}
          >
            {t('search.csv')}
          </Button>
        </Space>
      </Form>
      <div role="status" aria-live="polite" data-testid="csv-progress" style={{ marginBottom: exporting ? 16 : 0 }}>
        {exporting &&
          (exporting.done ? (
            exporting.capped ? (
              <Alert type="warning" showIcon title={t('search.csvCapped', { n: exporting.n })} />
            ) : (
              <Typography.Text type="success">{t('search.csvDone', { n: exporting.n })}</Typography.Text>
            )
          ) : (
            <Typography.Text>{t('search.csvProgress', { n: exporting.n })}</Typography.Text>
          ))}
      </div>
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} />}
      <Table<ClaimView>
        rowKey="claimId"
        dataSource={items}
        pagination={false}
        loading={loading}
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
          { title: t('col.status'), dataIndex: 'status', render: (s: string) => <Tag>{t(`status.${s}`, { defaultValue: s })}</Tag> },
          { title: t('col.scheme'), dataIndex: 'schemeId' },
          { title: t('col.product'), dataIndex: 'product', render: (p: string) => t(`product.${p}`) },
          { title: t('col.household'), dataIndex: 'householdId' },
          { title: t('col.payout'), align: 'right', render: (_, c) => formatFen(c.assessment?.payout) },
          { title: t('col.created'), dataIndex: 'createdAt', render: (v: string) => formatTime(v) },
        ]}
      />
      {cursor && criteria && (
        <Space style={{ marginTop: 16 }}>
          <Button loading={loading} onClick={() => void run(criteria, cursor)}>
            {t('inbox.more')}
          </Button>
        </Space>
      )}
    </section>
  );
}
