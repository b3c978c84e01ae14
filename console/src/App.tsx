import { lazy, Suspense, useEffect, useState } from 'react';
import { App as AntApp, Button, ConfigProvider, Layout, Menu, Segmented, Space, Spin, Tag, Typography } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
// Ant Design's component styles prebuilt (they read the theme through CSS variables), with zeroRuntime below: no
// component computes, serialises and inserts its styles in the browser. In a CPU profile of a cold case file that
// runtime (stylis, hashing, <style> insertion) was about 300 ms of some 1,100 ms of main-thread work.
import 'antd/dist/antd.css';
import { useTranslation } from 'react-i18next';
import { setUnauthorizedHandler } from './api';
import { switchLang } from './i18n';
import type { Lang } from './i18n/messages';
import { hrefOf, navigate, useRoute, type Route } from './router';
import { signOut, useSession } from './session';
import { preloadable } from './lazy';
import { CAN } from './token';
import { navigateToScreen, screenFor, screenMenuItems, screenMenuKey } from './screens';

// One chunk per screen: the first load carries the shell and the screen it opens on.
const SignIn = lazy(() => import('./pages/SignIn'));
const Inbox = lazy(() => import('./pages/Inbox'));
/** The case file can be loaded before the first render (main.tsx, when the console opens on one). */
export const caseFileScreen = preloadable(() => import('./pages/CaseFile'));
const CaseFile = caseFileScreen.Component;
const Search = lazy(() => import('./pages/Search'));
const Reports = lazy(() => import('./pages/Reports'));

function Screen({ route }: { route: Route }) {
  const { t } = useTranslation();
  const session = useSession();
  if (!session) return <SignIn />;
  const screen = screenFor(route, session, t);
  if (screen) return screen;
  switch (route.name) {
    case 'inbox':
      return CAN.reviewInbox(session.role) ? <Inbox session={session} /> : <Search session={session} />;
    case 'search':
      return <Search session={session} />;
    case 'reports':
      return <Reports session={session} />;
    case 'claim':
      return <CaseFile key={route.claimId} session={session} claimId={route.claimId} />;
    default:
      return <Typography.Paragraph>{t('error.notFound')}</Typography.Paragraph>;
  }
}

export function App() {
  const { t, i18n } = useTranslation();
  const lang: Lang = i18n.language === 'en' ? 'en' : 'zh';
  const route = useRoute();
  const session = useSession();
  const [, force] = useState(0);
  useEffect(() => setUnauthorizedHandler(() => force((n) => n + 1)), []);
  useEffect(() => {
    document.title = t('app.title');
  }, [t]); // t is a new function after each language change

  const menuItems = [
    ...(session && CAN.readClaims(session.role)
      ? [
          ...(CAN.reviewInbox(session.role) ? [{ key: 'inbox', label: <a href={hrefOf({ name: 'inbox' })}>{t('nav.inbox')}</a> }] : []),
          { key: 'search', label: <a href={hrefOf({ name: 'search' })}>{t('nav.search')}</a> },
          ...(CAN.readAudit(session.role) ? [{ key: 'reports', label: <a href={hrefOf({ name: 'reports' })}>{t('nav.reports')}</a> }] : []),
        ]
      : []),
    ...(session ? screenMenuItems(session.role, t) : []),
  ];
  const selected =
    (session && screenMenuKey(route, session.role)) ?? (route.name === 'inbox' && session && !CAN.reviewInbox(session.role) ? 'search' : route.name);

  const reducedMotion = usePrefersReducedMotion();
  return (
    <ConfigProvider
      locale={lang === 'zh' ? zhCN : enUS}
      // No space inserted between two Chinese characters: a button's accessible name stays 批准, not 批 准.
      button={{ autoInsertSpace: false }}
      // Darker than Ant Design's defaults where those fall short of WCAG AA contrast (4.5:1) on white: links,
      // danger buttons, labels and secondary text.
      theme={{
        zeroRuntime: true, // styles from antd.css above; the tokens below still reach them as CSS variables
        token: {
          colorPrimary: '#0b5cad',
          colorLink: '#0b5cad',
          colorInfo: '#0b5cad',
          colorError: '#c4161c',
          colorSuccess: '#237804',
          colorTextTertiary: 'rgba(0, 0, 0, 0.62)',
          colorTextDescription: 'rgba(0, 0, 0, 0.62)',
          // People who asked their system for less motion get none: dialogs and messages appear at once
          // (WCAG 2.3.3). The browser tests ask for it too, so a click never lands on a dialog still zooming in.
          motion: !reducedMotion,
        },
      }}
    >
      <AntApp>
        <Layout style={{ minHeight: '100vh' }}>
          <Layout.Header
            style={{ display: 'flex', alignItems: 'center', gap: 16, background: '#fff', borderBottom: '1px solid #e5e5e5', paddingInline: 24 }}
          >
            <Typography.Text strong style={{ fontSize: 16, whiteSpace: 'nowrap' }}>
              {t('app.title')}
            </Typography.Text>
            <nav aria-label={t('nav.main')} style={{ flex: 1, minWidth: 0 }}>
              <Menu
                mode="horizontal"
                selectedKeys={[selected]}
                items={menuItems}
                style={{ borderBottom: 'none' }}
                onClick={({ key, domEvent }) => {
                  domEvent.preventDefault();
                  if (!navigateToScreen(key)) navigate(hrefOf({ name: key as 'inbox' | 'search' | 'reports' }));
                }}
              />
            </nav>
            <Space>
              <Segmented<Lang>
                aria-label={t('lang.label')}
                value={lang}
                options={[
                  { label: <span lang="zh-CN">{t('lang.zh')}</span>, value: 'zh' },
                  { label: <span lang="en">{t('lang.en')}</span>, value: 'en' },
                ]}
                onChange={(v) => void switchLang(v)}
              />
              {session && <Tag color="blue">{t('session.as', { role: t(`role.${session.role}`) })}</Tag>}
              {session && (
                <Button
                  onClick={() => {
                    signOut();
                    navigate(hrefOf({ name: 'inbox' }));
                  }}
                >
                  {t('nav.signOut')}
                </Button>
              )}
            </Space>
          </Layout.Header>
          <Layout.Content style={{ padding: 24 }}>
            <main>
              <Suspense fallback={<Spin aria-label={t('common.loading')} />}>
                <Screen route={route} />
              </Suspense>
            </main>
          </Layout.Content>
        </Layout>
      </AntApp>
    </ConfigProvider>
  );
}

/** True while the system setting "reduce motion" is on; follows the setting when it changes. */
function usePrefersReducedMotion(): boolean {
  const query = '(prefers-reduced-motion: reduce)';
  const [reduced, setReduced] = useState(() => window.matchMedia(query).matches);
  useEffect(() => {
    const list = window.matchMedia(query);
    const onChange = () => setReduced(list.matches);
    list.addEventListener('change', onChange);
    return () => list.removeEventListener('change', onChange);
  }, []);
  return reduced;
}
