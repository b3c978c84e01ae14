/** `npx cdk synth` for AWS China (cn-northwest-1, partition aws-cn) with a concrete account. See synth-cli.ts. */
import { CHINA_TARGET, describeSynth } from './synth-cli.js';

describeSynth(CHINA_TARGET);
