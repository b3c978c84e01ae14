import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Descriptions, Progress, Space, Spin, Statistic, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, query } from '../api';
import { useErrorText } from '../components/errors';
import { ToneTag } from '../components/tone';
import { formatTime } from '../format';
import { Link } from '../screens';
import type { Session } from '../token';
import { observationText, StatusTag, type Observation } from './IndexEvents';

interface EventView {
  eventId: string;
  kind: string;
  observation: Observation;
  status: 'FANNING_OUT' | 'CREATED' | 'FAILED';
  done: boolean;
  created: number;
  decided: number;
  byStatus?: Record<string, number>;
  claimsFiled: number | null;
  postedBy: string;
  createdAt: string;
  completedAt: string | null;
  error: unknown;
  claims: { claimId: string; householdId: string; status: string }[];
  nextCursor: string | null;
}

interface Slice {
  shard: number | null;
  executionArn: string;
  status?: string;
  householdsFiled: number | null;
}

const POLL_MS = 1000;

/** One event, re-read every second while its fan-out runs or its claims wait for their decisions. */
export default function IndexEvent({ session, eventId }: { session: Session; eventId: string }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [view, setView] = useState<EventView | null>(null);
  const [slices, setSlices] = useState<Slice[] | null>(null);
  const [more, setMore] = useState<EventView['claims']>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const stopped = useRef(false);

  useEffect(() => {
    stopped.current = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const path = `/index-events/${encodeURIComponent(eventId)}`;
    const tick = async () => {
      let finished = false;
      try {
        const v = await api<EventView>(session.token, 'GET', `${path}${query({ byStatus: 'true', limit: 100 })}`);
        if (stopped.current) return;
        setView(v);
        setCursor((c) => c ?? v.nextCursor);
        setError(null);
        finished = v.done || v.status === 'FAILED';
        // The slices come from the fan-out's execution history: absent until it started.
        const h = await api<{ slices?: Slice[] }>(session.token, 'GET', `${path}/history`).catch(() => null);
        if (!stopped.current && h?.slices) setSlices(h.slices);
      } catch (err) {
        if (!stopped.current) setError(errorText(err));
      }
      if (!stopped.current && !finished) timer = setTimeout(() => void tick(), POLL_MS);
    };
    void tick();
    return () => {
      stopped.current = true;
      if (timer) clearTimeout(timer);
    };
  }, [session.token, eventId, errorText]);

  const loadMore = async () => {
    if (!cursor) return;
    try {
      const v = await api<EventView>(session.token, 'GET', `/index-events/${encodeURIComponent(eventId)}${query({ limit: 100, cursor })}`);
      setMore((prev) => [...prev, ...v.claims]);
      setCursor(v.nextCursor);
    } catch (err) {
      setError(errorText(err));
    }
  };

  if (!view) return error ? <Alert type="error" title={error} showIcon /> : <Spin aria-label={t('common.loading')} />;
  const claims = [...view.claims, ...more.filter((c) => !view.claims.some((x) => x.claimId === c.claimId))];
  const live = !(view.done || view.status === 'FAILED');

  return (
    <section aria-labelledby="ixe-title">
      <Typography.Title level={1} id="ixe-title" style={{ fontSize: 22 }}>
        {t('ix.event')} <span style={{ fontFamily: 'monospace', fontSize: 16 }}>{view.eventId}</span>
      </Typography.Title>
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} />}
      <Space size={48} wrap style={{ marginBottom: 16 }}>
        <div>
          <Typography.Text type="secondary">{t('ix.status')}</Typography.Text>
          <div data-testid="ix-status" style={{ fontSize: 20 }}>
            <StatusTag status={view.status} />
            {view.done && <ToneTag tone="green">{t('ix.done')}</ToneTag>}
          </div>
        </div>
        <Statistic title={t('ix.created')} value={view.created} valueRender={() => <span data-testid="ix-created">{view.created}</span>} />
        <Statistic title={t('ix.decided')} value={view.decided} valueRender={() => <span data-testid="ix-decided">{view.decided}</span>} />
        <Progress
          type="circle"
          size={64}
          percent={view.created === 0 ? (view.done ? 100 : 0) : Math.floor((view.decided * 100) / view.created)}
          aria-label={t('ix.decided')}
        />
      </Space>
      {live && <Typography.Paragraph type="secondary">{t('ix.live', { s: POLL_MS / 1000 })}</Typography.Paragraph>}
      <Descriptions bordered size="small" column={1} style={{ marginBottom: 24 }}>
        <Descriptions.Item label={t('ix.observation')}>{observationText(view.observation, t)}</Descriptions.Item>
        <Descriptions.Item label={t('ix.kind')}>{t(`ix.kind${view.kind}`, { defaultValue: view.kind })}</Descriptions.Item>
        <Descriptions.Item label={t('ix.postedBy')}>{view.postedBy}</Descriptions.Item>
        <Descriptions.Item label={t('ix.createdAt')}>{formatTime(view.createdAt)}</Descriptions.Item>
        <Descriptions.Item label={t('ix.completedAt')}>{formatTime(view.completedAt)}</Descriptions.Item>
        {view.error ? <Descriptions.Item label={t('ix.error')}>{JSON.stringify(view.error)}</Descriptions.Item> : null}
        {view.byStatus && (
          <Descriptions.Item label={t('ix.byStatus')}>
            <Space wrap>
              {Object.entries(view.byStatus).map(([s, n]) => (
                <Tag key={s}>
                  {t(`status.${s}`, { defaultValue: s })}: {n}
                </Tag>
              ))}
            </Space>
          </Descriptions.Item>
        )}
      </Descriptions>
      <Typography.Title level={2} style={{ fontSize: 18 }}>
        {t('ix.claims')}
      </Typography.Title>
      <Table
        aria-label={t('ix.claims')}
        rowKey="claimId"
        size="small"
        dataSource={claims}
        pagination={false}
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
          { title: t('col.household'), dataIndex: 'householdId' },
          { title: t('col.status'), dataIndex: 'status', render: (s: string) => <Tag>{t(`status.${s}`, { defaultValue: s })}</Tag> },
        ]}
      />
      {cursor && (
        <Button style={{ marginTop: 16 }} onClick={() => void loadMore()}>
          {t('inbox.more')}
        </Button>
      )}
      {slices && slices.length > 0 && (
        <>
          <Typography.Title level={2} style={{ fontSize: 18, marginTop: 24 }}>
            {t('ix.slices')}
          </Typography.Title>
          <Table<Slice>
            aria-label={t('ix.slices')}
            rowKey="executionArn"
            size="small"
            dataSource={slices}
            pagination={false}
            columns={[
              { title: t('ix.shard'), dataIndex: 'shard', render: (n: number | null) => n ?? '—' },
              {
                title: t('ix.sliceStatus'),
                dataIndex: 'status',
                render: (s: string | undefined) => <ToneTag tone={s === 'SUCCEEDED' ? 'green' : s === 'FAILED' ? 'red' : 'blue'}>{s ?? '—'}</ToneTag>,
              },
              { title: t('ix.householdsFiled'), dataIndex: 'householdsFiled', align: 'right', render: (n: number | null) => n ?? '—' },
            ]}
          />
        </>
      )}
    </section>
  );
}
