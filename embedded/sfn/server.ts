/**
 * The Step Functions JSON 1.0 API over HTTP for the embedded engine, so `@aws-sdk/client-sfn` in the handlers
 * and `aws stepfunctions … --endpoint-url` work unchanged. Signatures are not checked (loopback only).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalSfn } from './engine.js';

const CONTENT_TYPE = 'application/x-amz-json-1.0';

/** Dates as the JSON protocol carries them: epoch seconds. */
function wire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(wire);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = wire(v);
    return out;
  }
  return value;
}

function str(body: Record<string, unknown>, key: string): string {
  const v = body[key];
  if (typeof v !== 'string') throw Object.assign(new Error(`${key} is required`), { name: 'ValidationException' });
  return v;
}
const opt = (body: Record<string, unknown>, key: string) => (typeof body[key] === 'string' ? (body[key] as string) : undefined);
const num = (body: Record<string, unknown>, key: string) => (typeof body[key] === 'number' ? (body[key] as number) : undefined);

async function dispatch(sfn: LocalSfn, op: string, b: Record<string, unknown>): Promise<unknown> {
  switch (op) {
    case 'StartExecution':
      return sfn.startExecution({ stateMachineArn: str(b, 'stateMachineArn'), name: opt(b, 'name'), input: opt(b, 'input') });
    case 'DescribeExecution':
      return sfn.describeExecution(str(b, 'executionArn'));
    case 'ListExecutions':
      return sfn.listExecutions({ stateMachineArn: str(b, 'stateMachineArn'), statusFilter: opt(b, 'statusFilter'), maxResults: num(b, 'maxResults'), nextToken: opt(b, 'nextToken') });
    case 'GetExecutionHistory':
      return sfn.getExecutionHistory({ executionArn: str(b, 'executionArn'), maxResults: num(b, 'maxResults'), nextToken: opt(b, 'nextToken'), reverseOrder: b.reverseOrder === true });
    case 'SendTaskSuccess':
      await sfn.sendTaskSuccess(str(b, 'taskToken'), str(b, 'output'));
      return {};
    case 'SendTaskFailure':
      await sfn.sendTaskFailure(str(b, 'taskToken'), opt(b, 'error'), opt(b, 'cause'));
      return {};
    case 'ListStateMachines':
      return { stateMachines: sfn.listStateMachines() };
    case 'DescribeStateMachine':
      return sfn.describeStateMachine(str(b, 'stateMachineArn'));
    default:
      throw Object.assign(new Error(`operation ${op} is not supported by the embedded engine`), { name: 'UnknownOperationException' });
  }
}

async function handle(sfn: LocalSfn, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const target = String(req.headers['x-amz-target'] ?? '');
  const op = target.startsWith('AWSStepFunctions.') ? target.slice('AWSStepFunctions.'.length) : '';
  try {
    const text = Buffer.concat(chunks).toString('utf8');
    const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
    const result = await dispatch(sfn, op, body);
    res.writeHead(200, { 'content-type': CONTENT_TYPE });
    res.end(JSON.stringify(wire(result)));
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    const code = e.name === 'SyntaxError' ? 'SerializationException' : e.name === 'Error' ? 'InternalFailure' : e.name;
    res.writeHead(code === 'InternalFailure' ? 500 : 400, { 'content-type': CONTENT_TYPE, 'x-amzn-errortype': code });
    res.end(JSON.stringify({ __type: code, message: e.message }));
  }
}

export async function startSfnApiServer(sfn: LocalSfn, opts: { port?: number; host?: string } = {}): Promise<{ endpoint: string; port: number; close(): Promise<void> }> {
  const server = createServer((req, res) => void handle(sfn, req, res));
  server.keepAliveTimeout = 5000;
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
