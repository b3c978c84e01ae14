/**
 * The configuration modules (functions/shared/config.ts, embedded/config.ts): every setting parsed with zod, a bad
 * value named with its variable; no other module reads the environment; the README's table lists exactly the
 * settings they define, with their defaults.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/lambda.js';
import { filesUnder } from '../support/source-files.js';
import { checkSettings, ConfigError, optionalWiring, settingValue, SETTINGS, wiring, WIRING } from '../../functions/shared/config.js';
import { checkEmbeddedSettings, EMBEDDED_SETTINGS, embeddedSetting } from '../../embedded/config.js';
import { BUNDLED_SCHEMES_DIR } from '../../core/catalogue.js';
import { TABLES } from '../../functions/shared/tables.js';

/** Read outside the two modules, each by one file that is not TypeScript run by the app: [name, the file]. */
const READ_ELSEWHERE: ReadonlyArray<[string, string]> = [
  ['FANGPIN_DYNAMODB_LOCAL_DIR', 'scripts/install-dynamodb-local.mjs'], // runs at install, before any TypeScript
  ['FANGPIN_CHROMIUM', 'test/support/browser.ts'], // tests only
];

function readmeTable(): Map<string, string> {
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Configuration'));
  const rows = section
    .slice(0, section.indexOf('\n## '))
    .split('\n')
    .filter((l) => /^\| `/.test(l));
  return new Map(
    rows.map((row) => {
      const [name, dflt] = row
        .split('|')
        .slice(1, 3)
        .map((c) => c.trim());
      return [name!.replace(/`/g, ''), dflt!];
    }),
  );
}

describe('settings', () => {
  it('parse with their defaults when unset or empty', () => {
    expect(settingValue('FANGPIN_INDEX_WAIT_MS', {})).toBe(5000);
    expect(settingValue('FANGPIN_INDEX_WAIT_MS', { FANGPIN_INDEX_WAIT_MS: ' ' })).toBe(5000);
    expect(settingValue('FANGPIN_LOG_LEVEL', {})).toBe('WARN');
    expect(settingValue('FANGPIN_LOG_LEVEL', { FANGPIN_LOG_LEVEL: 'debug' })).toBe('DEBUG');
    expect(settingValue('FANGPIN_WEBHOOK_RETRY_SCHEDULE', { FANGPIN_WEBHOOK_RETRY_SCHEDULE: '0.2,1' })).toEqual([0.2, 1]);
    expect(settingValue('FANGPIN_SCHEMES_DIR', {})).toBe(BUNDLED_SCHEMES_DIR);
    expect(embeddedSetting('FANGPIN_COALESCE_READS', { FANGPIN_COALESCE_READS: '0' })).toBe(false);
    expect(embeddedSetting('FANGPIN_DYNAMODB_JAVA_OPTS', { FANGPIN_DYNAMODB_JAVA_OPTS: ' -Xss1m  -XX:+UseG1GC ' })).toEqual([
      '-Xss1m',
      '-XX:+UseG1GC',
    ]);
    expect(embeddedSetting('FANGPIN_TOKEN', {})).toBeUndefined();
  });

  it('follow a change of the environment (a value is read when asked for)', () => {
    expect(settingValue('FANGPIN_LIST_READ_BUDGET', { FANGPIN_LIST_READ_BUDGET: '60' })).toBe(60);
    expect(settingValue('FANGPIN_LIST_READ_BUDGET', { FANGPIN_LIST_READ_BUDGET: '61' })).toBe(61);
  });

  it('a bad value throws, naming the variable and the value', () => {
    const cases: ReadonlyArray<[() => unknown, string]> = [
      [() => settingValue('FANGPIN_SDK_TIMEOUT_MS', { FANGPIN_SDK_TIMEOUT_MS: '10s' }), 'FANGPIN_SDK_TIMEOUT_MS="10s"'],
      [() => settingValue('FANGPIN_FANOUT_PAGE_SIZE', { FANGPIN_FANOUT_PAGE_SIZE: '0' }), 'FANGPIN_FANOUT_PAGE_SIZE="0"'],
      [() => settingValue('FANGPIN_LIST_READ_BUDGET', { FANGPIN_LIST_READ_BUDGET: '-5' }), 'FANGPIN_LIST_READ_BUDGET="-5"'],
      [() => settingValue('FANGPIN_STUCK_MINUTES', { FANGPIN_STUCK_MINUTES: '2000' }), 'FANGPIN_STUCK_MINUTES="2000"'],
      [() => settingValue('FANGPIN_LOG_LEVEL', { FANGPIN_LOG_LEVEL: 'LOUD' }), 'FANGPIN_LOG_LEVEL="LOUD"'],
      [() => settingValue('FANGPIN_WEBHOOK_RETRY_SCHEDULE', { FANGPIN_WEBHOOK_RETRY_SCHEDULE: '1,x' }), 'FANGPIN_WEBHOOK_RETRY_SCHEDULE="1,x"'],
      [() => embeddedSetting('PORT', { PORT: '70000' }), 'PORT="70000"'],
      [() => embeddedSetting('FANGPIN_FAULT_RATE', { FANGPIN_FAULT_RATE: '1.5' }), 'FANGPIN_FAULT_RATE="1.5"'],
      [() => embeddedSetting('FANGPIN_COALESCE_WRITES', { FANGPIN_COALESCE_WRITES: 'yes' }), 'FANGPIN_COALESCE_WRITES="yes"'],
      [() => embeddedSetting('FANGPIN_DYNAMODB_XMX', { FANGPIN_DYNAMODB_XMX: 'lots' }), 'FANGPIN_DYNAMODB_XMX="lots"'],
      [() => embeddedSetting('FANGPIN_URL', { FANGPIN_URL: 'not a url' }), 'FANGPIN_URL="not a url"'],
    ];
    for (const [read, named] of cases) {
      expect(read).toThrow(ConfigError);
      expect(read).toThrow(named);
    }
  });

  it('checking them all at start names every bad one, and passes on an empty environment', () => {
    expect(() => checkSettings({})).not.toThrow();
    expect(() => checkEmbeddedSettings({})).not.toThrow();
    const check = () => checkSettings({ FANGPIN_INDEX_WAIT_MS: 'soon', FANGPIN_FEED_CONCURRENCY: '0', FANGPIN_LOG_LEVEL: 'INFO' });
    expect(check).toThrow(/FANGPIN_INDEX_WAIT_MS="soon".*FANGPIN_FEED_CONCURRENCY="0"/);
    expect(check).not.toThrow(/FANGPIN_LOG_LEVEL/);
  });
});

describe('wiring', () => {
  it('a missing variable is named; a malformed one too; every table has its variable', () => {
    expect(() => wiring('STATE_MACHINE_ARN', undefined, {})).toThrow('environment variable STATE_MACHINE_ARN is not set');
    expect(() => wiring('CLAIMS_TABLE', 'table claims', {})).toThrow('environment variable CLAIMS_TABLE (table claims) is not set');
    expect(() => wiring('STATE_MACHINE_ARN', undefined, { STATE_MACHINE_ARN: 'my-machine' })).toThrow('STATE_MACHINE_ARN="my-machine" is not valid');
    expect(() => optionalWiring('AWS_ENDPOINT_URL_SFN', { AWS_ENDPOINT_URL_SFN: 'localhost' })).toThrow('AWS_ENDPOINT_URL_SFN="localhost"');
    expect(optionalWiring('AWS_ENDPOINT_URL_SFN', {})).toBeUndefined();
    expect(() => optionalWiring('NOT_A_VARIABLE', {})).toThrow();
    for (const t of TABLES) expect(Object.keys(WIRING)).toContain(t.envVar);
  });
});

describe('only the configuration modules read the environment', () => {
  // Writing the environment is the embedded runtime's (and CLIs') wiring of the handlers, and passing it to a
  // child process is not reading a setting: those are taken out before looking for reads.
  const WRITES = [
    /process\.env(?:\.\w+|\[[^\]]+\])\s*(?:\?\?=|\|\|=|=(?!=))/g,
    /Object\.assign\(process\.env\b/g,
    /\.\.\.process\.env\b/g,
    /:\s*NodeJS\.ProcessEnv\s*=\s*process\.env\b/g,
  ];
  const reads = (text: string): number => WRITES.reduce((t, re) => t.replace(re, ''), text).match(/process\.env\b/g)?.length ?? 0;

  it('the check tells reads from writes', () => {
    expect(reads('const n = Number(process.env.FANGPIN_X ?? 8);')).toBe(1);
    expect(reads('const name = process.env[spec.envVar];')).toBe(1);
    expect(reads("if (process.env.A === '1') {}")).toBe(1);
    expect(reads("process.env.A ??= 'true'; process.env.B = x; process.env[k] ??= v; Object.assign(process.env, {});")).toBe(0);
    expect(reads("spawn('x', [], { env: { ...process.env, A: '0' } }); function run(env: NodeJS.ProcessEnv = process.env) {}")).toBe(0);
  });

  it('no module under core/, functions/, embedded/ or lib/ reads process.env but the two configuration modules', () => {
    const allowed = new Set(['functions/shared/config.ts', 'embedded/config.ts', 'lib/app.ts' /* CDK's own CDK_DEFAULT_ACCOUNT/REGION */]);
    const files = ['core', 'functions', 'embedded', 'lib'].flatMap((d) => filesUnder(join(PROJECT_ROOT, d), '.ts'));
    expect(files.length).toBeGreaterThan(50);
    const found = files
      .map((f) => relative(PROJECT_ROOT, f))
      .filter((f) => !allowed.has(f))
      .filter((f) => reads(readFileSync(join(PROJECT_ROOT, f), 'utf8')) > 0);
    expect(found).toEqual([]);
  });
});

describe("the README's configuration table", () => {
  it('lists exactly the settings the configuration modules define, with their defaults', () => {
    const table = readmeTable();
    const defined = new Map<string, string>([
      ...Object.entries(SETTINGS).map(([name, spec]): [string, string] => [name, spec.readmeDefault]),
      ...Object.entries(EMBEDDED_SETTINGS).map(([name, spec]): [string, string] => [name, spec.readmeDefault]),
    ]);
    const elsewhere = READ_ELSEWHERE.map(([name]) => name);
    expect([...table.keys()].sort()).toEqual([...defined.keys(), ...elsewhere].sort());
    for (const [name, dflt] of defined) expect(table.get(name), name).toBe(dflt);
  });

  it('the settings read elsewhere are read where it says', () => {
    for (const [name, file] of READ_ELSEWHERE) expect(readFileSync(join(PROJECT_ROOT, file), 'utf8'), file).toContain(`process.env.${name}`);
  });
});
