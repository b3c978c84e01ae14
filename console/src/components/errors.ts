import i18next from 'i18next';
import { ApiError } from '../api';

/** An error as a sentence in the language shown at the moment it is called. */
function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 401) return i18next.t('error.unauthorized');
    if (err.status === 403) return i18next.t('error.forbidden');
    if (err.status === 404) return i18next.t('error.notFound');
    if (err.status === 409) return i18next.t('error.conflict', { detail: err.detail || err.title });
    return i18next.t('error.generic', { detail: `${err.status} ${err.detail || err.title}` });
  }
  return i18next.t('error.generic', { detail: err instanceof Error ? err.message : String(err) });
}

/**
 * The same function for the page's whole life (i18next's own `t`, which follows the language, not the hook's, which
 * is a new function after each language change): loaders list it among their dependencies without loading again
 * when the reader switches language. An error already shown stays in the language it was shown in.
 */
export function useErrorText(): (err: unknown) => string {
  return errorText;
}
