/** The scheme a claim names, from the catalogue bundled with the function. */
import { schemes } from './catalogue.js';
import type { Scheme } from '#core/index.js';
import { WorkflowError } from './errors.js';

export function schemeOf(schemeId: string): Scheme {
  const scheme = schemes().get(schemeId);
  if (!scheme) throw new WorkflowError(`unknown scheme ${schemeId}`);
  return scheme;
}
