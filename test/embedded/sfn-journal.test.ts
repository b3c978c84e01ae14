/**
 * embedded/sfn/journal.ts on its own: the on-disk format existing data directories hold, torn last line recovery,
 * snapshot + journal replay, and what a flush writes.
 */
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Execution, HistoryEvent } from '../../embedded/sfn/api.js';
import { Journal } from '../../embedded/sfn/journal.js';

const dirs: string[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});
async function dataDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'sfn-journal-'));
  dirs.push(d);
  return d;
}

const MACHINE = 'arn:aws:states:us-east-1:000000000000:stateMachine:m';
const arn = (name: string) => `arn:aws:states:us-east-1:000000000000:execution:m:${name}`;
const T0 = Date.UTC(2024, 4, 3, 8, 0, 0);
const FILE = '2024-05-03.jsonl';

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
    const journal = new Journal(dir);
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

    // A snapshot was written for the next start: its header covers the whole journal file.
    const [head = ''] = (await readFile(join(dir, 'snapshot.jsonl'), 'utf8')).split('\n');
    expect(JSON.parse(head)).toEqual({ version: 1, sizes: { [FILE]: (await stat(join(dir, FILE))).size } });
  });

  it('a torn last line (a crash mid-append) is skipped and closed with a newline, so the next append starts clean', async () => {
    const dir = await dataDir();
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const whole = line('a', { input: '{}', status: 'RUNNING', events: stored(1, ['ExecutionStarted']) });
    const torn = line('a', { status: 'SUCCEEDED', stopDate: T0 + 5, events: stored(2, ['ExecutionSucceeded']) }).slice(0, 40);
    await writeFile(join(dir, FILE), `${whole}\n${torn}`);

    const journal = new Journal(dir);
    const [rec] = await journal.load();
    expect(rec).toMatchObject({ name: 'a', status: 'RUNNING' }); // the torn line never happened
    expect(error).toHaveBeenCalledWith(expect.stringContaining('skipping a damaged line'));
    const text = await readFile(join(dir, FILE), 'utf8');
    expect(text).toBe(`${whole}\n${torn}\n`);

    // The run goes on and is journaled; a later start reads it whole (snapshot removed: the full journal is parsed).
    if (!rec?.events) throw new Error('a running execution keeps its events');
    rec.events.push({ id: 2, previousEventId: 1, timestamp: new Date(T0 + 7), type: 'ExecutionSucceeded' });
    Object.assign(rec, { status: 'SUCCEEDED', stopDate: new Date(T0 + 7), output: '{}' });
    journal.mark(rec);
    await journal.drain();
    await rm(join(dir, 'snapshot.jsonl'));
    const again = new Journal(dir);
    const [reloaded] = await again.load();
    expect(reloaded).toMatchObject({ status: 'SUCCEEDED', output: '{}' });
    expect(types(again.history(arn('a')))).toEqual(['ExecutionStarted', 'ExecutionSucceeded']);
  });

  it('snapshot + journal: a start takes summaries from the snapshot, replays only the lines added since, in order', async () => {
    const dir = await dataDir();
    const oldLine = line('old', {
      input: '{}',
      status: 'SUCCEEDED',
      stopDate: T0 + 2,
      events: stored(1, ['ExecutionStarted', 'ExecutionSucceeded']),
    });
    const longLine = line('long', { input: '{"n":1}', status: 'RUNNING', events: stored(1, ['ExecutionStarted', 'PassStateEntered']) });
    await writeFile(join(dir, FILE), `${oldLine}\n${longLine}\n`);
    const first = new Journal(dir);
    const rec = (await first.load()).find((r) => r.name === 'long'); // writes the snapshot covering the fixture file
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

    // Damage old's line in place (same length): the snapshot covers it, so a start must not parse it again.
    await writeFile(join(dir, FILE), `${'#'.repeat(oldLine.length)}\n${longLine}\n`);
    const second = new Journal(dir);
    const loaded = new Map((await second.load()).map((r) => [r.name, r]));
    expect(loaded.get('old')).toMatchObject({ status: 'SUCCEEDED', stopDate: new Date(T0 + 2) }); // from the snapshot
    expect(loaded.get('long')).toMatchObject({ input: '{"n":1}', status: 'SUCCEEDED', output: '{"n":2}' });
    const history = second.history(arn('long'));
    expect(types(history)).toEqual(['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded']);
    expect(history.map((e) => e.timestamp.getTime())).toEqual([T0 + 1, T0 + 2, T0 + 3, T0 + 4]);
    // old's history is read by reference when asked for: the damage shows only then, as an API error.
    expect(() => second.history(arn('old'))).toThrow(/could not be read from the journal/);
  });

  it('a snapshot that does not add up (journal shorter than it says, or damaged) is ignored: the whole journal is read', async () => {
    const dir = await dataDir();
    const error = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    await writeFile(
      join(dir, FILE),
      `${line('x', { input: '{}', status: 'SUCCEEDED', stopDate: T0 + 2, events: stored(1, ['ExecutionStarted', 'ExecutionSucceeded']) })}\n`,
    );
    for (const snapshot of [
      `${JSON.stringify({ version: 1, sizes: { [FILE]: 10 ** 9 } })}\n`,
      'not json\n',
      `${JSON.stringify({ version: 2, sizes: {} })}\n`,
    ]) {
      await writeFile(join(dir, 'snapshot.jsonl'), snapshot);
      const journal = new Journal(dir);
      const loaded = await journal.load();
      expect(loaded.map((r) => [r.name, r.status])).toEqual([['x', 'SUCCEEDED']]);
      expect(types(journal.history(arn('x')))).toEqual(['ExecutionStarted', 'ExecutionSucceeded']);
    }
    expect(error).toHaveBeenCalledWith(expect.stringContaining('not using the journal snapshot'));
  });

  it('changes made while a flush writes become one line; input on the first line only, each event once', async () => {
    const dir = await dataDir();
    const journal = new Journal(dir);
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

  it('an execution whose first line was lost is not loaded (nothing to restart it from)', async () => {
    const dir = await dataDir();
    await writeFile(join(dir, FILE), `${line('orphan', { status: 'RUNNING', events: stored(5, ['PassStateEntered']) })}\n`);
    expect(await new Journal(dir).load()).toEqual([]);
  });
});
