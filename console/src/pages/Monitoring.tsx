import { useCallback, useEffect, useMemo, useState } from 'react';
import { Alert, App as AntApp, Button, Form, Input, Modal, Select, Space, Table, Typography } from 'antd';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { api, query } from '../api';
import { useErrorText } from '../components/errors';
import { ToneTag, emptyText } from '../components/tone';
import { formatTime } from '../format';
import { formatBp, formatFen } from '../money';
import { Link } from '../screens';
import { CAN, type Session } from '../token';

export interface Warning {
  householdId: string;
  schemeId: string;
  county: string;
  warningId: string;
  type: 'HEALTH' | 'INDUSTRY';
  level: 'HIGH' | 'MEDIUM';
  followUp: string;
  openedAt: string;
  evidence: Record<string, unknown>;
  closedAt?: string;
  closedBy?: string;
  note?: string;
}

type Fen = number | string;

/** The evidence in words; every figure exact (fen as yuan, centi-mu as mu, bp as percent, by BigInt). */
export function evidenceText(w: Pick<Warning, 'type' | 'evidence'>, t: TFunction): string {
  const e = w.evidence;
  if (w.type === 'HEALTH') {
    const months = Array.isArray(e.months) ? (e.months as { month: string; medicalCost: Fen }[]) : [];
    return t('mon.healthEvidence', {
      income: formatFen(e.monthlyIncome as Fen),
      months: months.map((m) => t('mon.healthMonth', { month: m.month, cost: formatFen(m.medicalCost) })).join('；'),
    });
  }
  return t('mon.industryEvidence', {
    year: String(e.year ?? ''),
    mu: formatFen(e.affectedCentiMu as Fen),
    before: formatFen(e.previousMonthlyIncome as Fen),
    after: formatFen(e.monthlyIncome as Fen),
    drop: e.incomeDropBp === undefined ? '—' : formatBp(e.incomeDropBp as Fen),
  });
}

function CloseDialog({ session, warning, onClose, onClosed }: { session: Session; warning: Warning; onClose: () => void; onClosed: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const errorText = useErrorText();
  const [form] = Form.useForm<{ note: string }>();
  const [busy, setBusy] = useState(false);
  const submit = async (note: string) => {
    setBusy(true);
    try {
      await api(
        session.token,
        'POST',
        `/households/${encodeURIComponent(warning.householdId)}/warnings/${encodeURIComponent(warning.warningId)}/close`,
        { note },
      );
      void message.success(t('mon.closed', { id: warning.warningId }));
      onClosed();
    } catch (err) {
      void message.error(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open
      title={t('mon.closeTitle', { id: warning.warningId, household: warning.householdId })}
      okText={t('mon.closeOk')}
      cancelText={t('common.cancel')}
      okButtonProps={{ loading: busy }}
      onCancel={onClose}
      onOk={() => form.submit()}
      destroyOnHidden
    >
      <Typography.Paragraph>{evidenceText(warning, t)}</Typography.Paragraph>
      <Form form={form} layout="vertical" preserve={false} onFinish={({ note }) => void submit(note.trim())}>
        <Form.Item label={t('mon.note')} name="note" rules={[{ required: true, whitespace: true, message: t('mon.noteRequired') }, { max: 2000 }]}>
          <Input.TextArea rows={3} placeholder={t('mon.notePlaceholder')} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** Open warnings by type, level and county; close one with a note; admins run the signals. */
export default function Monitoring({ session }: { session: Session }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const errorText = useErrorText();
  const [schemes, setSchemes] = useState<string[]>([]);
  const [schemeId, setSchemeId] = useState('');
  const [type, setType] = useState('');
  const [level, setLevel] = useState('');
  const [county, setCounty] = useState('');
  const [warnings, setWarnings] = useState<Warning[]>([]);
  const [loading, setLoading] = useState(false);
  const [running, setRunning] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [closing, setClosing] = useState<Warning | null>(null);

  useEffect(() => {
    api<{ items: { schemeId: string }[] }>(session.token, 'GET', '/schemes')
      .then((r) => setSchemes(r.items.map((s) => s.schemeId)))
      .catch(() => setSchemes([]));
  }, [session.token]);

  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      const r = await api<{ warnings: Warning[] }>(session.token, 'GET', `/monitoring/warnings${query({ schemeId, type })}`);
      setWarnings(r.warnings);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setLoading(false);
    }
  }, [session.token, schemeId, type, errorText]);
  useEffect(() => {
    void load();
  }, [load]);

  const run = async () => {
    setRunning(true);
    try {
      const r = await api<{ households: number; opened: number; open: number }>(session.token, 'POST', `/monitoring/run${query({ schemeId })}`);
      void message.success(t('mon.ran', r));
      await load();
    } catch (err) {
      void message.error(errorText(err));
    } finally {
      setRunning(false);
    }
  };

  const counties = useMemo(() => [...new Set(warnings.map((w) => w.county))].sort(), [warnings]);
  const shown = warnings.filter((w) => (!level || w.level === level) && (!county || w.county === county));
  const all = { value: '', label: t('inbox.all') };

  return (
    <section aria-labelledby="mon-title">
      <Typography.Title level={1} id="mon-title" style={{ fontSize: 22 }}>
        {t('mon.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('mon.intro')}</Typography.Paragraph>
      <Space wrap style={{ marginBottom: 16 }}>
        <label>
          {t('mon.scheme')}{' '}
          <Select
            aria-label={t('mon.scheme')}
            style={{ minWidth: 160 }}
            value={schemeId}
            onChange={setSchemeId}
            options={[all, ...schemes.map((s) => ({ value: s, label: s }))]}
          />
        </label>
        <label>
          {t('mon.type')}{' '}
          <Select
            aria-label={t('mon.type')}
            style={{ minWidth: 150 }}
            value={type}
            onChange={setType}
            options={[all, ...['HEALTH', 'INDUSTRY'].map((v) => ({ value: v, label: t(`mon.type${v}`) }))]}
          />
        </label>
        <label>
          {t('mon.level')}{' '}
          <Select
            aria-label={t('mon.level')}
            style={{ minWidth: 100 }}
            value={level}
            onChange={setLevel}
            options={[all, ...['HIGH', 'MEDIUM'].map((v) => ({ value: v, label: t(`mon.level${v}`) }))]}
          />
        </label>
        <label>
          {t('mon.county')}{' '}
          <Select
            aria-label={t('mon.county')}
            style={{ minWidth: 120 }}
            value={county}
            onChange={setCounty}
            options={[all, ...counties.map((c) => ({ value: c, label: c }))]}
          />
        </label>
        <Button onClick={() => void load()}>{t('inbox.reload')}</Button>
        {CAN.runMonitoring(session.role) && (
          <Button type="primary" loading={running} onClick={() => void run()}>
            {t('mon.run')}
          </Button>
        )}
      </Space>
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} />}
      <Typography.Paragraph data-testid="mon-count">{t('mon.count', { n: shown.length })}</Typography.Paragraph>
      <Table<Warning>
        aria-label={t('mon.title')}
        rowKey={(w) => `${w.householdId}/${w.warningId}`}
        dataSource={shown}
        loading={loading}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: emptyText(t('mon.empty')) }}
        columns={[
          {
            title: t('col.household'),
            dataIndex: 'householdId',
            render: (id: string) => (CAN.readRegistry(session.role) ? <Link to={{ name: 'household', householdId: id }}>{id}</Link> : id),
          },
          { title: t('mon.warningId'), dataIndex: 'warningId' },
          { title: t('mon.type'), dataIndex: 'type', render: (v: string) => t(`mon.type${v}`, { defaultValue: v }) },
          {
            title: t('mon.level'),
            dataIndex: 'level',
            render: (v: string) => <ToneTag tone={v === 'HIGH' ? 'red' : 'orange'}>{t(`mon.level${v}`, { defaultValue: v })}</ToneTag>,
          },
          { title: t('mon.county'), dataIndex: 'county' },
          { title: t('mon.followUp'), dataIndex: 'followUp', render: (v: string) => t(`mon.followUp${v}`, { defaultValue: v }) },
          { title: t('mon.evidence'), render: (_, w) => evidenceText(w, t) },
          { title: t('mon.openedAt'), dataIndex: 'openedAt', render: (v: string) => formatTime(v) },
          ...(CAN.closeWarning(session.role) || CAN.readAudit(session.role)
            ? [
                {
                  title: t('col.actions'),
                  render: (_: unknown, w: Warning) => (
                    <Space>
                      {CAN.closeWarning(session.role) && (
                        <Button size="small" onClick={() => setClosing(w)}>
                          {t('mon.close')}
                        </Button>
                      )}
                      {CAN.readRegistry(session.role) && <Link to={{ name: 'household', householdId: w.householdId }}>{t('mon.audit')}</Link>}
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      {closing && (
        <CloseDialog
          session={session}
          warning={closing}
          onClose={() => setClosing(null)}
          onClosed={() => {
            setWarnings((prev) => prev.filter((w) => !(w.householdId === closing.householdId && w.warningId === closing.warningId)));
            setClosing(null);
          }}
        />
      )}
    </section>
  );
}
