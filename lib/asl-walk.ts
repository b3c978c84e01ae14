/**
 * The one walk over an Amazon States Language definition: every state, including those of Parallel branches and
 * of Map item processors (`Iterator`, `ItemProcessor`, Distributed or inline). Pure, no AWS imports, so both the
 * CDK side (`lib/definition.ts`) and the embedded engine (`embedded/sfn/`) use it.
 */

export type AslObject = Record<string, unknown>;

export const isAslObject = (v: unknown): v is AslObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A state's nested definitions as written (not checked): its Map processor and its Parallel branches. */
export function nestedDefinitions(state: AslObject): unknown[] {
  return [state.Iterator, state.ItemProcessor, ...(Array.isArray(state.Branches) ? state.Branches : [])];
}

export interface AslVisitor {
  /** Each definition before its states: the root (`owner` undefined), then each nested one that is set (truthy),
   *  `owner` being the state it belongs to. Called even when it is not an object, so a checker can say so. */
  definition?(definition: unknown, owner: string | undefined): void;
  /** Each state that is an object, depth first in written order, `states` being the object it is listed in.
   *  Returning false skips its nested definitions (which are read after this call, so it may replace them). */
  // biome-ignore lint/suspicious/noConfusingVoidType: a visitor that never skips returns nothing (a function typed `=> void`)
  state?(name: string, state: AslObject, states: AslObject): boolean | void;
}

export function walkAsl(definition: unknown, visitor: AslVisitor, owner?: string): void {
  visitor.definition?.(definition, owner);
  if (!isAslObject(definition) || !isAslObject(definition.States)) return;
  const states = definition.States;
  for (const [name, state] of Object.entries(states)) {
    if (!isAslObject(state)) continue;
    if (visitor.state?.(name, state, states) === false) continue;
    for (const sub of nestedDefinitions(state)) if (sub) walkAsl(sub, visitor, name);
  }
}

/** Every state of a definition as [name, state], nested ones included (AWS requires names unique machine-wide). */
export function allStates(definition: unknown): Array<[string, AslObject]> {
  const out: Array<[string, AslObject]> = [];
  walkAsl(definition, { state: (name, state) => void out.push([name, state]) });
  return out;
}
