/**
 * Issue 15's screens (settlements desk, index events, monitoring, registry, a household's chain, attention), the
 * medical feeds, the public notice and audit samples: which
 * role sees which, their menu items, and their lazy chunks. App.tsx asks here first; the API refuses the rest anyway.
 */
import { lazy, type ReactNode } from 'react';
import { Typography } from 'antd';
import type { TFunction } from 'i18next';
import { hrefOf, navigate, type Route, type ScreenRoute } from './router';
import { CAN, type Role, type Session } from './token';

const Desk = lazy(() => import('./pages/Desk'));
const IndexEvents = lazy(() => import('./pages/IndexEvents'));
const IndexEvent = lazy(() => import('./pages/IndexEvent'));
const Monitoring = lazy(() => import('./pages/Monitoring'));
const Registry = lazy(() => import('./pages/Registry'));
const Household = lazy(() => import('./pages/Household'));
const Attention = lazy(() => import('./pages/Attention'));
const Feeds = lazy(() => import('./pages/Feeds'));
const PublicNotice = lazy(() => import('./pages/PublicNotice'));
const AuditSamples = lazy(() => import('./pages/AuditSamples'));

const MAY: Record<ScreenRoute['name'], (r: Role) => boolean> = {
  desk: CAN.settlements,
  indexEvents: CAN.readIndexEvents,
  indexEvent: CAN.readIndexEvents,
  monitoring: CAN.readWarnings,
  registry: CAN.readRegistry,
  household: CAN.readRegistry,
  attention: CAN.readAttention,
  feeds: CAN.readFeeds,
  feed: CAN.readFeeds,
  publicNotice: CAN.readNotice,
  auditSamples: CAN.readSamples,
  auditSample: CAN.readSamples,
};

/** The screen for this route, or null when the route is not one of these (App.tsx handles it). */
export function screenFor(route: Route, session: Session, t: TFunction): ReactNode | null {
  // An insurer reads no claims: its home is the settlements desk.
  const r: Route = route.name === 'inbox' && !CAN.readClaims(session.role) ? { name: 'desk' } : route;
  if (!(r.name in MAY)) return CAN.readClaims(session.role) ? null : <Typography.Paragraph>{t('common.notAllowed')}</Typography.Paragraph>;
  const s = r as ScreenRoute;
  if (!MAY[s.name](session.role)) return <Typography.Paragraph>{t('common.notAllowed')}</Typography.Paragraph>;
  switch (s.name) {
    case 'desk':
      return <Desk session={session} />;
    case 'indexEvents':
      return <IndexEvents session={session} />;
    case 'indexEvent':
      return <IndexEvent key={s.eventId} session={session} eventId={s.eventId} />;
    case 'monitoring':
      return <Monitoring session={session} />;
    case 'registry':
      return <Registry session={session} />;
    case 'household':
      return <Household key={s.householdId} session={session} householdId={s.householdId} />;
    case 'attention':
      return <Attention session={session} />;
    case 'feeds':
      return <Feeds session={session} feedId={null} />;
    case 'feed':
      return <Feeds key={s.feedId} session={session} feedId={s.feedId} />;
    case 'publicNotice':
      return <PublicNotice session={session} />;
    case 'auditSamples':
      return <AuditSamples session={session} sampleId={null} />;
    case 'auditSample':
      return <AuditSamples key={s.sampleId} session={session} sampleId={s.sampleId} />;
  }
}

/**
 * `more`: under one "More" entry, so an admin's menu still fits a 1280-pixel header without Ant Design's overflow
 * ellipsis (whose hidden copies of the links are focusable: an axe violation).
 */
const MENU: { key: ScreenRoute['name']; label: string; may: (r: Role) => boolean; more?: true }[] = [
  { key: 'desk', label: 'nav.desk', may: CAN.settlements },
  { key: 'indexEvents', label: 'nav.indexEvents', may: CAN.readIndexEvents },
  { key: 'monitoring', label: 'nav.monitoring', may: CAN.readWarnings },
  { key: 'registry', label: 'nav.registry', may: CAN.readRegistry },
  { key: 'attention', label: 'nav.attention', may: CAN.readAttention },
  { key: 'feeds', label: 'nav.feeds', may: CAN.readFeeds, more: true },
  { key: 'publicNotice', label: 'nav.publicNotice', may: CAN.readNotice, more: true },
  { key: 'auditSamples', label: 'nav.auditSamples', may: CAN.readSamples, more: true },
];

type MenuItem = { key: string; label: ReactNode; children?: MenuItem[] };

export function screenMenuItems(role: Role, t: TFunction): MenuItem[] {
  const item = (m: (typeof MENU)[number]): MenuItem => ({ key: m.key, label: <a href={hrefOf({ name: m.key } as ScreenRoute)}>{t(m.label)}</a> });
  const mine = MENU.filter((m) => m.may(role));
  const more = mine.filter((m) => m.more).map(item);
  return [...mine.filter((m) => !m.more).map(item), ...(more.length ? [{ key: 'more', label: t('nav.more'), children: more }] : [])];
}

/** The menu key a route belongs to (a detail screen under its list). */
export function screenMenuKey(route: Route, role: Role): string | null {
  if (route.name === 'inbox' && !CAN.readClaims(role)) return 'desk';
  if (route.name === 'indexEvent') return 'indexEvents';
  if (route.name === 'household') return 'registry';
  if (route.name === 'feed') return 'feeds';
  if (route.name === 'auditSample') return 'auditSamples';
  return route.name in MAY ? route.name : null;
}

export function navigateToScreen(key: string): boolean {
  if (!MENU.some((m) => m.key === key)) return false;
  navigate(hrefOf({ name: key } as ScreenRoute));
  return true;
}

/** A link inside the console that navigates without a reload. */
export function Link({ to, children, mono }: { to: Route; children: ReactNode; mono?: boolean }) {
  const href = hrefOf(to);
  return (
    <a
      href={href}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey) return;
        e.preventDefault();
        navigate(href);
      }}
      style={mono ? { fontFamily: 'monospace' } : undefined}
    >
      {children}
    </a>
  );
}
