/**
 * CSV downloads for a Chinese Excel, which opens a file in the system code page (GB18030 on Chinese Windows)
 * unless it starts with a UTF-8 byte-order mark: UTF-8 with the BOM by default, or GB18030 bytes when asked
 * (`encoding=gb18030`). Column names are the caller's, already in the reader's language.
 */
import * as z from 'zod';
import { encodeGb18030 } from '#core/gb18030.js';
import type { Lang } from '#core/i18n/index.js';
import { languageHeaders, type ApiResult } from './http.js';

export const CsvEncoding = z.enum(['utf-8', 'gb18030']).default('utf-8');
export type CsvEncoding = z.infer<typeof CsvEncoding>;

export function csvAnswer(text: string, o: { filename: string; lang: Lang; encoding: CsvEncoding }): ApiResult {
  const headers = { 'content-disposition': `attachment; filename="${o.filename}"`, ...languageHeaders(o.lang) };
  if (o.encoding === 'gb18030') {
    return {
      statusCode: 200,
      headers: { 'content-type': 'text/csv; charset=gb18030', ...headers },
      body: Buffer.from(encodeGb18030(text)).toString('base64'),
      isBase64Encoded: true,
    };
  }
  return { statusCode: 200, headers: { 'content-type': 'text/csv; charset=utf-8', ...headers }, body: `\uFEFF${text}` };
}
