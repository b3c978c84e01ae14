/** 公示异议: an admin records an objection from the public against a claim (POST /claims/{id}/objections). */
import { useRef, useState } from 'react';
import { Alert, App as AntApp, Button, Form, Input, Modal, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { postOnce } from '../api-files';
import type { Session } from '../token';
import { useErrorText } from './errors';

const MAX = 2000;

export function ObjectionButton({ session, claimId, onRecorded }: { session: Session; claimId: string; onRecorded?: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const errorText = useErrorText();
  const [form] = Form.useForm<{ text: string }>();
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // One key per objection: a retry after a lost answer records it once.
  const key = useRef('');

  const submit = async ({ text }: { text: string }) => {
    setBusy(true);
    setError(null);
    try {
      const r = await postOnce<{ outcome: string }>(
        session.token,
        `/claims/${encodeURIComponent(claimId)}/objections`,
        { text: text.trim() },
        key.current,
      );
      setOpen(false);
      void message.success(t(`obj.outcome${r.outcome}`, { defaultValue: t('obj.outcomeRECORDED') }));
      onRecorded?.();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button
        size="small"
        onClick={() => {
          key.current = crypto.randomUUID();
          setError(null);
          setOpen(true);
        }}
      >
        {t('obj.button')}
      </Button>
      <Modal
        open={open}
        title={t('obj.title', { claimId })}
        onCancel={() => setOpen(false)}
        okText={t('obj.submit')}
        cancelText={t('common.cancel')}
        confirmLoading={busy}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">{t('obj.help')}</Typography.Paragraph>
        {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical" onFinish={(v) => void submit(v)}>
          <Form.Item
            label={t('obj.text')}
            name="text"
            rules={[
              {
                validator: async (_, v: string | undefined) => {
                  const s = (v ?? '').trim();
                  if (!s) throw new Error(t('obj.required'));
                  if (s.length > MAX) throw new Error(t('obj.tooLong'));
                },
              },
            ]}
          >
            <Input.TextArea rows={4} maxLength={MAX} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
