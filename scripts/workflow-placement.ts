/**
 * `npm run console:placement`: writes console/src/graph/workflow-placement.json, where the claim workflow's states
 * are drawn (console/src/graph/placement.ts, dagre), computed here from the synthesized state machine rather than
 * in every browser that opens a case file. The console uses it only for a definition with the same key
 * (placement-key.ts) and places any other itself; test/console/workflow-placement.test.ts fails when it is stale.
 */
import { writeFileSync } from 'node:fs';
import { workflowPlacementText } from './workflow-placement-text.js';

const target = new URL('../console/src/graph/workflow-placement.json', import.meta.url);
writeFileSync(target, workflowPlacementText());
process.stdout.write(`wrote ${target.pathname}\n`);
