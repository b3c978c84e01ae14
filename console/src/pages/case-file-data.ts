/**
 * The answers a case file shows (the claim, its audit chain, its execution history, the state machine's
 * definition), asked for together. For an address that opens on a case file, the console's entry (main.tsx)
 * asks for them as soon as config.json is read, before the app's chunks have run: the requests then travel
 * while the browser evaluates and renders, instead of after. CaseFile takes those requests once; a reload of
 * the case file (after a decision) asks anew. The definition is fetched and placed by a worker
 * (graph/placements.ts).
 */
import { api, ApiError, type AuditAnswer, type ClaimView, type HistoryAnswer } from '../api';
import { placedDefinition, type PlacedDefinition } from '../graph/placements';
import { CAN, type Session } from '../token';

export interface CaseFileRequests {
  readonly claim: Promise<ClaimView>;
  /** null: the role may not read the audit chain. */
  readonly audit: Promise<AuditAnswer | null>;
  /** null: the role may not read history; 'none': the claim has no execution (404). */
  readonly history: Promise<HistoryAnswer | 'none' | null>;
  /**
   * The state machine's definition and where its states are drawn (graph/placements.ts), or null: the role may
   * not read history. A failure is shown as a warning in place of the graph, not as the page's error.
   */
  readonly graph: Promise<PlacedDefinition | null>;
}

export function requestCaseFile(session: Session, claimId: string): CaseFileRequests {
  const path = `/claims/${encodeURIComponent(claimId)}`;
  const history = CAN.readHistory(session.role);
  return {
    claim: api<ClaimView>(session.token, 'GET', path),
    audit: CAN.readAudit(session.role) ? api<AuditAnswer>(session.token, 'GET', `${path}/audit`) : Promise.resolve(null),
    history: history
      ? api<HistoryAnswer>(session.token, 'GET', `${path}/history`).catch((err: unknown) => {
          if (err instanceof ApiError && err.status === 404) return 'none' as const;
          throw err;
        })
      : Promise.resolve(null),
    graph: history ? placedDefinition(session.token) : Promise.resolve(null),
  };
}

let early: { key: string; requests: CaseFileRequests } | null = null;

/** Asks for a case file's answers ahead of its screen (main.tsx, on a case-file address). */
export function prefetchCaseFile(session: Session, claimId: string): void {
  const requests = requestCaseFile(session, claimId);
  // Nobody may ever take them (the user signs out first): a failure is not an unhandled rejection.
  for (const p of Object.values(requests)) (p as Promise<unknown>).catch(() => undefined);
  early = { key: `${session.token}\n${claimId}`, requests };
}

/** The requests prefetchCaseFile started for this session and claim, once; afterwards null. */
export function takePrefetchedCaseFile(session: Session, claimId: string): CaseFileRequests | null {
  const found = early?.key === `${session.token}\n${claimId}` ? early.requests : null;
  early = null;
  return found;
}
