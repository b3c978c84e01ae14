import { useTranslation } from 'react-i18next';
import { ApiError } from '../api';

export function useErrorText(): (err: unknown) => string {
  const { t } = useTranslation();
  return (err) => {
    if (err instanceof ApiError) {
      if (err.status === 401) return t('error.unauthorized');
      if (err.status === 403) return t('error.forbidden');
      if (err.status === 404) return t('error.notFound');
      if (err.status === 409) return t('error.conflict', { detail: err.detail || err.title });
      return t('error.generic', { detail: `${err.status} ${err.detail || err.title}` });
    }
    return t('error.generic', { detail: err instanceof Error ? err.message : String(err) });
  };
}
