/**
 * Durable executions: an append-only journal of JSON lines, one file per UTC day (`<dataDir>/<yyyy-mm-dd>.jsonl`),
 * and a snapshot that lets a start skip the lines it has already seen. The on-disk format is a contract with
 * every existing data directory: lines are only ever added to, never rewritten.
 *
 * Each flush appends one line per changed execution: its current status and the events added since its last
 * line. Many changes of one execution between flushes become one line, and a flush is one append, so the cost
 * under load is a few writes per second, not several per execution. Loading replays every line in order.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';
import { appendFile, mkdir, open as openFile, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { SfnError, type Execution, type HistoryEvent } from './api.js';

const StoredEvent = z.looseObject({ id: z.number(), previousEventId: z.number(), timestamp: z.number(), type: z.string() });
const JournalLine = z.object({
  executionArn: z.string(),
  stateMachineArn: z.string(),
  name: z.string(),
  input: z.string().optional(), // on an execution's first line only
  startDate: z.number(),
  status: z.enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']),
  stopDate: z.number().optional(),
  output: z.string().optional(),
  error: z.string().optional(),
  cause: z.string().optional(),
  mapRunArn: z.string().optional(),
  events: z.array(StoredEvent),
});
const JOURNAL_FILE = /^\d{4}-\d{2}-\d{2}\.jsonl$/;

/**
 * The snapshot: each execution's summary and where its journal lines are, as of a clean state (written after a
 * load and at close). A start then reads it and parses only what the journal gained since (`sizes`), instead of
 * every line ever written. Anything that does not add up (a journal file shorter than the snapshot says, a
 * damaged snapshot) and the whole journal is read, as before.
 */
const SNAPSHOT_FILE = 'snapshot.jsonl';
const SnapshotHeader = z.object({ version: z.literal(1), sizes: z.record(z.string(), z.number().int().min(0)) });
const SnapshotEntry = JournalLine.omit({ events: true }).extend({
  input: z.string(),
  lines: z.array(z.tuple([z.string(), z.number().int().min(0), z.number().int().min(0)])),
});

/** Where one journal line is: the history of a stopped execution is read back from its lines. */
interface LineRef {
  file: string;
  offset: number;
  length: number;
}

/** Appends a line's events to a history, skipping any it already has (a line repeats none, but be safe). */
function addEvents(events: HistoryEvent[], line: z.infer<typeof JournalLine>): void {
  for (const e of line.events) if (e.id === events.length + 1) events.push({ ...e, timestamp: new Date(e.timestamp) });
}

export class Journal {
  private readonly dirty = new Map<string, Execution>();
  /** How many of an execution's events are in the journal already. */
  private readonly written = new WeakMap<Execution, number>();
  /** Each execution's lines, in order: a stopped execution's history is kept here, not in memory. */
  private readonly lines = new Map<string, LineRef[]>();
  /** Bytes in each journal file, so a flush knows where its lines start. */
  private readonly sizes = new Map<string, number>();
  private flushing: Promise<void> | undefined;
  constructor(private readonly dir: string) {}

  async load(): Promise<Execution[]> {
    await mkdir(this.dir, { recursive: true });
    const files = (await readdir(this.dir)).filter((f) => JOURNAL_FILE.test(f)).sort();
    const byArn = new Map<string, Execution>();
    const covered = await this.readSnapshot(files, byArn);
    for (const file of files) {
      const path = join(this.dir, file);
      const start = covered.get(file) ?? 0;
      const handle = await openFile(path, 'r');
      let bytes: Buffer;
      try {
        const { size } = await handle.stat();
        bytes = Buffer.alloc(size - start);
        await handle.read(bytes, 0, bytes.length, start);
      } finally {
        await handle.close();
      }
      // A crash mid-append leaves a torn last line: skipped below, and closed so the next append starts clean.
      const torn = bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a;
      if (torn) await appendFile(path, '\n');
      this.sizes.set(file, start + bytes.length + (torn ? 1 : 0));
      for (let at = 0; at < bytes.length; ) {
        const end = bytes.indexOf(0x0a, at);
        const length = (end === -1 ? bytes.length : end) - at;
        const raw = bytes.toString('utf8', at, at + length);
        const ref = { file, offset: start + at, length };
        at += length + 1;
        if (!raw) continue;
        let line: z.infer<typeof JournalLine>;
        try {
          line = JournalLine.parse(JSON.parse(raw));
        } catch {
          console.error(`sfn: skipping a damaged line in ${path}`);
          continue;
        }
        let rec = byArn.get(line.executionArn);
        if (!rec) {
          if (line.input === undefined) continue; // its first line was lost; nothing to restart it from
          rec = {
            executionArn: line.executionArn,
            stateMachineArn: line.stateMachineArn,
            name: line.name,
            input: line.input,
            status: 'RUNNING',
            startDate: new Date(line.startDate),
            mapRunArn: line.mapRunArn,
            events: [],
          };
          byArn.set(rec.executionArn, rec);
        }
        rec.events ??= this.history(rec.executionArn); // known from the snapshot: its earlier events first
        Object.assign(rec, {
          status: line.status,
          stopDate: line.stopDate === undefined ? undefined : new Date(line.stopDate),
          output: line.output,
          error: line.error,
          cause: line.cause,
        });
        addEvents(rec.events, line);
        this.refs(rec.executionArn).push(ref);
      }
    }
    for (const rec of byArn.values()) {
      if (rec.status === 'RUNNING') rec.events ??= this.history(rec.executionArn); // it runs again: its history grows
      this.written.set(rec, rec.events?.length ?? 0);
      if (rec.status !== 'RUNNING') rec.events = undefined; // stopped: its history stays on disk until asked for
    }
    await this.snapshot(byArn.values());
    return [...byArn.values()];
  }

  /** Fills `byArn` and the line index from the snapshot; answers how much of each journal file it covers. */
  private async readSnapshot(files: readonly string[], byArn: Map<string, Execution>): Promise<Map<string, number>> {
    let text: string;
    try {
      text = await readFile(join(this.dir, SNAPSHOT_FILE), 'utf8');
    } catch {
      return new Map(); // none yet
    }
    try {
      const [head = '', ...entries] = text.split('\n');
      const { sizes } = SnapshotHeader.parse(JSON.parse(head));
      for (const [file, size] of Object.entries(sizes)) {
        if (!files.includes(file) || (await stat(join(this.dir, file))).size < size)
          throw new Error(`journal file ${file} is not what the snapshot saw`);
      }
      for (const raw of entries) {
        if (!raw) continue;
        const { lines, ...e } = SnapshotEntry.parse(JSON.parse(raw));
        byArn.set(e.executionArn, {
          ...e,
          startDate: new Date(e.startDate),
          stopDate: e.stopDate === undefined ? undefined : new Date(e.stopDate),
          events: undefined,
        });
        this.lines.set(
          e.executionArn,
          lines.map(([file, offset, length]) => ({ file, offset, length })),
        );
      }
      return new Map(Object.entries(sizes));
    } catch (err) {
      console.error(`sfn: not using the journal snapshot (${String(err)}); reading the whole journal`);
      byArn.clear();
      this.lines.clear();
      return new Map();
    }
  }

  /**
   * Writes the snapshot (to a temporary file, then renamed into place, so a crash leaves the old one whole). Only
   * when the journal holds everything: a summary must never be ahead of the lines it points to.
   */
  async snapshot(records: Iterable<Execution>): Promise<void> {
    await this.drain();
    if (this.dirty.size > 0) return;
    const out = [JSON.stringify({ version: 1, sizes: Object.fromEntries(this.sizes) })];
    for (const r of records) {
      const refs = this.lines.get(r.executionArn);
      if (!refs?.length || (r.events && this.written.get(r) !== r.events.length)) return; // not all written yet
      const { events: _events, ...summary } = r;
      out.push(
        JSON.stringify({
          ...summary,
          startDate: r.startDate.getTime(),
          stopDate: r.stopDate?.getTime(),
          lines: refs.map((x) => [x.file, x.offset, x.length]),
        }),
      );
    }
    const path = join(this.dir, SNAPSHOT_FILE);
    const tmp = `${path}.${process.pid}.${randomUUID()}.tmp`;
    try {
      await writeFile(tmp, `${out.join('\n')}\n`);
      await rename(tmp, path);
    } catch (err) {
      console.error(`sfn: could not write the journal snapshot: ${String(err)}`); // the next start reads the whole journal
    }
  }

  private refs(executionArn: string): LineRef[] {
    let refs = this.lines.get(executionArn);
    if (!refs) this.lines.set(executionArn, (refs = []));
    return refs;
  }

  /**
   * A stopped execution's history, read back from its journal lines. Synchronous, like the rest of the engine's
   * read API: a few small reads at known offsets, and only when an auditor asks for a history.
   */
  history(executionArn: string): HistoryEvent[] {
    const events: HistoryEvent[] = [];
    const byFile = new Map<string, number>();
    try {
      for (const ref of this.lines.get(executionArn) ?? []) {
        let fd = byFile.get(ref.file);
        if (fd === undefined) byFile.set(ref.file, (fd = openSync(join(this.dir, ref.file), 'r')));
        const buf = Buffer.alloc(ref.length);
        readSync(fd, buf, 0, ref.length, ref.offset);
        const line = JournalLine.parse(JSON.parse(buf.toString('utf8')));
        if (line.executionArn !== executionArn) throw new Error(`line at ${ref.file}:${ref.offset} is not of this execution`);
        addEvents(events, line);
      }
    } catch (err) {
      throw new SfnError('ServiceUnavailable', `the history of ${executionArn} could not be read from the journal: ${String(err)}`);
    } finally {
      for (const fd of byFile.values()) closeSync(fd);
    }
    return events;
  }

  mark(r: Execution): void {
    this.dirty.set(r.executionArn, r);
    this.flushing ??= this.flush();
  }

  private async flush(): Promise<void> {
    try {
      while (this.dirty.size > 0) {
        const batch = [...this.dirty.values()].filter((r) => r.events).map((r) => ({ r, upTo: r.events?.length ?? 0 }));
        this.dirty.clear();
        const lines = batch.map(({ r, upTo }) => {
          const from = this.written.get(r) ?? 0;
          const events = (r.events ?? []).slice(from, upTo).map((e) => ({ ...e, timestamp: e.timestamp.getTime() }));
          return JSON.stringify({
            ...r,
            input: from === 0 ? r.input : undefined,
            startDate: r.startDate.getTime(),
            stopDate: r.stopDate?.getTime(),
            events,
          });
        });
        if (lines.length === 0) continue;
        const file = `${new Date().toISOString().slice(0, 10)}.jsonl`;
        const path = join(this.dir, file);
        try {
          let offset = this.sizes.get(file) ?? (await stat(path).catch(() => ({ size: 0 }))).size;
          const text = `${lines.join('\n')}\n`;
          await appendFile(path, text);
          this.sizes.set(file, offset + Buffer.byteLength(text));
          batch.forEach(({ r, upTo }, i) => {
            const length = Buffer.byteLength(lines[i] ?? '');
            this.refs(r.executionArn).push({ file, offset, length });
            offset += length + 1;
            this.written.set(r, upTo);
            // Stopped and all written: nothing more will be added, so the history leaves memory.
            if (r.status !== 'RUNNING' && upTo === r.events?.length) r.events = undefined;
          });
        } catch (err) {
          this.sizes.delete(file); // measured again next time
          console.error(`sfn: could not append to the execution journal: ${String(err)}`); // retried with the next change
        }
      }
    } finally {
      this.flushing = undefined;
    }
  }

  async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }
}
