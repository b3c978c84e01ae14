import { useCallback, useEffect, useRef, useState } from 'react';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api } from '../../api';
import { postOnce } from '../../api-files';
import { formatTime } from '../../format';
import type { Session } from '../../token';
import { useErrorText } from '../errors';

interface Note {
  noteId: string;
  text: string;
  author: string;
  role: string;
  at: string;
}

const MAX = 4000;

/** The claim's notes thread (reviewers, auditors, admins): read, and add one; each is an audit record. */
export default function Notes({ session, claimId }: { session: Session; claimId: string }) {
  const { t } = useTranslation();
  const errorText = useErrorText();
  const [form] = Form.useForm<{ text: string }>();
  const [notes, setNotes] = useState<Note[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // One key per note being written: a retry after a lost answer records it once; a new note gets a new key.
  const key = useRef(crypto.randomUUID());
  const path = `/claims/${encodeURIComponent(claimId)}/notes`;

  const load = useCallback(async () => {
    try {
      setNotes((await api<{ items: Note[] }>(session.token, 'GET', path)).items);
    } catch (err) {
      setError(errorText(err));
    }
  }, [session.token, path, errorText]);

  useEffect(() => {
    void load();
  }, [load]);

  const add = async ({ text }: { text: string }) => {
    setBusy(true);
    setError(null);
    try {
      const note = await postOnce<Note>(session.token, path, { text: text.trim() }, key.current);
      key.current = crypto.randomUUID();
      form.resetFields();
      setNotes((n) => [...(n ?? []).filter((x) => x.noteId !== note.noteId), note]);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card
      title={
        <Typography.Title level={2} style={{ fontSize: 18, margin: 0 }}>
          {t('notes.title')}
        </Typography.Title>
      }
    >
      <Typography.Paragraph type="secondary">{t('notes.help')}</Typography.Paragraph>
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 12 }} />}
      {notes &&
        (notes.length === 0 ? (
          <Typography.Paragraph type="secondary">{t('notes.empty')}</Typography.Paragraph>
        ) : (
          <ol aria-label={t('notes.title')} data-testid="notes" style={{ paddingLeft: 20 }}>
            {notes.map((n) => (
              <li key={n.noteId} style={{ marginBottom: 12 }}>
                <div>
                  <Typography.Text strong>{t('notes.by', { author: n.author, role: t(`role.${n.role}`, { defaultValue: n.role }) })}</Typography.Text>{' '}
                  <Typography.Text type="secondary">{formatTime(n.at)}</Typography.Text>
                </div>
                <div style={{ whiteSpace: 'pre-wrap' }}>{n.text}</div>
              </li>
            ))}
          </ol>
        ))}
      <Form form={form} layout="vertical" onFinish={(v) => void add(v)} style={{ maxWidth: 720 }}>
        <Form.Item
          label={t('notes.text')}
          name="text"
          rules={[
            {
              validator: async (_, v: string | undefined) => {
                const s = (v ?? '').trim();
                if (!s) throw new Error(t('notes.required'));
                if (s.length > MAX) throw new Error(t('notes.tooLong'));
              },
            },
          ]}
        >
          <Input.TextArea rows={3} maxLength={MAX} />
        </Form.Item>
        <Button htmlType="submit" loading={busy}>
          {t('notes.add')}
        </Button>
      </Form>
    </Card>
  );
}
