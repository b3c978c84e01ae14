/**
 * embedded/sfn/journal.ts on its own: the on-disk format existing data directories hold, torn last line recovery,
 * closed days compacted and indexed (and a crash at any point of it), and what a flush writes.
 */
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Execution, HistoryEvent } from '../../embedded/sfn/api.js';
import { Journal } from '../../embedded/sfn/journal.js';

const dirs: string[] = [];
const journals: Journal[] = [];
afterEach(async () => {
  // Compactions run in the background: stopped before their directories go.
  await Promise.all(journals.splice(0).map((j) => j.close()));
  vi.restoreAllMocks();
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
/** A journal closed after the test (its worker thread ended). */
function journalOf(dir: string): Journal {
  const j = new Journal(dir);
  journals.push(j);
  return j;
}
async function dataDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'sfn-journal-'));
  dirs.push(d);
  return d;
}

const MACHINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:m';
const arn = (name: string) => `arn:aws:states:us-east-1:000000000000:execution:m:${name}`;
const T0 = Date.UTC(2024, 4, 3, 8, 0, 0);
const FILE = '2024-05-03.jsonl';
const INDEX = '2024-05-03.index.jsonl';

/** Events as they are stored: timestamps in epoch ms. */
const stored = (from: number, types: string[]) =>
  types.map((type, i) => ({ id: from + i, previousEventId: from + i - 1, timestamp: T0 + from + i, type }));

/** A journal line exactly as the engine has always written it (the format existing data directories hold). */
function line(
  name: string,
  fields: { input?: string; status: string; stopDate?: number; output?: string; events: ReturnType<typeof stored> },
): string {
  return JSON.stringify({
    executionArn: arn(name),
    stateMachineArn: MACHINE,
    name,
    input: fields.input,
    status: fields.status,
    startDate: T0,
    stopDate: fields.stopDate,
    output: fields.output,
    events: fields.events,
  });
}

const types = (events: readonly HistoryEvent[]) => events.map((e) => e.type);

describe('Journal', () => {
  it('loads a data directory in the existing format: status from the last line, history read back from the lines', async () => {
    const dir = await dataDir();
    const lines = [
      line('done', { input: '{"claimId":"C-1"}', status: 'RUNNING', events: stored(1, ['ExecutionStarted', 'TaskStateEntered']) }),
      line('running', { input: '{}', status: 'RUNNING', events: stored(1, ['ExecutionStarted']) }),
      line('done', { status: 'SUCCEEDED', stopDate: T0 + 9, output: '{"ok":true}', events: stored(3, ['TaskStateExited', 'ExecutionSucceeded']) }),
    ];
    await writeFile(join(dir, FILE), `${lines.join('\n')}\n`);
    const journal = journalOf(dir);
    const loaded = new Map((await journal.load()).map((r) => [r.name, r]));

    const done = loaded.get('done') as Execution;
    expect(done).toMatchObject({
      executionArn: arn('done'),
      stateMachineArn: MACHINE,
      input: '{"claimId":"C-1"}',
      status: 'SUCCEEDED',
      output: '{"ok":true}',
    });
    expect(done.startDate).toEqual(new Date(T0));
    expect(done.stopDate).toEqual(new Date(T0 + 9));
    expect(done.events).toBeUndefined(); // stopped: its history stays on disk
    const history = journal.history(arn('done'));
    expect(types(history)).toEqual(['ExecutionStarted', 'TaskStateEntered', 'TaskStateExited', 'ExecutionSucceeded']);
    expect(history.map((e) => [e.id, e.previousEventId])).toEqual([
      [1, 0],
      [2, 1],
      [3, 2],
      [4, 3],
    ]);
    expect(history[0]?.timestamp).toEqual(new Date(T0 + 1));

    const running = loaded.get('running') as Execution;
    expect(running.status).toBe('RUNNING');
    expect(types(running.events ?? [])).toEqual(['ExecutionStarted']); // it runs again: kept in memory to grow

    // The day is closed: compacted to one line per execution in the background, and indexed for the next start.
    await journal.compact();
    const compacted = (await readFile(join(dir, FILE), 'utf8')).split('\n').filter(Boolean);
    expect(compacted.map((l) => (JSON.parse(l) as { name: string }).name)).toEqual(['done', 'running']);
    const [head = ''] = (await readFile(join(dir, INDEX), 'utf8')).split('\n');
    expect(JSON.parse(head)).toEqual({ version: 1, file: FILE, size: (await stat(join(dir, FILE))).size });
  });

  it('a torn last line (a crash mid-append) is skipped and closed with a newline, so the next append starts clean', async () => {
    const dir = await dataDir();
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const whole = line('a', { input: '{}', status: 'RUNNING', events: stored(1, ['ExecutionStarted']) });
    const torn = line('a', { status: 'SUCCEEDED', stopDate: T0 + 5, events: stored(2, ['ExecutionSucceeded']) }).slice(0, 40);
    await writeFile(join(dir, FILE), `${whole}\n${torn}`);

    const journal = journalOf(dir);
    const [rec] = await journal.load();
    expect(rec).toMatchObject({ name: 'a', status: 'RUNNING' }); // the torn line never happened
    expect(error).toHaveBeenCalledWith(expect.stringContaining('skipping a damaged line'));
    const text = await readFile(join(dir, FILE), 'utf8');
    expect(text).toBe(`${whole}\n${torn}\n`);

    // The day is indexed but not rewritten: a file with a damaged line keeps its bytes.
    expect(await readFile(join(dir, FILE), 'utf8')).toBe(`${whole}\n${torn}\n`);
    // The run goes on and is journaled; a later start reads it whole (index removed: every line is parsed).
    if (!rec?.events) throw new Error('a running execution keeps its events');
    rec.events.push({ id: 2, previousEventId: 1, timestamp: new Date(T0 + 7), type: 'ExecutionSucceeded' });
    Object.assign(rec, { status: 'SUCCEEDED', stopDate: new Date(T0 + 7), output: '{}' });
    journal.mark(rec);
    await journal.drain();
    await rm(join(dir, INDEX));
    const again = journalOf(dir);
    const [reloaded] = await again.load();
    expect(reloaded).toMatchObject({ status: 'SUCCEEDED', output: '{}' });
    expect(types(again.history(arn('a')))).toEqual(['ExecutionStarted', 'ExecutionSucceeded']);
  });

  it('index + journal: a start takes the summaries of a closed day from its index, replays only the lines not indexed, in order', async () => {
    const dir = await dataDir();
    const oldLine = line('old', {
      input: '{}',
      status: 'SUCCEEDED',
      stopDate: T0 + 2,
      events: stored(1, ['ExecutionStarted', 'ExecutionSucceeded']),
    });
    const longLine = line('long', { input: '{"n":1}', status: 'RUNNING', events: stored(1, ['ExecutionStarted', 'PassStateEntered']) });
    await writeFile(join(dir, FILE), `${oldLine}\n${longLine}\n`);
    const first = journalOf(dir);
    const rec = (await first.load()).find((r) => r.name === 'long'); // indexes the fixture's (closed) day
    if (!rec?.events) throw new Error('a running execution keeps its events');

    // The run goes on in this process over two flushes, then the process dies without closing (no new snapshot).
    rec.events.push({ id: 3, previousEventId: 2, timestamp: new Date(T0 + 3), type: 'PassStateExited' });
    first.mark(rec);
    await first.drain();
    rec.events.push({ id: 4, previousEventId: 3, timestamp: new Date(T0 + 4), type: 'ExecutionSucceeded' });
    Object.assign(rec, { status: 'SUCCEEDED', stopDate: new Date(T0 + 4), output: '{"n":2}' });
    first.mark(rec);
    await first.drain();
    expect(rec.events).toBeUndefined(); // stopped and all written: it left memory

    // Damage old's line in place (same length): the index covers it, so a start must not parse it again.
    await writeFile(join(dir, FILE), `${'#'.repeat(oldLine.length)}\n${longLine}\n`);
    const second = journalOf(dir);
    const loaded = new Map((await second.load()).map((r) => [r.name, r]));
    expect(loaded.get('old')).toMatchObject({ status: 'SUCCEEDED', stopDate: new Date(T0 + 2) }); // from the index
    expect(loaded.get('long')).toMatchObject({ input: '{"n":1}', status: 'SUCCEEDED', output: '{"n":2}' });
    const history = second.history(arn('long'));
    expect(types(history)).toEqual(['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
    expect(history.map((e) => e.timestamp.getTime())).toEqual([T0 + 1, T0 + 2, T0 + 3, T0 + 4]);
    // old's history is read by reference when asked for: the damage shows only then, as an API error.
    expect(() => second.history(arn('old'))).toThrow(/could not be read from the journal/);
  });

  it('an index that does not add up (its file is another size, or it is damaged) is ignored: the file is read', async () => {
    const dir = await dataDir();
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await writeFile(
      join(dir, FILE),
      `${line('x', { input: '{}', status: 'SUCCEEDED', stopDate: T0 + 2, events: stored(1, ['ExecutionStarted', 'ExecutionSucceeded']) })}\n`,
    );
    const wrong = (status: string) =>
      JSON.stringify({ executionArn: arn('x'), stateMachineArn: MACHINE, name: 'x', input: '{}', startDate: T0, status, lines: [[0, 10]] });
    const size = (await stat(join(dir, FILE))).size;
    for (const index of [
      `${JSON.stringify({ version: 1, file: FILE, size: size + 1 })}\n${wrong('FAILED')}\n`,
      'not json\n',
      `${JSON.stringify({ version: 2, file: FILE, size })}\n${wrong('FAILED')}\n`,
      `${JSON.stringify({ version: 1, file: FILE, size })}\n${wrong('FAILED').slice(0, 30)}\n`,
    ]) {
      await writeFile(join(dir, INDEX), index);
      const journal = journalOf(dir);
      const loaded = await journal.load();
      expect(loaded.map((r) => [r.name, r.status])).toEqual([['x', 'SUCCEEDED']]);
      expect(types(journal.history(arn('x')))).toEqual(['ExecutionStarted', 'ExecutionSucceeded']);
    }
    expect(error).toHaveBeenCalledWith(expect.stringContaining('not using the index'));
  });

  it('changes made while a flush writes become one line; input on the first line only, each event once', async () => {
    const dir = await dataDir();
    const journal = journalOf(dir);
    await journal.load();
    const event = (id: number, type: string): HistoryEvent => ({ id, previousEventId: id - 1, timestamp: new Date(T0 + id), type });
    const rec: Execution = {
      executionArn: arn('w'),
      stateMachineArn: MACHINE,
      name: 'w',
      input: '{"a":1}',
      status: 'RUNNING',
      startDate: new Date(T0),
      events: [event(1, 'ExecutionStarted')],
    };
    journal.mark(rec); // the flush starts at once with what there is
    rec.events?.push(event(2, 'PassStateEntered'));
    journal.mark(rec); // changes while it writes: one more line for all of them
    rec.events?.push(event(3, 'PassStateExited'));
    journal.mark(rec);
    await journal.drain();

    const files = (await readdir(dir)).filter((f) => /^\d{4}-\d{2}-\d{2}\.jsonl$/.test(f));
    const lines = (await Promise.all(files.map((f) => readFile(join(dir, f), 'utf8'))))
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({
      executionArn: arn('w'),
      name: 'w',
      input: '{"a":1}',
      status: 'RUNNING',
      startDate: T0,
      events: [{ id: 1, previousEventId: 0, timestamp: T0 + 1, type: 'ExecutionStarted' }],
    });
    expect(lines[1]).not.toHaveProperty('input');
    expect((lines[1]!.events as Array<{ id: number }>).map((e) => e.id)).toEqual([2, 3]);
  });

  describe('compaction of closed days', () => {
    const DAY2 = '2024-05-04.jsonl';
    /** Two closed days as a busy server writes them: executions' lines interleaved, one running across midnight. */
    async function twoDays(dir: string) {
      const day1 = [
        line('a', { input: '{"claimId":"C-a"}', status: 'RUNNING', events: stored(1, ['ExecutionStarted', 'TaskStateEntered']) }),
        line('b', { input: '{"claimId":"C-b"}', status: 'RUNNING', events: stored(1, ['ExecutionStarted']) }),
        line('a', { status: 'RUNNING', events: stored(3, ['TaskScheduled', 'TaskSucceeded']) }),
        line('b', { status: 'FAILED', stopDate: T0 + 5, events: stored(2, ['ExecutionFailed']) }),
        line('a', { status: 'RUNNING', events: stored(5, ['TaskStateExited']) }),
      ];
      const day2 = [
        line('a', { status: 'SUCCEEDED', stopDate: T0 + 9, output: '{"done":true}', events: stored(6, ['PassStateEntered', 'ExecutionSucceeded']) }),
        line('c', { input: '{}', status: 'RUNNING', events: stored(1, ['ExecutionStarted']) }),
      ];
      await writeFile(join(dir, FILE), `${day1.join('\n')}\n`);
      await writeFile(join(dir, DAY2), `${day2.join('\n')}\n`);
      return { day1, day2 };
    }
    /** What a start loads, once the compaction it starts in the background is done. */
    const view = async (journal: Journal) => {
      const loaded = await journal.load();
      await journal.compact();
      return see(journal, loaded);
    };
    const see = (journal: Journal, loaded: Execution[]) =>
      Object.fromEntries(
        loaded
          .map(
            (r) =>
              [
                r.name,
                {
                  status: r.status,
                  input: r.input,
                  output: r.output,
                  stopDate: r.stopDate?.getTime(),
                  history: (r.events ?? journal.history(r.executionArn)).map((e) => [e.id, e.type, e.timestamp.getTime()]),
                },
              ] as const,
          )
          .sort(([x], [y]) => x.localeCompare(y)),
      );

    it('rewrites a closed day as one line per execution, indexes it, and a later start sees exactly what the lines said', async () => {
      const dir = await dataDir();
      const { day1, day2 } = await twoDays(dir);
      const before = (await stat(join(dir, FILE))).size + (await stat(join(dir, DAY2))).size;
      const first = await view(journalOf(dir)); // loads the lines as written, then compacts both days
      expect(first.a).toMatchObject({ status: 'SUCCEEDED', input: '{"claimId":"C-a"}', output: '{"done":true}' });
      expect(first.a?.history.map(([id]) => id)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(first.b?.history.map(([, t]) => t)).toEqual(['ExecutionStarted', 'ExecutionFailed']);
      expect(first.c?.status).toBe('RUNNING');

      const compacted = (await readFile(join(dir, FILE), 'utf8'))
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { name: string; input?: string; events: unknown[] });
      expect(compacted.map((l) => [l.name, l.input, l.events.length])).toEqual([
        ['a', '{"claimId":"C-a"}', 5],
        ['b', '{"claimId":"C-b"}', 2],
      ]);
      // Day 2 had one line per execution already: indexed, its bytes untouched (a's later line keeps no input).
      expect(await readFile(join(dir, DAY2), 'utf8')).toBe(`${day2.join('\n')}\n`);
      expect((await stat(join(dir, FILE))).size + (await stat(join(dir, DAY2))).size).toBeLessThan(before);
      expect(day1.length).toBe(5);

      // From the indexes alone (the lines are read only for histories), and again with the indexes gone.
      expect(await view(journalOf(dir))).toEqual(first);
      await rm(join(dir, INDEX));
      await rm(join(dir, '2024-05-04.index.jsonl'));
      expect(await view(journalOf(dir))).toEqual(first);
    });

    it('a crash at any point of a compaction leaves a directory that loads the same', async () => {
      const dir = await dataDir();
      await twoDays(dir);
      const expected = await view(
        journalOf(
          await (async () => {
            const copy = await dataDir();
            await twoDays(copy);
            return copy;
          })(),
        ),
      );
      // Crashed while writing the compacted file: a torn temporary file beside the original.
      const uncompacted = await readFile(join(dir, FILE), 'utf8');
      await writeFile(join(dir, `${FILE}.tmp-123-00000000-0000-0000-0000-000000000000`), uncompacted.slice(0, 100));
      expect(await view(journalOf(dir))).toEqual(expected);
      expect((await readdir(dir)).filter((f) => f.includes('.tmp-'))).toEqual([]);
      // Crashed after the compacted file was renamed into place, before its index: the compacted lines are read.
      await rm(join(dir, INDEX));
      expect(await view(journalOf(dir))).toEqual(expected);
      // Crashed while writing the index: a torn index is not used.
      const index = await readFile(join(dir, INDEX), 'utf8');
      await writeFile(join(dir, INDEX), index.slice(0, index.length - 20));
      const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
      expect(await view(journalOf(dir))).toEqual(expected);
      expect(error).toHaveBeenCalledWith(expect.stringContaining('not using the index'));
    });

    it('a directory of an earlier version (its whole snapshot beside the days) loads, and the old snapshot goes', async () => {
      const dir = await dataDir();
      const { day1 } = await twoDays(dir);
      const size = (await stat(join(dir, FILE))).size;
      // As the previous version wrote it: summaries and line offsets into the uncompacted day.
      const entry = {
        executionArn: arn('b'),
        stateMachineArn: MACHINE,
        name: 'b',
        input: '{"claimId":"C-b"}',
        startDate: T0,
        status: 'FAILED',
        stopDate: T0 + 5,
        lines: [[FILE, Buffer.byteLength(day1[0] ?? '') + 1, Buffer.byteLength(day1[1] ?? '')]],
      };
      await writeFile(join(dir, 'snapshot.jsonl'), `${JSON.stringify({ version: 1, sizes: { [FILE]: size } })}\n${JSON.stringify(entry)}\n`);
      const loaded = await view(journalOf(dir));
      expect(Object.keys(loaded)).toEqual(['a', 'b', 'c']);
      expect(loaded.b?.history.map(([, t]) => t)).toEqual(['ExecutionStarted', 'ExecutionFailed']);
      expect((await readdir(dir)).sort()).toEqual(['2024-05-03.index.jsonl', FILE, '2024-05-04.index.jsonl', DAY2].sort());
    });

    it('a start does not wait for compaction: loaded at once, histories read the same before, during and after it', async () => {
      const dir = await dataDir();
      await twoDays(dir);
      const journal = journalOf(dir);
      const loaded = await journal.load(); // the compaction of both days starts now, in the worker thread
      const before = see(journal, loaded);
      const compacting = journal.compact(); // the same compaction, not a second one
      expect(see(journal, loaded)).toEqual(before); // read while the worker rewrites day 1
      await compacting;
      expect(see(journal, loaded)).toEqual(before);
      expect((await readFile(join(dir, FILE), 'utf8')).split('\n').filter(Boolean)).toHaveLength(2);
      // A stop does not wait for a compaction either: abandoned, its temporary files removed by the next start.
      await writeFile(join(dir, FILE), `${(await twoDays(await dataDir())).day1.join('\n')}\n`);
      await rm(join(dir, INDEX));
      const second = journalOf(dir);
      const again = see(second, await second.load());
      await second.close();
      expect(again).toEqual(before);
      expect(await view(journalOf(dir))).toEqual(before);
      expect((await readdir(dir)).filter((f) => f.includes('.tmp-'))).toEqual([]);
    });

    it('today is never compacted: a running server appends to it', async () => {
      const dir = await dataDir();
      const journal = journalOf(dir);
      await journal.load();
      const rec: Execution = {
        executionArn: arn('t'),
        stateMachineArn: MACHINE,
        name: 't',
        input: '{}',
        status: 'RUNNING',
        startDate: new Date(T0),
        events: [{ id: 1, previousEventId: 0, timestamp: new Date(T0 + 1), type: 'ExecutionStarted' }],
      };
      journal.mark(rec);
      await journal.drain();
      rec.events?.push({ id: 2, previousEventId: 1, timestamp: new Date(T0 + 2), type: 'ExecutionSucceeded' });
      Object.assign(rec, { status: 'SUCCEEDED', stopDate: new Date(T0 + 2) });
      journal.mark(rec);
      await journal.compact();
      const files = (await readdir(dir)).sort();
      expect(files).toHaveLength(1);
      expect((await readFile(join(dir, files[0] ?? ''), 'utf8')).split('\n').filter(Boolean)).toHaveLength(2);
      expect(types(journal.history(arn('t')))).toEqual(['ExecutionStarted', 'ExecutionSucceeded']);
    });
  });

  it('an execution whose first line was lost is not loaded (nothing to restart it from)', async () => {
    const dir = await dataDir();
    await writeFile(join(dir, FILE), `${line('orphan', { status: 'RUNNING', events: stored(5, ['PassStateEntered']) })}\n`);
    expect(await journalOf(dir).load()).toEqual([]);
  });
});
