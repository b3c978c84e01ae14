/**
 * Every Lambda entry the CDK app may name in its `fangpin:handler` metadata, as static imports (so bundlers and
 * test runners see them). The embedded runtime looks modules up here by that metadata; an entry the template
 * names but this table lacks is an error at start, not a silent gap.
 */
import type { Context } from 'aws-lambda';

export type AnyHandler = (event: never, context: Context) => Promise<unknown>;

const MODULES: Record<string, () => Promise<{ handler: AnyHandler }>> = {
  'functions/steps/intake.ts': () => import('../functions/steps/intake.js'),
  'functions/steps/eligibility.ts': () => import('../functions/steps/eligibility.js'),
  'functions/steps/assessment.ts': () => import('../functions/steps/assessment.js'),
  'functions/steps/review-request.ts': () => import('../functions/steps/review-request.js'),
  'functions/steps/split.ts': () => import('../functions/steps/split.js'),
  'functions/steps/payout.ts': () => import('../functions/steps/payout.js'),
  'functions/steps/record-failure.ts': () => import('../functions/steps/record-failure.js'),
  'functions/steps/index-fanout.ts': () => import('../functions/steps/index-fanout.js'),
  'functions/steps/monitoring-run.ts': () => import('../functions/steps/monitoring-run.js'),
  'functions/steps/medical-feed-prepare.ts': () => import('../functions/steps/medical-feed-prepare.js'),
  'functions/steps/medical-feed-batch.ts': () => import('../functions/steps/medical-feed-batch.js'),
  'functions/steps/medical-feed-settle.ts': () => import('../functions/steps/medical-feed-settle.js'),
  'functions/api/medical-feeds.ts': () => import('../functions/api/medical-feeds.js'),
  'functions/api/claims.ts': () => import('../functions/api/claims.js'),
  'functions/api/households.ts': () => import('../functions/api/households.js'),
  'functions/api/settlements.ts': () => import('../functions/api/settlements.js'),
  'functions/api/schemes.ts': () => import('../functions/api/schemes.js'),
  'functions/api/webhooks.ts': () => import('../functions/api/webhooks.js'),
  'functions/api/reports.ts': () => import('../functions/api/reports.js'),
  'functions/api/index-events.ts': () => import('../functions/api/index-events.js'),
  'functions/api/monitoring.ts': () => import('../functions/api/monitoring.js'),
  'functions/api/ops.ts': () => import('../functions/api/ops.js'),
  'functions/api/workflows.ts': () => import('../functions/api/workflows.js'),
  'functions/api/audit-samples.ts': () => import('../functions/api/audit-samples.js'),
  'functions/api/evidence.ts': () => import('../functions/api/evidence.js'),
  // Invoked by the evidence bucket's ObjectCreated notification (embedded: by its stand-in, embedded/evidence-bucket.ts).
  'functions/events/attachment-arrived.ts': () => import('../functions/events/attachment-arrived.js'),
  'functions/steps/webhook-dispatch.ts': () => import('../functions/steps/webhook-dispatch.js'),
  // Scheduled on AWS only (its metrics would go nowhere here); listed so every entry the template names is known.
  'functions/ops/attention-metrics.ts': () => import('../functions/ops/attention-metrics.js'),
};

export type LoadedHandler = (event: unknown, context: Context) => Promise<unknown>;
/** A handler by its `fangpin:handler` entry (e.g. functions/steps/intake.ts). */
export type HandlerLoader = (entry: string) => Promise<LoadedHandler>;

/** The handler from the TypeScript sources. */
export async function loadHandler(entry: string): Promise<LoadedHandler> {
  const load = MODULES[entry];
  if (!load) throw new Error(`no embedded handler module for ${entry}; add it to embedded/handler-modules.ts`);
  const { handler } = await load();
  return handler as LoadedHandler;
}
