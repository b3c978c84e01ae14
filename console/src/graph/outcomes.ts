/**
 * What an execution's history says about each state of the definition: the pure part of the execution graph
 * (no React, no layout), so it is easy to read and to test.
 */

/** The parts of a Step Functions history event (console/src/api.ts HistoryEvent) the graph reads. */
export interface HistoryEvent {
  id: number;
  type: string;
  timestamp: string;
  stateEnteredEventDetails?: { name?: string };
  stateExitedEventDetails?: { name?: string };
}

export interface WorkflowStateView {
  type: string;
  next?: string;
  end?: true;
  integration?: string;
  timeoutSeconds?: number;
  choices?: { next: string; condition: string }[];
  default?: string;
  catch?: { errors: string[]; next: string }[];
  retry?: { errors: string[]; maxAttempts: number }[];
  error?: string;
  branches?: WorkflowGraphView[];
  itemProcessor?: WorkflowGraphView;
}

export interface WorkflowGraphView {
  startAt: string;
  states: Record<string, WorkflowStateView>;
}

/** GET /workflows/claims/definition */
export interface DefinitionAnswer {
  stateMachineName: string;
  definition: WorkflowGraphView;
}

export type Outcome = 'succeeded' | 'failed' | 'caught' | 'running' | 'notReached';

export interface StateRun<E extends HistoryEvent = HistoryEvent> {
  outcome: Outcome;
  events: E[];
  /** Failed attempts that a retry recovered from. */
  retries: number;
}

export interface Transition {
  from: string;
  to: string;
  kind: 'next' | 'choice' | 'default' | 'catch';
  label?: string;
}

/** Every transition of a (flat) graph; nested graphs are walked by their own call. */
export function transitions(g: WorkflowGraphView): Transition[] {
  const out: Transition[] = [];
  for (const [name, s] of Object.entries(g.states)) {
    if (s.next) out.push({ from: name, to: s.next, kind: 'next' });
    for (const c of s.choices ?? []) out.push({ from: name, to: c.next, kind: 'choice', label: c.condition });
    if (s.default) out.push({ from: name, to: s.default, kind: 'default' });
    for (const c of s.catch ?? []) out.push({ from: name, to: c.next, kind: 'catch', label: c.errors.join(', ') });
  }
  return out;
}

const FAILURE = /(Failed|TimedOut|Aborted)$/;
const SUCCESS = /Succeeded$/;

function enteredName(e: HistoryEvent): string | undefined {
  return e.type.endsWith('StateEntered') ? e.stateEnteredEventDetails?.name : undefined;
}

/**
 * Each state's events and outcome. Events belong to the state entered last (the claim workflow runs one state at
 * a time); execution-level events (ExecutionStarted, ExecutionSucceeded, …) belong to none.
 */
export function stateRuns<E extends HistoryEvent>(
  g: WorkflowGraphView,
  events: readonly E[],
  executionStatus: string | undefined,
): { runs: Record<string, StateRun<E>>; path: string[] } {
  const runs: Record<string, StateRun<E>> = {};
  for (const name of Object.keys(g.states)) runs[name] = { outcome: 'notReached', events: [], retries: 0 };
  const path: string[] = [];
  let current: string | undefined;
  for (const e of events) {
    const entered = enteredName(e);
    if (entered !== undefined) {
      current = entered;
      path.push(entered);
      runs[entered] ??= { outcome: 'notReached', events: [], retries: 0 };
    }
    if (e.type.startsWith('Execution')) {
      if (e.type !== 'ExecutionStarted') current = undefined;
      continue;
    }
    if (current) runs[current]?.events.push(e);
  }
  const visitedLater = (name: string) => {
    const i = path.lastIndexOf(name);
    return i >= 0 && i < path.length - 1;
  };
  for (const [name, run] of Object.entries(runs)) {
    if (run.events.length === 0) continue;
    const type = g.states[name]?.type;
    const failures = run.events.filter((e) => FAILURE.test(e.type));
    const lastFailure = failures.at(-1)?.id ?? -1;
    const lastSuccess = run.events.filter((e) => SUCCESS.test(e.type)).at(-1)?.id ?? -1;
    const exited = run.events.some((e) => e.type.endsWith('StateExited'));
    if (type === 'Fail') run.outcome = 'failed';
    else if (lastFailure > lastSuccess) run.outcome = visitedLater(name) ? 'caught' : 'failed';
    else if (lastSuccess >= 0 || exited || visitedLater(name)) run.outcome = 'succeeded';
    else run.outcome = executionStatus === 'RUNNING' || executionStatus === undefined ? 'running' : 'failed';
    run.retries = run.outcome === 'succeeded' ? failures.length : Math.max(0, failures.length - 1);
  }
  return { runs, path };
}

/** The transitions the execution took, as `from→to` keys. */
export function takenEdges(path: readonly string[]): Set<string> {
  const out = new Set<string>();
  for (let i = 1; i < path.length; i++) out.add(`${path[i - 1]}→${path[i]}`);
  return out;
}
