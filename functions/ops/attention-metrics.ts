/**
 * Scheduled (EventBridge, every 5 minutes on AWS): computes the same attention list `GET /ops/attention` answers and
 * publishes its count per kind as Powertools metrics (CloudWatch EMF in the function's log), 0 included, so each
 * alarm sees its figure every period and clears as soon as the list does. Embedded it is not scheduled: the
 * route answers, and there is no CloudWatch for the metrics to go to.
 */
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { ATTENTION_KINDS, ATTENTION_METRIC, OPS_METRICS_NAMESPACE, OPS_METRICS_SERVICE, type AttentionKind } from '#core/attention.js';
import { stepHandler } from '../shared/step.js';
import { readAttention, thresholdsFromEnv } from '../shared/attention.js';

export const metrics = new Metrics({ namespace: OPS_METRICS_NAMESPACE, serviceName: OPS_METRICS_SERVICE });

export function recordAttentionCounts(m: Metrics, counts: Record<AttentionKind, number>): void {
  for (const kind of ATTENTION_KINDS) m.addMetric(ATTENTION_METRIC[kind], MetricUnit.Count, counts[kind]);
}

export const handler = stepHandler('attention-metrics', z.unknown(), async () => {
  const list = await readAttention(new Date(), thresholdsFromEnv());
  try {
    recordAttentionCounts(metrics, list.counts);
  } finally {
    metrics.publishStoredMetrics();
  }
  return { counts: list.counts, executionChecks: list.executionChecks };
});
