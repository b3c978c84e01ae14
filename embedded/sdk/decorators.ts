/**
 * What the embedded runtime adds to the SDK clients that functions/shared/aws.ts builds, through the
 * process-global hook that module consults (SDK_CLIENT_DECORATORS; why global: see there). None of this is in
 * a Lambda bundle: on AWS a Lambda serves one event at a time (nothing to coalesce) and faults are real.
 */
import { SDK_CLIENT_DECORATORS, type SdkClientDecorators } from '../../functions/shared/aws.js';
import { coalesceReads } from './read-coalescer.js';
import { coalesceWrites } from './write-coalescer.js';
import { injectFaults } from './faults.js';

export interface SdkDecoration {
  /** Batch the single-item reads of one event-loop turn into BatchGetItem (read-coalescer.ts). */
  readonly coalesceReads: boolean;
  /** Send the transactions and conditional puts of one event-loop turn as one transaction (write-coalescer.ts). */
  readonly coalesceWrites: boolean;
  /** Fault drills: this share of store requests fails (faults.ts); 0 for none. */
  readonly faultRate: number;
}

type Registry = { [SDK_CLIENT_DECORATORS]?: SdkClientDecorators };

/**
 * Installs the decorators for every client built from now on, in this process, by any copy of aws.ts (the
 * sources or a bundle). Returns the uninstaller, which leaves a later installation in place.
 */
export function installSdkDecorators(d: SdkDecoration): () => void {
  const decorators: SdkClientDecorators = {
    documentClient: (client, commands) => {
      // Faults first: they sit in the middleware stack, under the coalescers' merged requests as under single ones.
      if (d.faultRate > 0) injectFaults(client, d.faultRate);
      if (d.coalesceReads) coalesceReads(client, commands);
      if (d.coalesceWrites) coalesceWrites(client, commands);
    },
  };
  const registry = globalThis as Registry;
  registry[SDK_CLIENT_DECORATORS] = decorators;
  return () => {
    if (registry[SDK_CLIENT_DECORATORS] === decorators) delete registry[SDK_CLIENT_DECORATORS];
  };
}
