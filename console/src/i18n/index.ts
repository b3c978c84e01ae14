import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { MESSAGES, type Lang } from './messages';

const STORAGE_KEY = 'fangpin.lang';

/** `?lang=en|zh` forces a language; otherwise the last choice on this browser; otherwise Chinese. */
export function initialLang(): Lang {
  const forced = new URLSearchParams(window.location.search).get('lang');
  if (forced === 'en' || forced === 'zh') return forced;
  const stored = window.localStorage.getItem(STORAGE_KEY);
  return stored === 'en' ? 'en' : 'zh';
}

export function htmlLang(lang: Lang): string {
  return lang === 'zh' ? 'zh-CN' : 'en';
}

/**
 * The language to ask the API for (Accept-Language): the one shown, or, for requests that start before i18next
 * is ready (the case file's early requests), the one it will show.
 */
export function apiLang(): string {
  return htmlLang(i18next.isInitialized ? (i18next.language === 'en' ? 'en' : 'zh') : initialLang());
}

export async function initI18n(): Promise<Lang> {
  const lng = initialLang();
  await i18next.use(initReactI18next).init({
    lng,
    fallbackLng: false,
    resources: { zh: { translation: MESSAGES.zh }, en: { translation: MESSAGES.en } },
    keySeparator: false,
    nsSeparator: false,
    interpolation: { escapeValue: false }, // React escapes
    returnNull: false,
  });
  document.documentElement.lang = htmlLang(lng);
  return lng;
}

export async function switchLang(lang: Lang): Promise<void> {
  window.localStorage.setItem(STORAGE_KEY, lang);
  // A forced ?lang= would win again on reload: drop it once the user chooses.
  const url = new URL(window.location.href);
  if (url.searchParams.has('lang')) {
    url.searchParams.delete('lang');
    window.history.replaceState(window.history.state, '', url);
  }
  document.documentElement.lang = htmlLang(lang);
  await i18next.changeLanguage(lang);
}
