/**
 * The console's entry, kept light (no React DOM, no Ant Design): its body runs as soon as its few small imports
 * have, instead of after the 150–180 ms a cold tab spends evaluating the app's chunks. Opening on a case file (a
 * link from a notification, a reload), it asks at once for that screen's chunks and its API answers, which then
 * travel while the browser evaluates the app (boot.tsx), rather than after.
 */
import { loadConfig } from './api';
import { currentSession, initSession } from './session';
import { currentRoute } from './router';
import { CAN, isExpired } from './token';
import { prefetchCaseFile } from './pages/case-file-data';

initSession(); // first: the token leaves the address bar before anything else runs
const configured = loadConfig();

/** True when the address is a case file this session may read: its chunks and four API answers are asked for now. */
function prefetchForAddress(): boolean {
  const route = currentRoute();
  const session = currentSession();
  if (route.name !== 'claim' || !session || isExpired(session, Date.now()) || !CAN.readClaims(session.role)) return false;
  // Failures are left to the app, which loads them again when it renders the screen.
  void import('./pages/CaseFile').catch(() => undefined);
  if (CAN.readHistory(session.role)) void import('./graph/ExecutionGraph').catch(() => undefined);
  void configured.then(() => prefetchCaseFile(session, route.claimId));
  return true;
}
const openingOnCaseFile = prefetchForAddress();

void import('./boot').then((m) => m.boot(configured, openingOnCaseFile));
