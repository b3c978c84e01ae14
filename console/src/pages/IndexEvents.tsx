import { useEffect, useState } from 'react';
import { Alert, App as AntApp, Button, Card, Form, Input, Radio, Select, Space, Table, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api';
import { useErrorText } from '../components/errors';
import { useCursorPages } from '../paging';
import { ToneTag, emptyText } from '../components/tone';
import { formatTime } from '../format';
import { formatFen } from '../money';
import { hrefOf, navigate } from '../router';
import { Link } from '../screens';
import { CAN, type Session } from '../token';

export type Observation =
  | { kind: 'WEATHER'; schemeId: string; county: string; period: { start: string; end: string }; rainfallMm: number }
  | {
      kind: 'PRICE';
      schemeId: string;
      county: string;
      period: { start: string; end: string };
      commodity: string;
      costPrice: number;
      observedPrice: number;
    };

export interface IndexEventSummary {
  eventId: string;
  kind: 'WEATHER' | 'PRICE';
  observation: Observation;
  status: 'FANNING_OUT' | 'CREATED' | 'FAILED';
  claimsFiled: number | null;
  createdAt: string;
  completedAt: string | null;
}

export function observationText(o: Observation, t: TFunction): string {
  const period = o.period.start === o.period.end ? o.period.start : `${o.period.start} – ${o.period.end}`;
  const what =
    o.kind === 'WEATHER'
      ? t('ix.rainfallShort', { mm: o.rainfallMm })
      : t('ix.priceShort', { commodity: o.commodity, cost: formatFen(o.costPrice), observed: formatFen(o.observedPrice) });
  return `${o.schemeId} · ${o.county} · ${period} · ${what}`;
}

export function StatusTag({ status }: { status: string }) {
  const { t } = useTranslation();
  return (
    <ToneTag tone={status === 'CREATED' ? 'green' : status === 'FAILED' ? 'red' : 'blue'}>
      {t(`ix.status${status}`, { defaultValue: status })}
    </ToneTag>
  );
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const COUNTY = /^\d{6}$/;
const MAX_FEN = Number.MAX_SAFE_INTEGER;

/** A calendar date, as core/household.ts isCalendarDate checks it. */
function isDate(s: string): boolean {
  if (!DATE.test(s)) return false;
  const [y, m, d] = [Number(s.slice(0, 4)), Number(s.slice(5, 7)), Number(s.slice(8, 10))];
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return m >= 1 && m <= 12 && d >= 1 && d <= (m === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(m) ? 30 : 31);
}

/** A whole number in [min, max] from what was typed, or null. */
function wholeNumber(v: unknown, min: number, max: number): number | null {
  const s = String(v ?? '').trim();
  if (!/^\d+$/.test(s)) return null;
  const n = Number(s);
  return Number.isSafeInteger(n) && n >= min && n <= max ? n : null;
}

interface FormValues {
  kind: 'WEATHER' | 'PRICE';
  schemeId: string;
  county: string;
  start: string;
  end: string;
  rainfallMm?: string;
  commodity?: string;
  costPrice?: string;
  observedPrice?: string;
}

/** The API's field paths (period.start ...) to the form's fields. */
const FIELD_OF: Record<string, keyof FormValues> = {
  kind: 'kind',
  schemeId: 'schemeId',
  county: 'county',
  'period.start': 'start',
  'period.end': 'end',
  period: 'start',
  rainfallMm: 'rainfallMm',
  commodity: 'commodity',
  costPrice: 'costPrice',
  observedPrice: 'observedPrice',
};

/** A scheme's index covers (the API refuses an observation its scheme does not insure: 422 on kind). */
export interface SchemeCover {
  schemeId: string;
  WEATHER: boolean;
  PRICE: boolean;
}

function PostForm({ session, schemes }: { session: Session; schemes: SchemeCover[] }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const errorText = useErrorText();
  const [form] = Form.useForm<FormValues>();
  const kind = Form.useWatch('kind', form) ?? 'WEATHER';
  const cost = Form.useWatch('costPrice', form);
  const observed = Form.useWatch('observedPrice', form);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (v: FormValues) => {
    const common = { schemeId: v.schemeId, county: v.county.trim(), period: { start: v.start.trim(), end: v.end.trim() } };
    const body =
      v.kind === 'WEATHER'
        ? { kind: 'WEATHER', ...common, rainfallMm: Number(v.rainfallMm) }
        : {
            kind: 'PRICE',
            ...common,
            commodity: (v.commodity ?? '').trim() || 'TEA',
            costPrice: Number(v.costPrice),
            observedPrice: Number(v.observedPrice),
          };
    setBusy(true);
    setError(null);
    try {
      const r = await api<{ eventId: string; repeated: boolean }>(session.token, 'POST', '/index-events', body);
      if (r.repeated) void message.info(t('ix.repeated'));
      navigate(hrefOf({ name: 'indexEvent', eventId: r.eventId }));
    } catch (err) {
      setError(errorText(err));
      if (err instanceof ApiError) {
        form.setFields(err.errors.flatMap((e) => (FIELD_OF[e.path] ? [{ name: FIELD_OF[e.path] as keyof FormValues, errors: [e.message] }] : [])));
      }
    } finally {
      setBusy(false);
    }
  };

  const yuan = (v: unknown) => {
    const n = wholeNumber(v, 0, MAX_FEN);
    return n === null ? undefined : t('ix.inYuan', { yuan: formatFen(n) });
  };

  return (
    <Card
      title={
        <Typography.Title level={2} style={{ fontSize: 18, margin: 0 }}>
          {t('ix.post')}
        </Typography.Title>
      }
      style={{ marginBottom: 24 }}
    >
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} />}
      <Form<FormValues>
        form={form}
        layout="vertical"
        initialValues={{ kind: 'WEATHER', schemeId: (schemes.find((s) => s.WEATHER) ?? schemes[0])?.schemeId, commodity: 'TEA' }}
        onFinish={(v) => void submit(v)}
        style={{ maxWidth: 720 }}
      >
        <Form.Item label={t('ix.kind')} name="kind">
          <Radio.Group
            options={[
              { value: 'WEATHER', label: t('ix.kindWEATHER') },
              { value: 'PRICE', label: t('ix.kindPRICE') },
            ]}
          />
        </Form.Item>
        <Space wrap align="start">
          <Form.Item
            label={t('ix.scheme')}
            name="schemeId"
            dependencies={['kind']}
            rules={[
              ({ getFieldValue }) => ({
                validator: async (_, v: string | undefined) => {
                  const k = getFieldValue('kind') as 'WEATHER' | 'PRICE';
                  if (!schemes.some((s) => s.schemeId === v && s[k])) throw new Error(t('ix.noCover', { kind: t(`ix.kind${k}`) }));
                },
              }),
            ]}
          >
            <Select aria-label={t('ix.scheme')} style={{ width: 200 }} options={schemes.map((s) => ({ value: s.schemeId, label: s.schemeId }))} />
          </Form.Item>
          <Form.Item
            label={t('ix.county')}
            name="county"
            rules={[
              {
                validator: async (_, v: string) => {
                  if (!COUNTY.test((v ?? '').trim())) throw new Error(t('ix.countyBad'));
                },
              },
            ]}
          >
            <Input style={{ width: 140 }} inputMode="numeric" />
          </Form.Item>
          <Form.Item
            label={t('ix.start')}
            name="start"
            rules={[
              {
                validator: async (_, v: string) => {
                  if (!isDate((v ?? '').trim())) throw new Error(t('ix.dateBad'));
                },
              },
            ]}
          >
            <Input style={{ width: 150 }} placeholder="2024-07-01" />
          </Form.Item>
          <Form.Item
            label={t('ix.end')}
            name="end"
            dependencies={['start']}
            rules={[
              ({ getFieldValue }) => ({
                validator: async (_, v: string) => {
                  const end = (v ?? '').trim();
                  if (!isDate(end)) throw new Error(t('ix.dateBad'));
                  const start = String(getFieldValue('start') ?? '').trim();
                  if (isDate(start) && end < start) throw new Error(t('ix.endBeforeStart'));
                },
              }),
            ]}
          >
            <Input style={{ width: 150 }} placeholder="2024-07-03" />
          </Form.Item>
        </Space>
        {kind === 'WEATHER' ? (
          <Form.Item
            label={t('ix.rainfall')}
            name="rainfallMm"
            rules={[
              {
                validator: async (_, v: unknown) => {
                  if (wholeNumber(v, 0, 100_000) === null) throw new Error(t('ix.rainfallBad'));
                },
              },
            ]}
          >
            <Input style={{ width: 200 }} inputMode="numeric" />
          </Form.Item>
        ) : (
          <Space wrap align="start">
            <Form.Item label={t('ix.commodity')} name="commodity" rules={[{ max: 128 }]}>
              <Input style={{ width: 140 }} />
            </Form.Item>
            <Form.Item
              label={t('ix.costPrice')}
              name="costPrice"
              extra={yuan(cost)}
              rules={[
                {
                  validator: async (_, v: unknown) => {
                    if (wholeNumber(v, 0, MAX_FEN) === null) throw new Error(t('ix.fenBad'));
                  },
                },
              ]}
            >
              <Input style={{ width: 180 }} inputMode="numeric" />
            </Form.Item>
            <Form.Item
              label={t('ix.observedPrice')}
              name="observedPrice"
              extra={yuan(observed)}
              rules={[
                {
                  validator: async (_, v: unknown) => {
                    if (wholeNumber(v, 0, MAX_FEN) === null) throw new Error(t('ix.fenBad'));
                  },
                },
              ]}
            >
              <Input style={{ width: 180 }} inputMode="numeric" />
            </Form.Item>
          </Space>
        )}
        <Button type="primary" htmlType="submit" loading={busy}>
          {t('ix.submit')}
        </Button>
      </Form>
    </Card>
  );
}

export default function IndexEvents({ session }: { session: Session }) {
  const { t } = useTranslation();
  const [schemes, setSchemes] = useState<SchemeCover[] | null>(null);
  const { items, cursor, loading, error, load } = useCursorPages<IndexEventSummary>(session.token, '/index-events', {});

  useEffect(() => {
    api<{ items: { schemeId: string; products?: { INDUSTRY?: { weatherIndex?: unknown; priceIndex?: unknown } } }[] }>(
      session.token,
      'GET',
      '/schemes',
    )
      .then((r) =>
        setSchemes(
          r.items.map((s) => ({
            schemeId: s.schemeId,
            WEATHER: Boolean(s.products?.INDUSTRY?.weatherIndex),
            PRICE: Boolean(s.products?.INDUSTRY?.priceIndex),
          })),
        ),
      )
      .catch(() => setSchemes([]));
  }, [session.token]);

  return (
    <section aria-labelledby="ix-title">
      <Typography.Title level={1} id="ix-title" style={{ fontSize: 22 }}>
        {t('ix.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('ix.intro')}</Typography.Paragraph>
      {CAN.postIndexEvent(session.role) && schemes && <PostForm session={session} schemes={schemes} />}
      <Typography.Title level={2} style={{ fontSize: 18 }}>
        {t('ix.list')}
      </Typography.Title>
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} />}
      <Table<IndexEventSummary>
        aria-label={t('ix.list')}
        rowKey="eventId"
        dataSource={items}
        pagination={false}
        loading={loading}
        locale={{ emptyText: emptyText(t('ix.empty')) }}
        columns={[
          {
            title: t('ix.eventId'),
            dataIndex: 'eventId',
            render: (id: string) => (
              <Link to={{ name: 'indexEvent', eventId: id }} mono>
                {id}
              </Link>
            ),
          },
          { title: t('ix.kind'), dataIndex: 'kind', render: (k: string) => t(`ix.kind${k}`, { defaultValue: k }) },
          { title: t('ix.observation'), render: (_, e) => observationText(e.observation, t) },
          { title: t('ix.status'), dataIndex: 'status', render: (s: string) => <StatusTag status={s} /> },
          { title: t('ix.claimsFiled'), dataIndex: 'claimsFiled', align: 'right', render: (n: number | null) => n ?? '—' },
          { title: t('ix.createdAt'), dataIndex: 'createdAt', render: (v: string) => formatTime(v) },
          { title: t('ix.completedAt'), dataIndex: 'completedAt', render: (v: string | null) => formatTime(v) },
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
