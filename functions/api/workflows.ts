/**
 * The claim workflow's state machine as a graph, for the console's execution view: `GET /workflows/claims/definition`
 * (auditor, admin). Read from Step Functions (`DescribeStateMachine`, on AWS as embedded) and reduced to its shape:
 * every state's type, transitions (Next, Choice rules with their condition as text, Default, Catch), Retry errors,
 * End, timeouts and nested Parallel branches / Map item processors. Resources and Parameters are left out, so no
 * function ARN or input path reaches a browser. Cached per container for five minutes.
 */
import { DescribeStateMachineCommand, StateMachineDoesNotExist } from '@aws-sdk/client-sfn';
import { sfnClient } from '../shared/aws.js';
import { stateMachineArn } from '../shared/execution.js';
import { apiHandler, HttpError, json } from './http.js';

export interface WorkflowStateView {
  readonly type: string;
  readonly next?: string;
  readonly end?: true;
  /** Task: the integration, e.g. `lambda` (a function called directly) or `lambda:invoke.waitForTaskToken`. */
  readonly integration?: string;
  readonly timeoutSeconds?: number;
  readonly choices?: readonly { readonly next: string; readonly condition: string }[];
  readonly default?: string;
  readonly catch?: readonly { readonly errors: readonly string[]; readonly next: string }[];
  readonly retry?: readonly { readonly errors: readonly string[]; readonly maxAttempts: number }[];
  readonly error?: string;
  /** Parallel */
  readonly branches?: readonly WorkflowGraphView[];
  /** Map (ItemProcessor, or the older Iterator) */
  readonly itemProcessor?: WorkflowGraphView;
}

export interface WorkflowGraphView {
  readonly startAt: string;
  readonly states: Readonly<Record<string, WorkflowStateView>>;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);

const OPERATORS: Record<string, string> = {
  Equals: '==',
  LessThan: '<',
  GreaterThan: '>',
  LessThanEquals: '<=',
  GreaterThanEquals: '>=',
  Matches: '~',
};

/** A Choice rule's condition as short text: `$.outcome == "APPROVED"`, `not (…)`, `… and …`. */
export function conditionText(rule: Obj): string {
  if (Array.isArray(rule.And)) return rule.And.filter(isObj).map(conditionText).join(' and ');
  if (Array.isArray(rule.Or)) return rule.Or.filter(isObj).map(conditionText).join(' or ');
  if (isObj(rule.Not)) return `not (${conditionText(rule.Not)})`;
  if (typeof rule.Condition === 'string') return rule.Condition; // JSONata
  const variable = typeof rule.Variable === 'string' ? rule.Variable : '?';
  for (const [key, value] of Object.entries(rule)) {
    const m = /^(String|Numeric|Boolean|Timestamp)(Equals|LessThan|GreaterThan|LessThanEquals|GreaterThanEquals|Matches)(Path)?$/.exec(key);
    if (m) return `${variable} ${OPERATORS[m[2] ?? ''] ?? m[2]} ${m[3] ? String(value) : JSON.stringify(value)}`;
    const t = /^Is(Null|Present|Numeric|String|Boolean|Timestamp)$/.exec(key);
    if (t) return `${variable} is ${value === false ? 'not ' : ''}${t[1]?.toLowerCase()}`;
  }
  return variable;
}

function integration(resource: unknown): string | undefined {
  if (typeof resource !== 'string') return undefined;
  const service = /^arn:[^:]+:states:::(.+)$/.exec(resource);
  if (service) return service[1];
  const arn = /^arn:[^:]+:([^:]+):/.exec(resource);
  return arn ? arn[1] : 'task';
}

/** The definition's shape only (see the module comment); throws on what is not a state machine definition. */
export function graphOf(definition: unknown): WorkflowGraphView {
  if (!isObj(definition) || typeof definition.StartAt !== 'string' || !isObj(definition.States)) throw new Error('not a state machine definition');
  const states: Record<string, WorkflowStateView> = {};
  for (const [name, raw] of Object.entries(definition.States)) {
    if (!isObj(raw)) continue;
    const s: { -readonly [K in keyof WorkflowStateView]: WorkflowStateView[K] } = { type: typeof raw.Type === 'string' ? raw.Type : 'Unknown' };
    if (typeof raw.Next === 'string') s.next = raw.Next;
    if (raw.End === true) s.end = true;
    const i = raw.Type === 'Task' ? integration(raw.Resource) : undefined;
    if (i) s.integration = i;
    if (typeof raw.TimeoutSeconds === 'number') s.timeoutSeconds = raw.TimeoutSeconds;
    if (Array.isArray(raw.Choices)) s.choices = raw.Choices.filter(isObj).map((c) => ({ next: String(c.Next), condition: conditionText(c) }));
    if (typeof raw.Default === 'string') s.default = raw.Default;
    if (Array.isArray(raw.Catch)) s.catch = raw.Catch.filter(isObj).map((c) => ({ errors: strings(c.ErrorEquals), next: String(c.Next) }));
    if (Array.isArray(raw.Retry))
      s.retry = raw.Retry.filter(isObj).map((r) => ({
        errors: strings(r.ErrorEquals),
        maxAttempts: typeof r.MaxAttempts === 'number' ? r.MaxAttempts : 3,
      }));
    if (typeof raw.Error === 'string') s.error = raw.Error;
    if (Array.isArray(raw.Branches)) s.branches = raw.Branches.map(graphOf);
    const processor = raw.ItemProcessor ?? raw.Iterator;
    if (processor !== undefined) s.itemProcessor = graphOf(processor);
    states[name] = s;
  }
  return { startAt: definition.StartAt, states };
}

const TTL_MS = 5 * 60_000;
let cached: { at: number; body: { stateMachineName: string; definition: WorkflowGraphView } } | undefined;

async function claimsDefinition() {
  if (!cached || Date.now() - cached.at > TTL_MS) {
    try {
      const out = await sfnClient().send(new DescribeStateMachineCommand({ stateMachineArn: stateMachineArn() }));
      cached = { at: Date.now(), body: { stateMachineName: out.name ?? '', definition: graphOf(JSON.parse(out.definition ?? '')) } };
    } catch (err) {
      if (err instanceof StateMachineDoesNotExist) throw new HttpError(404, 'Not found', 'the claim state machine does not exist');
      throw err;
    }
  }
  return json(200, cached.body, { 'cache-control': 'private, max-age=300' });
}

export const handler = apiHandler('workflows', { 'GET /workflows/claims/definition': claimsDefinition });
