#!/usr/bin/env node
/**
 * Fetches AWS's DynamoDB Local (the jar and its native libraries) once, from the npm registry only: the
 * package amplify-dynamodb-simulator ships it in emulator/. We take just its tarball (no dependencies) and
 * extract that folder into .cache/dynamodb-local (or FANGPIN_DYNAMODB_LOCAL_DIR).
 *
 * DynamoDB Local has no option to choose its listen address (Jetty binds every interface). When a JDK
 * (javac) is present we also compile a small launcher (embedded/dynamodb-local-launcher/) into
 * <dir>/loopback-<digest of its sources>/ that starts the same server bound to 127.0.0.1 only, without telemetry,
 * exits when its stdin closes (so it dies with its parent even on SIGKILL), and keeps the table descriptions its
 * item operations read parsed (TableDescriptionCache.java). Without javac, loopback-<digest>/UNAVAILABLE says so
 * and the plain jar is used.
 *
 * Safe to run concurrently: one process holds a mkdir lock (<dir>.lock) and the others wait; the download is
 * extracted to a temp dir and renamed into place, so the jar is either absent or complete.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = 'amplify-dynamodb-simulator@2.9.30';
/** The registry's dist.integrity for that version (DynamoDB Local 1.25.1): the tarball is checked against it. */
const INTEGRITY = 'sha512-xTeeRLvzEfqyd5lh3bH4c0kHvSHHmmhD5ZDsHFKAQ5g2Zl6JqlFdutaQhCLHzxEp6Ry1o7TB6niIoXuQAnSewQ==';
/** Main class of the launcher, whose Java sources are in embedded/dynamodb-local-launcher/. */
export const LAUNCHER_CLASS = 'FangpinDynamoDbLocal';
/** A lock older than this is considered abandoned (a download takes well under a minute). */
const STALE_LOCK_MS = 15 * 60_000;
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const LAUNCHER_SOURCES = join(root, 'embedded', 'dynamodb-local-launcher');

/** The launcher's sources, by name, read once: the build compiles exactly what the digest below was taken of. */
const LAUNCHER_SOURCE_FILES = readdirSync(LAUNCHER_SOURCES)
  .filter((f) => f.endsWith('.java'))
  .sort()
  .map((name) => ({ name, text: readFileSync(join(LAUNCHER_SOURCES, name), 'utf8') }));

/** The launcher is built into a folder named after its sources' digest: changed sources are built afresh. */
const LAUNCHER_VERSION = createHash('sha256').update(JSON.stringify(LAUNCHER_SOURCE_FILES)).digest('hex').slice(0, 12);

export function dynamoDbLocalDir() {
  return resolve(process.env.FANGPIN_DYNAMODB_LOCAL_DIR ?? join(root, '.cache', 'dynamodb-local'));
}

/** Where things are (or will be) in an installation. `launcherDir` holds the compiled launcher, or UNAVAILABLE. */
export function dynamoDbLocalPaths(home = dynamoDbLocalDir()) {
  return {
    home,
    jar: join(home, 'DynamoDBLocal.jar'),
    lib: join(home, 'DynamoDBLocal_lib'),
    launcherDir: join(home, `loopback-${LAUNCHER_VERSION}`),
  };
}

/** True when the jar is there and the launcher step (built, or found impossible) is done: nothing to install. */
export function dynamoDbLocalInstalled(home = dynamoDbLocalDir()) {
  const p = dynamoDbLocalPaths(home);
  return existsSync(p.jar) && existsSync(p.launcherDir);
}

const say = (line) => process.stderr.write(`fangpin: ${line}\n`);
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

function has(cmd, args) {
  try {
    execFileSync(cmd, args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err?.code === 'EPERM';
  }
}

/** mkdir is atomic: whoever creates the lock dir installs; the others wait for it (or for a stale lock to be broken). */
function lock(target) {
  const dir = `${target}.lock`;
  let announced = false;
  for (;;) {
    try {
      mkdirSync(dir);
      writeFileSync(join(dir, 'pid'), String(process.pid));
      return () => rmSync(dir, { recursive: true, force: true });
    } catch (err) {
      if (err?.code !== 'EEXIST') throw err;
    }
    if (dynamoDbLocalInstalled(target)) return () => {};
    let owner = NaN;
    let age = 0;
    try {
      age = Date.now() - statSync(dir).mtimeMs;
      owner = Number(readFileSync(join(dir, 'pid'), 'utf8'));
    } catch {
      // The owner is between mkdir and writing its pid, or has just released the lock.
    }
    if ((Number.isInteger(owner) && owner > 0 && !alive(owner)) || age > STALE_LOCK_MS) {
      say(`removing an abandoned install lock ${dir}`);
      rmSync(dir, { recursive: true, force: true });
      continue;
    }
    if (!announced) say(`waiting for another process to install DynamoDB Local (lock ${dir})...`);
    announced = true;
    sleep(250);
  }
}

function fetchJar(target) {
  const work = mkdtempSync(join(dirname(target), '.fetch-'));
  try {
    say(`fetching DynamoDB Local (${PACKAGE} from the npm registry, 57 MB, once)...`);
    try {
      execFileSync('npm', ['pack', PACKAGE, '--pack-destination', work, '--loglevel=error'], { stdio: ['ignore', 'ignore', 'inherit'] });
    } catch (err) {
      throw new Error(
        `npm pack ${PACKAGE} failed (${err instanceof Error ? err.message.split('\n')[0] : String(err)}); check network access to the npm registry`,
      );
    }
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${PACKAGE} produced no tarball`);
    const integrity = `sha512-${createHash('sha512')
      .update(readFileSync(join(work, tarball)))
      .digest('base64')}`;
    if (integrity !== INTEGRITY) throw new Error(`${PACKAGE} tarball integrity ${integrity} does not match the pinned ${INTEGRITY}`);
    say('extracting emulator/...');
    execFileSync('tar', ['-xzf', join(work, tarball), '-C', work, 'package/emulator']);
    rmSync(join(work, tarball), { force: true });
    if (!existsSync(join(work, 'package', 'emulator', 'DynamoDBLocal.jar'))) throw new Error(`${PACKAGE} has no emulator/DynamoDBLocal.jar`);
    try {
      renameSync(join(work, 'package', 'emulator'), target);
    } catch (err) {
      // Only if someone broke our lock as stale and finished first: theirs is as good as ours.
      if (!existsSync(join(target, 'DynamoDBLocal.jar'))) throw err;
    }
    say(`DynamoDB Local installed in ${target}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function buildLauncher(target) {
  const out = dynamoDbLocalPaths(target).launcherDir;
  for (const old of readdirSync(target)) {
    if (/^loopback(-[0-9a-f]+)?$/.test(old) && join(target, old) !== out) rmSync(join(target, old), { recursive: true, force: true });
  }
  const work = mkdtempSync(join(target, '.loopback-'));
  try {
    if (has('javac', ['-version'])) {
      const sources = LAUNCHER_SOURCE_FILES.map(({ name, text }) => {
        writeFileSync(join(work, name), text);
        return join(work, name);
      });
      try {
        execFileSync('javac', ['--release', '11', '-nowarn', '-cp', join(target, 'DynamoDBLocal.jar'), '-d', work, ...sources], {
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        say('built the loopback launcher (DynamoDB Local will listen on 127.0.0.1 only)');
      } catch (err) {
        const detail = err?.stderr ? String(err.stderr).trim().split('\n').slice(0, 5).join('\n') : String(err);
        rmSync(join(work, `${LAUNCHER_CLASS}.class`), { force: true });
        writeFileSync(join(work, 'UNAVAILABLE'), `javac failed:\n${detail}\n`);
        say(`could not build the loopback launcher, DynamoDB Local will listen on all interfaces:\n${detail}`);
      }
    } else {
      writeFileSync(
        join(work, 'UNAVAILABLE'),
        'No javac (JDK) was found when DynamoDB Local was installed. Delete this folder after installing a JDK to build the loopback launcher.\n',
      );
      say(`no javac: DynamoDB Local will listen on all interfaces, not only 127.0.0.1 (install a JDK and delete ${out} to fix)`);
    }
    chmodSync(work, 0o755);
    renameSync(work, out);
  } catch (err) {
    rmSync(work, { recursive: true, force: true });
    if (!existsSync(out)) throw err;
  }
}

/** Ensures DynamoDB Local is installed; returns its folder. Synchronous (it blocks while downloading). */
export function installDynamoDbLocal() {
  const target = dynamoDbLocalDir();
  if (dynamoDbLocalInstalled(target)) return target;
  if (!has('java', ['-version'])) {
    throw new Error('java is not installed: DynamoDB Local needs a Java runtime (17+); on Debian: apt-get install -y openjdk-17-jdk-headless');
  }
  mkdirSync(dirname(target), { recursive: true });
  const release = lock(target);
  try {
    if (!existsSync(join(target, 'DynamoDBLocal.jar'))) fetchJar(target);
    if (!existsSync(dynamoDbLocalPaths(target).launcherDir)) buildLauncher(target);
  } finally {
    release();
  }
  return target;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    installDynamoDbLocal();
  } catch (err) {
    say(err instanceof Error ? err.message : String(err));
    process.exit(1);
  }
}
