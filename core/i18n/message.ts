/**
 * A sentence for people, kept as its key and its figures rather than as text: the store holds the message,
 * and each reader gets it rendered in their own language (core/i18n/render.ts). Both languages therefore say
 * the same numbers, and a claim decided today reads correctly in a language added tomorrow.
 *
 * Values are what the sentence shows: amounts in fen (rendered as 元/yuan with two decimals by the `yuan`
 * format), rates in basis points (`pct` format), codes (rendered through the `term` format), plain numbers.
 * Amounts past 2^53 travel as decimal strings.
 */
export interface Message {
  readonly key: string;
  readonly values?: Readonly<Record<string, string | number>>;
}

/** The languages fangpin speaks. zh-CN is the default: its readers are county offices, insurers and households in China. */
export const LANGS = ['zh-CN', 'en'] as const;
export type Lang = (typeof LANGS)[number];
export const DEFAULT_LANG: Lang = 'zh-CN';

export function message(key: string, values?: Message['values']): Message {
  return values === undefined ? { key } : { key, values };
}

export function isMessage(v: unknown): v is Message {
  return typeof v === 'object' && v !== null && typeof (v as { key?: unknown }).key === 'string';
}

/**
 * The reader's language from an Accept-Language header (RFC 9110 §12.5.4): the supported language with the
 * highest q, first listed on a tie; zh-CN when nothing matches. `en-US` matches en; `zh`, `zh-Hans` and
 * `zh-CN` match zh-CN.
 */
export function negotiateLang(header: string | undefined | null): Lang {
  if (!header) return DEFAULT_LANG;
  let best: Lang | null = null;
  let bestQ = 0;
  for (const part of header.split(',')) {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    if (!Number.isFinite(q) || q <= bestQ) continue;
    const lang: Lang | null = tag === 'en' || tag.startsWith('en-') ? 'en' : tag === 'zh' || tag.startsWith('zh-') ? 'zh-CN' : null;
    if (lang) {
      best = lang;
      bestQ = q;
    }
  }
  return best ?? DEFAULT_LANG;
}

/**
 * A sentence as a call site writes it: plain English (`'unknown scheme'`), or an English template with its
 * figures (`text('no claim {{claimId}}', { claimId })`), or both languages already made (zod's own messages,
 * see functions/api/http.ts). English is the key: the Chinese lives in core/i18n/texts.ts, so the code reads as
 * before and a sentence without a translation still says something (in English). test/core/texts.test.ts finds
 * every sentence the API writes and proves it has its Chinese.
 */
export type Text = string | Message | Readonly<Record<Lang, string>>;

/** An English sentence template with its figures, looked up as `text.<template>`. */
export function text(template: string, values?: Message['values']): Message {
  return message(`text.${template}`, values);
}
