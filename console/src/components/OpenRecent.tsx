/**
 * Open a medical feed or an audit sample by its id, or one this browser opened lately: the API lists neither, so
 * the screens that show them (Feeds, AuditSamples) share this card.
 */
import { useState } from 'react';
import { Button, Card, Input, Space, Typography } from 'antd';
import { recentIds } from '../recent';
import { hrefOf, navigate, type Route } from '../router';
import { Link } from '../screens';

interface Texts {
  readonly title: string;
  readonly idLabel: string;
  readonly idBad: string;
  readonly recent: string;
  readonly noRecent: string;
  readonly open: string;
}

export function OpenRecent({
  kind,
  placeholder,
  isId,
  routeOf,
  texts,
}: {
  kind: 'feeds' | 'samples';
  placeholder: string;
  /** What the input must look like before it is opened. */
  isId: (id: string) => boolean;
  routeOf: (id: string) => Route;
  texts: Texts;
}) {
  const [id, setId] = useState('');
  const [bad, setBad] = useState(false);
  const recent = recentIds(kind);
  const open = () => {
    const v = id.trim();
    if (!isId(v)) return setBad(true);
    navigate(hrefOf(routeOf(v)));
  };
  return (
    <Card
      title={
        <Typography.Title level={2} style={{ fontSize: 18, margin: 0 }}>
          {texts.title}
        </Typography.Title>
      }
      style={{ marginBottom: 24 }}
    >
      <Space.Compact style={{ maxWidth: 560, width: '100%' }}>
        <Input
          aria-label={texts.idLabel}
          placeholder={placeholder}
          value={id}
          status={bad ? 'error' : undefined}
          aria-invalid={bad}
          onChange={(e) => {
            setId(e.target.value);
            setBad(false);
          }}
          onPressEnter={open}
        />
        <Button type="primary" onClick={open}>
          {texts.open}
        </Button>
      </Space.Compact>
      {bad && (
        <Typography.Paragraph type="danger" role="alert" style={{ marginTop: 8, color: '#a8071a' }}>
          {texts.idBad}
        </Typography.Paragraph>
      )}
      <Typography.Title level={3} style={{ fontSize: 16, marginTop: 16 }}>
        {texts.recent}
      </Typography.Title>
      {recent.length === 0 ? (
        <Typography.Text type="secondary">{texts.noRecent}</Typography.Text>
      ) : (
        <ul>
          {recent.map((r) => (
            <li key={r}>
              <Link to={routeOf(r)} mono>
                {r}
              </Link>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
