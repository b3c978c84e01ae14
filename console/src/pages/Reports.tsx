/**
 * The reports dashboard (auditor, admin): GET /reports/summary?schemeId=&year= as charts and tables, and its CSV.
 * Amounts arrive as integer fen: text goes through money.ts (BigInt); chart values are yuan numbers.
 * `?schemeId=&year=` in the address opens a given report.
 */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { Alert, Button, Card, Col, Descriptions, Form, InputNumber, Row, Select, Space, Statistic, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, query } from '../api';
import { Chart, type ChartOption } from '../components/Chart';
import { useErrorText } from '../components/errors';
import { downloadCsv } from '../csv';
import { formatBp, formatFen } from '../money';
import type { Session } from '../token';

interface Bucket {
  count: number;
  payout: number;
  byStatus: Record<string, number>;
}
interface Corridor {
  premium: number;
  incurred: number;
  lossRatioBp: number | null;
  lowerLossRatioBp: number;
  upperLossRatioBp: number;
  returnToFund: number;
  topUp: number;
}
export interface Summary {
  schemeId: string;
  year: number;
  claims: Bucket;
  byProduct: Record<string, Bucket>;
  byCounty: Record<string, Bucket>;
  payment: { targetWorkingDays: number; paid: number; paidWithinTarget: number; complianceBp: number | null };
  premiums: { households: number; premium: number; subsidy: number; householdPays: number; riskReserve: number; reserveRateBp: number };
  losses: { paid: number; outstanding: number; incurred: number; lossRatioBp: number | null };
  riskCorridor: Corridor | null;
}
interface SchemeItem {
  schemeId: string;
  name: string;
  years: { from: number; to: number };
}

const yuan = (fen: number) => fen / 100; // chart values only; text uses formatFen
const bp = (v: number | null) => (v === null ? '—' : formatBp(v));

function BucketTable({ rows, label, keyLabel }: { rows: [string, Bucket][]; label: string; keyLabel: (k: string) => string }) {
  const { t } = useTranslation();
  return (
    <Table<[string, Bucket]>
      aria-label={label}
      size="small"
      rowKey="0"
      pagination={false}
      dataSource={rows}
      locale={{ emptyText: t('reports.none') }}
      columns={[
        { title: t('reports.key'), key: 'k', render: (_, [k]) => keyLabel(k) },
        { title: t('reports.count'), key: 'c', align: 'right', render: (_, [, b]) => b.count },
        { title: t('reports.amount'), key: 'a', align: 'right', render: (_, [, b]) => formatFen(b.payout) },
      ]}
    />
  );
}

function barOption(rows: [string, Bucket][], label: (k: string) => string, countName: string, amountName: string): ChartOption {
  return {
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 56, right: 64, top: 36, bottom: 28 },
    xAxis: { type: 'category', data: rows.map(([k]) => label(k)) },
    yAxis: [
      { type: 'value', name: countName, minInterval: 1 },
      { type: 'value', name: amountName },
    ],
    series: [
      { type: 'bar', name: countName, data: rows.map(([, b]) => b.count), itemStyle: { color: '#0b5cad' } },
      { type: 'bar', name: amountName, yAxisIndex: 1, data: rows.map(([, b]) => yuan(b.payout)), itemStyle: { color: '#d48806' } },
    ],
  } as ChartOption;
}

export default function Reports({ session }: { session: Session }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const initial = new URLSearchParams(window.location.search);
  const [schemes, setSchemes] = useState<SchemeItem[]>([]);
  const [schemeId, setSchemeId] = useState<string | undefined>(initial.get('schemeId') ?? undefined);
  const [year, setYear] = useState<number | null>(Number(initial.get('year')) || null);
  const [report, setReport] = useState<Summary | null>(null);
  const [loading, setLoading] = useState(false);
  const [downloading, setDownloading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const show = async (s: string | undefined, y: number | null) => {
    if (!s || !y) return;
    setLoading(true);
    setError(null);
    try {
      setReport(await api<Summary>(session.token, 'GET', `/reports/summary${query({ schemeId: s, year: y })}`));
      const url = new URL(window.location.href);
      url.searchParams.set('schemeId', s);
      url.searchParams.set('year', String(y));
      window.history.replaceState(window.history.state, '', url);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setLoading(false);
    }
  };

  const allowed = session.role === 'auditor' || session.role === 'admin';
  // biome-ignore lint/correctness/useExhaustiveDependencies: once, on open (and for another token); later choices are shown by their handlers
  useEffect(() => {
    if (!allowed) return;
    void api<{ items: SchemeItem[] }>(session.token, 'GET', '/schemes')
      .then(({ items }) => {
        setSchemes(items);
        const s = items.find((i) => i.schemeId === schemeId) ?? items[0];
        if (!s) return;
        const y = year ?? Math.min(Math.max(new Date().getFullYear(), s.years.from), s.years.to);
        setSchemeId(s.schemeId);
        setYear(y);
        void show(s.schemeId, y);
      })
      .catch((err: unknown) => setError(errorText(err)));
  }, [session.token]);

  const csv = async () => {
    if (!report) return;
    setDownloading(true);
    try {
      const text = await api<string>(
        session.token,
        'GET',
        `/reports/summary${query({ schemeId: report.schemeId, year: report.year, format: 'csv' })}`,
      );
      downloadCsv(`${report.schemeId}-${report.year}-summary.csv`, String(text));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setDownloading(false);
    }
  };

  const productLabel = useCallback((k: string) => t(`product.${k}`, { defaultValue: k }), [t]);
  const statusLabel = useCallback((k: string) => t(`status.${k}`, { defaultValue: k }), [t]);
  const products = useMemo(() => Object.entries(report?.byProduct ?? {}).sort(([a], [b]) => a.localeCompare(b)), [report]);
  const counties = useMemo(() => Object.entries(report?.byCounty ?? {}).sort(([a], [b]) => a.localeCompare(b)), [report]);
  const statuses = useMemo(() => Object.entries(report?.claims.byStatus ?? {}).sort(([a], [b]) => a.localeCompare(b)), [report]);
  const options = useMemo(() => {
    const count = t('reports.count');
    const amount = t('reports.amount');
    const c = report?.riskCorridor;
    return {
      product: barOption(products, productLabel, count, amount),
      county: barOption(counties, (k) => k, count, amount),
      status: {
        tooltip: { trigger: 'item' },
        legend: { bottom: 0 },
        series: [
          {
            type: 'pie',
            radius: ['35%', '65%'],
            top: -20,
            data: statuses.map(([k, n]) => ({ name: statusLabel(k), value: n })),
            label: { formatter: '{b}: {c}' },
          },
        ],
      } as ChartOption,
      corridor: c
        ? ({
            grid: { left: 56, right: 120, top: 16, bottom: 28 },
            xAxis: { type: 'value', name: '%', max: Math.max(c.upperLossRatioBp, c.lossRatioBp ?? 0) / 100 + 20 },
            yAxis: { type: 'category', data: [t('reports.lossRatio')] },
            series: [
              {
                type: 'bar',
                data: [(c.lossRatioBp ?? 0) / 100],
                itemStyle: { color: '#0b5cad' },
                markLine: {
                  symbol: 'none',
                  label: { formatter: '{c}%' },
                  lineStyle: { color: '#c4161c', type: 'dashed' },
                  data: [{ xAxis: c.lowerLossRatioBp / 100 }, { xAxis: c.upperLossRatioBp / 100 }],
                },
              },
            ],
          } as ChartOption)
        : null,
    };
  }, [report, products, counties, statuses, t, productLabel, statusLabel]);

  if (!allowed) return <Typography.Paragraph>{t('reports.notAllowed')}</Typography.Paragraph>;
  const h2 = (text: string) => (
    <Typography.Title level={2} style={{ fontSize: 18, margin: 0 }}>
      {text}
    </Typography.Title>
  );

  return (
    <section aria-labelledby="reports-title">
      <Typography.Title level={1} id="reports-title" style={{ fontSize: 22 }}>
        {t('reports.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('reports.intro')}</Typography.Paragraph>
      <Form layout="inline" style={{ marginBottom: 16, rowGap: 8 }} onFinish={() => void show(schemeId, year)}>
        <Form.Item label={t('reports.scheme')} htmlFor="reports-scheme">
          <Select
            id="reports-scheme"
            aria-label={t('reports.scheme')}
            style={{ width: 240 }}
            value={schemeId}
            onChange={setSchemeId}
            options={schemes.map((s) => ({ value: s.schemeId, label: `${s.schemeId} ${s.name}` }))}
          />
        </Form.Item>
        <Form.Item label={t('reports.year')} htmlFor="reports-year">
          <InputNumber id="reports-year" min={2000} max={2200} value={year} onChange={(v) => setYear(v)} />
        </Form.Item>
        <Space>
          <Button type="primary" htmlType="submit" loading={loading}>
            {t('reports.go')}
          </Button>
          <Button onClick={() => void csv()} loading={downloading} disabled={!report}>
            {t('reports.csv')}
          </Button>
        </Space>
      </Form>
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} />}
      {report && (
        <Space orientation="vertical" size="large" style={{ width: '100%' }} data-testid="report">
          <Row gutter={[16, 16]}>
            <Col xs={12} md={6}>
              <Card>
                <Statistic title={t('reports.claims')} value={report.claims.count} />
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card>
                <Statistic title={t('reports.payout')} value={formatFen(report.claims.payout)} />
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card>
                <Statistic title={t('reports.compliance')} value={bp(report.payment.complianceBp)} />
                <Typography.Text type="secondary">
                  {t('reports.complianceDetail', { within: report.payment.paidWithinTarget, paid: report.payment.paid })}
                </Typography.Text>
              </Card>
            </Col>
            <Col xs={12} md={6}>
              <Card>
                <Statistic title={t('reports.lossRatio')} value={bp(report.losses.lossRatioBp)} />
              </Card>
            </Col>
          </Row>
          <Row gutter={[16, 16]}>
            {(
              [
                ['product', t('reports.byProduct'), products, productLabel],
                ['county', t('reports.byCounty'), counties, (k: string) => k],
              ] as const
            ).map(([key, title, rows, label]) => (
              <Col xs={24} lg={12} key={key}>
                <Card title={h2(title)}>
                  <Chart option={options[key]} label={t('reports.chart', { title })} testId={`chart-${key}`} />
                  <BucketTable rows={[...rows]} label={title} keyLabel={label} />
                </Card>
              </Col>
            ))}
            <Col xs={24} lg={12}>
              <Card title={h2(t('reports.byStatus'))}>
                <Chart option={options.status} label={t('reports.chart', { title: t('reports.byStatus') })} testId="chart-status" />
                <Table<[string, number]>
                  aria-label={t('reports.byStatus')}
                  size="small"
                  rowKey="0"
                  pagination={false}
                  dataSource={statuses}
                  columns={[
                    { title: t('col.status'), key: 'k', render: (_, [k]) => statusLabel(k) },
                    { title: t('reports.count'), key: 'c', align: 'right', render: (_, [, n]) => n },
                  ]}
                />
              </Card>
            </Col>
            <Col xs={24} lg={12}>
              <Card title={h2(t('reports.premiums'))}>
                <Descriptions
                  size="small"
                  column={1}
                  bordered
                  items={[
                    { key: 'h', label: t('reports.households'), children: report.premiums.households },
                    { key: 'p', label: t('reports.premium'), children: formatFen(report.premiums.premium) },
                    { key: 's', label: t('reports.subsidy'), children: formatFen(report.premiums.subsidy) },
                    { key: 'hp', label: t('reports.householdPays'), children: formatFen(report.premiums.householdPays) },
                    {
                      key: 'r',
                      label: t('reports.riskReserve'),
                      children: <span data-testid="risk-reserve">{formatFen(report.premiums.riskReserve)}</span>,
                    },
                    { key: 'rr', label: t('reports.reserveRate'), children: formatBp(report.premiums.reserveRateBp) },
                  ]}
                />
                <Typography.Title level={3} style={{ fontSize: 16, marginTop: 16 }}>
                  {t('reports.losses')}
                </Typography.Title>
                <Descriptions
                  size="small"
                  column={1}
                  bordered
                  items={[
                    { key: 'paid', label: t('reports.paid'), children: formatFen(report.losses.paid) },
                    { key: 'o', label: t('reports.outstanding'), children: formatFen(report.losses.outstanding) },
                    { key: 'i', label: t('reports.incurred'), children: formatFen(report.losses.incurred) },
                    { key: 'lr', label: t('reports.lossRatio'), children: bp(report.losses.lossRatioBp) },
                  ]}
                />
              </Card>
            </Col>
          </Row>
          <Card title={h2(t('reports.corridor'))} data-testid="corridor">
            {!report.riskCorridor || !options.corridor ? (
              <Typography.Text>{t('reports.corridorNone')}</Typography.Text>
            ) : (
              <>
                <Chart option={options.corridor} label={t('reports.chart', { title: t('reports.corridor') })} testId="chart-corridor" height={140} />
                <Descriptions
                  size="small"
                  column={{ xs: 1, md: 3 }}
                  items={[
                    { key: 'p', label: t('reports.corridorPremium'), children: formatFen(report.riskCorridor.premium) },
                    { key: 'i', label: t('reports.corridorIncurred'), children: formatFen(report.riskCorridor.incurred) },
                    { key: 'lr', label: t('reports.lossRatio'), children: bp(report.riskCorridor.lossRatioBp) },
                    {
                      key: 'b',
                      label: t('reports.corridorBounds'),
                      children: `${formatBp(report.riskCorridor.lowerLossRatioBp)} – ${formatBp(report.riskCorridor.upperLossRatioBp)}`,
                    },
                    { key: 'rf', label: t('reports.returnToFund'), children: formatFen(report.riskCorridor.returnToFund) },
                    { key: 'tu', label: t('reports.topUp'), children: formatFen(report.riskCorridor.topUp) },
                  ]}
                />
              </>
            )}
          </Card>
        </Space>
      )}
    </section>
  );
}
