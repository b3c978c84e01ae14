/**
 * Every HTTP route, once, as data: the CDK app creates an API Gateway route per entry (integrated with the
 * entry's Lambda, behind the JWT authorizer) and the embedded server dispatches the same table. `roles`
 * is enforced inside the handler from the token's claims, on both sides.
 */
export type Role = 'submitter' | 'reviewer' | 'insurer' | 'auditor' | 'admin';
export const ROLES: readonly Role[] = ['submitter', 'reviewer', 'insurer', 'auditor', 'admin'];

/** One Lambda per API module; the module file is functions/api/<module>.ts with an exported `handler`. */
export type ApiModule =
  | 'claims'
  | 'households'
  | 'settlements'
  | 'schemes'
  | 'webhooks'
  | 'reports'
  | 'index-events'
  | 'monitoring'
  | 'ops'
  | 'workflows'
  | 'audit-samples'
  | 'evidence'
  | 'medical-feeds';

export interface RouteSpec {
  readonly method: 'GET' | 'POST';
  /** API Gateway path syntax: /claims/{claimId} */
  readonly path: string;
  readonly module: ApiModule;
  readonly roles: readonly Role[];
}

const ANY: readonly Role[] = ROLES;

export const ROUTES: readonly RouteSpec[] = [
  { method: 'GET', path: '/schemes', module: 'schemes', roles: ANY },
  { method: 'GET', path: '/schemes/{schemeId}', module: 'schemes', roles: ANY },
  { method: 'POST', path: '/households', module: 'households', roles: ['admin'] },
  { method: 'GET', path: '/households', module: 'households', roles: ['admin', 'auditor'] },
  { method: 'GET', path: '/households/{householdId}', module: 'households', roles: ['admin', 'auditor'] },
  { method: 'GET', path: '/households/{householdId}/audit', module: 'households', roles: ['admin', 'auditor'] },
  { method: 'POST', path: '/claims', module: 'claims', roles: ['submitter', 'admin'] },
  { method: 'GET', path: '/claims', module: 'claims', roles: ['submitter', 'reviewer', 'auditor', 'admin'] },
  { method: 'GET', path: '/claims/{claimId}', module: 'claims', roles: ['submitter', 'reviewer', 'auditor', 'admin'] },
  { method: 'POST', path: '/claims/{claimId}/review', module: 'claims', roles: ['reviewer'] },
  // The claim's own submitter only (the handler compares `sub`); admins file claims too.
  { method: 'POST', path: '/claims/{claimId}/amend', module: 'claims', roles: ['submitter', 'admin'] },
  { method: 'POST', path: '/claims/{claimId}/redrive', module: 'claims', roles: ['admin'] },
  // An admin records it on behalf of the public (公示异议).
  { method: 'POST', path: '/claims/{claimId}/objections', module: 'claims', roles: ['admin'] },
  { method: 'GET', path: '/claims/{claimId}/history', module: 'claims', roles: ['auditor', 'admin'] },
  { method: 'GET', path: '/claims/{claimId}/audit', module: 'claims', roles: ['auditor', 'admin'] },
  // Evidence (functions/api/evidence.ts, core/evidence.ts). Attaching: the claim's own submitter (the handler
  // compares `sub`). Reading: reviewers, auditors, the claim's submitter, an insurer paying part of the claim (the
  // handler checks the claim's allocations); an admin only as the claim's submitter.
  { method: 'POST', path: '/claims/{claimId}/attachments', module: 'evidence', roles: ['submitter', 'admin'] },
  { method: 'GET', path: '/claims/{claimId}/attachments', module: 'evidence', roles: ['submitter', 'reviewer', 'insurer', 'auditor', 'admin'] },
  {
    method: 'GET',
    path: '/claims/{claimId}/attachments/{attachmentId}',
    module: 'evidence',
    roles: ['submitter', 'reviewer', 'insurer', 'auditor', 'admin'],
  },
  { method: 'POST', path: '/claims/{claimId}/notes', module: 'evidence', roles: ['reviewer', 'auditor', 'admin'] },
  { method: 'GET', path: '/claims/{claimId}/notes', module: 'evidence', roles: ['reviewer', 'auditor', 'admin'] },
  { method: 'GET', path: '/settlements', module: 'settlements', roles: ['insurer', 'auditor', 'admin'] },
  { method: 'POST', path: '/settlements/{settlementId}/confirm', module: 'settlements', roles: ['insurer'] },
  { method: 'GET', path: '/reports/summary', module: 'reports', roles: ['admin', 'auditor'] },
  { method: 'GET', path: '/reports/public-notice', module: 'reports', roles: ['admin', 'auditor'] },
  { method: 'POST', path: '/audit-samples', module: 'audit-samples', roles: ['auditor'] },
  { method: 'GET', path: '/audit-samples', module: 'audit-samples', roles: ['auditor', 'admin'] },
  { method: 'GET', path: '/audit-samples/{sampleId}', module: 'audit-samples', roles: ['auditor', 'admin'] },
  { method: 'POST', path: '/audit-samples/{sampleId}/findings', module: 'audit-samples', roles: ['auditor'] },
  { method: 'POST', path: '/webhook-endpoints', module: 'webhooks', roles: ['admin'] },
  { method: 'GET', path: '/webhook-deliveries', module: 'webhooks', roles: ['admin', 'auditor'] },
  { method: 'POST', path: '/index-events', module: 'index-events', roles: ['admin'] },
  { method: 'GET', path: '/index-events', module: 'index-events', roles: ['admin', 'auditor'] },
  { method: 'GET', path: '/index-events/{eventId}', module: 'index-events', roles: ['admin', 'auditor'] },
  { method: 'GET', path: '/index-events/{eventId}/audit', module: 'index-events', roles: ['admin', 'auditor'] },
  { method: 'GET', path: '/index-events/{eventId}/history', module: 'index-events', roles: ['admin', 'auditor'] },
  { method: 'POST', path: '/index-events/{eventId}/redrive', module: 'index-events', roles: ['admin'] },
  { method: 'POST', path: '/monitoring/run', module: 'monitoring', roles: ['admin'] },
  { method: 'GET', path: '/monitoring/jobs/{jobId}', module: 'monitoring', roles: ['admin'] },
  { method: 'GET', path: '/monitoring/warnings', module: 'monitoring', roles: ['admin', 'auditor', 'reviewer'] },
  { method: 'POST', path: '/households/{householdId}/warnings/{warningId}/close', module: 'monitoring', roles: ['admin', 'reviewer'] },
  { method: 'POST', path: '/webhook-deliveries/{deliveryId}/replay', module: 'webhooks', roles: ['admin'] },
  { method: 'GET', path: '/ops/attention', module: 'ops', roles: ['admin', 'auditor'] },
  { method: 'GET', path: '/workflows/claims/definition', module: 'workflows', roles: ['auditor', 'admin'] },
  // The medical bureau's daily feed: the CSV as the body (docs/medical-feed.md).
  { method: 'POST', path: '/medical-feeds', module: 'medical-feeds', roles: ['admin'] },
  { method: 'GET', path: '/medical-feeds', module: 'medical-feeds', roles: ['admin', 'auditor'] },
  { method: 'GET', path: '/medical-feeds/{feedId}', module: 'medical-feeds', roles: ['admin', 'auditor'] },
  { method: 'POST', path: '/medical-feeds/{feedId}/redrive', module: 'medical-feeds', roles: ['admin'] },
  { method: 'GET', path: '/medical-feeds/{feedId}/audit', module: 'medical-feeds', roles: ['admin', 'auditor'] },
];

export const API_MODULES: readonly ApiModule[] = [
  'claims',
  'households',
  'settlements',
  'schemes',
  'webhooks',
  'reports',
  'index-events',
  'monitoring',
  'ops',
  'workflows',
  'audit-samples',
  'evidence',
  'medical-feeds',
];

export function routeKey(r: Pick<RouteSpec, 'method' | 'path'>): string {
  return `${r.method} ${r.path}`;
}
