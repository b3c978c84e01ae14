import { useCallback, useEffect, useRef, useState } from 'react';
import { Alert, App as AntApp, Button, Card, Descriptions, Progress, Radio, Select, Space, Statistic, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, query } from '../api';
import { downloadAnswer, postFile } from '../api-files';
import { useErrorText } from '../components/errors';
import { OpenRecent } from '../components/OpenRecent';
import { emptyText, ToneTag } from '../components/tone';
import { formatTime } from '../format';
import { formatFen } from '../money';
import { useCursorPages } from '../paging';
import { rememberId } from '../recent';
import { useSchemeIds } from '../schemes';
import { hrefOf, navigate } from '../router';
import { Link } from '../screens';
import { CAN, type Session } from '../token';

/** The header the bureau's file must carry (docs/medical-feed.md; core/medical-feed.ts FEED_COLUMNS). */
const FEED_COLUMNS =
  'hospitalCode,invoiceNo,idNumber,name,admissionDate,dischargeDate,totalCost,basicInsurancePaid,criticalIllnessPaid,medicalAssistancePaid,otherReimbursement,nonCoveredCost';
const FEED_ID = /^MF-[0-9a-f]{32}$/;
const POLL_MS = 1000;
const OUTCOMES = ['FILED', 'NOT_IN_REGISTRY', 'DUPLICATE', 'CONFLICT', 'BAD_ROW'] as const;
type Outcome = (typeof OUTCOMES)[number];
/** Sums past 2^53 fen arrive as decimal strings. */
type Fen = number | string;

interface FeedException {
  line: number;
  outcome: Outcome;
  hospitalCode?: string | null;
  invoiceNo?: string | null;
  idMasked?: string | null;
  claimId?: string | null;
  totalCost?: number | null;
  problems?: string[];
}

interface FeedView {
  feedId: string;
  schemeId: string;
  status: 'FILING' | 'DONE';
  sha256: string;
  bytes: number;
  encoding: string;
  sentBy: string;
  createdAt: string;
  completedAt: string | null;
  rows: number;
  rowsDone: number;
  progress: { rows: number; rowsDone: number; claimsFiled: number; claimsUndecided: number };
  counts: Record<Outcome, number>;
  claimsByStatus: Record<string, number>;
  undecided: number;
  controlTotals: {
    rows: number;
    filedRows: number;
    totalCost: Fen;
    totalPayout: Fen;
    byHospital: { hospitalCode: string; rows: number; totalCost: Fen; payout: Fen }[];
  };
  exceptions: FeedException[];
  exceptionsTruncated: boolean;
}

/** `?view=progress`: cheap to poll (one summary per finished batch, the feed's undecided claims counted). */
interface FeedProgress {
  view: 'progress';
  feedId: string;
  status: 'FILING' | 'DONE';
  rows: number;
  rowsDone: number;
  counts: Record<Outcome, number>;
  claimsFiled: number;
  claimsUndecided: number;
  execution: { name: string; status: string | null };
  redrives: number;
}

/** An execution that ended without succeeding: the feed stays FILING until an admin redrives it. */
const STOPPED = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);

const OUTCOME_TONE: Record<Outcome, 'green' | 'gold' | 'orange' | 'red' | 'blue'> = {
  FILED: 'green',
  NOT_IN_REGISTRY: 'blue',
  DUPLICATE: 'gold',
  CONFLICT: 'orange',
  BAD_ROW: 'red',
};

function Upload({ session }: { session: Session }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const errorText = useErrorText();
  const [schemes, setSchemes] = useState<string[]>([]);
  const [schemeId, setSchemeId] = useState<string | undefined>();
  const [encoding, setEncoding] = useState<'' | 'utf-8' | 'gb18030'>('');
  const [busy, setBusy] = useState<string | null>(null);
  const [problem, setProblem] = useState<{ text: string; fields: { path: string; message: string }[] } | null>(null);

  useEffect(() => {
    void api<{ items: { schemeId: string }[] }>(session.token, 'GET', '/schemes').then(
      ({ items }) => {
        setSchemes(items.map((s) => s.schemeId));
        setSchemeId((s) => s ?? items[0]?.schemeId);
      },
      (err: unknown) => setProblem({ text: errorText(err), fields: [] }),
    );
  }, [session.token, errorText]);

  const send = async (file: File) => {
    if (!schemeId) return;
    setProblem(null);
    setBusy(file.name);
    try {
      // The bytes as they are: the server detects (or is told) the encoding; a GB18030 file must not be re-encoded.
      const r = await postFile<{ feedId: string; repeated: boolean }>(
        session.token,
        `/medical-feeds${query({ schemeId, encoding })}`,
        file,
        'application/octet-stream',
      );
      if (r.repeated) void message.info(t('feed.repeated'));
      rememberId('feeds', r.feedId);
      navigate(hrefOf({ name: 'feed', feedId: r.feedId }));
    } catch (err) {
      const fields = (err as { errors?: { path: string; message: string }[] }).errors ?? [];
      setProblem({ text: errorText(err), fields });
    } finally {
      setBusy(null);
    }
  };

  return (
    <Card
      title={
        <Typography.Title level={2} style={{ fontSize: 18, margin: 0 }}>
          {t('feed.upload')}
        </Typography.Title>
      }
      style={{ marginBottom: 24 }}
    >
      <Typography.Paragraph type="secondary">{t('feed.uploadHelp', { columns: FEED_COLUMNS })}</Typography.Paragraph>
      <Space wrap size="large" align="center">
        <Select
          aria-label={t('feed.scheme')}
          style={{ width: 200 }}
          value={schemeId}
          onChange={setSchemeId}
          options={schemes.map((s) => ({ value: s, label: s }))}
        />
        <Radio.Group
          aria-label={t('feed.encoding')}
          value={encoding}
          onChange={(e) => setEncoding(e.target.value as typeof encoding)}
          options={[
            { value: '', label: t('feed.encodingAuto') },
            { value: 'utf-8', label: 'UTF-8' },
            { value: 'gb18030', label: 'GB18030' },
          ]}
        />
        <span>
          <label htmlFor="feed-file" style={{ marginRight: 8 }}>
            {t('feed.file')}
          </label>
          <input
            id="feed-file"
            type="file"
            accept=".csv,text/csv"
            disabled={busy !== null || !schemeId}
            onChange={(e) => {
              const f = e.target.files?.[0];
              e.target.value = '';
              if (f) void send(f);
            }}
          />
        </span>
      </Space>
      {busy && <Typography.Paragraph style={{ marginTop: 12 }}>{t('feed.sending', { name: busy })}</Typography.Paragraph>}
      {problem && (
        <Alert
          type="error"
          showIcon
          style={{ marginTop: 16 }}
          title={problem.text}
          description={
            problem.fields.length > 0 ? (
              <ul data-testid="feed-refusal" style={{ margin: 0 }}>
                {problem.fields.map((f) => (
                  <li key={`${f.path}:${f.message}`}>
                    <code>{f.path}</code>: {f.message}
                  </li>
                ))}
              </ul>
            ) : undefined
          }
        />
      )}
    </Card>
  );
}

/**
 * One feed. While it files, its cheap progress is polled every second (its cost does not grow with the file);
 * the full report (every row and claim: O(rows)) is read once the feed is DONE, and on Refresh. A feed whose
 * workflow failed stops the polling and offers an admin the redrive.
 */
function FeedReport({ session, feedId }: { session: Session; feedId: string }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const errorText = useErrorText();
  const [progress, setProgress] = useState<FeedProgress | null>(null);
  const [view, setView] = useState<FeedView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [downloading, setDownloading] = useState(false);
  const [busy, setBusy] = useState(false);
  /** Bumped to start polling again (after a redrive). */
  const [round, setRound] = useState(0);
  const stopped = useRef(false);
  const path = `/medical-feeds/${encodeURIComponent(feedId)}`;

  const readReport = useCallback(async () => {
    const v = await api<FeedView>(session.token, 'GET', path);
    if (stopped.current) return;
    setView(v);
    rememberId('feeds', v.feedId);
  }, [session.token, path]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `round` starts the polling again (after a redrive)
  useEffect(() => {
    stopped.current = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      let finished = false;
      try {
        const p = await api<FeedProgress>(session.token, 'GET', `${path}?view=progress`);
        if (stopped.current) return;
        setProgress(p);
        setError(null);
        rememberId('feeds', p.feedId);
        if (p.status === 'DONE') {
          await readReport();
          finished = true;
        } else finished = STOPPED.has(p.execution.status ?? '');
      } catch (err) {
        if (stopped.current) return;
        setError(errorText(err));
        finished = true; // a refusal (404, 403) does not change by asking again
      }
      if (!stopped.current && !finished) timer = setTimeout(() => void tick(), POLL_MS);
    };
    void tick();
    return () => {
      stopped.current = true;
      if (timer) clearTimeout(timer);
    };
  }, [session.token, path, errorText, readReport, round]);

  const refresh = async () => {
    setBusy(true);
    try {
      setProgress(await api<FeedProgress>(session.token, 'GET', `${path}?view=progress`));
      await readReport();
      setError(null);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const redrive = async () => {
    setBusy(true);
    try {
      const r = await api<{ execution: string }>(session.token, 'POST', `${path}/redrive`, {});
      void message.success(t('feed.redriven', { execution: r.execution }));
      setRound((n) => n + 1);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  const csv = async () => {
    setDownloading(true);
    try {
      await downloadAnswer(session.token, `${path}?format=csv`, `${feedId}.csv`);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setDownloading(false);
    }
  };

  if (!progress) return error ? <Alert type="error" title={error} showIcon /> : null;
  const failed = progress.status === 'FILING' && STOPPED.has(progress.execution.status ?? '');
  // The header figures: the progress while filing, the report's once it is read (it is exact).
  const figures =
    view && progress.status === view.status
      ? {
          status: view.status,
          rows: view.rows,
          rowsDone: view.rowsDone,
          counts: view.counts,
          claimsFiled: view.progress.claimsFiled,
          undecided: view.undecided,
        }
      : {
          status: progress.status,
          rows: progress.rows,
          rowsDone: progress.rowsDone,
          counts: progress.counts,
          claimsFiled: progress.claimsFiled,
          undecided: progress.claimsUndecided,
        };
  const percent = figures.rows === 0 ? 100 : Math.floor((figures.rowsDone * 100) / figures.rows);
  return (
    <section aria-labelledby="feed-title">
      <Typography.Title level={2} id="feed-title" style={{ fontSize: 20 }}>
        {t('feed.feed')} <span style={{ fontFamily: 'monospace', fontSize: 15 }}>{progress.feedId}</span>
      </Typography.Title>
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} />}
      <Space size={48} wrap style={{ marginBottom: 16 }} align="center">
        <div>
          <Typography.Text type="secondary">{t('feed.status')}</Typography.Text>
          <div style={{ fontSize: 20 }}>
            <ToneTag tone={figures.status === 'DONE' ? 'green' : failed ? 'red' : 'blue'} testId="feed-status">
              {t(`feed.status${figures.status}`)}
            </ToneTag>
          </div>
        </div>
        <div style={{ minWidth: 240 }}>
          <Typography.Text type="secondary">{t('feed.rowsDone')}</Typography.Text>
          <Progress percent={percent} aria-label={t('feed.rowsDone')} />
          <Typography.Text data-testid="feed-rows">{t('feed.rowsProgress', { done: figures.rowsDone, rows: figures.rows })}</Typography.Text>
        </div>
        <Statistic title={t('feed.claimsFiled')} value={figures.claimsFiled} />
        <Statistic title={t('feed.undecided')} value={figures.undecided} />
      </Space>
      {failed && (
        <Alert
          type="error"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('feed.failed', { execution: progress.execution.name, status: progress.execution.status })}
          description={t('feed.failedHelp')}
          action={
            CAN.redriveFeed(session.role) ? (
              <Button danger onClick={() => void redrive()} loading={busy}>
                {t('feed.redrive')}
              </Button>
            ) : undefined
          }
        />
      )}
      {progress.status === 'FILING' && !failed && (
        <Typography.Paragraph type="secondary">{t('feed.live', { s: POLL_MS / 1000 })}</Typography.Paragraph>
      )}
      <Space style={{ marginBottom: 16 }}>
        <Button onClick={() => void refresh()} loading={busy}>
          {t('feed.refresh')}
        </Button>
      </Space>

      <Typography.Title level={3} style={{ fontSize: 16 }}>
        {t('feed.outcomes')}
      </Typography.Title>
      <Space wrap data-testid="feed-counts" style={{ marginBottom: 16 }}>
        {OUTCOMES.map((o) => (
          <ToneTag key={o} tone={OUTCOME_TONE[o]}>
            <span data-outcome={o}>
              {t(`feed.outcome${o}`)}: {figures.counts[o]}
            </span>
          </ToneTag>
        ))}
      </Space>
      {view ? (
        <ReportBody view={view} csv={csv} downloading={downloading} />
      ) : (
        <Typography.Paragraph type="secondary">{t('feed.reportLater')}</Typography.Paragraph>
      )}
    </section>
  );
}

/** The full report's parts: claims by status, control totals, the rows that filed nothing, the file. */
function ReportBody({ view, csv, downloading }: { view: FeedView; csv: () => Promise<void>; downloading: boolean }) {
  const { t } = useTranslation();
  const ct = view.controlTotals;
  return (
    <>
      {Object.keys(view.claimsByStatus).length > 0 && (
        <Descriptions size="small" column={1} style={{ marginBottom: 16 }}>
          <Descriptions.Item label={t('feed.byStatus')}>
            <Space wrap>
              {Object.entries(view.claimsByStatus).map(([s, n]) => (
                <Tag key={s}>
                  {t(`status.${s}`, { defaultValue: s })}: {n}
                </Tag>
              ))}
            </Space>
          </Descriptions.Item>
        </Descriptions>
      )}

      <Typography.Title level={3} style={{ fontSize: 16 }}>
        {t('feed.totals')}
      </Typography.Title>
      <Descriptions bordered size="small" column={{ xs: 1, md: 4 }} style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t('feed.totalRows')}>{ct.rows}</Descriptions.Item>
        <Descriptions.Item label={t('feed.filedRows')}>{ct.filedRows}</Descriptions.Item>
        <Descriptions.Item label={t('feed.totalCost')}>{formatFen(ct.totalCost)}</Descriptions.Item>
        <Descriptions.Item label={t('feed.totalPayout')}>
          <span data-testid="feed-total-payout">{formatFen(ct.totalPayout)}</span>
        </Descriptions.Item>
      </Descriptions>
      <Table
        aria-label={t('feed.byHospital')}
        title={() => t('feed.byHospital')}
        rowKey="hospitalCode"
        size="small"
        pagination={false}
        dataSource={ct.byHospital}
        style={{ marginBottom: 24 }}
        columns={[
          { title: t('feed.hospital'), dataIndex: 'hospitalCode' },
          { title: t('feed.rows'), dataIndex: 'rows', align: 'right' },
          { title: t('feed.totalCost'), dataIndex: 'totalCost', align: 'right', render: (v: Fen) => formatFen(v) },
          { title: t('feed.payout'), dataIndex: 'payout', align: 'right', render: (v: Fen) => formatFen(v) },
        ]}
      />

      <Space style={{ marginBottom: 8 }} wrap>
        <Typography.Title level={3} style={{ fontSize: 16, margin: 0 }}>
          {t('feed.exceptions')}
        </Typography.Title>
        <Button onClick={() => void csv()} loading={downloading}>
          {t('feed.csv')}
        </Button>
      </Space>
      {view.exceptionsTruncated && <Alert type="info" showIcon title={t('feed.truncated')} style={{ marginBottom: 8 }} />}
      <Table<FeedException>
        aria-label={t('feed.exceptions')}
        rowKey="line"
        size="small"
        dataSource={view.exceptions}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: emptyText(t('feed.noExceptions')) }}
        columns={[
          { title: t('feed.line'), dataIndex: 'line', align: 'right', width: 80 },
          {
            title: t('feed.outcome'),
            dataIndex: 'outcome',
            render: (o: Outcome) => <ToneTag tone={OUTCOME_TONE[o]}>{t(`feed.outcome${o}`, { defaultValue: o })}</ToneTag>,
          },
          { title: t('feed.hospital'), dataIndex: 'hospitalCode', render: (v?: string | null) => v ?? '—' },
          { title: t('feed.invoice'), dataIndex: 'invoiceNo', render: (v?: string | null) => v ?? '—' },
          { title: t('feed.idMasked'), dataIndex: 'idMasked', render: (v?: string | null) => <code>{v ?? '—'}</code> },
          {
            title: t('col.claimId'),
            dataIndex: 'claimId',
            render: (id?: string | null) =>
              id ? (
                <Link to={{ name: 'claim', claimId: id }} mono>
                  {id}
                </Link>
              ) : (
                '—'
              ),
          },
          { title: t('feed.totalCost'), dataIndex: 'totalCost', align: 'right', render: (v?: number | null) => formatFen(v) },
          {
            title: t('feed.problems'),
            dataIndex: 'problems',
            render: (p?: string[]) => (p?.length ? p.map((x) => <div key={x}>{x}</div>) : '—'),
          },
        ]}
      />

      <Descriptions title={t('feed.meta')} bordered size="small" column={1} style={{ marginTop: 24 }}>
        <Descriptions.Item label={t('col.scheme')}>{view.schemeId}</Descriptions.Item>
        <Descriptions.Item label={t('feed.sha256')}>
          <code>{view.sha256}</code>
        </Descriptions.Item>
        <Descriptions.Item label={t('feed.bytes')}>{view.bytes}</Descriptions.Item>
        <Descriptions.Item label={t('feed.encoding')}>{view.encoding}</Descriptions.Item>
        <Descriptions.Item label={t('feed.sentBy')}>{view.sentBy}</Descriptions.Item>
        <Descriptions.Item label={t('feed.createdAt')}>{formatTime(view.createdAt)}</Descriptions.Item>
        <Descriptions.Item label={t('feed.completedAt')}>{formatTime(view.completedAt)}</Descriptions.Item>
      </Descriptions>
    </>
  );
}

/** One feed as GET /medical-feeds lists it (no row data). */
interface FeedListItem {
  feedId: string;
  schemeId: string;
  status: 'FILING' | 'DONE';
  rows: number;
  sentBy: string;
  createdAt: string;
  completedAt: string | null;
  encoding: string;
  bytes: number;
  redrives: number;
}

/** Every feed, newest first, from any machine (GET /medical-feeds): by scheme and status, page by page. */
function FeedList({ session }: { session: Session }) {
  const { t } = useTranslation();
  const schemes = useSchemeIds(session.token);
  const [schemeId, setSchemeId] = useState('');
  const [status, setStatus] = useState<'' | 'FILING' | 'DONE'>('');
  const { items, cursor, loading, error, load } = useCursorPages<FeedListItem>(session.token, '/medical-feeds', { schemeId, status });
  return (
    <Card
      title={
        <Typography.Title level={2} style={{ fontSize: 18, margin: 0 }}>
          {t('feed.list')}
        </Typography.Title>
      }
      style={{ marginBottom: 24 }}
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <label>
          {t('col.scheme')}{' '}
          <Select
            aria-label={t('feed.listScheme')}
            style={{ minWidth: 180 }}
            value={schemeId}
            onChange={setSchemeId}
            options={[{ value: '', label: t('inbox.all') }, ...schemes.map((s) => ({ value: s, label: s }))]}
          />
        </label>
        <label>
          {t('feed.status')}{' '}
          <Select
            aria-label={t('feed.listStatus')}
            style={{ minWidth: 140 }}
            value={status}
            onChange={setStatus}
            options={[
              { value: '', label: t('inbox.all') },
              { value: 'FILING', label: t('feed.statusFILING') },
              { value: 'DONE', label: t('feed.statusDONE') },
            ]}
          />
        </label>
        <Button onClick={() => void load(null)}>{t('inbox.reload')}</Button>
      </Space>
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} />}
      <Table<FeedListItem>
        aria-label={t('feed.list')}
        rowKey="feedId"
        size="small"
        dataSource={items}
        pagination={false}
        loading={loading}
        locale={{ emptyText: emptyText(t('feed.listEmpty')) }}
        columns={[
          {
            title: t('feed.feedId'),
            dataIndex: 'feedId',
            render: (id: string) => (
              <Link to={{ name: 'feed', feedId: id }} mono>
                {id}
              </Link>
            ),
          },
          { title: t('col.scheme'), dataIndex: 'schemeId' },
          {
            title: t('feed.status'),
            dataIndex: 'status',
            render: (s: FeedListItem['status']) => <ToneTag tone={s === 'DONE' ? 'green' : 'blue'}>{t(`feed.status${s}`)}</ToneTag>,
          },
          { title: t('feed.rows'), dataIndex: 'rows', align: 'right' },
          { title: t('feed.sentBy'), dataIndex: 'sentBy' },
          { title: t('feed.createdAt'), dataIndex: 'createdAt', render: (v: string) => formatTime(v) },
          { title: t('feed.completedAt'), dataIndex: 'completedAt', render: (v: string | null) => formatTime(v) },
          { title: t('feed.redrives'), dataIndex: 'redrives', align: 'right', render: (n: number) => (n > 0 ? n : '—') },
        ]}
      />
      {cursor && (
        <Button style={{ marginTop: 16 }} loading={loading} onClick={() => void load(cursor)}>
          {t('inbox.more')}
        </Button>
      )}
    </Card>
  );
}

/** Upload a feed (admin), the feeds' list, open one by id, and a feed's live progress and report (admin, auditor). */
export default function Feeds({ session, feedId }: { session: Session; feedId: string | null }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="feeds-title">
      <Typography.Title level={1} id="feeds-title" style={{ fontSize: 22 }}>
        {t('feed.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('feed.intro')}</Typography.Paragraph>
      {feedId ? (
        <FeedReport session={session} feedId={feedId} />
      ) : (
        <>
          {CAN.sendFeed(session.role) && <Upload session={session} />}
          <FeedList session={session} />
          <OpenRecent
            kind="feeds"
            placeholder="MF-…"
            isId={(v) => FEED_ID.test(v)}
            routeOf={(feedId) => ({ name: 'feed', feedId })}
            texts={{
              title: t('feed.open'),
              idLabel: t('feed.feedId'),
              idBad: t('feed.feedIdBad'),
              recent: t('feed.recent'),
              noRecent: t('feed.noRecent'),
              open: t('common.open'),
            }}
          />
        </>
      )}
    </section>
  );
}
