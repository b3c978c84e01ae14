/**
 * The Step Functions API (AWS JSON 1.0 protocol) over HTTP for the embedded engine, so `@aws-sdk/client-sfn` and
 * `aws stepfunctions … --endpoint-url` work unchanged: `POST /`, `X-Amz-Target: AWSStepFunctions.<Operation>`,
 * JSON in and out, dates as epoch seconds, errors as 400 `{ __type, message }`. Signatures are not checked
 * (bound to loopback by default).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { SfnError, type LocalSfn } from './engine.js';

const CONTENT_TYPE = 'application/x-amz-json-1.0';
const MAX_BODY = 2 * 1024 * 1024; // SendTaskSuccess output and execution input are capped at 256 KiB by AWS

const str = z.string();
const opt = z.string().optional();
const num = z.number().int().optional();

/** Each operation: its request shape (extra members ignored, as the service does) and the engine call. */
const operations = {
  StartExecution: op(z.object({ stateMachineArn: str, name: opt, input: opt }), (sfn, b) => sfn.startExecution(b)),
  DescribeExecution: op(z.object({ executionArn: str }), (sfn, b) => sfn.describeExecution(b.executionArn)),
  ListExecutions: op(z.object({ stateMachineArn: opt, mapRunArn: opt, statusFilter: opt, maxResults: num, nextToken: opt }), (sfn, b) =>
    sfn.listExecutions(b),
  ),
  ListMapRuns: op(z.object({ executionArn: str, maxResults: num, nextToken: opt }), (sfn, b) => sfn.listMapRuns(b)),
  GetExecutionHistory: op(
    z.object({
      executionArn: str,
      maxResults: num,
      nextToken: opt,
      reverseOrder: z.boolean().optional(),
      includeExecutionData: z.boolean().optional(),
    }),
    (sfn, b) => sfn.getExecutionHistory(b),
  ),
  SendTaskSuccess: op(z.object({ taskToken: str, output: str }), async (sfn, b) => {
    await sfn.sendTaskSuccess(b.taskToken, b.output);
    return {};
  }),
  SendTaskFailure: op(z.object({ taskToken: str, error: opt, cause: opt }), async (sfn, b) => {
    await sfn.sendTaskFailure(b.taskToken, b.error, b.cause);
    return {};
  }),
  ListStateMachines: op(z.object({}), (sfn) => ({ stateMachines: sfn.listStateMachines() })),
  DescribeStateMachine: op(z.object({ stateMachineArn: str }), (sfn, b) => sfn.describeStateMachine(b.stateMachineArn)),
};

function op<S extends z.ZodType>(schema: S, run: (sfn: LocalSfn, body: z.infer<S>) => unknown) {
  return (sfn: LocalSfn, body: unknown) => run(sfn, schema.parse(body));
}

const isOperation = (name: string): name is keyof typeof operations => Object.hasOwn(operations, name);

/** Dates as the JSON protocol carries them: epoch seconds (fractional); undefined members left out. */
function wire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(wire);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = wire(v);
    return out;
  }
  return value;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buf.length;
    if (size > MAX_BODY) throw new SfnError('ValidationException', `request body larger than ${MAX_BODY} bytes`);
    chunks.push(buf);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** An error as the client sees it: API errors by their code; anything else is our fault (500, retried by SDKs). */
function errorReply(err: unknown): { status: number; code: string; message: string } {
  if (err instanceof SfnError) return { status: 400, code: err.name, message: err.message };
  if (err instanceof z.ZodError)
    return { status: 400, code: 'ValidationException', message: err.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; ') };
  if (err instanceof SyntaxError) return { status: 400, code: 'SerializationException', message: 'request body is not valid JSON' };
  return { status: 500, code: 'InternalFailure', message: err instanceof Error ? err.message : String(err) };
}

async function handle(sfn: LocalSfn, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const headers = { 'content-type': CONTENT_TYPE, 'x-amzn-requestid': randomUUID() };
  try {
    const text = await readBody(req);
    const target = req.headers['x-amz-target'];
    const name = typeof target === 'string' && target.startsWith('AWSStepFunctions.') ? target.slice('AWSStepFunctions.'.length) : '';
    if (req.method !== 'POST' || !isOperation(name)) throw new SfnError('UnknownOperationException', `unknown operation: ${String(target)}`);
    const body: unknown = text ? JSON.parse(text) : {};
    await sfn.loaded(); // started with a journal still being read: wait for it rather than answer without it
    const result = await operations[name](sfn, body);
    res.writeHead(200, headers).end(JSON.stringify(wire(result)));
  } catch (err) {
    const { status, code, message } = errorReply(err);
    res.writeHead(status, { ...headers, 'x-amzn-errortype': code }).end(JSON.stringify({ __type: code, message }));
  }
}

export async function startSfnApiServer(
  sfn: LocalSfn,
  opts: { port?: number; host?: string } = {},
): Promise<{ endpoint: string; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => void handle(sfn, req, res));
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the Step Functions API server has no TCP address');
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    endpoint: `http://${urlHost}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
