#!/usr/bin/env node
/**
 * Fetches AWS's DynamoDB Local (the jar and its native libraries) once, from the npm registry only: the
 * package amplify-dynamodb-simulator ships it in emulator/. We take just its tarball (no dependencies) and
 * extract that folder into .cache/dynamodb-local (or FANGPIN_DYNAMODB_LOCAL_DIR). Safe to run concurrently.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const PACKAGE = 'amplify-dynamodb-simulator@2.9.30';
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

export function dynamoDbLocalDir() {
  return resolve(process.env.FANGPIN_DYNAMODB_LOCAL_DIR ?? join(root, '.cache', 'dynamodb-local'));
}

export function installDynamoDbLocal() {
  const target = dynamoDbLocalDir();
  if (existsSync(join(target, 'DynamoDBLocal.jar'))) return target;
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' });
  } catch {
    throw new Error('java is not installed: DynamoDB Local needs a Java runtime (17+); on Debian: apt-get install -y openjdk-17-jre-headless');
  }
  mkdirSync(dirname(target), { recursive: true });
  const work = mkdtempSync(join(dirname(target), '.fetch-'));
  try {
    process.stderr.write(`fangpin: fetching DynamoDB Local from the npm registry (${PACKAGE}, ~57 MB, once)...\n`);
    execFileSync('npm', ['pack', PACKAGE, '--pack-destination', work, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tarball) throw new Error(`npm pack ${PACKAGE} produced no tarball`);
    execFileSync('tar', ['-xzf', join(work, tarball), '-C', work, 'package/emulator']);
    try {
      // Atomic: a concurrent installer that finished first wins and ours is discarded.
      renameSync(join(work, 'package', 'emulator'), target);
    } catch (err) {
      if (!existsSync(join(target, 'DynamoDBLocal.jar'))) throw err;
    }
    process.stderr.write(`fangpin: DynamoDB Local installed in ${target}\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return target;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    installDynamoDbLocal();
  } catch (err) {
    console.error(`fangpin: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
