import { useCallback, useEffect, useState } from 'react';
import { Alert, App as AntApp, Button, Form, Input, Modal, Select, Space, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../api';
import { useErrorText } from '../components/errors';
import { useCursorPages } from '../paging';
import { SETTLEMENT_STATUSES, SettlementTag, ToneTag, emptyText, type SettlementStatus } from '../components/tone';
import { formatTime } from '../format';
import { formatFen } from '../money';
import { Link } from '../screens';
import { CAN, type Session } from '../token';

export interface Settlement {
  settlementId: string;
  claimId: string;
  insurerId: string;
  amount: number;
  payee: { type: string; [k: string]: unknown };
  schemeId: string;
  product: string;
  status: SettlementStatus;
  createdAt: string;
  paidAt?: string | null;
  reference?: string | null;
}

interface Delivery {
  deliveryId: string;
  webhookId: string;
  insurerId: string;
  url: string;
  state: 'PENDING' | 'DELIVERED' | 'FAILED';
  attempts: { at: string; status: number | null; error: string | null }[];
  nextAttemptAt: string;
  createdAt: string;
}

/** What the API accepts as paidAt (zod's datetime with an offset): seconds required here, fractions allowed. */
export const PAID_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

function ConfirmDialog({
  session,
  settlement,
  onClose,
  onConfirmed,
}: {
  session: Session;
  settlement: Settlement;
  onClose: () => void;
  onConfirmed: (s: Settlement) => void;
}) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const errorText = useErrorText();
  const [form] = Form.useForm<{ paidAt: string; reference: string }>();
  const [busy, setBusy] = useState(false);
  const submit = async ({ paidAt, reference }: { paidAt: string; reference: string }) => {
    setBusy(true);
    try {
      const s = await api<Settlement>(session.token, 'POST', `/settlements/${encodeURIComponent(settlement.settlementId)}/confirm`, {
        paidAt: paidAt.trim(),
        reference: reference.trim(),
      });
      void message.success(t('desk.confirmed', { id: settlement.settlementId }));
      onConfirmed(s);
    } catch (err) {
      void message.error(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={t('desk.confirmTitle', { id: settlement.settlementId })}
      okText={t('desk.confirmOk')}
      cancelText={t('common.cancel')}
      okButtonProps={{ loading: busy }}
      onCancel={onClose}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Typography.Paragraph>
        {t('desk.amount')}: <strong>{formatFen(settlement.amount)}</strong>
      </Typography.Paragraph>
      <Form
        form={form}
        layout="vertical"
        preserve={false}
        initialValues={{ paidAt: new Date().toISOString().replace(/\.\d+Z$/, 'Z'), reference: '' }}
        onFinish={(v) => void submit(v)}
      >
        <Form.Item
          label={t('desk.paidAt')}
          name="paidAt"
          extra={t('desk.paidAtHelp')}
          rules={[
            {
              validator: async (_, v: string) => {
                if (!PAID_AT.test((v ?? '').trim()) || Number.isNaN(Date.parse(v.trim()))) throw new Error(t('desk.paidAtBad'));
              },
            },
          ]}
        >
          <Input spellCheck={false} />
        </Form.Item>
        <Form.Item
          label={t('desk.reference')}
          name="reference"
          rules={[{ required: true, whitespace: true, max: 128, message: t('desk.referenceRequired') }]}
        >
          <Input spellCheck={false} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function Deliveries({ session }: { session: Session }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const errorText = useErrorText();
  const [items, setItems] = useState<Delivery[]>([]);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    api<{ items: Delivery[] }>(session.token, 'GET', '/webhook-deliveries')
      .then((r) => setItems(r.items))
      .catch((err: unknown) => setError(errorText(err)));
  }, [session.token, errorText]);
  useEffect(load, [load]);
  const replay = async (id: string) => {
    try {
      await api(session.token, 'POST', `/webhook-deliveries/${encodeURIComponent(id)}/replay`);
      void message.success(t('desk.replayed', { id }));
      load();
    } catch (err) {
      void message.error(errorText(err));
    }
  };
  return (
    <>
      {error && <Alert type="error" title={error} showIcon />}
      <Table<Delivery>
        aria-label={t('desk.webhooks')}
        rowKey="deliveryId"
        size="small"
        dataSource={items}
        pagination={{ pageSize: 25, hideOnSinglePage: true }}
        locale={{ emptyText: emptyText(t('desk.noDeliveries')) }}
        columns={[
          { title: t('desk.delivery'), dataIndex: 'deliveryId', render: (v: string) => <span style={{ fontFamily: 'monospace' }}>{v}</span> },
          { title: t('desk.insurer'), dataIndex: 'insurerId' },
          { title: t('desk.url'), dataIndex: 'url' },
          {
            title: t('desk.deliveryState'),
            dataIndex: 'state',
            render: (s: string) => <ToneTag tone={s === 'FAILED' ? 'red' : s === 'DELIVERED' ? 'green' : undefined}>{s}</ToneTag>,
          },
          { title: t('desk.attempts'), render: (_, d) => d.attempts.length },
          {
            title: t('desk.lastAttempt'),
            render: (_, d) => {
              const a = d.attempts.at(-1);
              return a ? `${a.status ?? a.error ?? ''} · ${formatTime(a.at)}` : '—';
            },
          },
          { title: t('desk.nextAttempt'), render: (_, d) => (d.state === 'PENDING' ? formatTime(d.nextAttemptAt) : '—') },
          ...(CAN.replayDelivery(session.role)
            ? [
                {
                  title: t('col.actions'),
                  render: (_: unknown, d: Delivery) =>
                    d.state === 'FAILED' ? (
                      <Button size="small" onClick={() => void replay(d.deliveryId)}>
                        {t('desk.replay')}
                      </Button>
                    ) : null,
                },
              ]
            : []),
        ]}
      />
    </>
  );
}

/** Settlements: an insurer's own (the API limits it), confirmed one by one; admins and auditors read every one. */
export default function Desk({ session }: { session: Session }) {
  const { t } = useTranslation();
  const [status, setStatus] = useState<'' | SettlementStatus>('');
  const { items, setItems, cursor, loading, error, load } = useCursorPages<Settlement>(session.token, '/settlements', { status });
  const [confirming, setConfirming] = useState<Settlement | null>(null);
  const insurer = CAN.confirmSettlement(session.role);

  return (
    <section aria-labelledby="desk-title">
      <Typography.Title level={1} id="desk-title" style={{ fontSize: 22 }}>
        {t('desk.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">
        {insurer ? t('desk.introInsurer', { insurerId: session.insurerId ?? '' }) : t('desk.introOther')}
      </Typography.Paragraph>
      <Space wrap style={{ marginBottom: 16 }}>
        <label>
          {t('desk.status')}{' '}
          <Select
            aria-label={t('desk.status')}
            style={{ minWidth: 160 }}
            value={status}
            onChange={setStatus}
            options={[{ value: '', label: t('inbox.all') }, ...SETTLEMENT_STATUSES.map((s) => ({ value: s, label: t(`settlement.${s}`) }))]}
          />
        </label>
        <Button onClick={() => void load(null)}>{t('inbox.reload')}</Button>
      </Space>
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} />}
      <Table<Settlement>
        aria-label={t('desk.title')}
        rowKey="settlementId"
        dataSource={items}
        pagination={false}
        loading={loading}
        locale={{ emptyText: emptyText(t('desk.empty')) }}
        columns={[
          { title: t('desk.settlementId'), dataIndex: 'settlementId', render: (v: string) => <span style={{ fontFamily: 'monospace' }}>{v}</span> },
          {
            title: t('desk.claim'),
            dataIndex: 'claimId',
            // An insurer may not read claims: the id is shown, not linked.
            render: (id: string) =>
              CAN.readClaims(session.role) ? (
                <Link to={{ name: 'claim', claimId: id }} mono>
                  {id}
                </Link>
              ) : (
                <span style={{ fontFamily: 'monospace' }}>{id}</span>
              ),
          },
          ...(insurer ? [] : [{ title: t('desk.insurer'), dataIndex: 'insurerId' }]),
          { title: t('col.product'), dataIndex: 'product', render: (p: string) => t(`product.${p}`, { defaultValue: p }) },
          { title: t('desk.amount'), align: 'right', render: (_, s) => formatFen(s.amount) },
          { title: t('desk.payee'), render: (_, s) => s.payee.type },
          {
            title: t('desk.status'),
            dataIndex: 'status',
            render: (s: SettlementStatus) => <SettlementTag status={s} />,
          },
          { title: t('desk.created'), dataIndex: 'createdAt', render: (v: string) => formatTime(v) },
          { title: t('desk.paidAt'), dataIndex: 'paidAt', render: (v: string | null | undefined) => formatTime(v) },
          { title: t('desk.reference'), dataIndex: 'reference', render: (v: string | null | undefined) => v ?? '—' },
          ...(insurer
            ? [
                {
                  title: t('col.actions'),
                  render: (_: unknown, s: Settlement) =>
                    s.status === 'PENDING' ? (
                      <Button type="primary" size="small" onClick={() => setConfirming(s)}>
                        {t('desk.confirm')}
                      </Button>
                    ) : null,
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
      <Typography.Title level={2} style={{ fontSize: 18, marginTop: 32 }}>
        {t('desk.webhooks')}
      </Typography.Title>
      {CAN.readDeliveries(session.role) ? <Deliveries session={session} /> : <Alert type="info" showIcon title={t('desk.webhooksInsurer')} />}
      {confirming && (
        <ConfirmDialog
          session={session}
          settlement={confirming}
          onClose={() => setConfirming(null)}
          onConfirmed={(s) => {
            setConfirming(null);
            setItems((prev) => prev.map((x) => (x.settlementId === s.settlementId ? s : x)).filter((x) => !status || x.status === status));
          }}
        />
      )}
    </section>
  );
}
