/**
 * Durable executions: a journal of JSON lines, one file per UTC day (`<dataDir>/<yyyy-mm-dd>.jsonl`), and for each
 * closed day an index that lets a start skip that day's lines. The line format is a contract with every existing
 * data directory: files written by any earlier version load as they are.
 *
 * Each flush appends one line per changed execution to today's file: its current status and the events added
 * since its last line. Many changes of one execution between flushes become one line, and a flush is one append,
 * so the cost under load is a few writes per second, not several per execution. Loading replays lines in order.
 *
 * Reading and rewriting day files is done by a worker thread (journal-worker.mjs), never on the server's thread:
 * a day holds hundreds of MB after a long stop, and parsing it there stalled every request meanwhile.
 * - A start asks the worker for every day's summaries: from the day's index `<day>.index.jsonl` when it matches
 *   the file (same size), else by reading the day's lines (progress in the log); a closed day (an earlier UTC day,
 *   which no flush writes to again) read that way is indexed as it is, so the next start reads its index only.
 *   Histories stay on disk: a stopped execution's is read back from its lines when asked for (`history`).
 * - Compaction (in the background after a start, and hourly): a closed day is rewritten with ONE line per
 *   execution holding all its events of that day, in the same line format (a load of the file gives the same
 *   executions, statuses and events), and indexed again. The server keeps serving meanwhile; the compacted file
 *   and its index are written to temporary files, flushed, and renamed into place by this thread in the same
 *   turn as it points history reads at the new lines.
 * Crash safety: a start removes leftover temporary files (the file they were to replace is whole); a file without
 * a matching index (size differs, damaged, absent) is read again and indexed. A file holding a damaged line is
 * indexed but never rewritten (its bytes are kept).
 */
import { closeSync, openSync, readSync, renameSync } from 'node:fs';
import { appendFile, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
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

/** A day's summaries (an index entry, or what the worker read from the lines): one per execution with lines there. */
const DayEntry = JournalLine.omit({ events: true }).extend({ lines: z.array(z.tuple([z.number().int().min(0), z.number().int().min(0)])).min(1) });
const DayAnswer = z.object({
  entries: z.array(z.unknown()),
  size: z.number().int().min(0),
  damaged: z.number().int().min(0),
  fromIndex: z.boolean().optional(),
  unusableIndex: z.string().optional(),
});
const CompactAnswer = z.union([
  z.object({ rewritten: z.literal(false) }),
  z.object({
    rewritten: z.literal(true),
    tmp: z.string(),
    indexTmp: z.string(),
    size: z.number().int().min(0),
    refs: z.array(z.tuple([z.string(), z.number().int().min(0), z.number().int().min(0)])),
  }),
]);
const INDEX_SUFFIX = '.index.jsonl';
/** The snapshot of earlier versions (rewritten whole at every start and stop); superseded by the day indexes. */
const LEGACY_SNAPSHOT = 'snapshot.jsonl';
const TMP = /\.tmp-\d+-[0-9a-f-]+$/;
/** Compaction of closed days while the server runs. */
export const COMPACT_EVERY_MS = 60 * 60 * 1000;

const today = () => `${new Date().toISOString().slice(0, 10)}.jsonl`;
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

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

type Progress = { done: number; total?: number | undefined };

/**
 * The worker thread (journal-worker.mjs), started at the first request and ended by `close`. It keeps the process
 * alive only while it has work: a stopped server is not held open by an idle worker.
 */
class FileWorker {
  private worker: Worker | undefined;
  private next = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; progress: (p: Progress) => void }>();

  call(message: Record<string, unknown>, progress: (p: Progress) => void = () => undefined): Promise<unknown> {
    const worker = (this.worker ??= this.start());
    const id = this.next++;
    if (this.pending.size === 0) worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject, progress });
      worker.postMessage({ ...message, id });
    });
  }

  private start(): Worker {
    const worker = new Worker(new URL('./journal-worker.mjs', import.meta.url));
    worker.unref();
    worker.on('message', (m: { id: number; progress?: Progress; result?: unknown; error?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      if (m.progress) return p.progress(m.progress);
      this.pending.delete(m.id);
      if (this.pending.size === 0) worker.unref();
      if (m.error !== undefined) p.reject(new Error(m.error));
      else p.resolve(m.result);
    });
    const fail = (err: Error) => {
      if (this.worker === worker) this.worker = undefined;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the journal's worker thread stopped (exit code ${code})`)));
    return worker;
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }
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
  private loading: Promise<Execution[]> | undefined;
  private readonly files = new FileWorker();
  private closing = false;
  constructor(
    private readonly dir: string,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  /**
   * Every execution in the journal (stopped ones without their history, which stays on disk). The same promise
   * when asked again: the runtime starts the load early, beside DynamoDB Local's start, and the engine awaits it.
   * Starts the compaction of closed days in the background.
   */
  load(): Promise<Execution[]> {
    this.loading ??= this.read();
    return this.loading;
  }

  private async read(): Promise<Execution[]> {
    const t0 = Date.now();
    await mkdir(this.dir, { recursive: true });
    const names = await readdir(this.dir);
    // A crash mid-compaction leaves a temporary file: the file it was to replace is still whole.
    for (const f of names.filter((n) => TMP.test(n))) await rm(join(this.dir, f), { force: true });
    const files = names.filter((f) => JOURNAL_FILE.test(f)).sort();
    // Every day asked for at once (the worker answers in order), applied in order as the answers come.
    const answers = files.map((file) =>
      this.files
        .call({ op: 'day', dir: this.dir, file, closed: file < today() }, (p) =>
          this.log(`execution journal: reading ${file} (not indexed yet): ${mb(p.done)}${p.total ? ` of ${mb(p.total)}` : ''}`),
        )
        .then((a) => DayAnswer.parse(a)),
    );
    for (const a of answers) a.catch(() => undefined); // awaited in order below
    const byArn = new Map<string, Execution>();
    let indexed = 0;
    let readBytes = 0;
    for (const [i, file] of files.entries()) {
      const day = await (answers[i] as Promise<z.infer<typeof DayAnswer>>);
      if (day.unusableIndex) console.error(`sfn: not using the index of ${file} (${day.unusableIndex}); reading its lines`);
      if (day.damaged > 0)
        console.error(`sfn: skipping a damaged line in ${join(this.dir, file)}${day.damaged > 1 ? ` (${day.damaged} in all)` : ''}`);
      if (day.fromIndex) indexed++;
      else readBytes += day.size;
      this.sizes.set(file, day.size);
      for (const raw of day.entries) {
        const { lines, ...e } = DayEntry.parse(raw);
        this.apply(
          byArn,
          e,
          lines.map(([offset, length]) => ({ file, offset, length })),
        );
      }
    }
    for (const rec of byArn.values()) {
      if (rec.status === 'RUNNING') rec.events = this.history(rec.executionArn); // it runs again: its history grows
      this.written.set(rec, rec.events?.length ?? 0);
    }
    // Earlier versions' whole snapshot: stale from now on (the indexes replace it), so it goes.
    await rm(join(this.dir, LEGACY_SNAPSHOT), { force: true });
    if (files.length > 0)
      this.log(
        `execution journal: ${byArn.size.toLocaleString('en-US')} executions from ${indexed} indexed day(s) and ${files.length - indexed} read (${mb(readBytes)}) in ${Date.now() - t0} ms`,
      );
    void this.compact();
    return [...byArn.values()];
  }

  /** Applies one day's summary of an execution (its last line without events, its first line's input) to the executions loaded so far. */
  private apply(byArn: Map<string, Execution>, line: Omit<z.infer<typeof JournalLine>, 'events'>, refs: LineRef[]): void {
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
        events: undefined, // stopped: its history stays on disk until asked for (a running one reads it after the load)
      };
      byArn.set(rec.executionArn, rec);
    }
    Object.assign(rec, {
      status: line.status,
      stopDate: line.stopDate === undefined ? undefined : new Date(line.stopDate),
      output: line.output,
      error: line.error,
      cause: line.cause,
    });
    this.refs(rec.executionArn).push(...refs);
  }

  /**
   * Compacts every closed day (an earlier UTC day than today: no flush writes to it again) not compacted yet, one
   * at a time, in the worker. Run after a load and hourly by the engine; waits for a flush in progress. Never
   * throws: a day it could not compact is tried again next time, and loads as it is meanwhile.
   */
  async compact(): Promise<void> {
    if (this.compacting) return this.compacting;
    this.compacting = (async () => {
      try {
        await this.drain();
        const closed = (await readdir(this.dir)).filter((f) => JOURNAL_FILE.test(f) && f < today()).sort();
        for (const [i, file] of closed.entries()) {
          if (this.closing) return;
          try {
            const before = this.sizes.get(file);
            const done = CompactAnswer.parse(await this.files.call({ op: 'compact', dir: this.dir, file }));
            if (!done.rewritten || this.closing) continue;
            const placed = new Map(done.refs.map(([arn, offset, length]) => [arn, [{ file, offset, length }]]));
            // One synchronous turn: a history read never sees new bytes with old offsets. The index after the file:
            // a crash between the two leaves an index that does not match (the file is read again at the next start).
            renameSync(done.tmp, join(this.dir, file));
            this.swapRefs(file, placed, done.size);
            renameSync(done.indexTmp, join(this.dir, `${file.slice(0, -'.jsonl'.length)}${INDEX_SUFFIX}`));
            this.log(
              `execution journal: compacted ${file}${before === undefined ? '' : ` ${mb(before)} →`} ${mb(done.size)} (${i + 1} of ${closed.length} closed days looked at)`,
            );
          } catch (err) {
            if (!this.closing) console.error(`sfn: could not compact ${file}: ${String(err)}`);
          }
        }
      } finally {
        this.compacting = undefined;
      }
    })();
    return this.compacting;
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

  /**
   * At a stop: the journal flushed; a compaction in progress is abandoned (its temporary files are removed at the
   * next start, the day stays as it was and is compacted later), so a stop never waits for a large day.
   */
  async close(): Promise<void> {
    await this.drain();
    this.closing = true;
    await this.files.close();
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
