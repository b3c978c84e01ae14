/** What the two redrive routes (claims, index events) share: the request body and the redrives' histories. */
import * as z from 'zod'; // a namespace import lets the bundler drop what is unused (zod's locales: ~370 KB)
import { ExecutionDoesNotExist } from '@aws-sdk/client-sfn';
import { fieldErrors, jsonBody, validationError, type ApiEvent } from './http.js';

export const RedriveBody = z.object({ note: z.string().max(2000).default('') }).strict();

/** The admin's note from an optional `{"note"}` body; anything else is a 422 naming the field. */
export function redriveNote(event: ApiEvent): string {
  const parsed = RedriveBody.safeParse(event.body ? jsonBody(event, 16 * 1024) : {});
  if (!parsed.success) throw validationError(fieldErrors(parsed.error));
  return parsed.data.note;
}

/** Redrives 1..count, each with what `load` reads of its execution; one redriven but not started yet is left out. */
export async function redriveHistories<T extends object>(
  count: number,
  load: (redrive: number) => Promise<T>,
): Promise<Array<{ redrive: number } & T>> {
  const out: Array<{ redrive: number } & T> = [];
  for (let n = 1; n <= count; n++) {
    try {
      out.push({ redrive: n, ...(await load(n)) });
    } catch (err) {
      if (!(err instanceof ExecutionDoesNotExist)) throw err;
    }
  }
  return out;
}
