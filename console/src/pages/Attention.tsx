import { useCallback, useEffect, useState } from 'react';
import { Alert, Badge, Button, Segmented, Space, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../api';
import { useErrorText } from '../components/errors';
import { ToneTag, emptyText } from '../components/tone';
import { formatTime } from '../format';
import { Link } from '../screens';
import type { Session } from '../token';

const KINDS = ['CLAIM_FAILED', 'CLAIM_STUCK', 'REVIEW_WAITING', 'ENDPOINT_DISABLED', 'PAST_TARGET'] as const;

interface Item {
  kind: string;
  claimId?: string;
  endpoint?: { insurerId: string; endpointId: string; url: string };
  since: string;
  ageMinutes: number;
  reason: string;
}

interface Answer {
  asOf: string;
  thresholds: { reviewDays: number; stuckMinutes: number };
  counts: Record<string, number>;
  items: Item[];
  executionChecks: { needed: number; unchecked: number };
}

function age(minutes: number, t: (k: string, o?: Record<string, unknown>) => string): string {
  if (minutes >= 24 * 60) return t('age.days', { n: Math.floor(minutes / (24 * 60)) });
  if (minutes >= 60) return t('age.hours', { n: Math.floor(minutes / 60) });
  return t('age.minutes', { n: minutes });
}

/** GET /ops/attention as a list; every claim links to its case file. */
export default function Attention({ session }: { session: Session }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [kind, setKind] = useState<string>('');
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    setLoading(true);
    setError(null);
    try {
      setAnswer(await api<Answer>(session.token, 'GET', '/ops/attention'));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setLoading(false);
    }
  }, [session.token, errorText]);
  useEffect(() => {
    void load();
  }, [load]);

  const items = (answer?.items ?? []).filter((i) => !kind || i.kind === kind);
  return (
    <section aria-labelledby="att-title">
      <Typography.Title level={1} id="att-title" style={{ fontSize: 22 }}>
        {t('att.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('att.intro')}</Typography.Paragraph>
      {answer && (
        <Typography.Paragraph type="secondary">
          {t('att.asOf', { at: formatTime(answer.asOf), stuck: answer.thresholds.stuckMinutes, days: answer.thresholds.reviewDays })}
        </Typography.Paragraph>
      )}
      <Space wrap style={{ marginBottom: 16 }}>
        <Segmented<string>
          aria-label={t('att.kind')}
          value={kind}
          onChange={setKind}
          options={[
            { value: '', label: t('inbox.all') },
            ...KINDS.map((k) => ({
              value: k,
              label: (
                <span data-testid={`att-count-${k}`}>
                  {t(`att.kind${k}`)} <Badge count={answer?.counts[k] ?? 0} showZero color={answer?.counts[k] ? '#c4161c' : '#595959'} />
                </span>
              ),
            })),
          ]}
        />
        <Button onClick={() => void load()} loading={loading}>
          {t('inbox.reload')}
        </Button>
      </Space>
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} />}
      {answer && answer.executionChecks.unchecked > 0 && (
        <Alert type="warning" showIcon title={t('att.unchecked', { n: answer.executionChecks.unchecked })} style={{ marginBottom: 16 }} />
      )}
      <Table<Item>
        aria-label={t('att.title')}
        rowKey={(i) => `${i.kind}:${i.claimId ?? i.endpoint?.endpointId ?? ''}`}
        dataSource={items}
        loading={loading}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: emptyText(t('att.empty')) }}
        columns={[
          {
            title: t('att.kind'),
            dataIndex: 'kind',
            render: (k: string) => (
              <ToneTag tone={k === 'CLAIM_FAILED' || k === 'ENDPOINT_DISABLED' ? 'red' : 'orange'}>{t(`att.kind${k}`, { defaultValue: k })}</ToneTag>
            ),
          },
          {
            title: t('att.what'),
            render: (_, i) =>
              i.claimId ? (
                <Link to={{ name: 'claim', claimId: i.claimId }} mono>
                  {i.claimId}
                </Link>
              ) : i.endpoint ? (
                t('att.endpoint', { insurer: i.endpoint.insurerId, url: i.endpoint.url })
              ) : (
                '—'
              ),
          },
          { title: t('att.since'), dataIndex: 'since', render: (v: string) => formatTime(v) },
          { title: t('att.age'), dataIndex: 'ageMinutes', render: (m: number) => age(m, t) },
          { title: t('att.reason'), dataIndex: 'reason' },
        ]}
      />
    </section>
  );
}
