/** The medical bureau's feed file, pure: encodings, the header, RFC 4180 records, row validation, identities. */
import { describe, expect, it } from 'vitest';
import {
  FEED_COLUMNS,
  FeedFileError,
  MAX_FEED_BYTES,
  medicalFeedClaimId,
  medicalFeedId,
  parseCsvRecords,
  readFeed,
  groupByInvoice,
  validateFeedRow,
  sayRowProblem,
  type FeedRow,
} from '../../core/index.js';
import { say } from '../../core/i18n/index.js';

const HEADER = FEED_COLUMNS.join(',');
const ID = '420922199001011234';

function file(...rows: string[]): Buffer {
  return Buffer.from(`${[HEADER, ...rows].join('\r\n')}\r\n`, 'utf8');
}

function refused(bytes: Uint8Array, encoding?: string): FeedFileError {
  try {
    readFeed(bytes, encoding);
  } catch (err) {
    if (err instanceof FeedFileError) return err;
    throw err;
  }
  throw new Error('the file was taken');
}

function rowsOf(bytes: Uint8Array) {
  return readFeed(bytes).items.map(validateFeedRow);
}

/** A failed check's problems as an English reader reads them. */
const english = (c: ReturnType<typeof validateFeedRow>) => (c.ok ? [] : c.problems.map((p) => sayRowProblem(p, 'en')));

describe('the file', () => {
  it('a mixed file: each row has its own outcome, and bad rows name line and field', () => {
    const checks = rowsOf(
      file(
        `HOSP-01,INV-1,${ID},张三,2024-05-01,2024-05-03,4000000,2000000,500000,,,`,
        `HOSP-01,INV-2,${ID},张三,2024-02-30,2024-05-03,100,0,0,0,0,0`,
        `HOSP-01,INV-3,${ID},张三,2024-05-04,2024-05-03,-100,0,0,0,0,0`,
        `HOSP-01,INV-4,${ID},张三,2024-05-01,2024-05-03,100.5,0,0,0,0,0`,
        `HOSP-01,INV-5,${ID},张三,2024-05-01,2024-05-03,100,200,0,0,0,0`,
        `HOSP-01,INV-6,4209221990,张三,2024/05/01,2024-05-03,100,0,0,0,0,0`,
        `HOSP-01,INV-7,${ID},张三,2024-05-01`,
      ),
    );
    expect(checks[0]).toMatchObject({
      ok: true,
      row: {
        line: 2,
        idNumber: ID,
        details: {
          hospitalCode: 'HOSP-01',
          invoiceNo: 'INV-1',
          totalCost: 4_000_000,
          basicInsurancePaid: 2_000_000,
          criticalIllnessPaid: 500_000,
          medicalAssistancePaid: 0,
          payee: 'HOSPITAL',
          admissionDate: '2024-05-01',
        },
      },
    });
    expect(checks.slice(1).map(english)).toEqual([
      ['line 3: admissionDate: not a calendar date'],
      ['line 4: dischargeDate: before admissionDate', 'line 4: totalCost: must not be negative'],
      ['line 5: totalCost: an integer amount in fen (no decimals, no separators)'],
      ['line 6: totalCost: totalCost is below the reimbursements plus non-covered cost: self-pay would be negative'],
      ['line 7: idNumber: expected an 18-character identity number', 'line 7: admissionDate: expected a date YYYY-MM-DD'],
      ['line 8: expected 12 fields, found 5'],
    ]);
    // A problem never repeats the identity number.
    expect(JSON.stringify(checks.slice(1))).not.toContain('4209221990');
    // Stored as data (line, field, the sentence's key and figures); the same problems in Chinese.
    expect(checks.slice(1).map((c) => (c.ok ? [] : c.problems.map((p) => sayRowProblem(p, 'zh-CN'))))).toEqual([
      ['第 3 行：admissionDate：不是有效的日历日期'],
      ['第 4 行：dischargeDate：早于入院日期', '第 4 行：totalCost：不得为负数'],
      ['第 5 行：totalCost：以分为单位的整数金额（无小数、无分隔符）'],
      ['第 6 行：totalCost：totalCost 小于各项报销与目录外费用之和：自付金额将为负数'],
      ['第 7 行：idNumber：应为 18 位身份证号码', '第 7 行：admissionDate：应为 YYYY-MM-DD 格式的日期'],
      ['第 8 行：应为 12 个字段，实有 5 个'],
    ]);
    expect(checks[6]).toMatchObject({
      problems: [{ line: 8, key: 'expected {{expected}} fields, found {{found}}', values: { expected: 12, found: 5 } }],
    });
    // Rows recorded before problems were data hold English text: shown as it is, in either language.
    expect(sayRowProblem('line 9: totalCost: required', 'zh-CN')).toBe('line 9: totalCost: required');
  });

  it('writes line numbers past a thousand as the issue does: line 1,284', () => {
    const rows = Array.from({ length: 1283 }, (_, k) => `H,I-${k},${ID},x,${k === 1282 ? 'soon' : '2024-05-01'},2024-05-03,100,0,0,0,0,0`);
    const bad = rowsOf(file(...rows)).filter((c) => !c.ok);
    expect(bad).toEqual([{ ok: false, line: 1284, problems: [{ line: 1284, field: 'admissionDate', key: 'expected a date YYYY-MM-DD' }] }]);
    expect(bad.map(english)).toEqual([['line 1,284: admissionDate: expected a date YYYY-MM-DD']]);
    expect(bad.map((c) => (c.ok ? [] : c.problems.map((p) => sayRowProblem(p, 'zh-CN'))))).toEqual([
      ['第 1,284 行：admissionDate：应为 YYYY-MM-DD 格式的日期'],
    ]);
  });

  it('RFC 4180: quoted commas, doubled quotes and line breaks; a record keeps the line it starts on', () => {
    const records = parseCsvRecords('a,b\r\n"x, ""y""","two\nlines"\r\n\r\nlast,"q"\n');
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, "y"', 'two\nlines'] },
      { line: 5, fields: ['last', 'q'] },
    ]);
    const stray = parseCsvRecords('a,b"c\n')[0]?.problem;
    expect(stray && say(stray, 'en')).toBe('field 2: a quote inside an unquoted field');
  });

  it('an unclosed quote refuses the whole file', () => {
    const err = refused(file(`HOSP-01,"INV-1,${ID},x,2024-05-01,2024-05-03,1,0,0,0,0,0`));
    expect([err.status, err.field, err.message]).toEqual([422, 'file', 'line 2: a quoted field is never closed']);
  });

  it('a wrong header refuses the file, naming the column', () => {
    const wrong = Buffer.from(`${HEADER.replace('idNumber', 'idNo')}\r\nx\r\n`);
    const err = refused(wrong);
    expect([err.status, err.field]).toEqual([422, 'header']);
    expect(err.message).toContain("header column 3 is 'idNo', expected 'idNumber'");
    expect(refused(Buffer.from(`${FEED_COLUMNS.slice(0, 5).join(',')}\n`)).message).toContain('column 6 must be');
    expect(refused(Buffer.from('')).message).toContain('the file is empty');
  });

  it('a binary file or an oversized file is refused whole', () => {
    expect(refused(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00])).status).toBe(415); // a zip (xlsx)
    expect(refused(Buffer.from([0xff, 0xfe, 0xfd, 0x80, 0x80])).status).toBe(415);
    const err = refused(new Uint8Array(MAX_FEED_BYTES + 1));
    expect([err.status, err.field]).toEqual([413, 'file']);
  });
});

describe('encodings', () => {
  // 张三 in GB18030: D5 C5 C8 FD; 医院 (hospital): D2 BD D4 BA. Written as bytes, since TextEncoder only writes UTF-8.
  const zhangSanGb = [0xd5, 0xc5, 0xc8, 0xfd];
  const yiyuanGb = [0xd2, 0xbd, 0xd4, 0xba];
  const gbFile = Buffer.concat([
    Buffer.from(`${HEADER}\r\n`),
    Buffer.from('HOSP-'),
    Buffer.from(yiyuanGb),
    Buffer.from(`,INV-9,${ID},`),
    Buffer.from(zhangSanGb),
    Buffer.from(',2024-05-01,2024-05-03,100,0,0,0,0,0\r\n'),
  ]);

  it('detects GB18030 and decodes it', () => {
    const feed = readFeed(gbFile);
    expect(feed.encoding).toBe('gb18030');
    expect(feed.items[0]?.cells.name).toBe('张三');
    expect(feed.items[0]?.cells.hospitalCode).toBe('HOSP-医院');
    expect(validateFeedRow(feed.items[0]!).ok).toBe(true);
    expect(readFeed(gbFile, 'GB18030').encoding).toBe('gb18030');
  });

  it('UTF-8 with and without BOM', () => {
    const plain = file(`HOSP-医院,INV-9,${ID},张三,2024-05-01,2024-05-03,100,0,0,0,0,0`);
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), plain]);
    for (const bytes of [plain, withBom]) {
      const feed = readFeed(bytes);
      expect(feed.encoding).toBe('utf-8');
      expect(feed.items[0]?.cells).toMatchObject({ hospitalCode: 'HOSP-医院', name: '张三' });
    }
    // The same row in either encoding is the same row.
    expect(readFeed(gbFile).items[0]?.cells).toEqual(readFeed(plain).items[0]?.cells);
  });

  it('a declared encoding is used strictly; an unknown one is refused', () => {
    expect(refused(gbFile, 'utf-8')).toMatchObject({ status: 415, field: 'encoding' });
    expect(refused(gbFile, 'latin1')).toMatchObject({ status: 422, field: 'encoding' });
  });
});

describe('identities', () => {
  const row = (line: number, invoiceNo: string, totalCost: number, idNumber = ID): FeedRow => ({
    line,
    idNumber,
    details: {
      hospitalCode: 'H',
      invoiceNo,
      totalCost,
      basicInsurancePaid: 0,
      criticalIllnessPaid: 0,
      medicalAssistancePaid: 0,
      otherReimbursement: 0,
      nonCoveredCost: 0,
      payee: 'HOSPITAL',
    },
  });

  it('groups rows by invoice, each group in line order (a repeat is filed after the line it repeats)', () => {
    const groups = groupByInvoice([row(5, 'A', 101), row(3, 'B', 100), row(2, 'A', 100), row(4, 'A', 100)]);
    expect(groups.map((g) => g.map((r) => r.line))).toEqual([[2, 4, 5], [3]]);
  });

  it('claim and feed ids are stable and keyed as documented', () => {
    expect(medicalFeedClaimId('xiaogan-2024', 'H', 'A')).toBe(medicalFeedClaimId('xiaogan-2024', 'H', 'A'));
    expect(medicalFeedClaimId('xiaogan-2024', 'H', 'A')).toMatch(/^C-MF-[0-9a-f]{32}$/);
    expect(medicalFeedClaimId('lishui-2017', 'H', 'A')).not.toBe(medicalFeedClaimId('xiaogan-2024', 'H', 'A'));
    expect(medicalFeedClaimId('xiaogan-2024', 'H', 'A\nB')).not.toBe(medicalFeedClaimId('xiaogan-2024', 'H\nA', 'B'));
    expect(medicalFeedId('xiaogan-2024', 'ab'.repeat(32))).toMatch(/^MF-[0-9a-f]{32}$/);
    expect(medicalFeedId('lishui-2017', 'ab'.repeat(32))).not.toBe(medicalFeedId('xiaogan-2024', 'ab'.repeat(32)));
  });
});
