/**
 * `npm run token -- <role> [insurerId] [--sub ID] [--level N]`: a bearer token the embedded server (same
 * FANGPIN_DATA_DIR) accepts. `--sub` names the user (four eyes compares it), `--level` a reviewer's authority
 * level 1-3. Without them the token is the same as before: `sub` `<role>-local`, no level (a level 3 reviewer).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { dataDirSecret, issueToken } from './auth.js';
import { ROLES, type Role } from '../functions/api/routes.js';
import { embeddedSetting } from './config.js';

const USAGE = `usage: npm run token -- <${ROLES.join('|')}> [insurerId] [--sub ID] [--level 1|2|3]`;
function parseCommandLine() {
  try {
    return parseArgs({ args: process.argv.slice(2), allowPositionals: true, options: { sub: { type: 'string' }, level: { type: 'string' } } });
  } catch (err) {
    console.error(`${err instanceof Error ? err.message : String(err)}\n${USAGE}`);
    process.exit(2);
  }
}
const parsed = parseCommandLine();
const [role, insurerId, ...extra] = parsed.positionals;
if (!role || !(ROLES as readonly string[]).includes(role) || extra.length > 0) {
  console.error(USAGE);
  process.exit(2);
}
if (role === 'insurer' && !insurerId) {
  console.error('usage: npm run token -- insurer <insurerId>   (e.g. XG-POOL-1)');
  process.exit(2);
}
const level = parsed.values.level === undefined ? undefined : Number(parsed.values.level);
if (level !== undefined && (role !== 'reviewer' || !/^[123]$/.test(parsed.values.level ?? ''))) {
  console.error('--level: 1, 2 or 3, for the reviewer role only');
  process.exit(2);
}
const dataDir = resolve(embeddedSetting('FANGPIN_DATA_DIR'));
if (!existsSync(join(dataDir, 'token-secret')))
  console.error(`fangpin: no token secret in ${dataDir} yet; creating one (start the server with the same FANGPIN_DATA_DIR)`);
try {
  console.log(await issueToken(dataDirSecret(dataDir, 'token-secret'), role as Role, insurerId, undefined, parsed.values.sub, level));
} catch (err) {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(2);
}
