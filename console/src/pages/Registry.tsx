import { useState } from 'react';
import { Alert, Button, Card, Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api';
import { useErrorText } from '../components/errors';
import { useCursorPages } from '../paging';
import { emptyText } from '../components/tone';
import { formatFen } from '../money';
import { CSV_COLUMNS, FileProblem, locateError, parseRegistryFile, type ParsedFile, type RowError } from '../registry-file';
import { Link } from '../screens';
import { CAN, type Session } from '../token';

export interface HouseholdView {
  householdId: string;
  schemeId: string;
  county: string;
  category: string;
  verifiedYear: number;
  monthlyIncome?: number;
  previousMonthlyIncome?: number;
  exitedOn: string | null;
  members: { personId: string; name?: string; birthDate?: string; idMasked?: string }[];
  enrollment: { products: string[]; start: string; end: string; insured: { area_mu?: number; centiMu?: number; quantity_kg?: number } };
  openWarnings: { warningId: string }[];
  closedWarnings: { warningId: string }[];
}

const BATCH = 1000; // POST /households takes at most 1,000 households a call

export function insuredText(h: HouseholdView, t: (k: string, o?: Record<string, unknown>) => string): string {
  const i = h.enrollment.insured ?? {};
  const parts: string[] = [];
  if (i.centiMu !== undefined) parts.push(t('reg.areaMu', { mu: formatFen(i.centiMu) }));
  else if (i.area_mu !== undefined) parts.push(t('reg.areaMu', { mu: String(i.area_mu) }));
  if (i.quantity_kg !== undefined) parts.push(t('reg.quantityKg', { kg: i.quantity_kg }));
  return parts.join(' · ') || '—';
}

interface Report {
  name: string;
  created: number;
  updated: number;
  errors: RowError[];
}

function Import({ session, onImported }: { session: Session; onImported: () => void }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [busy, setBusy] = useState<string | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const importFile = async (file: File) => {
    setReport(null);
    setProblem(null);
    setBusy(file.name);
    let parsed: ParsedFile;
    try {
      parsed = parseRegistryFile(file.name, await file.text());
    } catch (err) {
      setBusy(null);
      setProblem(err instanceof FileProblem ? t(err.key, err.params) : t('reg.parseFailed', { detail: String(err) }));
      return;
    }
    const out: Report = { name: file.name, created: 0, updated: 0, errors: [] };
    try {
      for (let offset = 0; offset < Math.max(1, parsed.households.length); offset += BATCH) {
        const batch = parsed.households.slice(offset, offset + BATCH);
        try {
          const r = await api<{ created: number; updated: number; errors: { index: number; errors: { path: string; message: string }[] }[] }>(
            session.token,
            'POST',
            '/households',
            batch,
          );
          out.created += r.created;
          out.updated += r.updated;
          for (const e of r.errors) for (const f of e.errors) out.errors.push(locateError(parsed, f.path, f.message, offset));
        } catch (err) {
          // 422: no row of the batch was valid; each offending field is named all the same.
          if (!(err instanceof ApiError) || err.status !== 422 || err.errors.length === 0) throw err;
          for (const f of err.errors) out.errors.push(locateError(parsed, f.path, f.message, offset));
        }
      }
      out.errors.sort((a, b) => (a.at ?? 0) - (b.at ?? 0));
      setReport(out);
      onImported();
    } catch (err) {
      setProblem(errorText(err));
    } finally {
      setBusy(null);
    }
  };

  const bad = report ? new Set(report.errors.map((e) => e.index)).size : 0;
  return (
    <Card
      title={
        <Typography.Title level={2} style={{ fontSize: 18, margin: 0 }}>
          {t('reg.import')}
        </Typography.Title>
      }
      style={{ marginBottom: 24 }}
    >
      <Typography.Paragraph type="secondary">{t('reg.importHelp', { columns: CSV_COLUMNS.join(', ') })}</Typography.Paragraph>
      <Space>
        <label htmlFor="registry-file">{t('reg.file')}</label>
        <input
          id="registry-file"
          type="file"
          accept=".csv,.json,text/csv,application/json"
          disabled={busy !== null}
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) void importFile(f);
          }}
        />
      </Space>
      {busy && <Typography.Paragraph style={{ marginTop: 12 }}>{t('reg.importing', { name: busy })}</Typography.Paragraph>}
      {problem && <Alert type="error" title={problem} showIcon style={{ marginTop: 16 }} />}
      {report && (
        <div data-testid="import-report" style={{ marginTop: 16 }}>
          <Alert
            type={report.errors.length === 0 ? 'success' : report.created + report.updated > 0 ? 'warning' : 'error'}
            showIcon
            title={
              report.created + report.updated > 0
                ? t('reg.result', { name: report.name, created: report.created, updated: report.updated, bad })
                : t('reg.nothing', { name: report.name })
            }
            style={{ marginBottom: 12 }}
          />
          {report.errors.length > 0 && (
            <Table<RowError>
              aria-label={t('reg.errors')}
              size="small"
              rowKey={(e) => `${e.index}:${e.at}:${e.field}:${e.message}`}
              dataSource={report.errors}
              pagination={{ pageSize: 50, hideOnSinglePage: true }}
              columns={[
                {
                  title: t('reg.row'),
                  render: (_, e) => (e.at === null ? '—' : t(/\.json$/i.test(report.name) ? 'reg.rowEntry' : 'reg.rowLine', { n: e.at })),
                },
                { title: t('col.household'), dataIndex: 'householdId', render: (v: string | null) => v ?? '—' },
                { title: t('reg.field'), dataIndex: 'field', render: (v: string) => <code>{v}</code> },
                { title: t('reg.message'), dataIndex: 'message' },
              ]}
            />
          )}
        </div>
      )}
    </Card>
  );
}

/** The registry page by page (masked as the API gives it); admins import a file. */
export default function Registry({ session }: { session: Session }) {
  const { t } = useTranslation();
  const { items, cursor, loading, error, load } = useCursorPages<HouseholdView>(session.token, '/households', {});

  return (
    <section aria-labelledby="reg-title">
      <Typography.Title level={1} id="reg-title" style={{ fontSize: 22 }}>
        {t('reg.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('reg.intro')}</Typography.Paragraph>
      {CAN.importRegistry(session.role) && <Import session={session} onImported={() => void load(null)} />}
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} />}
      <Table<HouseholdView>
        aria-label={t('reg.title')}
        rowKey="householdId"
        dataSource={items}
        pagination={false}
        loading={loading}
        locale={{ emptyText: emptyText(t('reg.empty')) }}
        columns={[
          {
            title: t('col.household'),
            dataIndex: 'householdId',
            render: (id: string) => <Link to={{ name: 'household', householdId: id }}>{id}</Link>,
          },
          { title: t('col.scheme'), dataIndex: 'schemeId' },
          { title: t('mon.county'), dataIndex: 'county' },
          { title: t('reg.category'), dataIndex: 'category' },
          { title: t('reg.verifiedYear'), dataIndex: 'verifiedYear' },
          {
            title: t('reg.members'),
            render: (_, h) => (
              <Space direction="vertical" size={0}>
                {h.members.map((m) => (
                  <span key={m.personId}>
                    {m.personId} <span style={{ fontFamily: 'monospace' }}>{m.idMasked ?? ''}</span>
                  </span>
                ))}
              </Space>
            ),
          },
          {
            title: t('reg.products'),
            render: (_, h) => h.enrollment.products.map((p) => <Tag key={p}>{t(`product.${p}`, { defaultValue: p })}</Tag>),
          },
          { title: t('reg.insured'), render: (_, h) => insuredText(h, t) },
          { title: t('reg.exitedOn'), dataIndex: 'exitedOn', render: (v: string | null) => v ?? '—' },
          { title: t('reg.warnings'), align: 'right', render: (_, h) => h.openWarnings.length },
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
