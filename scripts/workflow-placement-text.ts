/** The text of console/src/graph/workflow-placement.json for the claim workflow as the CDK app defines it now. */
import { graphOf } from '../functions/api/workflows.js';
import { synthesizeClaimWorkflow } from '../lib/definition.js';
import { placementOf } from '../console/src/graph/placement.js';
import { placementKey } from '../console/src/graph/placement-key.js';
import type { WorkflowGraphView } from '../console/src/graph/outcomes.js';

export function workflowPlacementText(): string {
  // The shape GET /workflows/claims/definition gives (its readonly arrays are the console's plain ones).
  const definition = graphOf(synthesizeClaimWorkflow().definition) as unknown as WorkflowGraphView;
  return `${JSON.stringify({ key: placementKey(definition), placement: placementOf(definition) })}\n`;
}
