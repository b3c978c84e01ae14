/**
 * How the embedded server's own layers (routing, token check, console files, API reference) answer a problem:
 * the same RFC 9457 body, `type` URI and reader's-language title as the API's handlers (functions/api/http.ts),
 * the language taken from the request's Accept-Language.
 */
import type { ServerResponse } from 'node:http';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { negotiateLang, type Text } from '../core/i18n/index.js';
import { problem } from '../functions/api/http.js';

/**
 * Writes a Lambda-style result (status, headers, body) to the response; a base64 body (`isBase64Encoded`, a
 * download in another encoding than UTF-8) is sent as its bytes, as API Gateway does.
 */
export function sendResult(res: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  res.writeHead(result.statusCode ?? 200, { ...(result.headers as Record<string, string> | undefined) });
  res.end(result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? ''));
}

export function sendProblem(res: ServerResponse, status: number, title: string, detail: Text, headers: Record<string, string> = {}): void {
  sendResult(res, problem(status, title, detail, [], headers, negotiateLang(res.req?.headers['accept-language'])));
}
