import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { loadConfig } from './api';
import { initI18n } from './i18n';
import { initSession } from './session';
import { App } from './App';

initSession(); // first: the token leaves the address bar before anything else runs
void Promise.all([initI18n(), loadConfig()]).then(() => {
  const root = document.getElementById('root');
  if (root) {
    createRoot(root).render(
      <StrictMode>
        <App />
      </StrictMode>,
    );
  }
});
