/**
 * A Distributed Map's ItemReader, ItemBatcher and ResultWriter, as Step Functions (JSONPath) defines them, over
 * the local stand-in for S3 (local-bucket.ts). What is taken, and nothing more (anything else is refused at start
 * by `checkMapRunFields`, as the definition guard refuses what the engine cannot run):
 * - ItemReader `arn:<partition>:states:::s3:getObject` with `ReaderConfig: {InputType: 'CSV',
 *   CSVHeaderLocation: 'FIRST_ROW' | 'GIVEN', CSVHeaders?, MaxItems?}`: each row an object keyed by the header,
 *   every value text (as AWS's CSV reader gives it); a row with more or fewer fields than the header fails the map
 *   with `States.ItemReaderFailed` rather than guessing;
 * - ItemBatcher `{MaxItemsPerBatch?, MaxInputBytesPerBatch?, BatchInput?}`: each child's input is
 *   `{Items: [...], BatchInput}` (BatchInput only when given), items in file order;
 * - ResultWriter `arn:<partition>:states:::s3:putObject` with `{Bucket, Prefix}`: the map's result becomes
 *   `{MapRunArn, ResultWriterDetails: {Bucket, Key}}`, the key naming `<Prefix>/<map run id>/manifest.json`, beside
 *   it `SUCCEEDED_0.json` with one entry per child execution (ExecutionArn, Input, Output, Status, dates).
 * The `Bucket.$`/`Key.$` paths and BatchInput are evaluated by the engine itself (asl-rewrite.ts puts them in
 * the Parameters of a hidden Task before the map), so they follow ASL's payload template rules exactly.
 */
import { isAslObject as isObj, type AslObject } from '../../lib/asl-walk.js';
import { taskError, type JsonValue } from './tasks.js';
import { getObject, NoSuchKey, putObjectSync } from './local-bucket.js';

const GET_OBJECT = /^arn:aws[\w-]*:states:::s3:getObject$/;
const PUT_OBJECT = /^arn:aws[\w-]*:states:::s3:putObject$/;
/** AWS's limit on one batch's input (256 KiB), also the default MaxInputBytesPerBatch. */
const MAX_BATCH_BYTES = 256 * 1024;

function allowOnly(at: string, obj: AslObject, allowed: readonly string[]): void {
  for (const k of Object.keys(obj)) if (!allowed.includes(k)) throw new Error(`${at}: ${k} is not supported by the local engine`);
}

const isPositiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;

/** Refuses at start what the engine would mis-run in a Distributed Map's ItemReader / ItemBatcher / ResultWriter. */
export function checkMapRunFields(name: string, state: AslObject, distributed: boolean): void {
  const at = `state ${name}`;
  const used = ['ItemReader', 'ItemBatcher', 'ResultWriter'].filter((f) => f in state);
  if (used.length === 0) return;
  if (!distributed) throw new Error(`${at}: ${used.join(', ')} only in a Distributed Map`);
  if ('ItemReader' in state) {
    const r = state.ItemReader;
    if (!isObj(r)) throw new Error(`${at}: ItemReader is not an object`);
    allowOnly(`${at}: ItemReader`, r, ['Resource', 'ReaderConfig', 'Parameters']);
    if (typeof r.Resource !== 'string' || !GET_OBJECT.test(r.Resource))
      throw new Error(`${at}: ItemReader Resource ${String(r.Resource)} is not supported by the local engine (arn:aws:states:::s3:getObject only)`);
    const c = r.ReaderConfig;
    if (!isObj(c)) throw new Error(`${at}: ItemReader needs a ReaderConfig`);
    allowOnly(`${at}: ReaderConfig`, c, ['InputType', 'CSVHeaderLocation', 'CSVHeaders', 'MaxItems']);
    if (c.InputType !== 'CSV')
      throw new Error(`${at}: ReaderConfig InputType ${String(c.InputType)} is not supported by the local engine (CSV only)`);
    if (c.CSVHeaderLocation !== 'FIRST_ROW' && c.CSVHeaderLocation !== 'GIVEN')
      throw new Error(`${at}: ReaderConfig CSVHeaderLocation must be FIRST_ROW or GIVEN`);
    if (
      c.CSVHeaderLocation === 'GIVEN' &&
      !(Array.isArray(c.CSVHeaders) && c.CSVHeaders.length > 0 && c.CSVHeaders.every((h) => typeof h === 'string'))
    )
      throw new Error(`${at}: CSVHeaderLocation GIVEN needs CSVHeaders`);
    if (c.CSVHeaderLocation === 'FIRST_ROW' && 'CSVHeaders' in c) throw new Error(`${at}: CSVHeaders only with CSVHeaderLocation GIVEN`);
    if ('MaxItems' in c && !isPositiveInt(c.MaxItems)) throw new Error(`${at}: ReaderConfig MaxItems must be a positive integer`);
    if (!isObj(r.Parameters)) throw new Error(`${at}: ItemReader needs Parameters {Bucket, Key}`);
    allowOnly(`${at}: ItemReader Parameters`, r.Parameters, ['Bucket', 'Bucket.$', 'Key', 'Key.$']);
    if ('ItemsPath' in state) throw new Error(`${at}: ItemsPath with an ItemReader`);
  }
  if ('ItemBatcher' in state) {
    const b = state.ItemBatcher;
    if (!isObj(b)) throw new Error(`${at}: ItemBatcher is not an object`);
    allowOnly(`${at}: ItemBatcher`, b, ['MaxItemsPerBatch', 'MaxInputBytesPerBatch', 'BatchInput']);
    if (!('MaxItemsPerBatch' in b) && !('MaxInputBytesPerBatch' in b))
      throw new Error(`${at}: ItemBatcher needs MaxItemsPerBatch or MaxInputBytesPerBatch`);
    if ('MaxItemsPerBatch' in b && !isPositiveInt(b.MaxItemsPerBatch)) throw new Error(`${at}: MaxItemsPerBatch must be a positive integer`);
    if ('MaxInputBytesPerBatch' in b && !(isPositiveInt(b.MaxInputBytesPerBatch) && b.MaxInputBytesPerBatch <= MAX_BATCH_BYTES))
      throw new Error(`${at}: MaxInputBytesPerBatch must be 1 to ${MAX_BATCH_BYTES}`);
    if ('BatchInput' in b && !isObj(b.BatchInput)) throw new Error(`${at}: BatchInput must be an object`);
    // With a batcher, AWS applies ItemSelector to each item before batching: not emulated.
    if ('ItemSelector' in state || 'Parameters' in state)
      throw new Error(`${at}: ItemSelector with an ItemBatcher is not supported by the local engine`);
  }
  if ('ResultWriter' in state) {
    const w = state.ResultWriter;
    if (!isObj(w)) throw new Error(`${at}: ResultWriter is not an object`);
    allowOnly(`${at}: ResultWriter`, w, ['Resource', 'Parameters']);
    if (typeof w.Resource !== 'string' || !PUT_OBJECT.test(w.Resource))
      throw new Error(`${at}: ResultWriter Resource ${String(w.Resource)} is not supported by the local engine (arn:aws:states:::s3:putObject only)`);
    if (!isObj(w.Parameters)) throw new Error(`${at}: ResultWriter needs Parameters {Bucket, Prefix}`);
    allowOnly(`${at}: ResultWriter Parameters`, w.Parameters, ['Bucket', 'Bucket.$', 'Prefix', 'Prefix.$']);
    // The writer's answer replaces the map's result; a ResultSelector over it is not emulated.
    if ('ResultSelector' in state) throw new Error(`${at}: ResultSelector with a ResultWriter is not supported by the local engine`);
  }
}

/** The fixed part of a map's reader, batcher and writer (the path-valued parts are evaluated per run). */
export interface MapRunSource {
  readonly reader?: { headerLocation: 'FIRST_ROW' | 'GIVEN'; headers?: string[]; maxItems?: number };
  readonly batcher?: { maxItems?: number; maxBytes: number; hasBatchInput: boolean };
  readonly writer: boolean;
}

export function mapRunSource(state: AslObject): MapRunSource {
  const r = isObj(state.ItemReader) ? state.ItemReader : undefined;
  const c = r && isObj(r.ReaderConfig) ? r.ReaderConfig : {};
  const b = isObj(state.ItemBatcher) ? state.ItemBatcher : undefined;
  return {
    ...(r
      ? {
          reader: {
            headerLocation: c.CSVHeaderLocation === 'GIVEN' ? 'GIVEN' : 'FIRST_ROW',
            ...(Array.isArray(c.CSVHeaders) ? { headers: c.CSVHeaders as string[] } : {}),
            ...(typeof c.MaxItems === 'number' ? { maxItems: c.MaxItems } : {}),
          },
        }
      : {}),
    ...(b
      ? {
          batcher: {
            ...(typeof b.MaxItemsPerBatch === 'number' ? { maxItems: b.MaxItemsPerBatch } : {}),
            maxBytes: typeof b.MaxInputBytesPerBatch === 'number' ? b.MaxInputBytesPerBatch : MAX_BATCH_BYTES,
            hasBatchInput: 'BatchInput' in b,
          },
        }
      : {}),
    writer: 'ResultWriter' in state,
  };
}

/** RFC 4180 records (commas, CRLF or LF, quoted fields with "" for a quote); blank lines skipped. */
export function csvRecords(text: string): Array<{ line: number; fields: string[] }> {
  const out: Array<{ line: number; fields: string[] }> = [];
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= n) throw taskError('States.ItemReaderFailed', `line ${start}: a quoted field is never closed`);
          if (text[i] === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
            } else {
              i++;
              break;
            }
          } else {
            if (text[i] === '\n') line++;
            field += text[i];
            i++;
          }
        }
        if (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r')
          throw taskError('States.ItemReaderFailed', `line ${line}: text after a closing quote`);
      } else {
        const from = i;
        while (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') i++;
        field = text.slice(from, i);
      }
      fields.push(field);
      if (i < n && text[i] === ',') {
        i++;
        continue;
      }
      if (i < n) {
        i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
        line++;
      }
      break;
    }
    if (!(fields.length === 1 && fields[0] === '')) out.push({ line: start, fields });
  }
  return out;
}

/** The CSV's items: one object per data row, keyed by the header, every value text. */
export function csvItems(text: string, reader: NonNullable<MapRunSource['reader']>): Array<Record<string, string>> {
  const records = csvRecords(text);
  let headers: string[];
  if (reader.headerLocation === 'GIVEN') headers = reader.headers ?? [];
  else {
    const first = records.shift();
    if (!first) return [];
    headers = first.fields;
  }
  const rows = reader.maxItems === undefined ? records : records.slice(0, reader.maxItems);
  return rows.map((r) => {
    if (r.fields.length !== headers.length)
      throw taskError('States.ItemReaderFailed', `line ${r.line}: ${r.fields.length} fields, the header has ${headers.length}`);
    return Object.fromEntries(headers.map((h, k) => [h, r.fields[k] ?? '']));
  });
}

/** Items into batches `{Items, BatchInput}` in order, each within the item count and the byte size. */
export function batchItems(
  items: readonly JsonValue[],
  batcher: NonNullable<MapRunSource['batcher']>,
  batchInput: JsonValue | undefined,
): JsonValue[] {
  const envelope = (list: JsonValue[]): JsonValue => (batcher.hasBatchInput ? { Items: list, BatchInput: batchInput ?? null } : { Items: list });
  const base = Buffer.byteLength(JSON.stringify(envelope([])));
  const batches: JsonValue[] = [];
  let current: JsonValue[] = [];
  let bytes = base;
  for (const item of items) {
    const itemBytes = Buffer.byteLength(JSON.stringify(item));
    if (base + itemBytes > batcher.maxBytes)
      throw taskError('States.ItemReaderFailed', `an item of ${itemBytes} bytes does not fit in a batch of ${batcher.maxBytes} bytes`);
    const full =
      current.length > 0 && ((batcher.maxItems !== undefined && current.length >= batcher.maxItems) || bytes + 1 + itemBytes > batcher.maxBytes);
    if (full) {
      batches.push(envelope(current));
      current = [];
      bytes = base;
    }
    bytes += itemBytes + (current.length > 0 ? 1 : 0); // a comma between items
    current.push(item);
  }
  if (current.length > 0) batches.push(envelope(current));
  return batches;
}

const text = (v: unknown, what: string): string => {
  if (typeof v !== 'string' || v.length === 0) throw taskError('States.Runtime', `${what} must be a non-empty string`);
  return v;
};

/** What the hidden Task before the map hands over (its Parameters, evaluated by the engine). */
export interface MapRunInput {
  reader?: { Bucket?: unknown; Key?: unknown };
  writer?: { Bucket?: unknown; Prefix?: unknown };
  batchInput?: JsonValue;
}

/** The map's items for this entry: read from the local bucket (ItemReader) and batched (ItemBatcher). */
export async function readMapItems(root: string, source: MapRunSource, input: MapRunInput, itemsFromInput: () => JsonValue[]): Promise<JsonValue[]> {
  let items: JsonValue[];
  if (source.reader) {
    const bucket = text(input.reader?.Bucket, 'ItemReader Bucket');
    const key = text(input.reader?.Key, 'ItemReader Key');
    let body: Buffer;
    try {
      body = await getObject(root, bucket, key);
    } catch (err) {
      if (err instanceof NoSuchKey) throw taskError('States.ItemReaderFailed', `The specified key does not exist: s3://${bucket}/${key}`);
      throw taskError('States.ItemReaderFailed', String(err));
    }
    let csv: string;
    try {
      csv = new TextDecoder('utf-8', { fatal: true }).decode(body); // AWS's CSV reader reads UTF-8 only
    } catch {
      throw taskError('States.ItemReaderFailed', `s3://${bucket}/${key} is not UTF-8`);
    }
    items = csvItems(csv, source.reader);
  } else items = itemsFromInput();
  return source.batcher ? batchItems(items, source.batcher, input.batchInput) : items;
}

/** One child execution as the ResultWriter lists it. */
export interface ChildResult {
  ExecutionArn: string;
  Name: string;
  StateMachineArn: string;
  Status: string;
  StartDate: string;
  StopDate: string;
  Input: string;
  Output?: string;
  Error?: string;
  Cause?: string;
}

/** Writes the map run's results and manifest; answers the map's result as AWS gives it with a ResultWriter. */
export function writeMapRunResults(root: string, input: MapRunInput, mapRunArn: string, results: readonly ChildResult[]): JsonValue {
  const bucket = text(input.writer?.Bucket, 'ResultWriter Bucket');
  const prefix = typeof input.writer?.Prefix === 'string' ? input.writer.Prefix.replace(/\/+$/, '') : '';
  const runId = mapRunArn.slice(mapRunArn.lastIndexOf(':') + 1);
  const dir = prefix ? `${prefix}/${runId}` : runId;
  const withData = (r: ChildResult) => ({
    ...r,
    InputDetails: { Included: true },
    ...(r.Output !== undefined ? { OutputDetails: { Included: true } } : {}),
    RedriveCount: 0,
    RedriveStatus: 'NOT_REDRIVABLE',
  });
  const files: Record<'SUCCEEDED' | 'FAILED' | 'PENDING', Array<{ Key: string; Size: number }>> = { SUCCEEDED: [], FAILED: [], PENDING: [] };
  for (const status of ['SUCCEEDED', 'FAILED'] as const) {
    const list = results.filter((r) => (status === 'SUCCEEDED' ? r.Status === 'SUCCEEDED' : r.Status !== 'SUCCEEDED'));
    if (list.length === 0) continue;
    const key = `${dir}/${status}_0.json`;
    const body = JSON.stringify(list.map(withData));
    putObjectSync(root, bucket, key, body);
    files[status].push({ Key: key, Size: Buffer.byteLength(body) });
  }
  const manifestKey = `${dir}/manifest.json`;
  putObjectSync(root, bucket, manifestKey, JSON.stringify({ DestinationBucket: bucket, MapRunArn: mapRunArn, ResultFiles: files }));
  return { MapRunArn: mapRunArn, ResultWriterDetails: { Bucket: bucket, Key: manifestKey } };
}
