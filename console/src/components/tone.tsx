import type { ReactNode } from 'react';
import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';

/**
 * Ant Design's preset tag colours put light text on a light background (below WCAG AA 4.5:1); these keep the
 * preset's background and border and darken the text, as the case file's audit badge does.
 */
const TEXT: Record<string, string> = { green: '#135200', red: '#820014', gold: '#613400', orange: '#612500', blue: '#002c8c' };
export type Tone = keyof typeof TEXT | undefined;

export function ToneTag({ tone, children, testId }: { tone: Tone; children: ReactNode; testId?: string }) {
  return (
    <Tag color={tone} style={tone ? { color: TEXT[tone] } : undefined} data-testid={testId}>
      {children}
    </Tag>
  );
}

/** A table's empty text in a colour that passes contrast (the default placeholder's is too light). */
export function emptyText(text: string): ReactNode {
  return <span style={{ color: 'rgba(0, 0, 0, 0.62)' }}>{text}</span>;
}

/** A settlement's states as the API names them (GET /settlements?status=, GET /claims/{id}). */
export const SETTLEMENT_STATUSES = ['PENDING', 'CONFIRMED', 'WITHDRAWN'] as const;
export type SettlementStatus = (typeof SETTLEMENT_STATUSES)[number];
const SETTLEMENT_TONE: Record<SettlementStatus, Tone> = { PENDING: 'gold', CONFIRMED: 'green', WITHDRAWN: undefined };

/** A settlement's state as a tag, in the reader's language: to confirm (gold), confirmed (green), withdrawn (plain). */
export function SettlementTag({ status }: { status: string }) {
  const { t } = useTranslation();
  const known = (SETTLEMENT_STATUSES as readonly string[]).includes(status);
  return <ToneTag tone={known ? SETTLEMENT_TONE[status as SettlementStatus] : undefined}>{known ? t(`settlement.${status}`) : status}</ToneTag>;
}
