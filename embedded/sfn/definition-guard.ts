/**
 * What the local engine cannot run faithfully, refused at start rather than silently mis-run:
 * JSONata and Assign are ignored by aws-local-stepfunctions (output = input); ItemReader, ItemBatcher,
 * ResultWriter, tolerated failures and HeartbeatSeconds are not implemented. A Distributed Map runs (each item a
 * child execution of its own, see distributed-map.ts) with STANDARD child executions only: EXPRESS children keep no
 * history on AWS, which a local run could not honour.
 */
import { walkAsl } from '../../lib/asl-walk.js';

const UNSUPPORTED_FIELDS = [
  'Assign',
  'ItemReader',
  'ItemBatcher',
  'ResultWriter',
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
  walkAsl(
    definition,
    {
      definition(def, owner) {
        const at = owner === undefined ? where : `state ${owner}`;
        if (!def || typeof def !== 'object') throw new Error(`state machine definition at ${at} is not an object`);
        if ((def as { QueryLanguage?: unknown }).QueryLanguage === 'JSONata') throw new Error(`${at}: QueryLanguage JSONata is not run faithfully by the local engine`);
      },
      state(name, state) {
        if (state.QueryLanguage === 'JSONata') throw new Error(`state ${name}: QueryLanguage JSONata is not run faithfully by the local engine`);
        for (const f of UNSUPPORTED_FIELDS) if (f in state) throw new Error(`state ${name}: ${f} is not supported by the local engine`);
        const processor = state.ItemProcessor as { ProcessorConfig?: { Mode?: string; ExecutionType?: string } } | undefined;
        if (processor?.ProcessorConfig?.Mode === 'DISTRIBUTED' && processor.ProcessorConfig.ExecutionType === 'EXPRESS') {
          throw new Error(`state ${name}: a Distributed Map with EXPRESS child executions is not run locally (STANDARD only)`);
        }
      },
    },
  );
}
