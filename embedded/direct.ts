/**
 * The step handlers called one after another without the state machine, along the happy path and its
 * branches. Used to test handlers against the store and as the "no orchestration" baseline of the benchmark;
 * the real order lives in the synthesized definition (lib/claim-workflow.ts).
 */
import type { Context } from 'aws-lambda';
import { lambdaContext } from './lambda-context.js';
import { handler as intake } from '../functions/steps/intake.js';
import { handler as eligibility } from '../functions/steps/eligibility.js';
import { handler as assessment } from '../functions/steps/assessment.js';
import { handler as split } from '../functions/steps/split.js';
import { handler as payout } from '../functions/steps/payout.js';
import type { AuditHead } from '../functions/shared/audit.js';

/**
 * Each step's result is the next step's input, as the state machine passes it (the audit head travels along), so
 * the direct path does the same store work as the orchestrated one. `audit` is the head after the Submit record.
 */
export async function runDirect(claimId: string, audit?: AuditHead): Promise<string> {
  // A fresh context per claim, as Lambda gives each invocation its own deadline.
  const ctx: Context = lambdaContext('direct');
  const i = await intake({ claimId, ...(audit ? { audit } : {}) }, ctx);
  const e = await eligibility(i, ctx);
  if (e.outcome === 'REJECTED') return 'REJECTED';
  const a = await assessment(e, ctx);
  if (a.outcome !== 'PAYABLE') return a.outcome;
  const s = await split(a, ctx);
  await payout(s, ctx);
  return 'SETTLING';
}
