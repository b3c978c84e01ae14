/**
 * functions/ holds only what runs on AWS: what the embedded runtime adds to the SDK clients (coalescing, fault
 * drills) lives in embedded/sdk/ and reaches the clients through aws.ts's process-global hook, so it is in no
 * Lambda bundle. This fails if anything under functions/ names it again or imports from embedded/.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/lambda.js';
import { filesUnder } from '../support/source-files.js';

const FORBIDDEN: ReadonlyArray<[string, RegExp]> = [
  ['a coalescer', /coalesc/i],
  ['FANGPIN_COALESCE_*', /FANGPIN_COALESCE_/],
  ['FANGPIN_FAULT_RATE', /FANGPIN_FAULT_RATE/],
  ['the fault injector', /injectFaults|fault[-_ ]?inject/i],
  ['an import from embedded/', /(?:from\s*|import\s*\(\s*|require\s*\(\s*)['"`](?:[^'"`]*\/)?(?:embedded\/|#embedded\/)/],
];

function violations(text: string): string[] {
  return FORBIDDEN.filter(([, re]) => re.test(text)).map(([what]) => what);
}

describe('functions/ is only what runs on AWS', () => {
  it('the check recognises each thing it forbids', () => {
    expect(violations("import { coalesceReads } from './read-coalescer.js';")).toContain('a coalescer');
    expect(violations("if (process.env.FANGPIN_COALESCE_WRITES === '1')")).toContain('FANGPIN_COALESCE_*');
    expect(violations('Number(process.env.FANGPIN_FAULT_RATE ?? 0)')).toContain('FANGPIN_FAULT_RATE');
    expect(violations('injectFaults(ddb, rate)')).toContain('the fault injector');
    expect(violations("import { x } from '../../embedded/sdk/decorators.js';")).toContain('an import from embedded/');
    expect(violations("const m = await import('#embedded/runtime.js');")).toContain('an import from embedded/');
    expect(violations("import { tableSpec } from './tables.js';")).toEqual([]);
  });

  it('no file under functions/ mentions the coalescers, their variables or the fault injector, or imports from embedded/', () => {
    const files = filesUnder(join(PROJECT_ROOT, 'functions'));
    expect(files.length).toBeGreaterThan(20);
    const found = files.flatMap((f) => violations(readFileSync(f, 'utf8')).map((what) => `${relative(PROJECT_ROOT, f)}: ${what}`));
    expect(found).toEqual([]);
  });
});

describe('tests stand on the product, not on the benchmark', () => {
  it('no test imports from bench/ (what tests share with the bench lives in embedded/ or test/support/)', () => {
    const files = filesUnder(join(PROJECT_ROOT, 'test'), '.ts');
    const fromBench = /(?:from\s*|import\s*\(\s*)['"`](?:\.\.\/)+bench\//;
    // (The sample is split so this file does not match itself.)
    expect(fromBench.test("import { runDirect } from '../../" + "bench/direct.js';")).toBe(true);
    expect(files.filter((f) => fromBench.test(readFileSync(f, 'utf8'))).map((f) => relative(PROJECT_ROOT, f))).toEqual([]);
  });
});
