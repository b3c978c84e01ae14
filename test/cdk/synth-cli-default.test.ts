/** `npx cdk synth` exactly as the README says, for the region the CLI picks when nothing is configured. See synth-cli.ts. */
import { DEFAULT_TARGET, describeSynth } from './synth-cli.js';

describeSynth(DEFAULT_TARGET);
