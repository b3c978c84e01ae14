import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { loadConfig } from './api';
import { initI18n } from './i18n';
import { initSession, reportSignInFailure } from './session';
import { CALLBACK_ROUTE } from './config';
import { App } from './App';

initSession(); // first: the token leaves the address bar before anything else runs
/**
 * Back from the identity provider (/console/callback?code=…&state=…): finish the code exchange before the first
 * render, so the app starts signed in (or on the sign-in page with the reason). oidc-client-ts is loaded only here
 * and when the sign-in page starts a redirect.
 */
async function finishIdpSignIn(): Promise<void> {
  const { oidc } = await loadConfig();
  if (!oidc || window.location.pathname !== `${import.meta.env.BASE_URL}${CALLBACK_ROUTE}`) return;
  const { completeSignIn } = await import('./oidc');
  reportSignInFailure(await completeSignIn(oidc));
}

void Promise.all([initI18n(), finishIdpSignIn()]).then(() => {
  const root = document.getElementById('root');
  if (root) {
    createRoot(root).render(
      <StrictMode>
        <App />
      </StrictMode>,
    );
  }
});
