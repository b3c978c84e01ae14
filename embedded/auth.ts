/**
 * Embedded-mode tokens: HS256 JWTs signed with a random secret kept in the data directory. On AWS, API
 * Gateway's JWT authorizer verifies tokens from the real issuer; handlers read the same claims either way.
 */
import { randomBytes, webcrypto } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, jwtVerify, type JWTPayload } from 'jose';
import { ROLES, type Role } from '../functions/api/routes.js';

export const ISSUER = 'fangpin-embedded';
export const AUDIENCE = 'fangpin';

/** A secret kept in the data directory (created once, mode 0600); random and in memory when there is none. */
export function dataDirSecret(dataDir: string | null, file: string): string {
  if (!dataDir) return randomBytes(32).toString('hex');
  const path = join(dataDir, file);
  if (!existsSync(path)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(path, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
  }
  return readFileSync(path, 'utf8').trim();
}

const hmacKeys = new Map<string, Promise<webcrypto.CryptoKey>>();

/** The HS256 key, imported once per secret: importing it for every request showed up in the server's profile. */
function hmacKey(secret: string): Promise<webcrypto.CryptoKey> {
  let key = hmacKeys.get(secret);
  if (!key) {
    key = webcrypto.subtle.importKey('raw', new TextEncoder().encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
    hmacKeys.set(secret, key);
  }
  return key;
}

/** The claim naming a reviewer's authority level (1-3); a reviewer token without it is level 3 (core/review-authority.ts). */
export const REVIEW_LEVEL_CLAIM = 'fangpin:reviewLevel';

/**
 * `sub` names the user (four eyes compares it); by default `<role>-local` (`insurer-<id>`), as before users
 * existed. `level` is a reviewer's authority level; none by default (level 3).
 */
export async function issueToken(
  secret: string,
  role: Role,
  insurerId?: string,
  ttlSeconds = 12 * 3600,
  sub?: string,
  level?: number,
): Promise<string> {
  if (!ROLES.includes(role)) throw new Error(`unknown role ${role}; one of ${ROLES.join(', ')}`);
  if (role === 'insurer' && !insurerId) throw new Error('the insurer role needs an insurerId');
  if (level !== undefined && (role !== 'reviewer' || ![1, 2, 3].includes(level))) throw new Error('a level (1, 2 or 3) is for reviewer tokens only');
  if (sub !== undefined && !/^[\w.@:-]{1,128}$/.test(sub)) throw new Error('sub: 1-128 letters, digits or . _ @ : -');
  const claims: JWTPayload = { 'fangpin:role': role };
  if (role === 'insurer') claims['fangpin:insurerId'] = insurerId;
  if (level !== undefined) claims[REVIEW_LEVEL_CLAIM] = level;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub ?? (role === 'insurer' ? `${role}-${insurerId}` : `${role}-local`))
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(await hmacKey(secret));
}

/** The verified claims, or null for a missing, malformed, expired or wrongly signed token. */
export async function verifyToken(secret: string, token: string): Promise<JWTPayload | null> {
  try {
    const { payload } = await jwtVerify(token, await hmacKey(secret), { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
    return payload;
  } catch {
    return null;
  }
}
