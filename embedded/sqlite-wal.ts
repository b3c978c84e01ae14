/**
 * DynamoDB Local keeps a data directory in one SQLite file (`shared-local-instance.db` with `-sharedDb`) and opens it
 * with SQLite's defaults: a rollback journal, `synchronous=FULL`. Every commit then syncs the journal, the database
 * and the directory: three or four fsyncs, about 3 ms each on this kind of virtual disk, with DynamoDB Local's
 * writers serialised behind them. In WAL mode a commit appends to the write-ahead log and syncs it once, still with
 * `synchronous=FULL`: as durable (a commit that answered survives a crash or a power cut), fewer syncs.
 *
 * WAL mode is a property of the database file, not of the connection (bytes 18 and 19 of its header: 1 = rollback
 * journal, 2 = WAL; https://www.sqlite.org/fileformat2.html#file_format_version_numbers), and DynamoDB Local sets
 * no journal mode of its own, so it opens a file marked WAL in WAL mode. This module marks the file before
 * DynamoDB Local starts: an existing file is switched when it is closed and consistent (no hot rollback journal
 * beside it: SQLite must roll that back first, and will, at this start; the next start switches it), a missing one
 * is created as an empty database already marked WAL. That is exactly what `PRAGMA journal_mode=WAL` writes.
 *
 * WAL needs a shared-memory file beside the database, so the data directory must be on a local file system (not
 * NFS). `FANGPIN_DYNAMODB_WAL=false` leaves the file as DynamoDB Local makes it.
 */
import { closeSync, existsSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** The file DynamoDB Local uses with `-sharedDb`. */
export const SHARED_DB_FILE = 'shared-local-instance.db';

const MAGIC = Buffer.from('SQLite format 3\0', 'latin1');
const PAGE_SIZE = 4096;
const WAL = 2;
const LEGACY = 1;

export type WalOutcome = 'created' | 'switched' | 'already' | 'hot-journal' | 'not-sqlite';

/** Marks (or creates) the data directory's database for WAL mode; what it did, for the start log. */
export function prepareWalDatabase(dataDir: string): WalOutcome {
  const file = join(dataDir, SHARED_DB_FILE);
  const missing = !existsSync(file);
  // A rollback journal left by a crash holds the undo of an unfinished commit: SQLite applies it at the next open.
  // Changing the mode before that would lose it, so the file stays as it is this time.
  if (!missing && existsSync(`${file}-journal`)) return 'hot-journal';
  const fd = openSync(file, missing ? 'wx' : 'r+');
  try {
    // A missing file, or an empty one (SQLite takes a zero-length file for an empty database): the empty WAL one.
    if (missing || fstatSync(fd).size === 0) {
      writeSync(fd, emptyWalDatabase(), 0, PAGE_SIZE, 0);
      return 'created';
    }
    const header = Buffer.alloc(20);
    if (readSync(fd, header, 0, 20, 0) < 20 || !header.subarray(0, 16).equals(MAGIC)) return 'not-sqlite';
    if (header[18] === WAL && header[19] === WAL) return 'already';
    if (header[18] !== LEGACY || header[19] !== LEGACY) return 'not-sqlite';
    writeSync(fd, Buffer.from([WAL, WAL]), 0, 2, 18);
    return 'switched';
  } finally {
    closeSync(fd);
  }
}

/**
 * An empty SQLite database of one 4,096-byte page, marked WAL: the 100-byte header, then page 1 as an empty leaf
 * table b-tree (the schema table, no rows). Field by field from the file format document.
 */
export function emptyWalDatabase(): Buffer {
  const page = Buffer.alloc(PAGE_SIZE);
  MAGIC.copy(page, 0);
  page.writeUInt16BE(PAGE_SIZE, 16); // page size
  page[18] = WAL; // file format write version
  page[19] = WAL; // file format read version
  page[20] = 0; // reserved bytes per page
  page[21] = 64; // maximum embedded payload fraction (must be 64)
  page[22] = 32; // minimum embedded payload fraction (must be 32)
  page[23] = 32; // leaf payload fraction (must be 32)
  page.writeUInt32BE(1, 24); // file change counter
  page.writeUInt32BE(1, 28); // database size in pages
  page.writeUInt32BE(0, 32); // first freelist trunk page
  page.writeUInt32BE(0, 36); // freelist pages
  page.writeUInt32BE(0, 40); // schema cookie
  page.writeUInt32BE(4, 44); // schema format number
  page.writeUInt32BE(0, 48); // default page cache size
  page.writeUInt32BE(0, 52); // largest root b-tree page (no auto-vacuum)
  page.writeUInt32BE(1, 56); // text encoding: UTF-8
  page.writeUInt32BE(0, 60); // user version
  page.writeUInt32BE(0, 64); // incremental vacuum off
  page.writeUInt32BE(0, 68); // application id
  page.writeUInt32BE(1, 92); // version-valid-for: equals the change counter, so the size above is trusted
  page.writeUInt32BE(3_040_001, 96); // SQLITE_VERSION_NUMBER of the writer (informational)
  // Page 1's b-tree header, after the file header: a leaf table page with no cells, its content area at the end.
  page[100] = 0x0d;
  page.writeUInt16BE(0, 101); // first freeblock
  page.writeUInt16BE(0, 103); // cells
  page.writeUInt16BE(PAGE_SIZE, 105); // start of the cell content area
  page[107] = 0; // fragmented free bytes
  return page;
}
