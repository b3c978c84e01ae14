/** `npm run token -- <role> [insurerId]`: a bearer token the embedded server (same FANGPIN_DATA_DIR) accepts. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { dataDirSecret, issueToken } from './auth.js';
import { ROLES, type Role } from '../functions/api/routes.js';

const [role, insurerId] = process.argv.slice(2);
if (!role || !(ROLES as readonly string[]).includes(role)) {
  console.error(`usage: npm run token -- <${ROLES.join('|')}> [insurerId]`);
  process.exit(2);
}
if (role === 'insurer' && !insurerId) {
  console.error('usage: npm run token -- insurer <insurerId>   (e.g. XG-POOL-1)');
  process.exit(2);
}
const dataDir = resolve(process.env.FANGPIN_DATA_DIR ?? '.fangpin-data');
if (!existsSync(join(dataDir, 'token-secret'))) console.error(`fangpin: no token secret in ${dataDir} yet; creating one (start the server with the same FANGPIN_DATA_DIR)`);
console.log(await issueToken(dataDirSecret(dataDir, 'token-secret'), role as Role, insurerId));
