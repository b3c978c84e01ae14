/**
 * What the local engine cannot run faithfully, refused at start rather than silently mis-run:
 * JSONata and Assign are ignored by aws-local-stepfunctions (output = input); tolerated failures and
 * HeartbeatSeconds are not implemented; a Distributed Map's ItemReader, ItemBatcher and ResultWriter are taken
 * only in the forms item-reader.ts emulates (CSV from the local bucket, batches, results written back), and only
 * in a Distributed Map that is not inside an inline Map. A Distributed Map runs (each item a
 * child execution of its own, see distributed-map.ts) with STANDARD child executions only: EXPRESS children keep no
 * history on AWS, which a local run could not honour.
 */
import { allStates, walkAsl } from '../../lib/asl-walk.js';
import { checkMapRunFields } from './item-reader.js';

const UNSUPPORTED_FIELDS = [
  'Assign',
  'ToleratedFailurePercentage',
  'ToleratedFailurePercentagePath',
  'ToleratedFailureCount',
  'ToleratedFailureCountPath',
  'HeartbeatSeconds',
  'HeartbeatSecondsPath',
  'Arguments',
  'Output',
];

export function assertLocallyRunnable(definition: unknown, where = '(root)'): void {
  // States inside an inline Map's processor (each iteration runs them concurrently).
  const inInlineMap = new Set<string>();
  for (const [, state] of allStates(definition)) {
    const p = (state.ItemProcessor ?? state.Iterator) as { ProcessorConfig?: { Mode?: string }; States?: unknown } | undefined;
    if (state.Type === 'Map' && p && p.ProcessorConfig?.Mode !== 'DISTRIBUTED') for (const [inner] of allStates(p)) inInlineMap.add(inner);
  }
  walkAsl(definition, {
    definition(def, owner) {
      const at = owner === undefined ? where : `state ${owner}`;
      if (!def || typeof def !== 'object') throw new Error(`state machine definition at ${at} is not an object`);
      if ((def as { QueryLanguage?: unknown }).QueryLanguage === 'JSONata')
        throw new Error(`${at}: QueryLanguage JSONata is not run faithfully by the local engine`);
    },
    state(name, state) {
      if (state.QueryLanguage === 'JSONata') throw new Error(`state ${name}: QueryLanguage JSONata is not run faithfully by the local engine`);
      for (const f of UNSUPPORTED_FIELDS) if (f in state) throw new Error(`state ${name}: ${f} is not supported by the local engine`);
      const processor = state.ItemProcessor as { ProcessorConfig?: { Mode?: string; ExecutionType?: string } } | undefined;
      const distributed = processor?.ProcessorConfig?.Mode === 'DISTRIBUTED';
      checkMapRunFields(name, state, distributed);
      // Items handed over through the context object (asl-rewrite.ts) would be shared by concurrent iterations.
      if (distributed && inInlineMap.has(name) && ['ItemReader', 'ItemBatcher', 'ResultWriter'].some((f) => f in state)) {
        throw new Error(`state ${name}: a Distributed Map with an ItemReader, ItemBatcher or ResultWriter inside an inline Map is not run locally`);
      }
      if (processor?.ProcessorConfig?.Mode === 'DISTRIBUTED' && processor.ProcessorConfig.ExecutionType === 'EXPRESS') {
        throw new Error(`state ${name}: a Distributed Map with EXPRESS child executions is not run locally (STANDARD only)`);
      }
    },
  });
}
