import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Card, Space, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../../api';
import { putUpload, sha256Hex } from '../../api-files';
import { formatTime } from '../../format';
import type { Session } from '../../token';
import { useErrorText } from '../errors';
import { ReadTable } from '../ReadTable';
import { ToneTag } from '../tone';

/** What core/evidence.ts accepts: the types and the size bound are the API's. */
const TYPES: Record<string, string> = { 'application/pdf': 'PDF', 'image/jpeg': 'JPEG', 'image/png': 'PNG' };
const MAX_BYTES = 10 * 1024 * 1024;
/** How long to wait for the arrival check after the PUT (embedded it runs right after; on AWS an S3 event). */
const ARRIVAL_TRIES = 20;
const ARRIVAL_MS = 500;

interface Attachment {
  attachmentId: string;
  fileName: string;
  contentType: string;
  size: number;
  sha256: string;
  status: 'PENDING_UPLOAD' | 'VERIFIED' | 'REJECTED';
  uploadedBy: string;
  createdAt: string;
  rejection: string | null;
}

const TONE = { PENDING_UPLOAD: 'blue', VERIFIED: 'green', REJECTED: 'red' } as const;

function sizeText(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MB` : n >= 1024 ? `${Math.ceil(n / 1024)} KB` : `${n} B`;
}

/** The browser's type for a file, or one from its extension when the system gives none. */
function typeOf(file: File): string {
  if (file.type) return file.type;
  const ext = /\.([a-z0-9]+)$/i.exec(file.name)?.[1]?.toLowerCase();
  return ext === 'pdf' ? 'application/pdf' : ext === 'png' ? 'image/png' : ext === 'jpg' || ext === 'jpeg' ? 'image/jpeg' : '';
}

/** A claim's documents: the list, a download per verified file, and an upload for its submitter. */
/** `mayAttach`: the reader is the claim's own submitter (only it may upload; the API refuses anyone else). */
export default function Evidence({ session, claimId, mayAttach }: { session: Session; claimId: string; mayAttach: boolean }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [items, setItems] = useState<Attachment[] | null>(null);
  const [hidden, setHidden] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const path = `/claims/${encodeURIComponent(claimId)}/attachments`;

  const load = useCallback(async (): Promise<Attachment[]> => {
    try {
      const r = await api<{ items: Attachment[] }>(session.token, 'GET', path);
      setItems(r.items);
      return r.items;
    } catch (err) {
      // Admins read documents only of claims they filed: the section says so instead of an error.
      if (err instanceof ApiError && err.status === 403) setHidden(true);
      else setError(errorText(err));
      return [];
    }
  }, [session.token, path, errorText]);

  useEffect(() => {
    void load();
  }, [load]);

  const upload = async (file: File) => {
    setError(null);
    const contentType = typeOf(file);
    if (!TYPES[contentType]) return setError(t('ev.badType'));
    if (file.size === 0) return setError(t('ev.emptyFile'));
    if (file.size > MAX_BYTES) return setError(t('ev.tooBig'));
    try {
      setBusy(t('ev.hashing', { name: file.name }));
      const sha256 = await sha256Hex(file);
      setBusy(t('ev.uploading', { name: file.name }));
      const declared = await api<Attachment & { upload: { url: string; headers: Record<string, string> } }>(session.token, 'POST', path, {
        fileName: file.name,
        contentType,
        sha256,
        size: file.size,
      });
      await putUpload(declared.upload, file);
      setBusy(t('ev.waiting', { name: file.name }));
      // The file is listed once the arrival check has judged it (VERIFIED or REJECTED).
      for (let i = 0; i < ARRIVAL_TRIES; i++) {
        const now = await load();
        if (now.find((a) => a.attachmentId === declared.attachmentId)?.status !== 'PENDING_UPLOAD') break;
        await new Promise((r) => setTimeout(r, ARRIVAL_MS));
      }
    } catch (err) {
      setError(err instanceof ApiError ? errorText(err) : t('ev.uploadFailed', { detail: err instanceof Error ? err.message : String(err) }));
      void load();
    } finally {
      setBusy(null);
    }
  };

  const download = async (a: Attachment) => {
    setError(null);
    try {
      const r = await api<{ download: { url: string } }>(session.token, 'GET', `${path}/${encodeURIComponent(a.attachmentId)}`);
      const link = document.createElement('a');
      link.href = r.download.url;
      link.download = a.fileName;
      document.body.appendChild(link);
      link.click();
      link.remove();
    } catch (err) {
      setError(errorText(err));
    }
  };

  return (
    <Card
      title={
        <Typography.Title level={2} style={{ fontSize: 18, margin: 0 }}>
          {t('ev.title')}
        </Typography.Title>
      }
    >
      <Typography.Paragraph type="secondary">{t('ev.help')}</Typography.Paragraph>
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 12 }} />}
      {hidden ? (
        <Typography.Text type="secondary">{t('ev.notReadable')}</Typography.Text>
      ) : (
        items && (
          <ReadTable<Attachment>
            label={t('ev.title')}
            rowKey={(a) => a.attachmentId}
            rows={items}
            empty={t('ev.empty')}
            columns={[
              { key: 'name', title: t('ev.fileName'), render: (a) => a.fileName },
              { key: 'type', title: t('ev.type'), render: (a) => TYPES[a.contentType] ?? a.contentType },
              { key: 'size', title: t('ev.size'), align: 'right', render: (a) => sizeText(a.size) },
              {
                key: 'status',
                title: t('ev.status'),
                render: (a) => (
                  <ToneTag tone={TONE[a.status]}>
                    {t(`ev.status${a.status}`)}
                    {a.rejection ? `: ${t(`ev.rejection${a.rejection}`, { defaultValue: a.rejection })}` : ''}
                  </ToneTag>
                ),
              },
              { key: 'by', title: t('ev.uploadedBy'), render: (a) => a.uploadedBy },
              { key: 'at', title: t('ev.at'), render: (a) => formatTime(a.createdAt) },
              {
                key: 'sha',
                title: 'SHA-256',
                render: (a) => <code title={a.sha256}>{a.sha256.slice(0, 12)}…</code>,
              },
              {
                key: 'download',
                title: t('ev.download'),
                render: (a) =>
                  a.status === 'VERIFIED' ? (
                    <Button size="small" type="link" aria-label={t('ev.downloadName', { name: a.fileName })} onClick={() => void download(a)}>
                      {t('ev.download')}
                    </Button>
                  ) : (
                    '—'
                  ),
              },
            ]}
          />
        )
      )}
      {mayAttach && (
        <Space style={{ marginTop: 12 }} wrap>
          <label htmlFor="evidence-file">{t('ev.file')}</label>
          <input
            id="evidence-file"
            type="file"
            accept=".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
            disabled={busy !== null}
            onChange={(e) => {
              const f = e.target.files?.[0];
              e.target.value = '';
              if (f) void upload(f);
            }}
          />
          {busy && <Typography.Text data-testid="evidence-busy">{busy}</Typography.Text>}
        </Space>
      )}
    </Card>
  );
}
