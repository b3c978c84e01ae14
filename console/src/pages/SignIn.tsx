import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { signIn } from '../session';
import { decodeToken, isExpired } from '../token';

export default function SignIn() {
  const { t } = useTranslation();
  const [error, setError] = useState<string | null>(null);
  return (
    <Card style={{ maxWidth: 640, margin: '48px auto' }}>
      <Typography.Title level={1} style={{ fontSize: 24 }}>
        {t('signin.title')}
      </Typography.Title>
      <Typography.Paragraph>{t('signin.help')}</Typography.Paragraph>
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} />}
      <Form
        layout="vertical"
        onFinish={({ token }: { token: string }) => {
          const s = decodeToken(token);
          if (!s) return setError(t('signin.invalid'));
          if (isExpired(s, Date.now())) return setError(t('signin.expired'));
          setError(null);
          signIn(s);
        }}
      >
        <Form.Item label={t('signin.token')} name="token" rules={[{ required: true, whitespace: true, message: t('signin.required') }]}>
          <Input.TextArea rows={4} spellCheck={false} autoComplete="off" style={{ fontFamily: 'monospace' }} />
        </Form.Item>
        <Button type="primary" htmlType="submit">
          {t('signin.submit')}
        </Button>
      </Form>
    </Card>
  );
}
