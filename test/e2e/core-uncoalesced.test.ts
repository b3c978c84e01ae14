/**
 * The core scenarios with store coalescing off (embedded/sdk/): every store request goes on its own, as from a
 * Lambda on AWS. The same scenarios run coalesced in claims, concurrency, webhooks and redrive test files.
 */
import { coreScenarios } from './scenarios/core.js';

process.env.FANGPIN_WEBHOOK_POLL_MS = '50';

coreScenarios({ prefix: 'uncoalesced', options: async () => ({ coalesce: false }), coalesced: false });
