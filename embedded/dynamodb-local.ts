/**
 * DynamoDB Local (AWS's own emulator: transactions and conditional writes behave as on AWS), started and
 * stopped by the project as a child process. In memory for tests, or on disk under a data directory.
 *
 * The jar is fetched once by scripts/install-dynamodb-local.mjs. When that script could build its small
 * launcher (needs javac), the server listens on 127.0.0.1 only and exits by itself when this process dies
 * (its stdin closes). Otherwise the plain jar runs, which listens on all interfaces. Telemetry is off
 * either way (-disableTelemetry and DDB_LOCAL_TELEMETRY=0; the latter is what stops its network lookup).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, ListTablesCommand, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { LAUNCHER_CLASS, dynamoDbLocalDir, dynamoDbLocalInstalled, dynamoDbLocalPaths } from '../scripts/install-dynamodb-local.mjs';
import { embeddedSetting } from './config.js';
import { prepareWalDatabase, type WalOutcome } from './sqlite-wal.js';

export interface DynamoDbLocalOptions {
  /** Directory for the database file (created if missing); undefined → in memory. */
  readonly dataDir?: string | undefined;
  /** 0 or undefined → a free port */
  readonly port?: number;
  readonly log?: (line: string) => void;
}

export interface DynamoDbLocal {
  readonly endpoint: string;
  readonly port: number;
  /**
   * Whether the launcher keeps table descriptions parsed (embedded/dynamodb-local-launcher/TableDescriptionCache.java):
   * `cached`, `off` (FANGPIN_DYNAMODB_DESCRIPTION_CACHE=0), or why not (no launcher, another DynamoDB Local).
   */
  readonly descriptionCache: string;
  stop(): Promise<void>;
}

export function localDynamoClientConfig(endpoint: string): DynamoDBClientConfig {
  return { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' }, maxAttempts: 3 };
}

const INSTALL_SCRIPT = fileURLToPath(new URL('../scripts/install-dynamodb-local.mjs', import.meta.url));
const STOP_GRACE_MS = 3_000;
const OUTPUT_TAIL = 4_000;

/** Runs the install script in a child process (so a first-time download does not block this event loop). */
async function ensureInstalled(): Promise<string> {
  const home = dynamoDbLocalDir();
  if (dynamoDbLocalInstalled(home)) return home;
  const installer = spawn(process.execPath, [INSTALL_SCRIPT], { stdio: ['ignore', 'inherit', 'pipe'] });
  let tail = '';
  installer.stderr?.on('data', (b: Buffer) => {
    process.stderr.write(b);
    tail = (tail + b.toString('utf8')).slice(-OUTPUT_TAIL);
  });
  const code = await new Promise<number | null>((done, fail) => {
    installer.once('error', fail);
    installer.once('close', (c) => done(c));
  });
  if (code !== 0 || !existsSync(dynamoDbLocalPaths(home).jar)) {
    throw new Error(`installing DynamoDB Local failed (${INSTALL_SCRIPT} exited with ${code}):\n${tail.trim()}`);
  }
  return home;
}

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => (port ? done(port) : fail(new Error('could not pick a free port'))));
    });
  });
}

function heapSize(): string {
  return embeddedSetting('FANGPIN_DYNAMODB_XMX');
}

// ---- never leave a java child behind ----------------------------------------------------------------------
const children = new Set<ChildProcess>();
const SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
function killAll(): void {
  for (const c of children) c.kill('SIGKILL');
}
function onSignal(signal: NodeJS.Signals): void {
  // Someone else handles this signal (a graceful shutdown that will call stop() or exit): leave it to them.
  if (process.listenerCount(signal) > 1) return;
  // We are the only listener, so without us the process would have died: do that, after killing the children.
  killAll();
  for (const s of SIGNALS) process.removeListener(s, onSignal);
  process.kill(process.pid, signal);
}
function track(child: ChildProcess): void {
  if (children.size === 0) for (const s of SIGNALS) process.on(s, onSignal);
  children.add(child);
  child.once('exit', () => {
    children.delete(child);
    if (children.size === 0) for (const s of SIGNALS) process.removeListener(s, onSignal);
  });
}
// 'exit' handlers must be synchronous: kill() is.
process.once('exit', killAll);

interface Launched {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  readonly output: () => string;
  readonly hasExited: () => boolean;
}

/** Extra JVM options for DynamoDB Local (FANGPIN_DYNAMODB_JAVA_OPTS, space-separated), e.g. for GC experiments. */
function javaOptions(): string[] {
  return embeddedSetting('FANGPIN_DYNAMODB_JAVA_OPTS');
}

function launch(home: string, port: number, dataDir: string | undefined, loopback: boolean): Launched {
  const { jar, lib, launcherDir } = dynamoDbLocalPaths(home);
  const main = loopback ? ['-cp', [launcherDir, jar].join(delimiter), LAUNCHER_CLASS] : ['-jar', jar];
  const child = spawn(
    'java',
    [
      `-Xmx${heapSize()}`,
      `-Dfangpin.descriptionCache=${embeddedSetting('FANGPIN_DYNAMODB_DESCRIPTION_CACHE') ? '1' : '0'}`,
      ...javaOptions(),
      `-Djava.library.path=${lib}`,
      ...main,
      ...(dataDir ? ['-dbPath', dataDir] : ['-inMemory']),
      // One database for every access key and region, so any local client sees the same tables.
      '-sharedDb',
      '-disableTelemetry',
      '-port',
      String(port),
    ],
    {
      cwd: home,
      // stdin stays open: the loopback launcher exits when it closes, i.e. when this process is gone.
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: false,
      env: { ...process.env, DDB_LOCAL_TELEMETRY: '0' },
    },
  );
  track(child);
  let output = '';
  const keep = (b: Buffer) => {
    output = (output + b.toString('utf8')).slice(-OUTPUT_TAIL);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.stdin?.on('error', () => undefined); // EPIPE if java dies first
  let gone = false;
  const exited = new Promise<void>((done) => {
    child.once('exit', (code, signal) => {
      gone = true;
      if (code !== null || signal !== null) output += `\n[java exited: ${signal ?? `code ${code}`}]`;
      done();
    });
    child.once('error', (err: NodeJS.ErrnoException) => {
      // spawn failed: 'exit' may never come.
      gone = true;
      output += err.code === 'ENOENT' ? '\n[java was not found on PATH: DynamoDB Local needs a Java runtime, 17 or later]' : `\n[${err.message}]`;
      done();
    });
  });
  return { child, exited, output: () => output.trim(), hasExited: () => gone };
}

const WAL_LOG: Record<Exclude<WalOutcome, 'already'>, string> = {
  created: 'from the start (a new database)',
  switched: 'switched on (it used a rollback journal)',
  'hot-journal': 'not switched this time: a rollback journal from an interrupted commit is applied first',
  'not-sqlite': 'not set: the file is not a SQLite database this version knows',
};

/** The launcher's line on its table description cache (FangpinDynamoDbLocal.java). */
const DESCRIPTION_CACHE = /^fangpin: table descriptions (.+)$/m;

/** What DynamoDB Local prints when it will not serve, although its JVM may stay up (the plain jar does). */
const FATAL = /Failed to bind|BindException|Address already in use|A fatal error occured|Error processing the supplied command line/i;

/** Polls ListTables until DynamoDB Local answers, the child exits or reports a fatal error, or the deadline passes. */
async function waitReady(endpoint: string, proc: Launched): Promise<'ready' | 'exited' | 'timeout'> {
  const client = new DynamoDBClient({ ...localDynamoClientConfig(endpoint), maxAttempts: 1 });
  const deadline = Date.now() + embeddedSetting('FANGPIN_DYNAMODB_START_TIMEOUT_MS');
  try {
    while (Date.now() < deadline) {
      if (proc.hasExited() || FATAL.test(proc.output())) return 'exited';
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }), { abortSignal: AbortSignal.timeout(2_000) });
        return 'ready';
      } catch {
        await Promise.race([proc.exited, new Promise((r) => setTimeout(r, 100))]);
      }
    }
    return proc.hasExited() ? 'exited' : 'timeout';
  } finally {
    client.destroy();
  }
}

async function kill(proc: Launched): Promise<void> {
  if (proc.hasExited()) return;
  proc.child.kill('SIGTERM');
  const timer = setTimeout(() => proc.child.kill('SIGKILL'), STOP_GRACE_MS);
  await proc.exited;
  clearTimeout(timer);
}

export async function startDynamoDbLocal(opts: DynamoDbLocalOptions = {}): Promise<DynamoDbLocal> {
  const home = await ensureInstalled();
  const loopback = existsSync(join(dynamoDbLocalPaths(home).launcherDir, `${LAUNCHER_CLASS}.class`));
  const dataDir = opts.dataDir === undefined ? undefined : resolve(opts.dataDir);
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    if (embeddedSetting('FANGPIN_DYNAMODB_WAL')) {
      const wal = prepareWalDatabase(dataDir);
      if (wal !== 'already') opts.log?.(`DynamoDB Local's database file in ${dataDir}: WAL mode ${WAL_LOG[wal]}`);
    }
  }
  const started = Date.now();
  // A port picked by us could be taken by someone else before java binds it: then pick another.
  for (let attempt = 1; ; attempt++) {
    const port = opts.port || (await freePort());
    const endpoint = `http://127.0.0.1:${port}`;
    const proc = launch(home, port, dataDir, loopback);
    const outcome = await waitReady(endpoint, proc);
    if (outcome === 'ready') {
      const where = dataDir ? `on ${dataDir}` : 'in memory';
      const bind = loopback ? '127.0.0.1 only' : 'ALL interfaces (no loopback launcher; see scripts/install-dynamodb-local.mjs)';
      const descriptionCache = loopback
        ? (DESCRIPTION_CACHE.exec(proc.output())?.[1] ?? 'not cached: the launcher did not say')
        : 'not cached: no launcher';
      opts.log?.(
        `DynamoDB Local ${where}, port ${port}, listening on ${bind}, table descriptions ${descriptionCache}, ready in ${Date.now() - started} ms`,
      );
      let stopping: Promise<void> | undefined;
      void proc.exited.then(() => {
        if (!stopping) opts.log?.(`DynamoDB Local on port ${port} exited unexpectedly:\n${proc.output()}`);
      });
      return {
        endpoint,
        port,
        descriptionCache,
        stop: () => (stopping ??= kill(proc)),
      };
    }
    await kill(proc);
    const out = proc.output();
    if (outcome === 'exited' && !opts.port && attempt < 3 && /Failed to bind|BindException|Address already in use/i.test(out)) continue;
    const why =
      outcome === 'timeout'
        ? `did not answer on ${endpoint} within ${embeddedSetting('FANGPIN_DYNAMODB_START_TIMEOUT_MS') / 1000} s`
        : 'exited before it was ready';
    throw new Error(
      `DynamoDB Local ${why} (java ${loopback ? LAUNCHER_CLASS : '-jar DynamoDBLocal.jar'} in ${home}); java output:\n${out || '(none)'}`,
    );
  }
}
