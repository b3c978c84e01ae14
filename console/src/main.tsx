import { startTransition, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { loadConfig } from './api';
import { initI18n } from './i18n';
import { currentSession, initSession, reportSignInFailure } from './session';
import { CALLBACK_ROUTE } from './config';
import { currentRoute } from './router';
import { CAN, isExpired } from './token';
import { prefetchCaseFile } from './pages/case-file-data';
import { App, caseFileScreen } from './App';

initSession(); // first: the token leaves the address bar before anything else runs
const configured = loadConfig();

/**
 * Opening on a case file (a link from a notification, a reload): its chunks and its four API answers are asked
 * for now, side by side, rather than one after the other as the app would reach them (entry → render → case
 * file chunk → requests → graph chunk). The screen takes whatever has arrived when it renders.
 */
function prefetchForAddress(): Promise<void> {
  const route = currentRoute();
  const session = currentSession();
  if (route.name !== 'claim' || !session || isExpired(session, Date.now()) || !CAN.readClaims(session.role)) return Promise.resolve();
  if (CAN.readHistory(session.role)) void import('./graph/ExecutionGraph');
  void configured.then(() => prefetchCaseFile(session, route.claimId));
  // The first render waits for the case file's chunk (it travels beside config.json and the translations), so
  // the screen renders at once instead of suspending; a chunk that fails to load is left to the app to retry.
  return caseFileScreen.preload().catch(() => undefined);
}
const screenReady = prefetchForAddress();

/**
 * Back from the identity provider (/console/callback?code=…&state=…): finish the code exchange before the first
 * render, so the app starts signed in (or on the sign-in page with the reason). oidc-client-ts is loaded only here
 * and when the sign-in page starts a redirect.
 */
async function finishIdpSignIn(): Promise<void> {
  const { oidc } = await configured;
  if (!oidc || window.location.pathname !== `${import.meta.env.BASE_URL}${CALLBACK_ROUTE}`) return;
  const { completeSignIn } = await import('./oidc');
  reportSignInFailure(await completeSignIn(oidc));
}

void Promise.all([initI18n(), finishIdpSignIn(), screenReady]).then(() => {
  const root = document.getElementById('root');
  if (root) {
    // A transition: React renders the first screen in slices and lets the browser answer between them (network
    // responses, the graph worker's start), which a single long task would hold back until it ends.
    startTransition(() =>
      createRoot(root).render(
        <StrictMode>
          <App />
        </StrictMode>,
      ),
    );
  }
});
