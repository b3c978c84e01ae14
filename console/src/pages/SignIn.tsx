import { useState } from 'react';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { consoleConfig } from '../api';
import { signInMethod } from '../config';
import { signIn, signInFailure, type SignInFailure } from '../session';
import { decodeToken, isExpired } from '../token';

/**
 * config.json decides (config.ts signInMethod): on AWS with an identity provider configured, one button that
 * redirects there (authorization code + PKCE, oidc.ts); embedded, the token paste box (the `#token=` link works in
 * both, session.ts).
 */
export default function SignIn() {
  const { t } = useTranslation();
  const config = consoleConfig();
  const failureText = (f: SignInFailure | null): string | null =>
    f === null ? null : f.kind === 'no-role' ? t('auth.noRole') : f.kind === 'expired' ? t('auth.expired') : t('auth.failed', { message: f.message });
  const [error, setError] = useState<string | null>(() => failureText(signInFailure()));
  const [redirecting, setRedirecting] = useState(false);
  const oidc = signInMethod(config) === 'identity-provider' ? config.oidc : null;
  return (
    <Card style={{ maxWidth: 640, margin: '48px auto' }}>
      <Typography.Title level={1} style={{ fontSize: 24 }}>
        {t('signin.title')}
      </Typography.Title>
      {error && <Alert type="error" title={error} showIcon style={{ marginBottom: 16 }} />}
      {oidc ? (
        <>
          <Typography.Paragraph>{t('auth.idpHelp')}</Typography.Paragraph>
          <Button
            type="primary"
            loading={redirecting}
            onClick={() => {
              setRedirecting(true);
              setError(null);
              import('../oidc')
                .then(({ startSignIn }) => startSignIn(oidc))
                .catch((err: unknown) => {
                  setRedirecting(false);
                  setError(t('auth.failed', { message: err instanceof Error ? err.message : String(err) }));
                });
            }}
          >
            {redirecting ? t('auth.redirecting') : t('auth.idp')}
          </Button>
        </>
      ) : (
        <>
          <Typography.Paragraph>{t('signin.help')}</Typography.Paragraph>
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
        </>
      )}
    </Card>
  );
}
