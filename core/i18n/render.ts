/**
 * Renders stored messages (core/i18n/message.ts) in the reader's language with i18next: one instance, made
 * once, synchronous (the catalogue is in memory), with the domain's formats.
 */
import i18next, { type i18n } from 'i18next';
import { formatYuan } from '../money.js';
import { CATALOGUE } from './catalogue.js';
import { DEFAULT_LANG, isMessage, LANGS, type Lang, type Message, type Text } from './message.js';

/** A fen amount as 9,600.00; amounts past 2^53 arrive as decimal strings. */
function yuan(value: unknown): string {
  if (typeof value === 'number' && Number.isInteger(value)) return formatYuan(value);
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return formatYuan(BigInt(value));
  return String(value);
}

/** Basis points as a percentage: 8000 → 80%, 1250 → 12.5%. */
function pct(value: unknown): string {
  return typeof value === 'number' ? `${value / 100}%` : String(value);
}

let instance: i18n | undefined;

function translator(): i18n {
  if (instance) return instance;
  const t = i18next.createInstance();
  void t.init({
    resources: { 'zh-CN': { translation: CATALOGUE['zh-CN'] }, en: { translation: CATALOGUE.en } },
    lng: DEFAULT_LANG,
    fallbackLng: DEFAULT_LANG,
    initAsync: false,
    // Keys contain dots as namespaces of words, not nested objects.
    keySeparator: false,
    nsSeparator: false,
    // Rendered into JSON and CSV, never into HTML: no escaping (the console escapes as React does).
    interpolation: { escapeValue: false },
  });
  t.services.formatter?.add('yuan', yuan);
  t.services.formatter?.add('pct', pct);
  for (const table of ['stage', 'cause', 'damage']) {
    t.services.formatter?.add(table, (value: unknown, lng: string | undefined) =>
      String(value)
        .split(', ')
        .map((code) => t.t(`term.${table}.${code}`, { lng, defaultValue: code }))
        .join(lng === 'en' ? ', ' : '、'),
    );
  }
  instance = t;
  return t;
}

/** `m` in `lang`; a key the catalogue lacks renders as `fallback` (by default the key itself). */
export function render(m: Message, lang: Lang, fallback?: string): string {
  return translator().t(m.key, { ...m.values, lng: lang, ...(fallback === undefined ? {} : { defaultValue: fallback }) });
}

/**
 * What a stored sentence says in `lang`. Claims decided before messages were stored hold English text: that
 * is shown as it is.
 */
export function renderText(stored: unknown, lang: Lang): string {
  if (isMessage(stored)) return render(stored, lang);
  return typeof stored === 'string' ? stored : '';
}

/** A call site's sentence (core/i18n/message.ts `Text`) in `lang`; one without a translation stays in English. */
export function say(t: Text, lang: Lang): string {
  if (typeof t === 'string') return render({ key: `text.${t}` }, lang, t);
  if (isMessage(t)) return render(t, lang, t.key.startsWith('text.') ? t.key.slice('text.'.length) : undefined);
  return t[lang] ?? t[LANGS[0]];
}
