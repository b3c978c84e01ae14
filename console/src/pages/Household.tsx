import { useEffect, useState } from 'react';
import { Alert, Descriptions, Spin, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, type AuditAnswer } from '../api';
import { useErrorText } from '../components/errors';
import { ToneTag } from '../components/tone';
import { formatTime } from '../format';
import { formatFen } from '../money';
import type { Session } from '../token';
import { evidenceText, type Warning } from './Monitoring';
import { insuredText, type HouseholdView } from './Registry';

type Full = Omit<HouseholdView, 'openWarnings' | 'closedWarnings'> & { openWarnings: Warning[]; closedWarnings: Warning[] };

/** One household as the API gives it (masked), its warnings, and its own audit chain. */
export default function Household({ session, householdId }: { session: Session; householdId: string }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [h, setH] = useState<Full | null>(null);
  const [audit, setAudit] = useState<AuditAnswer | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const path = `/households/${encodeURIComponent(householdId)}`;
    Promise.all([api<Full>(session.token, 'GET', path), api<AuditAnswer>(session.token, 'GET', `${path}/audit`)])
      .then(([a, b]) => {
        setH(a);
        setAudit(b);
      })
      .catch((err: unknown) => setError(errorText(err)));
  }, [session.token, householdId, errorText]);

  if (error) return <Alert type="error" title={error} showIcon />;
  if (!h || !audit) return <Spin aria-label={t('common.loading')} />;
  const warningColumns = [
    { title: t('mon.warningId'), dataIndex: 'warningId' },
    { title: t('mon.level'), dataIndex: 'level', render: (v: string) => t(`mon.level${v}`, { defaultValue: v }) },
    { title: t('mon.evidence'), render: (_: unknown, w: Warning) => evidenceText(w, t) },
    { title: t('mon.openedAt'), dataIndex: 'openedAt', render: (v: string) => formatTime(v) },
  ];
  return (
    <section aria-labelledby="hh-title">
      <Typography.Title level={1} id="hh-title" style={{ fontSize: 22 }}>
        {t('hh.title', { id: h.householdId })}
      </Typography.Title>
      <Typography.Title level={2} style={{ fontSize: 18 }}>
        {t('hh.registry')}
      </Typography.Title>
      <Descriptions bordered size="small" column={2} style={{ marginBottom: 24 }}>
        <Descriptions.Item label={t('col.scheme')}>{h.schemeId}</Descriptions.Item>
        <Descriptions.Item label={t('mon.county')}>{h.county}</Descriptions.Item>
        <Descriptions.Item label={t('reg.category')}>{h.category}</Descriptions.Item>
        <Descriptions.Item label={t('reg.verifiedYear')}>{h.verifiedYear}</Descriptions.Item>
        <Descriptions.Item label={t('reg.products')}>
          {h.enrollment.products.map((p) => (
            <Tag key={p}>{t(`product.${p}`, { defaultValue: p })}</Tag>
          ))}
        </Descriptions.Item>
        <Descriptions.Item label={t('hh.period')}>{`${h.enrollment.start} – ${h.enrollment.end}`}</Descriptions.Item>
        <Descriptions.Item label={t('reg.insured')}>{insuredText(h as HouseholdView, t)}</Descriptions.Item>
        <Descriptions.Item label={t('reg.exitedOn')}>{h.exitedOn ?? '—'}</Descriptions.Item>
        <Descriptions.Item label="monthlyIncome">{formatFen(h.monthlyIncome)}</Descriptions.Item>
        <Descriptions.Item label="previousMonthlyIncome">{formatFen(h.previousMonthlyIncome)}</Descriptions.Item>
        <Descriptions.Item label={t('reg.members')} span={2}>
          {h.members.map((m) => (
            <div key={m.personId}>
              {m.personId} <span style={{ fontFamily: 'monospace' }}>{m.idMasked ?? ''}</span> {m.birthDate ?? ''}
            </div>
          ))}
        </Descriptions.Item>
      </Descriptions>
      <Typography.Title level={2} style={{ fontSize: 18 }}>
        {t('hh.openWarnings')}
      </Typography.Title>
      <Table<Warning>
        aria-label={t('hh.openWarnings')}
        size="small"
        rowKey="warningId"
        dataSource={h.openWarnings}
        pagination={false}
        columns={warningColumns}
        style={{ marginBottom: 24 }}
      />
      <Typography.Title level={2} style={{ fontSize: 18 }}>
        {t('hh.closedWarnings')}
      </Typography.Title>
      <Table<Warning>
        aria-label={t('hh.closedWarnings')}
        size="small"
        rowKey="warningId"
        dataSource={h.closedWarnings}
        pagination={false}
        style={{ marginBottom: 24 }}
        columns={[
          ...warningColumns,
          { title: t('hh.closedAt'), dataIndex: 'closedAt', render: (v: string) => formatTime(v) },
          { title: t('hh.closedBy'), dataIndex: 'closedBy' },
          { title: t('hh.note'), dataIndex: 'note' },
        ]}
      />
      <Typography.Title level={2} style={{ fontSize: 18 }}>
        {t('hh.audit')}{' '}
        <ToneTag testId="household-audit-badge" tone={audit.verified ? 'green' : 'red'}>
          {audit.verified ? t('case.verified') : t('case.notVerified')}
        </ToneTag>
      </Typography.Title>
      {!audit.verified && audit.brokenAt !== null && (
        <Alert type="error" showIcon title={t('case.brokenAt', { n: audit.brokenAt, problem: audit.problem ?? '' })} style={{ marginBottom: 12 }} />
      )}
      <Table
        aria-label={t('hh.audit')}
        size="small"
        rowKey="seq"
        dataSource={audit.records}
        pagination={false}
        columns={[
          { title: t('case.seq'), dataIndex: 'seq' },
          { title: t('case.step'), dataIndex: 'step' },
          { title: t('case.actor'), dataIndex: 'actor' },
          { title: t('case.at'), dataIndex: 'at', render: (v: string) => formatTime(v) },
          { title: t('case.decision'), dataIndex: 'decision', render: (v: string | null) => v ?? '—' },
          { title: t('case.hash'), dataIndex: 'hash', render: (v: string) => <span style={{ fontFamily: 'monospace' }}>{v.slice(0, 16)}…</span> },
        ]}
      />
    </section>
  );
}
