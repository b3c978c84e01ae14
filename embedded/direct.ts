/**
 * The deployed step handlers called one after another without the state machine, along the path to settlement
 * and the Choice branches that end it early (the same outcome words, functions/shared/workflow-contract.ts).
 * What it is for: handler tests against the store (test/functions) and the "no orchestration" baseline of the
 * benchmark. It does every store write the workflow does; the real order lives in the synthesized definition
 * (lib/claim-workflow.ts), and reviews are not run here (a claim sent to review stops at REVIEW).
 * Not to be confused with core/decide.ts, the same rules as one pure function with no store and no handlers.
 */
import type { Context } from 'aws-lambda';
import { lambdaContext } from './lambda-context.js';
import { handler as intake } from '../functions/steps/intake.js';
import { handler as eligibility } from '../functions/steps/eligibility.js';
import { handler as assessment } from '../functions/steps/assessment.js';
import { handler as split } from '../functions/steps/split.js';
import { handler as payout } from '../functions/steps/payout.js';
import type { AuditHead } from '../functions/shared/audit.js';
import { ELIGIBILITY_OUTCOME, ROUTE_OUTCOME } from '../functions/shared/workflow-contract.js';

/**
 * Each step's result is the next step's input, as the state machine passes it (the audit head travels along), so
 * the direct path does the same store work as the orchestrated one. `audit` is the head after the Submit record.
 */
export async function runDirect(claimId: string, audit?: AuditHead): Promise<string> {
  // A fresh context per claim, as Lambda gives each invocation its own deadline.
  const ctx: Context = lambdaContext('direct');
  const i = await intake({ claimId, ...(audit ? { audit } : {}) }, ctx);
  const e = await eligibility(i, ctx);
  if (e.outcome === ELIGIBILITY_OUTCOME.rejected) return ELIGIBILITY_OUTCOME.rejected;
  const a = await assessment(e, ctx);
  if (a.outcome !== ROUTE_OUTCOME.payable) return a.outcome;
  const s = await split(a, ctx);
  await payout(s, ctx);
  return 'SETTLING';
}
