/** The data directory's SQLite file in WAL mode (embedded/sqlite-wal.ts): marking, switching, refusing, and DynamoDB Local using it. */
import { describe, it, expect } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { SHARED_DB_FILE, emptyWalDatabase, prepareWalDatabase } from '../../embedded/sqlite-wal.js';
import { localDynamoClientConfig, startDynamoDbLocal } from '../../embedded/dynamodb-local.js';
import { ensureTables } from '../../embedded/create-tables.js';

const modeBytes = (dir: string) => [...readFileSync(join(dir, SHARED_DB_FILE)).subarray(18, 20)];
const legacyDatabase = () => {
  const page = emptyWalDatabase();
  page[18] = 1;
  page[19] = 1;
  return page;
};

function withDir(run: (dir: string) => void | Promise<void>) {
  return async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fangpin-wal-'));
    try {
      await run(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

describe('prepareWalDatabase', () => {
  it(
    'creates a missing database as one empty page marked WAL, and leaves it alone the next time',
    withDir((dir) => {
      expect(prepareWalDatabase(dir)).toBe('created');
      const file = readFileSync(join(dir, SHARED_DB_FILE));
      expect(file.length).toBe(4096);
      expect(file.subarray(0, 16).toString('latin1')).toBe('SQLite format 3\0');
      expect(file.readUInt16BE(16)).toBe(4096);
      expect(modeBytes(dir)).toEqual([2, 2]);
      expect(file[100]).toBe(0x0d); // page 1: an empty leaf table b-tree
      expect(prepareWalDatabase(dir)).toBe('already');
    }),
  );

  it(
    'fills an empty file (SQLite reads a zero-length file as an empty database) as one page marked WAL',
    withDir((dir) => {
      writeFileSync(join(dir, SHARED_DB_FILE), '');
      expect(prepareWalDatabase(dir)).toBe('created');
      expect(readFileSync(join(dir, SHARED_DB_FILE)).equals(emptyWalDatabase())).toBe(true);
    }),
  );

  it(
    'switches a closed rollback-journal database by its two header bytes and nothing else',
    withDir((dir) => {
      const before = legacyDatabase();
      writeFileSync(join(dir, SHARED_DB_FILE), before);
      expect(prepareWalDatabase(dir)).toBe('switched');
      const after = readFileSync(join(dir, SHARED_DB_FILE));
      expect([after[18], after[19]]).toEqual([2, 2]);
      after[18] = 1;
      after[19] = 1;
      expect(after.equals(before)).toBe(true);
    }),
  );

  it(
    'leaves a database with a hot rollback journal beside it as it is (SQLite rolls that back first)',
    withDir((dir) => {
      writeFileSync(join(dir, SHARED_DB_FILE), legacyDatabase());
      writeFileSync(join(dir, `${SHARED_DB_FILE}-journal`), Buffer.alloc(512, 7));
      expect(prepareWalDatabase(dir)).toBe('hot-journal');
      expect(modeBytes(dir)).toEqual([1, 1]);
    }),
  );

  it(
    'does not touch a file that is not a SQLite database',
    withDir((dir) => {
      writeFileSync(join(dir, SHARED_DB_FILE), 'not a database, but somebody’s file');
      expect(prepareWalDatabase(dir)).toBe('not-sqlite');
      expect(readFileSync(join(dir, SHARED_DB_FILE), 'utf8')).toBe('not a database, but somebody’s file');
    }),
  );
});

describe('DynamoDB Local on a WAL database', () => {
  it(
    'writes through the write-ahead log and keeps items across a restart, on a directory switched from a rollback journal',
    withDir(async (root) => {
      // A new directory is the default everywhere (test/embedded/dynamodb-local.test.ts and every e2e test start one).
      for (const [name, seed] of [['switched', legacyDatabase()]] as const) {
        const dataDir = join(root, name);
        if (seed) {
          mkdirSync(dataDir, { recursive: true });
          writeFileSync(join(dataDir, SHARED_DB_FILE), seed);
        }
        const key = { claimId: { S: `wal-${name}` } };
        const first = await startDynamoDbLocal({ dataDir });
        const c1 = new DynamoDBClient(localDynamoClientConfig(first.endpoint));
        try {
          await ensureTables(c1, 'wal-');
          await c1.send(new PutItemCommand({ TableName: 'wal-claims', Item: { ...key, status: { S: 'RECEIVED' } } }));
          // In WAL mode SQLite appends commits to <db>-wal while the database is open.
          expect(existsSync(join(dataDir, `${SHARED_DB_FILE}-wal`))).toBe(true);
        } finally {
          c1.destroy();
          await first.stop();
        }
        expect(modeBytes(dataDir)).toEqual([2, 2]);
        const second = await startDynamoDbLocal({ dataDir });
        const c2 = new DynamoDBClient(localDynamoClientConfig(second.endpoint));
        try {
          const got = await c2.send(new GetItemCommand({ TableName: 'wal-claims', Key: key, ConsistentRead: true }));
          expect(got.Item).toEqual({ ...key, status: { S: 'RECEIVED' } });
        } finally {
          c2.destroy();
          await second.stop();
        }
      }
    }),
    120_000,
  );
});
