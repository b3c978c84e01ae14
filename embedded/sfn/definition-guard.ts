/**
 * What the local engine cannot run faithfully, refused at start rather than silently mis-run:
 * JSONata and Assign are ignored by aws-local-stepfunctions (output = input), Distributed Map runs inline,
 * ItemReader/ItemBatcher/ResultWriter/HeartbeatSeconds are unsupported.
 */
const UNSUPPORTED_FIELDS = ['Assign', 'ItemReader', 'ItemBatcher', 'ResultWriter', 'HeartbeatSeconds', 'HeartbeatSecondsPath', 'Arguments', 'Output'];

export function assertLocallyRunnable(definition: unknown, where = '(root)'): void {
  if (!definition || typeof definition !== 'object') throw new Error(`state machine definition at ${where} is not an object`);
  const def = definition as { QueryLanguage?: unknown; States?: Record<string, unknown> };
  if (def.QueryLanguage === 'JSONata') throw new Error(`${where}: QueryLanguage JSONata is not run faithfully by the local engine`);
  for (const [name, raw] of Object.entries(def.States ?? {})) {
    const state = raw as Record<string, unknown>;
    if (state.QueryLanguage === 'JSONata') throw new Error(`state ${name}: QueryLanguage JSONata is not run faithfully by the local engine`);
    for (const f of UNSUPPORTED_FIELDS) if (f in state) throw new Error(`state ${name}: ${f} is not supported by the local engine`);
    const processor = state.ItemProcessor as { ProcessorConfig?: { Mode?: string } } | undefined;
    if (processor?.ProcessorConfig?.Mode === 'DISTRIBUTED') throw new Error(`state ${name}: Distributed Map runs inline locally; not allowed`);
    for (const sub of [state.Iterator, state.ItemProcessor, ...((state.Branches as unknown[]) ?? [])]) if (sub) assertLocallyRunnable(sub, `state ${name}`);
  }
}
