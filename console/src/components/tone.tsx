import type { ReactNode } from 'react';
import { Tag } from 'antd';

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
