import { useCallback, useEffect, useState } from 'react';
import { Alert, App as AntApp, Button, Card, Descriptions, Form, Input, Progress, Select, Space, Table, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api';
import { useErrorText } from '../components/errors';
import { OpenRecent } from '../components/OpenRecent';
import { emptyText, ToneTag } from '../components/tone';
import { formatTime } from '../format';
import { formatBp, formatFen } from '../money';
import { useCursorPages } from '../paging';
import { rememberId } from '../recent';
import { useSchemeIds } from '../schemes';
import { hrefOf, navigate } from '../router';
import { Link } from '../screens';
import { CAN, type Session } from '../token';
import { MAX_FEN, periodRules, yuanToFen } from '../validate';

type Finding = 'OK' | 'ISSUE';
interface SampledClaim {
  claimId: string;
  reasons: ('AMOUNT' | 'RANDOM' | 'OBJECTION')[];
  finding: { finding: Finding; note: string; auditor: string; at: string } | null;
}
interface SampleView {
  sampleId: string;
  schemeId: string;
  from: string;
  to: string;
  params: { randomBp: number; minPayout: number; seed: string };
  population: { count: number; digest: string };
  drawnBy: string;
  drawnAt: string;
  claims: SampledClaim[];
  progress: { sampled: number; reviewed: number; ok: number; issues: number; done: boolean };
  audit: { verified: boolean; head: string; records: unknown[] };
}
interface DrawValues {
  schemeId: string;
  from: string;
  to: string;
  randomPct: string;
  minPayout: string;
  seed: string;
}

/** A percentage with at most two decimals as basis points, exactly ("12.5" → 1250); null if not one in 0–100. */
function pctToBp(text: string): number | null {
  const bp = yuanToFen(text); // the same shape: a number with at most two decimals, times 100
  return bp === null || BigInt(bp) > 10_000n ? null : Number(bp);
}

function DrawForm({ session }: { session: Session }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const errorText = useErrorText();
  const [form] = Form.useForm<DrawValues>();
  const [schemes, setSchemes] = useState<string[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void api<{ items: { schemeId: string }[] }>(session.token, 'GET', '/schemes').then(
      ({ items }) => setSchemes(items.map((s) => s.schemeId)),
      (err: unknown) => setError(errorText(err)),
    );
  }, [session.token, errorText]);

  const draw = async (v: DrawValues) => {
    setBusy(true);
    setError(null);
    try {
      const r = await api<{ sampleId: string; repeated: boolean }>(session.token, 'POST', '/audit-samples', {
        schemeId: v.schemeId,
        from: v.from.trim(),
        to: v.to.trim(),
        randomBp: pctToBp(v.randomPct),
        minPayout: Number(yuanToFen(v.minPayout)),
        seed: v.seed.trim(),
      });
      if (r.repeated) void message.info(t('as.repeated'));
      rememberId('samples', r.sampleId);
      navigate(hrefOf({ name: 'auditSample', sampleId: r.sampleId }));
    } catch (err) {
      setError(errorText(err));
      const field: Record<string, keyof DrawValues> = {
        schemeId: 'schemeId',
        from: 'from',
        to: 'to',
        randomBp: 'randomPct',
        minPayout: 'minPayout',
        seed: 'seed',
      };
      if (err instanceof ApiError) form.setFields(err.errors.flatMap((e) => (field[e.path] ? [{ name: field[e.path]!, errors: [e.message] }] : [])));
    } finally {
      setBusy(false);
    }
  };

  const period = periodRules(t);
  if (!schemes) return error ? <Alert type="error" title={error} showIcon /> : null;
  return (
    <Card
      title={
        <Typography.Title level={2} style={{ fontSize: 18, margin: 0 }}>
          {t('as.draw')}
        </Typography.Title>
      }
      style={{ marginBottom: 24 }}
    >
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 12 }} />}
      <Form<DrawValues>
        form={form}
        layout="vertical"
        initialValues={{ schemeId: schemes[0], randomPct: '5', minPayout: '50000', seed: '' }}
        onFinish={(v) => void draw(v)}
      >
        <Space wrap align="start">
          <Form.Item label={t('as.scheme')} name="schemeId">
            <Select aria-label={t('as.scheme')} style={{ width: 180 }} options={schemes.map((s) => ({ value: s, label: s }))} />
          </Form.Item>
          <Form.Item label={t('as.from')} name="from" rules={period.from}>
            <Input style={{ width: 140 }} placeholder="2024-01-01" />
          </Form.Item>
          <Form.Item label={t('as.to')} name="to" dependencies={['from']} rules={period.to}>
            <Input style={{ width: 140 }} placeholder="2024-12-31" />
          </Form.Item>
          <Form.Item
            label={t('as.randomPct')}
            name="randomPct"
            rules={[
              {
                validator: async (_, v: string | undefined) => {
                  if (pctToBp(String(v ?? '').trim()) === null) throw new Error(t('as.pctBad'));
                },
              },
            ]}
          >
            <Input style={{ width: 120 }} inputMode="decimal" />
          </Form.Item>
          <Form.Item
            label={t('as.minPayout')}
            name="minPayout"
            rules={[
              {
                validator: async (_, v: string | undefined) => {
                  const fen = yuanToFen(String(v ?? '').trim());
                  if (fen === null || BigInt(fen) > BigInt(MAX_FEN)) throw new Error(t('as.yuanBad'));
                },
              },
            ]}
          >
            <Input style={{ width: 160 }} inputMode="decimal" />
          </Form.Item>
          <Form.Item
            label={t('as.seed')}
            name="seed"
            rules={[
              {
                validator: async (_, v: string | undefined) => {
                  const s = String(v ?? '').trim();
                  if (s.length < 1 || s.length > 128) throw new Error(t('as.seedBad'));
                },
              },
            ]}
          >
            <Input style={{ width: 200 }} />
          </Form.Item>
        </Space>
        <Button type="primary" htmlType="submit" loading={busy}>
          {t('as.submit')}
        </Button>
      </Form>
    </Card>
  );
}

/** One sampled claim's finding: OK, or ISSUE with a note (auditors). */
function FindingForm({ session, sampleId, claim, onRecorded }: { session: Session; sampleId: string; claim: SampledClaim; onRecorded: () => void }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [finding, setFinding] = useState<Finding>(claim.finding?.finding ?? 'OK');
  const [note, setNote] = useState(claim.finding?.note ?? '');
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const record = async () => {
    if (finding === 'ISSUE' && note.trim() === '') return setProblem(t('as.issueNeedsNote'));
    setBusy(true);
    setProblem(null);
    try {
      await api(session.token, 'POST', `/audit-samples/${encodeURIComponent(sampleId)}/findings`, {
        claimId: claim.claimId,
        finding,
        note: note.trim(),
      });
      onRecorded();
    } catch (err) {
      setProblem(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Space direction="vertical" size={4}>
      <Space wrap>
        <Select<Finding>
          aria-label={t('as.finding')}
          size="small"
          style={{ width: 110 }}
          value={finding}
          onChange={setFinding}
          options={[
            { value: 'OK', label: t('as.findingOK') },
            { value: 'ISSUE', label: t('as.findingISSUE') },
          ]}
        />
        <Input
          size="small"
          aria-label={t('as.noteFor', { claimId: claim.claimId })}
          style={{ width: 220 }}
          value={note}
          maxLength={2000}
          onChange={(e) => setNote(e.target.value)}
        />
        <Button size="small" onClick={() => void record()} loading={busy}>
          {t('as.record')}
        </Button>
      </Space>
      {problem && (
        <Typography.Text role="alert" style={{ color: '#a8071a' }}>
          {problem}
        </Typography.Text>
      )}
    </Space>
  );
}

function SampleReport({ session, sampleId }: { session: Session; sampleId: string }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [view, setView] = useState<SampleView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      const v = await api<SampleView>(session.token, 'GET', `/audit-samples/${encodeURIComponent(sampleId)}`);
      setView(v);
      setError(null);
      rememberId('samples', v.sampleId);
    } catch (err) {
      setError(errorText(err));
    }
  }, [session.token, sampleId, errorText]);
  useEffect(() => {
    void load();
  }, [load]);

  if (!view) return error ? <Alert type="error" title={error} showIcon /> : null;
  const p = view.progress;
  return (
    <section aria-labelledby="as-sample-title">
      <Typography.Title level={2} id="as-sample-title" style={{ fontSize: 20 }}>
        {t('as.sample')} <span style={{ fontFamily: 'monospace', fontSize: 15 }}>{view.sampleId}</span>
      </Typography.Title>
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 12 }} />}
      <Descriptions bordered size="small" column={1} style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t('col.scheme')}>{view.schemeId}</Descriptions.Item>
        <Descriptions.Item label={t('as.params')}>
          {t('as.paramsText', {
            from: view.from,
            to: view.to,
            min: formatFen(view.params.minPayout),
            pct: formatBp(view.params.randomBp),
            seed: view.params.seed,
          })}
        </Descriptions.Item>
        <Descriptions.Item label={t('as.population')}>
          {t('as.populationText', { count: view.population.count, digest: `${view.population.digest.slice(0, 16)}…` })}
        </Descriptions.Item>
        <Descriptions.Item label={t('as.drawnBy')}>
          {view.drawnBy} · {formatTime(view.drawnAt)}
        </Descriptions.Item>
        <Descriptions.Item label={t('as.chain')}>
          <ToneTag tone={view.audit.verified ? 'green' : 'red'} testId="sample-chain">
            {view.audit.verified ? `✓ ${t('as.verified')}` : `✗ ${t('as.notVerified')}`}
          </ToneTag>
        </Descriptions.Item>
        <Descriptions.Item label={t('as.progress')}>
          <Space wrap>
            <Progress
              style={{ width: 200 }}
              percent={p.sampled === 0 ? 100 : Math.floor((p.reviewed * 100) / p.sampled)}
              aria-label={t('as.progress')}
            />
            <span data-testid="sample-progress">{t('as.progressText', p)}</span>
            {p.done && <ToneTag tone="green">{t('as.done')}</ToneTag>}
          </Space>
        </Descriptions.Item>
      </Descriptions>
      <Table<SampledClaim>
        aria-label={t('as.claims')}
        title={() => t('as.claims')}
        rowKey="claimId"
        size="small"
        dataSource={view.claims}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: emptyText(t('as.empty')) }}
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
          { title: t('as.reasons'), dataIndex: 'reasons', render: (r: SampledClaim['reasons']) => r.map((x) => t(`as.reason${x}`)).join('、') },
          {
            title: t('as.finding'),
            key: 'finding',
            render: (_, c) =>
              c.finding ? (
                <span>
                  <ToneTag tone={c.finding.finding === 'OK' ? 'green' : 'orange'}>{t(`as.finding${c.finding.finding}`)}</ToneTag>
                  {c.finding.note} <Typography.Text type="secondary">({c.finding.auditor})</Typography.Text>
                </span>
              ) : (
                '—'
              ),
          },
          ...(CAN.drawSample(session.role)
            ? [
                {
                  title: t('as.record'),
                  key: 'record',
                  render: (_: unknown, c: SampledClaim) => (
                    <FindingForm session={session} sampleId={view.sampleId} claim={c} onRecorded={() => void load()} />
                  ),
                },
              ]
            : []),
        ]}
      />
    </section>
  );
}

/** After-payment audit samples: draw one (auditor), open one by id, record a finding per claim (auditor). */
/** One sample as GET /audit-samples lists it. */
interface SampleListItem {
  sampleId: string;
  schemeId: string;
  from: string;
  to: string;
  drawnBy: string;
  drawnAt: string;
  claimCount: number;
  findingsRecorded: number;
}

/** Every sample, newest first, from any machine (GET /audit-samples): by scheme, page by page, with its findings so far. */
function SampleList({ session }: { session: Session }) {
  const { t } = useTranslation();
  const schemes = useSchemeIds(session.token);
  const [schemeId, setSchemeId] = useState('');
  const { items, cursor, loading, error, load } = useCursorPages<SampleListItem>(session.token, '/audit-samples', { schemeId });
  return (
    <Card
      title={
        <Typography.Title level={2} style={{ fontSize: 18, margin: 0 }}>
          {t('as.list')}
        </Typography.Title>
      }
      style={{ marginBottom: 24 }}
    >
      <Space wrap style={{ marginBottom: 16 }}>
        <label>
          {t('as.scheme')}{' '}
          <Select
            aria-label={t('as.listScheme')}
            style={{ minWidth: 180 }}
            value={schemeId}
            onChange={setSchemeId}
            options={[{ value: '', label: t('inbox.all') }, ...schemes.map((s) => ({ value: s, label: s }))]}
          />
        </label>
        <Button onClick={() => void load(null)}>{t('inbox.reload')}</Button>
      </Space>
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} />}
      <Table<SampleListItem>
        aria-label={t('as.list')}
        rowKey="sampleId"
        size="small"
        dataSource={items}
        pagination={false}
        loading={loading}
        locale={{ emptyText: emptyText(t('as.listEmpty')) }}
        columns={[
          {
            title: t('as.sampleId'),
            dataIndex: 'sampleId',
            render: (id: string) => (
              <Link to={{ name: 'auditSample', sampleId: id }} mono>
                {id}
              </Link>
            ),
          },
          { title: t('as.scheme'), dataIndex: 'schemeId' },
          { title: t('as.period'), render: (_, r) => t('as.periodText', { from: r.from, to: r.to }) },
          { title: t('as.drawnBy'), dataIndex: 'drawnBy' },
          { title: t('as.drawnAt'), dataIndex: 'drawnAt', render: (v: string) => formatTime(v) },
          {
            title: t('as.progress'),
            render: (_, r) => (
              <ToneTag tone={r.findingsRecorded === r.claimCount ? 'green' : 'gold'}>
                {t('as.listProgress', { reviewed: r.findingsRecorded, sampled: r.claimCount })}
              </ToneTag>
            ),
          },
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

export default function AuditSamples({ session, sampleId }: { session: Session; sampleId: string | null }) {
  const { t } = useTranslation();
  return (
    <section aria-labelledby="as-title">
      <Typography.Title level={1} id="as-title" style={{ fontSize: 22 }}>
        {t('as.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('as.intro')}</Typography.Paragraph>
      {sampleId ? (
        <SampleReport session={session} sampleId={sampleId} />
      ) : (
        <>
          {CAN.drawSample(session.role) && <DrawForm session={session} />}
          <SampleList session={session} />
          <OpenRecent
            kind="samples"
            placeholder="AS-…"
            isId={(v) => v !== ''}
            routeOf={(sampleId) => ({ name: 'auditSample', sampleId })}
            texts={{
              title: t('as.open'),
              idLabel: t('as.sampleId'),
              idBad: t('as.sampleIdBad'),
              recent: t('as.recent'),
              noRecent: t('as.noRecent'),
              open: t('common.open'),
            }}
          />
        </>
      )}
    </section>
  );
}
