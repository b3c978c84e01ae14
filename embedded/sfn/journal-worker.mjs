/**
 * The journal's file work, on a worker thread (journal.ts starts it): reading a day's lines into per-execution
 * summaries, and rewriting a closed day with one line per execution. Both parse every line of a day (hundreds of
 * MB after a long stop): on the server's thread that stalled every request for seconds to minutes, here it does
 * not. Plain JavaScript: Node 20 starts a worker without the TypeScript loader the server runs under.
 *
 * Memory stays bounded: a day is read in slices and only its summaries are kept (no history events); a rewrite
 * holds one execution's lines at a time. Nothing here renames a day file: the server's thread does that, in the
 * same turn as it points its history reads at the new lines (journal.ts `swapRefs`).
 *
 * Messages in: `{ id, op: 'day', dir, file, closed }` (summaries of a day, from its index when that matches the
 * file; a closed day not indexed yet is indexed, its bytes untouched) and `{ id, op: 'compact', dir, file }`.
 * Out: `{ id, progress }` while reading, then `{ id, result }` or `{ id, error }`.
 */
import { randomUUID } from 'node:crypto';
import { appendFileSync, closeSync, fstatSync, fsyncSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort } from 'node:worker_threads';

const INDEX_SUFFIX = '.index.jsonl';
const STATUSES = new Set(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']);
const SLICE = 8 * 2 ** 20;
const PROGRESS_EVERY = 128 * 2 ** 20;

const indexPathOf = (dir, file) => join(dir, `${file.slice(0, -'.jsonl'.length)}${INDEX_SUFFIX}`);
const tmpOf = (path) => `${path}.tmp-${process.pid}-${randomUUID()}`;

/** A journal line's summary fields, or undefined when the line is not one (journal.ts checks histories with zod). */
function lineOf(raw) {
  let v;
  try {
    v = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (!v || typeof v !== 'object' || typeof v.executionArn !== 'string' || typeof v.stateMachineArn !== 'string') return undefined;
  if (typeof v.name !== 'string' || typeof v.startDate !== 'number' || !STATUSES.has(v.status) || !Array.isArray(v.events)) return undefined;
  return v;
}

/** An index entry (journal.ts IndexEntry): the last line's summary, the first line's input, where the lines are. */
function entryOf(first, last, lines) {
  const { events: _events, ...summary } = last;
  return { ...summary, input: first.input, lines };
}

/** Every line of a file, read in slices: `each(raw, offset, length)`. A torn last line is closed with a newline. */
function eachLine(path, each, progress) {
  const fd = openSync(path, 'r');
  let size;
  try {
    size = fstatSync(fd).size;
    let carry = Buffer.alloc(0);
    let carryAt = 0;
    let reported = 0;
    for (let pos = 0; pos < size; ) {
      const chunk = Buffer.allocUnsafe(Math.min(SLICE, size - pos));
      const n = readSync(fd, chunk, 0, chunk.length, pos);
      if (n <= 0) break;
      const bytes = carry.length ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
      let at = 0;
      for (let end = bytes.indexOf(0x0a, at); end !== -1; end = bytes.indexOf(0x0a, at)) {
        if (end > at) each(bytes.toString('utf8', at, end), carryAt + at, end - at);
        at = end + 1;
      }
      carry = bytes.subarray(at);
      carryAt += at;
      pos += n;
      if (pos - reported >= PROGRESS_EVERY) {
        reported = pos;
        progress(pos, size);
      }
    }
    if (carry.length) {
      // A crash mid-append left a torn last line: skipped as damaged, and closed so the next append starts clean.
      each(carry.toString('utf8'), carryAt, carry.length);
      appendFileSync(path, '\n');
      size += 1;
    }
  } finally {
    closeSync(fd);
  }
  return size;
}

/** Writes a whole file durably: a temporary file, flushed to disk; returns its path (the caller renames it). */
function writeTmp(path, chunks) {
  const tmp = tmpOf(path);
  const fd = openSync(tmp, 'w');
  try {
    for (const c of chunks) writeSync(fd, c);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return tmp;
}

function indexText(file, size, damaged, entries) {
  return `${[JSON.stringify({ version: 1, file, size, ...(damaged ? { damaged } : {}) }), ...entries.map((e) => JSON.stringify(e))].join('\n')}\n`;
}

/** The index of a day, if it matches the file (same size); undefined otherwise (journal.ts logs why). */
function readIndex(dir, file) {
  let text;
  try {
    text = readFileSync(indexPathOf(dir, file), 'utf8');
  } catch {
    return { missing: true };
  }
  try {
    const [head = '', ...rest] = text.split('\n');
    const header = JSON.parse(head);
    const size = statSync(join(dir, file)).size;
    if (header.version !== 1 || header.file !== file || header.size !== size)
      throw new Error(`${file} is ${size} bytes, its index says ${header.size}`);
    return { header, entries: rest.filter(Boolean).map((raw) => JSON.parse(raw)) };
  } catch (err) {
    return { unusable: String(err) };
  }
}

/** A day's summaries by reading its lines; a closed day gets its index (its bytes untouched). */
function scan(dir, file, closed, progress) {
  const path = join(dir, file);
  const byArn = new Map();
  let damaged = 0;
  const size = eachLine(
    path,
    (raw, offset, length) => {
      const line = lineOf(raw);
      if (!line) {
        damaged++;
        return;
      }
      const seen = byArn.get(line.executionArn);
      if (seen) {
        seen.last = line;
        seen.lines.push([offset, length]);
      } else byArn.set(line.executionArn, { first: line, last: line, lines: [[offset, length]] });
    },
    progress,
  );
  const entries = [...byArn.values()].map((e) => entryOf(e.first, e.last, e.lines));
  if (closed) renameSync(writeTmp(indexPathOf(dir, file), [indexText(file, size, damaged, entries)]), indexPathOf(dir, file));
  return { entries, size, damaged };
}

function day({ dir, file, closed }, progress) {
  const index = readIndex(dir, file);
  if (index.entries) return { entries: index.entries, size: index.header.size, damaged: index.header.damaged ?? 0, fromIndex: true };
  return { ...scan(dir, file, closed, progress), unusableIndex: index.unusable };
}

/**
 * A closed day rewritten with one line per execution (the last line's summary, the first line's input, every
 * event in order: what a load of the file gives is unchanged), and its new index; both left as temporary files
 * for the server's thread to rename. Nothing to do when every execution has one line or a line is damaged (a
 * damaged file keeps its bytes).
 */
function compact({ dir, file }, progress) {
  const path = join(dir, file);
  let index = readIndex(dir, file);
  if (!index.entries) {
    const scanned = scan(dir, file, true, progress);
    index = { header: { size: scanned.size, damaged: scanned.damaged }, entries: scanned.entries };
  }
  const { entries } = index;
  if ((index.header.damaged ?? 0) > 0 || entries.every((e) => e.lines.length === 1)) return { rewritten: false };
  const fd = openSync(path, 'r');
  const tmp = tmpOf(path);
  const out = openSync(tmp, 'w');
  const placed = [];
  try {
    let offset = 0;
    let pending = [];
    let pendingBytes = 0;
    const flush = () => {
      if (pending.length) writeSync(out, Buffer.concat(pending));
      pending = [];
      pendingBytes = 0;
    };
    for (const e of entries) {
      const lines = e.lines.map(([at, length]) => {
        const buf = Buffer.allocUnsafe(length);
        readSync(fd, buf, 0, length, at);
        const line = lineOf(buf.toString('utf8'));
        if (!line || line.executionArn !== e.executionArn) throw new Error(`${file}: the line at ${at} is not one of ${e.executionArn}'s`);
        return line;
      });
      const first = lines[0];
      const last = lines[lines.length - 1];
      const text = Buffer.from(`${JSON.stringify({ ...last, input: first.input, events: lines.flatMap((l) => l.events) })}\n`);
      placed.push([offset, text.length - 1]);
      offset += text.length;
      pending.push(text);
      pendingBytes += text.length;
      if (pendingBytes >= SLICE) flush();
      if (placed.length % 2000 === 0) progress(offset, undefined);
    }
    flush();
    fsyncSync(out);
    const size = offset;
    const compacted = entries.map((e, i) => ({ ...e, lines: [placed[i]] }));
    const indexTmp = writeTmp(indexPathOf(dir, file), [indexText(file, size, 0, compacted)]);
    return { rewritten: true, tmp, indexTmp, size, refs: entries.map((e, i) => [e.executionArn, ...placed[i]]) };
  } catch (err) {
    rmSync(tmp, { force: true }); // (still open: closed below)
    throw err;
  } finally {
    closeSync(fd);
    closeSync(out);
  }
}

parentPort.on('message', (msg) => {
  const progress = (done, total) => parentPort.postMessage({ id: msg.id, progress: { done, total } });
  try {
    const result = msg.op === 'day' ? day(msg, progress) : compact(msg, progress);
    parentPort.postMessage({ id: msg.id, result });
  } catch (err) {
    parentPort.postMessage({ id: msg.id, error: err instanceof Error ? err.message : String(err) });
  }
});
