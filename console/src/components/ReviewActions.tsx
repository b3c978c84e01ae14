import { useState } from 'react';
import { App as AntApp, Button, Form, Input, Modal, Select, Space } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ApiError } from '../api';
import type { Session } from '../token';
import { useErrorText } from './errors';

export type Decision = 'APPROVE' | 'REJECT' | 'RETURN';
/** The API's reason codes for a rejection or a return (core/review-authority.ts REVIEW_REASON_CODES). */
export const REASON_CODES = ['DOCUMENTS_INCOMPLETE', 'COST_NOT_GENUINE', 'BENEFIT_ELSEWHERE', 'NOT_AS_DECLARED', 'OTHER'] as const;
type ReasonCode = (typeof REASON_CODES)[number];
/** What the decision did: APPROVED, RECOMMENDED (above the reviewer's limit: a final review follows), REVIEW_REJECTED, RETURNED. */
export type ReviewOutcome = 'APPROVED' | 'RECOMMENDED' | 'REVIEW_REJECTED' | 'RETURNED';

/**
 * Approve / Return / Reject for one claim (reviewers only: the caller hides it for other roles, the API refuses them
 * anyway). The workflow stores the task token a moment after the claim shows PENDING_REVIEW: a 409 "Not ready"
 * is retried for a few seconds before it is reported.
 */
async function decide(
  session: Session,
  claimId: string,
  body: { decision: Decision; reasonCode?: ReasonCode; note: string },
): Promise<ReviewOutcome> {
  for (let attempt = 0; ; attempt++) {
    try {
      return (await api<{ outcome: ReviewOutcome }>(session.token, 'POST', `/claims/${encodeURIComponent(claimId)}/review`, body)).outcome;
    } catch (err) {
      if (err instanceof ApiError && err.status === 409 && err.title === 'Not ready' && attempt < 10) {
        await new Promise((r) => setTimeout(r, (err.retryAfter ?? 1) * 500));
        continue;
      }
      throw err;
    }
  }
}

const DONE: Record<ReviewOutcome, string> = {
  APPROVED: 'action.approved',
  RECOMMENDED: 'action.recommended',
  REVIEW_REJECTED: 'action.rejected',
  RETURNED: 'action.returned',
};

export function ReviewActions({ session, claimId, onDecided }: { session: Session; claimId: string; onDecided: (outcome: ReviewOutcome) => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const errorText = useErrorText();
  const [busy, setBusy] = useState<Decision | null>(null);
  // The dialog for a rejection or a return: both need a reason code and a note (the API requires the note, and
  // the code for a return; the console asks for it on a rejection too rather than let the API record OTHER).
  const [asking, setAsking] = useState<'REJECT' | 'RETURN' | null>(null);
  const [form] = Form.useForm<{ reasonCode: ReasonCode; note: string }>();

  const run = async (body: { decision: Decision; reasonCode?: ReasonCode; note: string }) => {
    setBusy(body.decision);
    try {
      const outcome = await decide(session, claimId, body);
      void message.success(t(DONE[outcome], { id: claimId }));
      setAsking(null);
      onDecided(outcome);
    } catch (err) {
      void message.error(errorText(err));
    } finally {
      setBusy(null);
    }
  };

  const kind = asking === 'RETURN' ? 'return' : 'reject';
  return (
    <>
      <Space>
        <Button
          type="primary"
          size="small"
          loading={busy === 'APPROVE'}
          disabled={busy !== null}
          onClick={() => void run({ decision: 'APPROVE', note: '' })}
        >
          {t('action.approve')}
        </Button>
        <Button size="small" disabled={busy !== null} onClick={() => setAsking('RETURN')}>
          {t('action.return')}
        </Button>
        <Button danger size="small" disabled={busy !== null} onClick={() => setAsking('REJECT')}>
          {t('action.reject')}
        </Button>
      </Space>
      <Modal
        open={asking !== null}
        title={`${t(`${kind}.title`)} ${claimId}`}
        okText={t(`${kind}.confirm`)}
        cancelText={t('common.cancel')}
        okButtonProps={{ danger: asking === 'REJECT', loading: busy === asking && busy !== null }}
        onCancel={() => setAsking(null)}
        onOk={() => form.submit()}
        destroyOnHidden
      >
        <Form
          form={form}
          layout="vertical"
          preserve={false}
          onFinish={({ reasonCode, note }) => {
            if (asking) void run({ decision: asking, reasonCode, note: note.trim() });
          }}
        >
          <Form.Item label={t('review.reasonCode')} name="reasonCode" rules={[{ required: true, message: t('review.reasonCodeRequired') }]}>
            <Select<ReasonCode> options={REASON_CODES.map((c) => ({ value: c, label: `${t(`reasonCode.${c}`)} (${c})` }))} />
          </Form.Item>
          <Form.Item
            label={t(`${kind}.note`)}
            name="note"
            rules={[{ required: true, whitespace: true, message: t(`${kind}.noteRequired`) }, { max: 2000 }]}
          >
            <Input.TextArea rows={3} placeholder={t(`${kind}.notePlaceholder`)} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
