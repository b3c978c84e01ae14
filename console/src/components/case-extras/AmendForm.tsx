import { useState } from 'react';
import { Alert, App as AntApp, Button, Card, Form, Input, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { api, ApiError, type ClaimView } from '../../api';
import { formatTime } from '../../format';
import type { Session } from '../../token';
import { fenToYuanInput, isDate, MAX_FEN, wholeNumber, yuanToFen } from '../../validate';
import { useErrorText } from '../errors';

/**
 * The detail fields that are money (integer fen in core/claim.ts): typed in yuan here and turned into fen exactly.
 * Every other number is a whole number as it is (an accident's disability grade); text fields are identifiers.
 */
const MONEY = new Set([
  'totalCost',
  'basicInsurancePaid',
  'criticalIllnessPaid',
  'medicalAssistancePaid',
  'otherReimbursement',
  'nonCoveredCost',
  'expense',
  'assessedLoss',
  'costPrice',
  'observedPrice',
  'outstandingPrincipal',
  'unpaidInterest',
  'recoveries',
]);
/** Choices (enums and kinds) are part of what was claimed, not something an amendment edits here. */
const FIXED = new Set(['kind', 'payee', 'stage', 'cause', 'damage', 'eventId']);
const DATES = new Set(['admissionDate', 'dischargeDate']);
const MEDICAL_DEDUCTIONS = ['basicInsurancePaid', 'criticalIllnessPaid', 'medicalAssistancePaid', 'otherReimbursement', 'nonCoveredCost'];

type Values = Record<string, string>;
const fieldName = (k: string) => `d.${k}`;

/** A returned claim's amendment (its submitter): the return's reason and note, then details and incident date. */
export default function AmendForm({ session, claim, onAmended }: { session: Session; claim: ClaimView; onAmended: () => void }) {
  const { t } = useTranslation();
  const { message } = AntApp.useApp();
  const errorText = useErrorText();
  const [form] = Form.useForm<Values>();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const editable = Object.entries(claim.details).filter(([k, v]) => !FIXED.has(k) && (typeof v === 'number' || typeof v === 'string'));
  const initial: Values = { incidentDate: claim.incidentDate };
  for (const [k, v] of editable) initial[fieldName(k)] = MONEY.has(k) && typeof v === 'number' ? fenToYuanInput(v) : String(v);
  const ret = claim.returned;

  const submit = async (v: Values) => {
    const details: Record<string, unknown> = { ...claim.details };
    for (const [k] of editable) {
      const typed = String(v[fieldName(k)] ?? '').trim();
      if (MONEY.has(k)) details[k] = Number(yuanToFen(typed));
      else if (typeof claim.details[k] === 'number') details[k] = Number(typed);
      else details[k] = typed;
    }
    const incidentDate = String(v.incidentDate ?? '').trim();
    const changedDetails = JSON.stringify(details) !== JSON.stringify(claim.details);
    const body = { ...(changedDetails ? { details } : {}), ...(incidentDate !== claim.incidentDate ? { incidentDate } : {}) };
    if (Object.keys(body).length === 0) return setError(t('amend.unchanged'));
    setBusy(true);
    setError(null);
    try {
      await api(session.token, 'POST', `/claims/${encodeURIComponent(claim.claimId)}/amend`, body);
      void message.success(t('amend.done'));
      onAmended();
    } catch (err) {
      setError(errorText(err));
      // The API names each bad field (details.totalCost, incidentDate): shown beside it.
      if (err instanceof ApiError) {
        form.setFields(
          err.errors.flatMap((e) => {
            const name = e.path === 'incidentDate' ? 'incidentDate' : e.path.startsWith('details.') ? fieldName(e.path.slice(8)) : null;
            return name && name in initial ? [{ name, errors: [e.message] }] : [];
          }),
        );
      }
    } finally {
      setBusy(false);
    }
  };

  const rule = (k: string) => ({
    validator: async (_: unknown, raw: string | undefined) => {
      const s = String(raw ?? '').trim();
      if (MONEY.has(k)) {
        const fen = yuanToFen(s);
        if (fen === null || BigInt(fen) > BigInt(MAX_FEN)) throw new Error(t('amend.yuanBad'));
      } else if (DATES.has(k)) {
        if (!isDate(s)) throw new Error(t('amend.dateBad'));
      } else if (typeof claim.details[k] === 'number') {
        if (wholeNumber(s, 0, MAX_FEN) === null) throw new Error(t('amend.intBad'));
      } else if (s.length < 1 || s.length > 128) throw new Error(t('amend.textBad'));
    },
  });

  return (
    <Card
      title={
        <Typography.Title level={2} style={{ fontSize: 18, margin: 0 }}>
          {t('amend.title')}
        </Typography.Title>
      }
    >
      {ret && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('amend.returned', {
            reason: ret.reasonCode ? `${t(`reasonCode.${ret.reasonCode}`, { defaultValue: ret.reasonCode })} (${ret.reasonCode})` : '—',
          })}
          description={
            <>
              <div data-testid="return-note">{t('amend.note', { note: ret.note })}</div>
              <div>
                {ret.reviewer} · {formatTime(ret.at)}
              </div>
            </>
          }
        />
      )}
      <Typography.Paragraph type="secondary">{t('amend.help')}</Typography.Paragraph>
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 12 }} />}
      <Form<Values> form={form} layout="vertical" initialValues={initial} onFinish={(v) => void submit(v)} style={{ maxWidth: 720 }}>
        <Form.Item
          label={t('amend.incidentDate')}
          name="incidentDate"
          rules={[
            {
              validator: async (_, v: string | undefined) => {
                if (!isDate(String(v ?? '').trim())) throw new Error(t('amend.dateBad'));
              },
            },
          ]}
        >
          <Input style={{ width: 160 }} placeholder="2024-05-03" />
        </Form.Item>
        {editable.map(([k]) => (
          <Form.Item
            key={k}
            label={`${t(`field.${k}`, { defaultValue: k })}${MONEY.has(k) ? t('amend.yuanSuffix') : ''}`}
            name={fieldName(k)}
            dependencies={k === 'totalCost' ? MEDICAL_DEDUCTIONS.filter((d) => d in claim.details).map(fieldName) : undefined}
            rules={[
              rule(k),
              // The self-pay rule spans fields: reported on the total, as core/claim.ts reports it.
              ...(k === 'totalCost' && claim.product === 'MEDICAL'
                ? [
                    ({ getFieldValue }: { getFieldValue: (n: string) => unknown }) => ({
                      validator: async (_: unknown, raw: string | undefined) => {
                        const total = yuanToFen(String(raw ?? '').trim());
                        if (total === null) return;
                        let rest = 0n;
                        for (const d of MEDICAL_DEDUCTIONS) {
                          if (!(d in claim.details)) continue;
                          const fen = yuanToFen(String(getFieldValue(fieldName(d)) ?? '').trim());
                          if (fen === null) return; // that field reports its own problem
                          rest += BigInt(fen);
                        }
                        if (rest > BigInt(total)) throw new Error(t('amend.selfPayNegative'));
                      },
                    }),
                  ]
                : []),
            ]}
          >
            <Input style={{ width: 240 }} inputMode={MONEY.has(k) ? 'decimal' : undefined} />
          </Form.Item>
        ))}
        <Button type="primary" htmlType="submit" loading={busy}>
          {t('amend.submit')}
        </Button>
      </Form>
    </Card>
  );
}
