import { useState } from 'react';
import { App as AntApp, Button, Form, Input, Modal, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api';
import type { Session } from '../token';
import { useErrorText } from './errors';

/**
 * Approve / Reject for one claim (reviewers only: the caller hides it for other roles, the API refuses them
 * anyway). The workflow stores the task token a moment after the claim shows PENDING_REVIEW: a 409 "Not ready"
 * is retried for a few seconds before it is reported.
 */
async function decide(session: Session, claimId: string, decision: 'APPROVE' | 'REJECT', note: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await api(session.token, 'POST', `/claims/${encodeURIComponent(claimId)}/review`, { decision, note });
      return;
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && err.title === 'Not ready' && attempt < 10) {
        await new Promise((r) => setTimeout(r, (err.retryAfter ?? 1) * 500));
        continue;
      }
      throw err;
    }
  }
}

export function ReviewActions({ session, claimId, onDecided }: { session: Session; claimId: string; onDecided: (decision: 'APPROVE' | 'REJECT') => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const errorText = useErrorText();
  const [busy, setBusy] = useState<'APPROVE' | 'REJECT' | null>(null);
  const [rejecting, setRejecting] = useState(false);
  const [form] = Form.useForm<{ note: string }>();

  const run = async (decision: 'APPROVE' | 'REJECT', note: string) => {
    setBusy(decision);
    try {
      await decide(session, claimId, decision, note);
      void message.success(t(decision === 'APPROVE' ? 'action.approved' : 'action.rejected', { id: claimId }));
      setRejecting(false);
      onDecided(decision);
    } catch (err) {
      void message.error(errorText(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      <Space>
        <Button type="primary" size="small" loading={busy === 'APPROVE'} disabled={busy !== null} onClick={() => void run('APPROVE', '')}>
          {t('action.approve')}
        </Button>
        <Button danger size="small" disabled={busy !== null} onClick={() => setRejecting(true)}>
          {t('action.reject')}
        </Button>
      </Space>
      <Modal
        open={rejecting}
        title={`${t('reject.title')} ${claimId}`}
        okText={t('reject.confirm')}
        cancelText={t('common.cancel')}
        okButtonProps={{ danger: true, loading: busy === 'REJECT' }}
        onCancel={() => setRejecting(false)}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" preserve={false} onFinish={({ note }) => void run('REJECT', note.trim())}>
          <Form.Item label={t('reject.note')} name="note" rules={[{ required: true, whitespace: true, message: t('reject.noteRequired') }, { max: 2000 }]}>
            <Input.TextArea rows={3} placeholder={t('reject.notePlaceholder')} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
