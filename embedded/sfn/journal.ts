/**
 * Durable executions: a journal of JSON lines, one file per UTC day (`<dataDir>/<yyyy-mm-dd>.jsonl`), and for each
 * closed day an index that lets a start skip that day's lines. The line format is a contract with every existing
 * data directory: files written by any earlier version load as they are.
 *
 * Each flush appends one line per changed execution to today's file: its current status and the events added
 * since its last line. Many changes of one execution between flushes become one line, and a flush is one append,
 * so the cost under load is a few writes per second, not several per execution. Loading replays lines in order.
 *
 * Compaction (at each start, and hourly while running): a day file that is no longer written to (an earlier UTC
 * day) is rewritten with ONE line per execution holding all of that day's events of it, in the same line format
 * (what a load of the file gives is unchanged: the same executions, statuses and events), and an index
 * `<day>.index.jsonl` is written beside it: each execution's summary and where its line is. The index is written
 * once per day and never rewritten, so a start reads the indexes of closed days (summaries only) and parses only
 * the lines of days not yet indexed. Histories stay complete: only the repeated per-line fields are reclaimed.
 * Crash safety: the compacted file and its index are written to temporary files and renamed into place; a start
 * removes leftover temporary files, and a file without a matching index (size differs, damaged, absent) is parsed
 * as before and indexed again. A file holding a damaged line is indexed but not rewritten (its bytes are kept).
 */
import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readSync, renameSync } from 'node:fs';
import { appendFile, mkdir, open as openFile, readdir, readFile, rm, stat } from 'node:fs/promises';
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

/** A closed day's index: header `{version, file, size}`, then one entry per execution with lines in that file. */
const INDEX_SUFFIX = '.index.jsonl';
const IndexHeader = z.object({ version: z.literal(1), file: z.string().regex(JOURNAL_FILE), size: z.number().int().min(0) });
const IndexEntry = JournalLine.omit({ events: true }).extend({ lines: z.array(z.tuple([z.number().int().min(0), z.number().int().min(0)])).min(1) });
/** The snapshot of earlier versions (rewritten whole at every start and stop); superseded by the day indexes. */
const LEGACY_SNAPSHOT = 'snapshot.jsonl';
const TMP = /\.tmp-\d+-[0-9a-f-]+$/;
/** Compaction of closed days while the server runs. */
export const COMPACT_EVERY_MS = 60 * 60 * 1000;

const today = () => `${new Date().toISOString().slice(0, 10)}.jsonl`;

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

/** Each line of a journal file with where it is; `line` undefined for a damaged one. Empty lines are skipped. */
function parseLines(bytes: Buffer, file: string): Array<{ line: z.infer<typeof JournalLine> | undefined; ref: LineRef }> {
  const out: Array<{ line: z.infer<typeof JournalLine> | undefined; ref: LineRef }> = [];
  for (let at = 0; at < bytes.length; ) {
    const end = bytes.indexOf(0x0a, at);
    const length = (end === -1 ? bytes.length : end) - at;
    const raw = bytes.toString('utf8', at, at + length);
    const ref = { file, offset: at, length };
    at += length + 1;
    if (!raw) continue;
    let line: z.infer<typeof JournalLine> | undefined;
    try {
      line = JournalLine.parse(JSON.parse(raw));
    } catch {
      line = undefined;
    }
    out.push({ line, ref });
  }
  return out;
}

/**
 * Writes a file so that a crash leaves either the old one or the new one whole: a temporary file, flushed to disk,
 * renamed over the old one (synchronously: the caller updates what points into the file in the same turn).
 */
async function writeDurably(path: string, text: string, renamed: () => void = () => undefined): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${randomUUID()}`;
  const handle = await openFile(tmp, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
  renameSync(tmp, path);
  renamed();
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
  private compacting: Promise<void> | undefined;
  constructor(private readonly dir: string) {}

  async load(): Promise<Execution[]> {
    await mkdir(this.dir, { recursive: true });
    const names = await readdir(this.dir);
    // A crash mid-compaction leaves a temporary file: the file it was to replace is still whole.
    for (const f of names.filter((n) => TMP.test(n))) await rm(join(this.dir, f), { force: true });
    const files = names.filter((f) => JOURNAL_FILE.test(f)).sort();
    const byArn = new Map<string, Execution>();
    for (const file of files) {
      if (await this.loadIndex(file, byArn)) continue;
      await this.parseFile(file, byArn);
    }
    for (const rec of byArn.values()) {
      if (rec.status === 'RUNNING') rec.events ??= this.history(rec.executionArn); // it runs again: its history grows
      this.written.set(rec, rec.events?.length ?? 0);
      if (rec.status !== 'RUNNING') rec.events = undefined; // stopped: its history stays on disk until asked for
    }
    await this.compact();
    // Earlier versions' whole snapshot: stale from now on (the indexes replace it), so it goes.
    await rm(join(this.dir, LEGACY_SNAPSHOT), { force: true });
    return [...byArn.values()];
  }

  /** Applies one journal line (or an index entry: a line without its events) to the executions loaded so far. */
  private apply(
    byArn: Map<string, Execution>,
    line: Omit<z.infer<typeof JournalLine>, 'events'> & { events?: z.infer<typeof JournalLine>['events'] },
    refs: LineRef[],
  ): void {
    let rec = byArn.get(line.executionArn);
    if (!rec) {
      if (line.input === undefined) return; // its first line was lost; nothing to restart it from
      rec = {
        executionArn: line.executionArn,
        stateMachineArn: line.stateMachineArn,
        name: line.name,
        input: line.input,
        status: 'RUNNING',
        startDate: new Date(line.startDate),
        mapRunArn: line.mapRunArn,
        events: line.events ? [] : undefined,
      };
      byArn.set(rec.executionArn, rec);
    }
    // Events come with parsed lines only; an execution known so far from indexes reads its earlier ones first.
    if (line.events) rec.events ??= this.history(rec.executionArn);
    Object.assign(rec, {
      status: line.status,
      stopDate: line.stopDate === undefined ? undefined : new Date(line.stopDate),
      output: line.output,
      error: line.error,
      cause: line.cause,
    });
    if (line.events && rec.events) addEvents(rec.events, line as z.infer<typeof JournalLine>);
    this.refs(rec.executionArn).push(...refs);
  }

  /** A closed day's index, if it matches its file (same size): its summaries instead of parsing the file. */
  private async loadIndex(file: string, byArn: Map<string, Execution>): Promise<boolean> {
    let text: string;
    try {
      text = await readFile(join(this.dir, `${file.slice(0, -'.jsonl'.length)}${INDEX_SUFFIX}`), 'utf8');
    } catch {
      return false; // not indexed yet
    }
    let entries: Array<z.infer<typeof IndexEntry>>;
    try {
      const [head = '', ...rest] = text.split('\n');
      const header = IndexHeader.parse(JSON.parse(head));
      const { size } = await stat(join(this.dir, file));
      if (header.file !== file || header.size !== size) throw new Error(`${file} is ${size} bytes, its index says ${header.size}`);
      entries = rest.filter(Boolean).map((raw) => IndexEntry.parse(JSON.parse(raw)));
      this.sizes.set(file, size);
    } catch (err) {
      console.error(`sfn: not using the index of ${file} (${String(err)}); reading its lines`);
      return false;
    }
    for (const { lines, ...e } of entries)
      this.apply(
        byArn,
        e,
        lines.map(([offset, length]) => ({ file, offset, length })),
      );
    return true;
  }

  private async parseFile(file: string, byArn: Map<string, Execution>): Promise<void> {
    const path = join(this.dir, file);
    const bytes = await readFile(path);
    // A crash mid-append leaves a torn last line: skipped below, and closed so the next append starts clean.
    const torn = bytes.length > 0 && bytes[bytes.length - 1] !== 0x0a;
    if (torn) await appendFile(path, '\n');
    this.sizes.set(file, bytes.length + (torn ? 1 : 0));
    for (const { line, ref } of parseLines(bytes, file)) {
      if (line) this.apply(byArn, line, [ref]);
      else console.error(`sfn: skipping a damaged line in ${path}`);
    }
  }

  /**
   * Compacts every closed day (an earlier UTC day than today: no flush writes to it again) that has no index
   * yet. Run at load and hourly by the engine; waits for a flush in progress. Never throws: a day it could not
   * compact is parsed at the next start as before.
   */
  async compact(): Promise<void> {
    if (this.compacting) return this.compacting;
    this.compacting = (async () => {
      try {
        await this.drain();
        const names = await readdir(this.dir);
        const indexed = new Set(names.filter((n) => n.endsWith(INDEX_SUFFIX)).map((n) => `${n.slice(0, -INDEX_SUFFIX.length)}.jsonl`));
        for (const file of names.filter((f) => JOURNAL_FILE.test(f) && f < today()).sort()) {
          if (indexed.has(file) && (await this.indexMatches(file))) continue;
          try {
            await this.compactFile(file);
          } catch (err) {
            console.error(`sfn: could not compact ${file}: ${String(err)}`);
          }
        }
      } finally {
        this.compacting = undefined;
      }
    })();
    return this.compacting;
  }

  private async indexMatches(file: string): Promise<boolean> {
    try {
      const text = await readFile(join(this.dir, `${file.slice(0, -'.jsonl'.length)}${INDEX_SUFFIX}`), 'utf8');
      const header = IndexHeader.parse(JSON.parse(text.slice(0, text.indexOf('\n'))));
      return header.file === file && header.size === (await stat(join(this.dir, file))).size;
    } catch {
      return false;
    }
  }

  /** One day file → one line per execution (unless a line is damaged), then its index. */
  private async compactFile(file: string): Promise<void> {
    const path = join(this.dir, file);
    const bytes = await readFile(path);
    const parsed = parseLines(bytes, file);
    const damaged = parsed.some((p) => !p.line);
    const byExecution = new Map<string, Array<{ line: z.infer<typeof JournalLine>; ref: LineRef }>>();
    for (const { line, ref } of parsed)
      if (line) (byExecution.get(line.executionArn) ?? byExecution.set(line.executionArn, []).get(line.executionArn))?.push({ line, ref });
    let size = bytes.length;
    let placed = new Map<string, LineRef[]>();
    for (const [arn, group] of byExecution)
      placed.set(
        arn,
        group.map((g) => g.ref),
      );
    if (!damaged && [...byExecution.values()].some((g) => g.length > 1)) {
      const out: string[] = [];
      const next = new Map<string, LineRef[]>();
      let offset = 0;
      for (const [arn, group] of byExecution) {
        const last = (group.at(-1) as { line: z.infer<typeof JournalLine> }).line;
        const merged = { ...last, input: group[0]?.line.input, events: group.flatMap((g) => g.line.events) };
        const text = JSON.stringify(merged);
        const length = Buffer.byteLength(text);
        out.push(text);
        next.set(arn, [{ file, offset, length }]);
        offset += length + 1;
      }
      const body = `${out.join('\n')}\n`;
      // Swapped in the same synchronous turn as the rename: a history read never sees new bytes with old offsets.
      await writeDurably(path, body, () => this.swapRefs(file, next, Buffer.byteLength(body)));
      size = Buffer.byteLength(body);
      placed = next;
    } else this.swapRefs(file, placed, size);
    const entries = [...byExecution].map(([arn, group]) => {
      const first = group[0]?.line;
      const { events: _events, ...last } = (group.at(-1) as { line: z.infer<typeof JournalLine> }).line;
      return JSON.stringify({ ...last, input: first?.input, lines: (placed.get(arn) ?? []).map((r) => [r.offset, r.length]) });
    });
    await writeDurably(
      join(this.dir, `${file.slice(0, -'.jsonl'.length)}${INDEX_SUFFIX}`),
      `${[JSON.stringify({ version: 1, file, size }), ...entries].join('\n')}\n`,
    );
  }

  /** Replaces, for each execution, its refs into `file` by `placed` (in place: refs into other days keep their order). */
  private swapRefs(file: string, placed: Map<string, LineRef[]>, size: number): void {
    for (const [arn, refs] of placed) {
      const all = this.lines.get(arn);
      if (!all) continue; // not loaded (its first line was lost): nothing points at it
      const at = all.findIndex((r) => r.file === file);
      const kept = all.filter((r) => r.file !== file);
      kept.splice(at === -1 ? kept.length : at, 0, ...refs);
      this.lines.set(arn, kept);
    }
    this.sizes.set(file, size);
  }

  /** At a stop: the journal flushed and a compaction in progress finished (the day indexes need nothing more). */
  async close(): Promise<void> {
    await this.drain();
    await this.compacting;
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
