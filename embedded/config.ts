/**
 * The settings only the embedded runtime and its command-line tools read (none is in a Lambda bundle), parsed
 * like the handlers' own (functions/shared/config.ts): one place, zod, a bad value named with the variable.
 * `npm start` checks both sets before it starts anything.
 */
import * as z from 'zod';
import { defineSettings, optionalSetting, setting, wholeNumber } from '../functions/shared/config.js';

const onOff = z.enum(['0', '1'], { error: 'expected 0 or 1' }).transform((v) => v === '1');

export const EMBEDDED_SETTINGS = {
  PORT: setting(wholeNumber(0, 65_535), '3000'),
  FANGPIN_DATA_DIR: setting(z.string().min(1), '.fangpin-data', '`.fangpin-data`'),
  FANGPIN_FAULT_RATE: setting(
    z
      .string()
      .trim()
      .regex(/^\d*\.?\d+$/, 'expected a number from 0 to 1')
      .transform(Number)
      .pipe(z.number().min(0).max(1)),
    '0',
  ),
  FANGPIN_COALESCE_READS: setting(onOff, '1'),
  FANGPIN_COALESCE_WRITES: setting(onOff, '1'),
  FANGPIN_DYNAMODB_XMX: setting(
    z
      .string()
      .trim()
      .regex(/^\d+[kmg]?$/i, 'expected a heap size like 512m or 1g'),
    '1g',
  ),
  // A machine shared with other heavy work can need longer for the JVM to start.
  FANGPIN_DYNAMODB_START_TIMEOUT_MS: setting(wholeNumber(1_000, 600_000), '20000'),
  FANGPIN_DYNAMODB_JAVA_OPTS: setting(
    z.string().transform((s) => s.split(/\s+/).filter(Boolean)),
    '',
    '(none)',
  ),
  // DynamoDB Local's table descriptions kept parsed by the launcher (embedded/dynamodb-local-launcher/TableDescriptionCache.java).
  FANGPIN_DYNAMODB_DESCRIPTION_CACHE: setting(onOff, '1'),
  // The data directory's SQLite file in WAL mode (embedded/sqlite-wal.ts): one sync per commit instead of three or four.
  FANGPIN_DYNAMODB_WAL: setting(onOff, '1'),
  FANGPIN_WEBHOOK_POLL_MS: setting(wholeNumber(1, 3_600_000), '500'),
  FANGPIN_URL: setting(z.url(), 'http://127.0.0.1:3000', '`http://127.0.0.1:3000`'),
  FANGPIN_TOKEN: optionalSetting(z.string().min(1), '(none)'),
};

const embeddedSettings = defineSettings(EMBEDDED_SETTINGS);
/** An embedded setting's value. */
export const embeddedSetting = embeddedSettings.read;
/** Parses every embedded setting; throws a ConfigError naming each bad one. */
export const checkEmbeddedSettings = embeddedSettings.check;
