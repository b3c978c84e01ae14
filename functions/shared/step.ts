/**
 * The shape every workflow step shares: middy, the Powertools logger, zod on the input, and error
 * classification so that the state machine's Retry sees `TransientError` for anything worth retrying.
 */
import middy from '@middy/core';
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { WorkflowError, classify } from './errors.js';
import { checkSettings, settingValue } from './config.js';

/** What every claim step receives: the claim, and where its audit chain ended after the previous step (if known). */
export const ClaimStepInput = z.object({
  claimId: z.string().min(1),
  audit: z.object({ seq: z.number().int().min(1), hash: z.string().regex(/^[0-9a-f]{64}$/) }).optional(),
});

// Every handler (steps and API modules) loads this module: a bad setting stops the function here, at start, with
// a message naming the variable and its value.
checkSettings();
export const logger = new Logger({ serviceName: 'fangpin', logLevel: settingValue('FANGPIN_LOG_LEVEL') });

export function stepHandler<S extends z.ZodType, O>(step: string, input: S, run: (event: z.infer<S>, context: Context) => Promise<O>) {
  // A logger of the step's own: embedded, every step runs in one process, and one shared logger would stamp a
  // line with whichever function's context it was given last (on AWS each function has its own process anyway).
  const log = logger.createChild();
  return middy(async (event: unknown, context: Context): Promise<O> => {
    const parsed = input.safeParse(event);
    if (!parsed.success)
      throw new WorkflowError(`${step}: bad step input: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    try {
      const out = await run(parsed.data, context);
      // Ids and outcomes only: never claim details, personal data or task tokens.
      const claimId = (parsed.data as { claimId?: unknown }).claimId;
      log.info(`${step} done`, {
        claimId: typeof claimId === 'string' ? claimId : undefined,
        outcome: (out as { outcome?: unknown } | undefined)?.outcome,
      });
      return out;
    } catch (err) {
      const classified = classify(err);
      log.warn(`${step} failed`, { error: classified.name, detail: classified.message });
      throw classified;
    }
  }).use(injectLambdaContext(log));
}
