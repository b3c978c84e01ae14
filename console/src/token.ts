/**
 * The bearer token the console sends. It is only decoded here (to show the role and hide what the role may not
 * do); the API verifies it on every call. Kept in sessionStorage: gone when the tab closes or on sign-out.
 */
export type Role = 'submitter' | 'reviewer' | 'insurer' | 'auditor' | 'admin';
const ROLES: readonly string[] = ['submitter', 'reviewer', 'insurer', 'auditor', 'admin'];

export interface Session {
  readonly token: string;
  readonly role: Role;
  readonly sub: string;
  readonly insurerId: string | null;
  /** Seconds since the epoch, or null when the token has none. */
  readonly exp: number | null;
}

function base64UrlDecode(part: string): string {
  const b64 = part
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(part.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** The session a token describes, or null when it is not a JWT carrying a known `fangpin:role`. */
export function decodeToken(raw: string): Session | null {
  const token = raw.trim().replace(/^Bearer\s+/i, '');
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return null;
  let payload: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(base64UrlDecode(parts[1]));
    if (typeof parsed !== 'object' || parsed === null) return null;
    payload = parsed as Record<string, unknown>;
  } catch {
    return null;
  }
  const role = payload['fangpin:role'];
  if (typeof role !== 'string' || !ROLES.includes(role)) return null;
  const insurerId = payload['fangpin:insurerId'];
  return {
    token,
    role: role as Role,
    sub: typeof payload.sub === 'string' ? payload.sub : '',
    insurerId: typeof insurerId === 'string' ? insurerId : null,
    exp: typeof payload.exp === 'number' ? payload.exp : null,
  };
}

export function isExpired(s: Session, nowMs: number): boolean {
  return s.exp !== null && s.exp * 1000 <= nowMs;
}

/** What each role may do in the console; mirrors functions/api/routes.ts (the API still refuses the rest). */
export const CAN = {
  reviewInbox: (r: Role) => r === 'reviewer' || r === 'admin',
  decide: (r: Role) => r === 'reviewer',
  readClaims: (r: Role) => r !== 'insurer',
  readAudit: (r: Role) => r === 'auditor' || r === 'admin',
  readHistory: (r: Role) => r === 'auditor' || r === 'admin',
  settlements: (r: Role) => r === 'insurer' || r === 'auditor' || r === 'admin',
  confirmSettlement: (r: Role) => r === 'insurer',
  readDeliveries: (r: Role) => r === 'auditor' || r === 'admin',
  replayDelivery: (r: Role) => r === 'admin',
  readIndexEvents: (r: Role) => r === 'auditor' || r === 'admin',
  postIndexEvent: (r: Role) => r === 'admin',
  readWarnings: (r: Role) => r === 'reviewer' || r === 'auditor' || r === 'admin',
  closeWarning: (r: Role) => r === 'reviewer' || r === 'admin',
  runMonitoring: (r: Role) => r === 'admin',
  readRegistry: (r: Role) => r === 'auditor' || r === 'admin',
  importRegistry: (r: Role) => r === 'admin',
  readAttention: (r: Role) => r === 'auditor' || r === 'admin',
  sendFeed: (r: Role) => r === 'admin',
  redriveFeed: (r: Role) => r === 'admin',
  readFeeds: (r: Role) => r === 'auditor' || r === 'admin',
  /** Only the claim's own submitter (the API compares `sub` with the claim's `submittedBy`); admins file claims too. */
  attach: (s: Pick<Session, 'role' | 'sub'>, claim: { submittedBy: string }) =>
    (s.role === 'submitter' || s.role === 'admin') && s.sub === claim.submittedBy,
  amend: (s: Pick<Session, 'role' | 'sub'>, claim: { submittedBy: string }) =>
    (s.role === 'submitter' || s.role === 'admin') && s.sub === claim.submittedBy,
  readNotes: (r: Role) => r === 'reviewer' || r === 'auditor' || r === 'admin',
  readNotice: (r: Role) => r === 'auditor' || r === 'admin',
  /** On behalf of the public (公示异议). */
  object: (r: Role) => r === 'admin',
  readSamples: (r: Role) => r === 'auditor' || r === 'admin',
  drawSample: (r: Role) => r === 'auditor',
} as const;
