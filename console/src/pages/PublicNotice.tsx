import { useEffect, useState } from 'react';
import { Alert, Button, Form, Input, Select, Space, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ApiError, query } from '../api';
import { downloadAnswer } from '../api-files';
import { useErrorText } from '../components/errors';
import { ObjectionButton } from '../components/ObjectionButton';
import { emptyText } from '../components/tone';
import { formatFen } from '../money';
import { Link } from '../screens';
import { CAN, type Session } from '../token';
import { COUNTY, periodRules } from '../validate';

interface NoticeItem {
  claimId: string;
  name: string;
  county: string | null;
  product: string;
  payout: number;
  approvedOn: string;
}
interface Notice {
  schemeId: string;
  county: string | null;
  from: string;
  to: string;
  count: number;
  total: number;
  items: NoticeItem[];
}
interface Values {
  schemeId: string;
  county: string;
  from: string;
  to: string;
}

/** The API's bound on one notice's period (functions/api/public-notice.ts MAX_DAYS). */
const MAX_DAYS = 366;

/** Today and the first of its month, in China time (a notice is published by China dates). */
function defaultPeriod(): { from: string; to: string } {
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  return { from: `${today.slice(0, 8)}01`, to: today };
}

/** 公示: the claims approved for payment in a period (admin, auditor), with CSV downloads and objections (admin). */
export default function PublicNotice({ session }: { session: Session }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [form] = Form.useForm<Values>();
  const [schemes, setSchemes] = useState<string[] | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [asked, setAsked] = useState<Values | null>(null);
  const [loading, setLoading] = useState(false);
  const [downloading, setDownloading] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void api<{ items: { schemeId: string }[] }>(session.token, 'GET', '/schemes').then(
      ({ items }) => setSchemes(items.map((s) => s.schemeId)),
      (err: unknown) => setError(errorText(err)),
    );
  }, [session.token, errorText]);

  const params = (v: Values) => ({ schemeId: v.schemeId, county: v.county.trim(), from: v.from.trim(), to: v.to.trim() });

  const show = async (v: Values) => {
    setLoading(true);
    setError(null);
    try {
      setNotice(await api<Notice>(session.token, 'GET', `/reports/public-notice${query(params(v))}`));
      setAsked(v);
    } catch (err) {
      setError(errorText(err));
      if (err instanceof ApiError)
        form.setFields(
          err.errors.flatMap((e) =>
            ['schemeId', 'county', 'from', 'to'].includes(e.path) ? [{ name: e.path as keyof Values, errors: [e.message] }] : [],
          ),
        );
    } finally {
      setLoading(false);
    }
  };

  const csv = async (encoding: 'utf-8' | 'gb18030') => {
    if (!asked) return;
    setDownloading(encoding);
    try {
      const p = params(asked);
      await downloadAnswer(
        session.token,
        `/reports/public-notice${query({ ...p, format: 'csv', encoding: encoding === 'gb18030' ? 'gb18030' : undefined })}`,
        `public-notice-${p.schemeId}${p.county ? `-${p.county}` : ''}-${p.from}-${p.to}${encoding === 'gb18030' ? '-gb18030' : ''}.csv`,
      );
    } catch (err) {
      setError(errorText(err));
    } finally {
      setDownloading(null);
    }
  };

  const period = periodRules(t, MAX_DAYS);

  return (
    <section aria-labelledby="pn-title">
      <Typography.Title level={1} id="pn-title" style={{ fontSize: 22 }}>
        {t('pn.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('pn.intro')}</Typography.Paragraph>
      {schemes && (
        <Form<Values>
          form={form}
          layout="inline"
          initialValues={{ schemeId: schemes[0], county: '', ...defaultPeriod() }}
          onFinish={(v) => void show(v)}
          style={{ marginBottom: 16, rowGap: 8 }}
        >
          <Form.Item label={t('pn.scheme')} name="schemeId">
            <Select aria-label={t('pn.scheme')} style={{ width: 180 }} options={schemes.map((s) => ({ value: s, label: s }))} />
          </Form.Item>
          <Form.Item
            label={t('pn.county')}
            name="county"
            rules={[
              {
                validator: async (_, v: string | undefined) => {
                  const s = String(v ?? '').trim();
                  if (s !== '' && !COUNTY.test(s)) throw new Error(t('pn.countyBad'));
                },
              },
            ]}
          >
            <Input style={{ width: 110 }} inputMode="numeric" />
          </Form.Item>
          <Form.Item label={t('pn.from')} name="from" rules={period.from}>
            <Input style={{ width: 130 }} placeholder="2024-01-01" />
          </Form.Item>
          <Form.Item label={t('pn.to')} name="to" dependencies={['from']} rules={period.to}>
            <Input style={{ width: 130 }} placeholder="2024-12-31" />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit" loading={loading}>
              {t('pn.show')}
            </Button>
          </Form.Item>
        </Form>
      )}
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} />}
      {notice && (
        <>
          <Space wrap style={{ marginBottom: 12 }}>
            <Typography.Text strong data-testid="pn-summary">
              {t('pn.summary', { count: notice.count, total: formatFen(notice.total) })}
            </Typography.Text>
            <Button onClick={() => void csv('utf-8')} loading={downloading === 'utf-8'}>
              {t('pn.csvUtf8')}
            </Button>
            <Button onClick={() => void csv('gb18030')} loading={downloading === 'gb18030'}>
              {t('pn.csvGb')}
            </Button>
          </Space>
          <Table<NoticeItem>
            aria-label={t('pn.title')}
            rowKey="claimId"
            size="small"
            dataSource={notice.items}
            pagination={{ pageSize: 50, hideOnSinglePage: true }}
            locale={{ emptyText: emptyText(t('pn.empty')) }}
            columns={[
              {
                title: t('col.claimId'),
                dataIndex: 'claimId',
                render: (id: string) => (
                  <Link to={{ name: 'claim', claimId: id }} mono>
                    {id}
                  </Link>
                ),
              },
              { title: t('pn.name'), dataIndex: 'name' },
              { title: t('pn.county2'), dataIndex: 'county', render: (c: string | null) => c ?? '—' },
              { title: t('pn.product'), dataIndex: 'product', render: (p: string) => t(`product.${p}`, { defaultValue: p }) },
              { title: t('pn.payout'), dataIndex: 'payout', align: 'right', render: (f: number) => formatFen(f) },
              { title: t('pn.approvedOn'), dataIndex: 'approvedOn' },
              ...(CAN.object(session.role)
                ? [
                    {
                      title: t('pn.objection'),
                      key: 'objection',
                      render: (_: unknown, r: NoticeItem) => <ObjectionButton session={session} claimId={r.claimId} />,
                    },
                  ]
                : []),
            ]}
          />
        </>
      )}
    </section>
  );
}
