/**
 * The app itself: React DOM, Ant Design, the translations, the first render. main.tsx loads it with a dynamic
 * import once it has started what the address needs (vite.config.ts preloads these chunks from index.html, so
 * they download from the first moment as before).
 */
import { startTransition, StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import type { ConsoleConfig } from './config';
import { initI18n } from './i18n';
import { reportSignInFailure } from './session';
import { CALLBACK_ROUTE } from './config';
import { currentRoute } from './router';
import { App, caseFileScreen } from './App';

/**
 * Back from the identity provider (/console/callback?code=…&state=…): finish the code exchange before the first
 * render, so the app starts signed in (or on the sign-in page with the reason). oidc-client-ts is loaded only here
 * and when the sign-in page starts a redirect.
 */
async function finishIdpSignIn(configured: Promise<ConsoleConfig>): Promise<void> {
  const { oidc } = await configured;
  if (!oidc || window.location.pathname !== `${import.meta.env.BASE_URL}${CALLBACK_ROUTE}`) return;
  const { completeSignIn } = await import('./oidc');
  reportSignInFailure(await completeSignIn(oidc));
}

/**
 * Renders the app once the translations, a sign-in coming back and (on a case-file address main.tsx prefetched)
 * the case file's chunk are ready: its chunk travels beside config.json and the translations, so the screen
 * renders at once instead of suspending; a chunk that fails to load is left to the app to retry.
 */
export async function boot(configured: Promise<ConsoleConfig>, openingOnCaseFile: boolean): Promise<void> {
  const screenReady = openingOnCaseFile && currentRoute().name === 'claim' ? caseFileScreen.preload().catch(() => undefined) : undefined;
  await Promise.all([initI18n(), finishIdpSignIn(configured), screenReady]);
  const root = document.getElementById('root');
  if (!root) return;
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
