/**
 * Every environment variable the handlers read, in one place, each parsed with zod. Two kinds:
 * - settings: what an operator may tune (log level, timeouts, page sizes, …), each with its default;
 *   the README's configuration table lists exactly these and embedded/config.ts's, with these defaults
 *   (test/functions/config.test.ts checks it);
 * - wiring: what the CDK stack (or the embedded runtime) sets to connect a function to its resources: table names,
 *   state machine ARNs, the identity-hash key, SDK endpoints. Nobody tunes these; a missing one is a deployment bug.
 *
 * Values are read when asked for, not once at import: the embedded runtime sets the wiring after the handlers'
 * modules are loaded, and tests change a setting between cases. A value is parsed once per raw string (cached), so
 * asking on every request costs a lookup. `checkSettings()` parses every setting at once; the handlers call it when
 * they load (functions/shared/step.ts), so a bad value stops the function at start with a message naming the
 * variable and the value, not at the first request that happens to read it.
 *
 * core/ reads no environment: what it needs (the schemes folder, the retry schedule, thresholds) it takes as
 * parameters, passed from here.
 */
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { BUNDLED_SCHEMES_DIR } from '#core/catalogue.js';
import { DEFAULT_THRESHOLDS } from '#core/attention.js';
import { parseRetrySchedule } from '#core/webhook-retry.js';
import { TABLES } from './tables.js';

/** A bad value: the message names the variable and the value as found. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

export interface SettingSpec<T> {
  /** Parses the raw value (the default's raw value when the variable is unset or empty). */
  readonly schema: z.ZodType<T, string>;
  /** The raw value used when unset or empty; undefined: the setting is optional and its value is then undefined. */
  readonly default: string | undefined;
  /** The README table's default column for it (the raw default unless that needs words). */
  readonly readmeDefault: string;
}

type Specs = Record<string, SettingSpec<unknown>>;
type ValueOf<S> = S extends SettingSpec<infer T> ? T : never;
type Env = Readonly<Record<string, string | undefined>>;

/** A setting with a default. */
export function setting<T>(schema: z.ZodType<T, string>, dflt: string, readmeDefault: string = dflt): SettingSpec<T> {
  return { schema, default: dflt, readmeDefault };
}
/** A setting that may stay unset (its value is then undefined). */
export function optionalSetting<T>(schema: z.ZodType<T, string>, readmeDefault = '(none)'): SettingSpec<T | undefined> {
  return { schema, default: undefined, readmeDefault };
}

/** A whole number within bounds (Number('12abc') is NaN, Number('') is 0: neither is accepted). */
export function wholeNumber(min: number, max: number): z.ZodType<number, string> {
  return z.string().trim().regex(/^\d+$/, 'expected a whole number').transform(Number).pipe(z.number().int().min(min).max(max));
}

function describe(name: string, raw: string | undefined, error: z.ZodError): string {
  return `${name}=${JSON.stringify(raw)} is not valid: ${error.issues.map((i) => i.message).join('; ')}`;
}

/**
 * The reader of a set of settings. Shared with embedded/config.ts, which defines the settings only the embedded
 * runtime and its command-line tools read.
 */
export function defineSettings<S extends Specs>(specs: S) {
  const cache = new Map<string, { readonly raw: string | undefined; readonly value: unknown }>();
  const parse = (name: string, raw: string | undefined): { ok: true; value: unknown } | { ok: false; message: string } => {
    const spec = specs[name]!;
    const given = raw === undefined || raw.trim() === '' ? spec.default : raw;
    if (given === undefined) return { ok: true, value: undefined };
    const out = spec.schema.safeParse(given);
    return out.success ? { ok: true, value: out.data } : { ok: false, message: describe(name, raw ?? given, out.error) };
  };
  return {
    specs,
    names: Object.keys(specs) as Array<keyof S & string>,
    /** One setting's value, parsed; a bad value throws ConfigError naming it. */
    read<K extends keyof S & string>(name: K, env: Env = process.env): ValueOf<S[K]> {
      const raw = env[name];
      const hit = cache.get(name);
      if (hit && hit.raw === raw) return hit.value as ValueOf<S[K]>;
      const out = parse(name, raw);
      if (!out.ok) throw new ConfigError(out.message);
      cache.set(name, { raw, value: out.value });
      return out.value as ValueOf<S[K]>;
    },
    /** Parses every setting; throws one ConfigError naming each bad variable and its value. */
    check(env: Env = process.env): void {
      const bad = Object.keys(specs).flatMap((name) => {
        const out = parse(name, env[name]);
        return out.ok ? [] : [out.message];
      });
      if (bad.length > 0) throw new ConfigError(`bad configuration: ${bad.join('; ')}`);
    },
  };
}

const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'CRITICAL', 'SILENT'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** The settings a Lambda (or the same handler run embedded) reads. */
export const SETTINGS = {
  FANGPIN_LOG_LEVEL: setting(
    z
      .string()
      .transform((s) => s.trim().toUpperCase())
      .pipe(z.enum(LOG_LEVELS)),
    'WARN',
  ),
  FANGPIN_SDK_TIMEOUT_MS: setting(wholeNumber(1, 600_000), '10000', '60000 embedded (10000 on AWS)'),
  FANGPIN_SCHEMES_DIR: setting(z.string().min(1), BUNDLED_SCHEMES_DIR, '`core/schemes` (`/var/task/schemes` in a Lambda)'),
  FANGPIN_WEBHOOK_RETRY_SCHEDULE: setting(
    z.string().transform((raw, ctx) => {
      try {
        return parseRetrySchedule(raw);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'expected comma-separated seconds, e.g. 1,5,30' });
        return z.NEVER;
      }
    }),
    '5,300,1800,7200,18000,36000,36000',
    '`5,300,1800,7200,18000,36000,36000`',
  ),
  FANGPIN_INDEX_WAIT_MS: setting(wholeNumber(0, 3_600_000), '5000'),
  FANGPIN_FANOUT_PAGE_SIZE: setting(wholeNumber(1, 10_000), '100'),
  FANGPIN_FANOUT_CONCURRENCY: setting(wholeNumber(1, 256), '8'),
  FANGPIN_FEED_CONCURRENCY: setting(wholeNumber(1, 256), '8'),
  FANGPIN_MONITORING_SYNC_WAIT_MS: setting(wholeNumber(0, 25_000), '20000'),
  FANGPIN_MONITORING_PAGE_SIZE: setting(wholeNumber(1, 1_000), '100'),
  FANGPIN_REPORT_SHARDS: setting(wholeNumber(1, 64), '64', '64 (4 embedded)'),
  FANGPIN_LIST_READ_BUDGET: setting(wholeNumber(1, 1_000_000), '4000'),
  FANGPIN_REVIEW_ALARM_DAYS: setting(wholeNumber(1, 30), String(DEFAULT_THRESHOLDS.reviewDays)),
  // At most a day: the store's key condition for undecided claims is "older than stuckMinutes", and the
  // past-target rule relies on it reading every undecided claim older than 5 days (functions/shared/attention.ts).
  FANGPIN_STUCK_MINUTES: setting(wholeNumber(1, 1440), String(DEFAULT_THRESHOLDS.stuckMinutes)),
} satisfies Specs;

const handlerSettings = defineSettings(SETTINGS);
export type SettingName = keyof typeof SETTINGS;
/** A handler setting's value. */
export const settingValue = handlerSettings.read;
/** Parses every handler setting; throws a ConfigError naming each bad one. */
export const checkSettings = handlerSettings.check;

const arn = z.string().regex(/^arn:[\w-]+:[\w-]+:/, 'expected an ARN');
const url = z.url();

/**
 * What the CDK stack (lib/) or the embedded runtime sets. Table names come from functions/shared/tables.ts (each
 * table's `envVar`).
 */
export const WIRING: Readonly<Record<string, z.ZodType<string, string>>> = {
  ...Object.fromEntries(TABLES.map((t) => [t.envVar, z.string().min(1)])),
  STATE_MACHINE_ARN: arn,
  INDEX_FANOUT_STATE_MACHINE_ARN: arn,
  MONITORING_STATE_MACHINE_ARN: arn,
  MEDICAL_FEED_STATE_MACHINE_ARN: arn,
  /** The medical bureau's feed bucket (lib/medical-feed.ts; embedded, the local stand-in's). */
  MEDICAL_FEED_BUCKET: z.string().min(1),
  /** The evidence bucket's name (lib/evidence.ts; embedded, the stand-in's). */
  EVIDENCE_BUCKET: z.string().min(1),
  /** On AWS: the Secrets Manager secret holding the identity-hash key. */
  ID_HASH_SECRET_ARN: arn,
  /** Embedded: the identity-hash key itself (kept in the data directory). */
  FANGPIN_ID_HASH_KEY: z.string().min(1),
  /** Unset on AWS; the embedded store and engine locally (the SDK reads these too). */
  AWS_ENDPOINT_URL_DYNAMODB: url,
  AWS_ENDPOINT_URL_SFN: url,
  AWS_ENDPOINT_URL_S3: url,
  /**
   * Embedded only: the evidence bucket's stand-in (embedded/evidence-bucket.ts), which is not the feed bucket's
   * (embedded/s3-local.ts, AWS_ENDPOINT_URL_S3). Unset on AWS, where both are S3.
   */
  FANGPIN_EVIDENCE_S3_ENDPOINT: url,
};

/** A wired value, or undefined when unset (or empty); a malformed one throws ConfigError naming it. */
export function optionalWiring(name: string, env: Env = process.env): string | undefined {
  const schema = WIRING[name];
  if (!schema) throw new Error(`${name} is not a wiring variable of functions/shared/config.ts`);
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  if (wiringChecked.get(name) === raw) return raw; // tableName() asks on every store request
  const out = schema.safeParse(raw);
  if (!out.success) throw new ConfigError(describe(name, raw, out.error));
  wiringChecked.set(name, raw);
  return out.data;
}
const wiringChecked = new Map<string, string>();

/** A wired value that must be there; `what` says what it is for in the error. */
export function wiring(name: string, what?: string, env: Env = process.env): string {
  const value = optionalWiring(name, env);
  if (value === undefined) throw new ConfigError(`environment variable ${name}${what ? ` (${what})` : ''} is not set`);
  return value;
}
