/**
 * What the local engine cannot run faithfully, refused at start rather than silently mis-run:
 * JSONata and Assign are ignored by aws-local-stepfunctions (output = input); ItemReader, ItemBatcher,
 * ResultWriter, tolerated failures and HeartbeatSeconds are not implemented. A Distributed Map runs (each item a
 * child execution of its own, see engine.ts) with STANDARD child executions only: EXPRESS children keep no
 * history on AWS, which a local run could not honour.
 */
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
  if (!definition || typeof definition !== 'object') throw new Error(`state machine definition at ${where} is not an object`);
  const def = definition as { QueryLanguage?: unknown; States?: Record<string, unknown> };
  if (def.QueryLanguage === 'JSONata') throw new Error(`${where}: QueryLanguage JSONata is not run faithfully by the local engine`);
  for (const [name, raw] of Object.entries(def.States ?? {})) {
    const state = raw as Record<string, unknown>;
    if (state.QueryLanguage === 'JSONata') throw new Error(`state ${name}: QueryLanguage JSONata is not run faithfully by the local engine`);
    for (const f of UNSUPPORTED_FIELDS) if (f in state) throw new Error(`state ${name}: ${f} is not supported by the local engine`);
    const processor = state.ItemProcessor as { ProcessorConfig?: { Mode?: string; ExecutionType?: string } } | undefined;
    if (processor?.ProcessorConfig?.Mode === 'DISTRIBUTED' && processor.ProcessorConfig.ExecutionType === 'EXPRESS') {
      throw new Error(`state ${name}: a Distributed Map with EXPRESS child executions is not run locally (STANDARD only)`);
    }
    for (const sub of [state.Iterator, state.ItemProcessor, ...((state.Branches as unknown[]) ?? [])]) if (sub) assertLocallyRunnable(sub, `state ${name}`);
  }
}
