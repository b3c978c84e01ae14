/**
 * The embedded engine's Distributed Map reading a CSV with an ItemReader from the local stand-in for S3, batching
 * with an ItemBatcher and writing results with a ResultWriter, as Step Functions does: items are objects keyed by
 * the header (text values), a batch is `{Items, BatchInput}`, the map's result is `{MapRunArn, ResultWriterDetails}`
 * with the manifest and results in the bucket. What is not emulated is refused at start.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { assertLocallyRunnable, createLocalSfn, type HistoryEvent, type LocalSfn, type TaskHandler } from '../../embedded/sfn/engine.js';
import { objectPath, putObject } from '../../embedded/sfn/local-bucket.js';
import { csvItems, batchItems } from '../../embedded/sfn/item-reader.js';

const NAME = 'reader-test';
const ARN = `arn:aws:states:us-east-1:000000000000:stateMachine:${NAME}`;

function definition(map: Record<string, unknown> = {}) {
  return {
    StartAt: 'Prepare',
    States: {
      Prepare: { Type: 'Pass', Next: 'Rows' },
      Rows: {
        Type: 'Map',
        Label: 'Batch',
        MaxConcurrency: 2,
        ItemReader: {
          Resource: 'arn:aws:states:::s3:getObject',
          ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' },
          Parameters: { 'Bucket.$': '$.bucket', 'Key.$': '$.key' },
        },
        ItemBatcher: { MaxItemsPerBatch: 2, BatchInput: { 'feedId.$': '$.feedId', fixed: 'yes' } },
        ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'results-bucket', Prefix: 'runs' } },
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'Work',
          States: {
            Work: {
              Type: 'Task',
              Resource: 'arn:aws:states:::lambda:invoke',
              Parameters: { FunctionName: 'arn:aws:lambda:us-east-1:000000000000:function:Work', 'Payload.$': '$' },
              OutputPath: '$.Payload',
              End: true,
            },
          },
        },
        ResultPath: '$.written',
        Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Broken' }],
        Next: 'Done',
        ...map,
      },
      Broken: { Type: 'Fail', Error: 'MapFailed', CausePath: '$.error.Cause' },
      Done: { Type: 'Succeed' },
    },
  };
}

const open: LocalSfn[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

async function setup(work: TaskHandler, def: unknown = definition(), dataDir?: string) {
  const bucketDir = dataDir ?? (await mkdtemp(join(tmpdir(), 'sfn-reader-')));
  if (!dataDir) dirs.push(bucketDir);
  const sfn = await createLocalSfn({
    stateMachines: [{ name: NAME, arn: ARN, definition: def, taskHandlers: { Work: work } }],
    retryIntervalScale: 0.01,
    bucketDir,
    dataDir: dataDir ? join(dataDir, 'executions') : undefined,
  });
  open.push(sfn);
  return { sfn, bucketDir };
}
const types = (events: HistoryEvent[]) => events.map((e) => e.type);
const CSV = 'line,name,amount\r\n2,"Li, Hua",100\r\n3,Wang,"2""00"\r\n\r\n5,Zhao,300\r\n6,Qian,400\r\n7,Sun,500\r\n';

describe('sfn engine: Distributed Map ItemReader (CSV), ItemBatcher, ResultWriter', () => {
  it('reads the CSV from the local bucket into header-keyed items, batches them with BatchInput, writes the results', async () => {
    const inputs: unknown[] = [];
    const { sfn, bucketDir } = await setup(async (p) => {
      inputs.push(p);
      const batch = p as { Items: Array<{ line: string }> };
      return { lines: batch.Items.map((i) => i.line) };
    });
    await putObject(bucketDir, 'feed-bucket', 'normalized/f1.csv', `\uFEFF${CSV}`);
    const { executionArn } = await sfn.startExecution({
      stateMachineArn: ARN,
      name: 'run-1',
      input: JSON.stringify({ bucket: 'feed-bucket', key: 'normalized/f1.csv', feedId: 'F1' }),
    });
    const done = await sfn.waitForExecution(executionArn);
    expect(done.status).toBe('SUCCEEDED');

    const sorted = [...inputs].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    expect(sorted).toEqual([
      {
        Items: [
          { line: '2', name: 'Li, Hua', amount: '100' },
          { line: '3', name: 'Wang', amount: '2"00' },
        ],
        BatchInput: { feedId: 'F1', fixed: 'yes' },
      },
      {
        Items: [
          { line: '5', name: 'Zhao', amount: '300' },
          { line: '6', name: 'Qian', amount: '400' },
        ],
        BatchInput: { feedId: 'F1', fixed: 'yes' },
      },
      { Items: [{ line: '7', name: 'Sun', amount: '500' }], BatchInput: { feedId: 'F1', fixed: 'yes' } },
    ]);

    // The map's result is the writer's answer; the input passes through untouched (no hidden fields).
    const output = JSON.parse(done.output ?? '{}');
    expect(Object.keys(output).sort()).toEqual(['bucket', 'feedId', 'key', 'written']);
    expect(output.written.MapRunArn).toMatch(/^arn:aws:states:us-east-1:000000000000:mapRun:reader-test\/Batch:[0-9a-f-]{36}$/);
    const runId = (output.written.MapRunArn as string).split(':').pop();
    expect(output.written.ResultWriterDetails).toEqual({ Bucket: 'results-bucket', Key: `runs/${runId}/manifest.json` });
    const manifest = JSON.parse(await readFile(objectPath(bucketDir, 'results-bucket', `runs/${runId}/manifest.json`), 'utf8'));
    expect(manifest).toMatchObject({
      DestinationBucket: 'results-bucket',
      MapRunArn: output.written.MapRunArn,
      ResultFiles: { FAILED: [], PENDING: [] },
    });
    expect(manifest.ResultFiles.SUCCEEDED).toHaveLength(1);
    const results = JSON.parse(await readFile(objectPath(bucketDir, 'results-bucket', manifest.ResultFiles.SUCCEEDED[0].Key), 'utf8'));
    expect(results).toHaveLength(3);
    expect(results.map((r: { Status: string }) => r.Status)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
    expect(JSON.parse(results[0].Output)).toEqual({ lines: ['2', '3'] });
    expect(JSON.parse(results[2].Input)).toMatchObject({ Items: [{ line: '7' }] });

    // The hidden reader Task is not in the history: the map reads as AWS records it.
    const history = sfn.getExecutionHistory({ executionArn, maxResults: 1000 }).events;
    expect(types(history)).toEqual([
      'ExecutionStarted',
      'PassStateEntered',
      'PassStateExited',
      'MapStateEntered',
      'MapRunStarted',
      'MapRunSucceeded',
      'MapStateExited',
      'SucceedStateEntered',
      'SucceedStateExited',
      'ExecutionSucceeded',
    ]);
  });

  it('without a batcher each row is an item; ItemSelector sees it as $$.Map.Item.Value; MaxItems cuts the file', async () => {
    const seen: unknown[] = [];
    const { ItemBatcher: _b, ResultWriter: _w, ...rest } = definition().States.Rows;
    const def = definition() as { States: Record<string, unknown> };
    def.States.Rows = {
      ...rest,
      ItemReader: { ...rest.ItemReader, ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW', MaxItems: 3 } },
      ItemSelector: { 'row.$': '$$.Map.Item.Value', 'feed.$': '$.feedId' },
    };
    const { sfn, bucketDir } = await setup(async (p) => {
      seen.push(p);
      return (p as { row: { line: string } }).row.line;
    }, def);
    await putObject(bucketDir, 'feed-bucket', 'f.csv', CSV);
    const { executionArn } = await sfn.startExecution({
      stateMachineArn: ARN,
      name: 'run-2',
      input: JSON.stringify({ bucket: 'feed-bucket', key: 'f.csv', feedId: 'F2' }),
    });
    const done = await sfn.waitForExecution(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output ?? '{}').written).toEqual(['2', '3', '5']);
    expect(seen).toContainEqual({ row: { line: '2', name: 'Li, Hua', amount: '100' }, feed: 'F2' });
  });

  it('a missing object or a row with the wrong number of fields fails the map with States.ItemReaderFailed, which its Catch takes', async () => {
    const { sfn, bucketDir } = await setup(async () => ({}));
    const missing = await sfn.startExecution({
      stateMachineArn: ARN,
      name: 'run-3',
      input: JSON.stringify({ bucket: 'feed-bucket', key: 'none.csv', feedId: 'F3' }),
    });
    const d1 = await sfn.waitForExecution(missing.executionArn);
    expect(d1).toMatchObject({ status: 'FAILED', error: 'MapFailed' });
    expect(d1.cause).toMatch(/does not exist: s3:\/\/feed-bucket\/none\.csv/);
    await putObject(bucketDir, 'feed-bucket', 'ragged.csv', 'a,b\n1,2\n3\n');
    const ragged = await sfn.startExecution({
      stateMachineArn: ARN,
      name: 'run-4',
      input: JSON.stringify({ bucket: 'feed-bucket', key: 'ragged.csv', feedId: 'F4' }),
    });
    const d2 = await sfn.waitForExecution(ragged.executionArn);
    expect(d2.cause).toMatch(/line 3: 1 fields, the header has 2/);
  });

  it('after a restart the re-read file gives the same batches and the finished children are not run again', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sfn-reader-restart-'));
    dirs.push(dataDir);
    let reached: () => void = () => undefined;
    const blocked = new Promise<void>((r) => (reached = r));
    const first: string[] = [];
    const one = await setup(
      async (p) => {
        const lines = (p as { Items: Array<{ line: string }> }).Items.map((i) => i.line).join('+');
        first.push(lines);
        if (lines === '7') {
          reached();
          await new Promise(() => undefined);
        }
        return lines;
      },
      definition({ MaxConcurrency: 1 }),
      dataDir,
    );
    await putObject(dataDir, 'feed-bucket', 'f.csv', CSV);
    const { executionArn } = await one.sfn.startExecution({
      stateMachineArn: ARN,
      name: 'run-5',
      input: JSON.stringify({ bucket: 'feed-bucket', key: 'f.csv', feedId: 'F5' }),
    });
    await blocked;
    await one.sfn.close();
    expect(first).toEqual(['2+3', '5+6', '7']);
    const second: string[] = [];
    const two = await setup(
      async (p) => {
        const lines = (p as { Items: Array<{ line: string }> }).Items.map((i) => i.line).join('+');
        second.push(lines);
        return lines;
      },
      definition({ MaxConcurrency: 1 }),
      dataDir,
    );
    const done = await two.sfn.waitForExecution(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(second).toEqual(['7']);
    const manifestKey = JSON.parse(done.output ?? '{}').written.ResultWriterDetails.Key as string;
    const manifest = JSON.parse(await readFile(objectPath(dataDir, 'results-bucket', manifestKey), 'utf8'));
    const results = JSON.parse(await readFile(objectPath(dataDir, 'results-bucket', manifest.ResultFiles.SUCCEEDED[0].Key), 'utf8'));
    expect(results.map((r: { Output: string }) => JSON.parse(r.Output))).toEqual(['2+3', '5+6', '7']);
  });

  it('refuses at start what it does not emulate', () => {
    const rows = (over: Record<string, unknown>) => definition(over);
    expect(() => assertLocallyRunnable(rows({ ItemReader: { Resource: 'arn:aws:states:::s3:listObjectsV2', Parameters: { Bucket: 'b' } } }))).toThrow(
      /state Rows: ItemReader Resource .* not supported/,
    );
    expect(() =>
      assertLocallyRunnable(
        rows({
          ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { Bucket: 'b', Key: 'k' } },
        }),
      ),
    ).toThrow(/InputType JSON is not supported/);
    expect(() =>
      assertLocallyRunnable(
        rows({
          ItemReader: {
            Resource: 'arn:aws:states:::s3:getObject',
            ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW', CSVDelimiter: 'TAB' },
            Parameters: { Bucket: 'b', Key: 'k' },
          },
        }),
      ),
    ).toThrow(/CSVDelimiter is not supported/);
    expect(() => assertLocallyRunnable(rows({ ItemSelector: { 'x.$': '$$.Map.Item.Value' } }))).toThrow(/ItemSelector with an ItemBatcher/);
    expect(() => assertLocallyRunnable(rows({ ItemBatcher: { MaxItemsPerBatchPath: '$.n' } }))).toThrow(/MaxItemsPerBatchPath is not supported/);
    expect(() => assertLocallyRunnable(rows({ ResultSelector: { 'a.$': '$' } }))).toThrow(/ResultSelector with a ResultWriter/);
    expect(() =>
      assertLocallyRunnable(rows({ ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'b' }, WriterConfig: {} } })),
    ).toThrow(/WriterConfig is not supported/);
    const inline = {
      StartAt: 'Outer',
      States: {
        Outer: {
          Type: 'Map',
          ItemProcessor: {
            ProcessorConfig: { Mode: 'INLINE' },
            StartAt: 'Rows',
            States: { Rows: { ...definition().States.Rows, Catch: undefined, Next: undefined, End: true } },
          },
          End: true,
        },
      },
    };
    expect(() => assertLocallyRunnable(inline)).toThrow(/inside an inline Map is not run locally/);
    expect(() => assertLocallyRunnable(definition())).not.toThrow();
  });

  it('pure parts: CSV items and batches by count and by bytes', () => {
    expect(csvItems('a,b\n"x\ny",2\n', { headerLocation: 'FIRST_ROW' })).toEqual([{ a: 'x\ny', b: '2' }]);
    expect(csvItems('1,2\n', { headerLocation: 'GIVEN', headers: ['p', 'q'] })).toEqual([{ p: '1', q: '2' }]);
    const items = Array.from({ length: 5 }, (_, i) => ({ n: String(i) }));
    expect(batchItems(items, { maxItems: 2, maxBytes: 262144, hasBatchInput: false }, undefined)).toHaveLength(3);
    // {"Items":[]} is 12 bytes, each item 9 (plus a comma): 12 + 9 + 1 + 9 = 31 fits two, not three.
    const bySize = batchItems(items, { maxBytes: 31, hasBatchInput: false }, undefined) as Array<{ Items: unknown[] }>;
    expect(bySize.map((b) => b.Items.length)).toEqual([2, 2, 1]);
    expect(() => batchItems(items, { maxBytes: 15, hasBatchInput: false }, undefined)).toThrow(/does not fit/);
  });
});
