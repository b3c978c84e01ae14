/** The scheme catalogue the handlers use: the folder FANGPIN_SCHEMES_DIR names (functions/shared/config.ts). */
import { catalogueIn } from '#core/catalogue.js';
import type { Scheme } from '#core/scheme.js';
import { settingValue } from './config.js';

/** Every scheme by id, loaded once per process (per folder). */
export function schemes(): Map<string, Scheme> {
  return catalogueIn(settingValue('FANGPIN_SCHEMES_DIR'));
}
