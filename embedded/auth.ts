/**
 * Embedded-mode tokens: HS256 JWTs signed with a random secret kept in the data directory. On AWS, API
 * Gateway's JWT authorizer verifies tokens from the real issuer; handlers read the same claims either way.
 */
import { randomBytes } from 'node:crypto';
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

export async function issueToken(secret: string, role: Role, insurerId?: string, ttlSeconds = 12 * 3600, sub?: string): Promise<string> {
  if (!ROLES.includes(role)) throw new Error(`unknown role ${role}; one of ${ROLES.join(', ')}`);
  if (role === 'insurer' && !insurerId) throw new Error('the insurer role needs an insurerId');
  const claims: JWTPayload = { 'fangpin:role': role };
  if (role === 'insurer') claims['fangpin:insurerId'] = insurerId;
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(sub ?? (role === 'insurer' ? `${role}-${insurerId}` : `${role}-local`))
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(Math.floor(Date.now() / 1000) + ttlSeconds)
    .sign(new TextEncoder().encode(secret));
}

/** The verified claims, or null for a missing, malformed, expired or wrongly signed token. */
export async function verifyToken(secret: string, token: string): Promise<JWTPayload | null> {
  try {
    const { payload } = await jwtVerify(token, new TextEncoder().encode(secret), { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
    return payload;
  } catch {
    return null;
  }
}
