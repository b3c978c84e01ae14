/**
 * The step handlers called one after another without the state machine, along the happy path and its
 * branches. Used to test handlers against the store and as the "no orchestration" baseline of the benchmark;
 * the real order lives in the synthesized definition (lib/claim-workflow.ts).
 */
import type { Context } from 'aws-lambda';
import { lambdaContext } from '../embedded/lambda-context.js';
import { handler as intake } from '../functions/steps/intake.js';
import { handler as eligibility } from '../functions/steps/eligibility.js';
import { handler as assessment } from '../functions/steps/assessment.js';
import { handler as split } from '../functions/steps/split.js';
import { handler as payout } from '../functions/steps/payout.js';

export async function runDirect(claimId: string): Promise<string> {
  // A fresh context per claim, as Lambda gives each invocation its own deadline.
  const ctx: Context = lambdaContext('direct');
  await intake({ claimId }, ctx);
  const e = await eligibility({ claimId }, ctx);
  if (e.outcome === 'REJECTED') return 'REJECTED';
  const a = await assessment({ claimId }, ctx);
  if (a.outcome !== 'PAYABLE') return a.outcome;
  await split({ claimId }, ctx);
  await payout({ claimId }, ctx);
  return 'SETTLING';
}
