/**
 * A claim's execution drawn on its state machine's graph (@xyflow/react, laid out by dagre): every state of the
 * definition, the path taken drawn bold, each state coloured (and labelled) by its outcome. Clicking a state shows
 * its history events and its audit records. Loaded lazily by the case file: its own chunk.
 */
import { useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Card, Descriptions, Empty, Segmented, Space, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Handle, MarkerType, Position, ReactFlow, type Edge, type Node, type NodeProps } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import type { AuditAnswer, HistoryAnswer, HistoryEvent } from '../api';
import { formatTime } from '../format';
import { ReadTable } from '../components/ReadTable';
import { stateRuns, takenEdges, type Outcome, type StateRun, type WorkflowGraphView } from './outcomes';
import { NODE_H, NODE_W, type Placement } from './geometry';

const COLOURS: Record<Outcome, { border: string; background: string; text: string }> = {
  succeeded: { border: '#237804', background: '#f6ffed', text: '#135200' },
  failed: { border: '#c4161c', background: '#fff1f0', text: '#820014' },
  caught: { border: '#ad4e00', background: '#fff7e6', text: '#873800' },
  running: { border: '#0b5cad', background: '#e6f4ff', text: '#003a8c' },
  notReached: { border: '#8c8c8c', background: '#fafafa', text: '#434343' },
};
const OUTCOMES: Outcome[] = ['succeeded', 'caught', 'failed', 'running', 'notReached'];
const FIT_PADDING = 0.04;

interface StateData extends Record<string, unknown> {
  name: string;
  type: string;
  outcome: Outcome;
  /** Translated here once, not by each node (a translation hook per node re-renders them all on every change). */
  outcomeLabel: string;
  retriesLabel: string | null;
  selected: boolean;
  onSelect: (name: string) => void;
}
interface GroupData extends Record<string, unknown> {
  label: string;
}
type StateNodeT = Node<StateData, 'state'>;
type GroupNodeT = Node<GroupData, 'group'>;

const hidden = { opacity: 0, pointerEvents: 'none' as const };

function StateNode({ data }: NodeProps<StateNodeT>) {
  const c = COLOURS[data.outcome];
  return (
    <>
      <Handle type="target" position={Position.Top} isConnectable={false} style={hidden} />
      <button
        type="button"
        data-state={data.name}
        data-outcome={data.outcome}
        aria-pressed={data.selected}
        aria-label={`${data.name}: ${data.outcomeLabel}`}
        onClick={() => data.onSelect(data.name)}
        style={{
          width: NODE_W,
          height: NODE_H,
          boxSizing: 'border-box',
          borderRadius: data.type === 'Choice' ? 24 : 6,
          border: `${data.outcome === 'notReached' ? '1px dashed' : '2px solid'} ${c.border}`,
          outline: data.selected ? `3px solid ${c.border}` : undefined,
          outlineOffset: 2,
          background: c.background,
          color: c.text,
          cursor: 'pointer',
          pointerEvents: 'auto', // React Flow gives nodes that are neither draggable nor selectable pointer-events: none
          font: 'inherit',
          padding: '4px 8px',
          display: 'flex',
          flexDirection: 'column',
          alignItems: 'center',
          justifyContent: 'center',
          lineHeight: 1.3,
        }}
      >
        <strong style={{ fontSize: 13 }}>{data.name}</strong>
        <span style={{ fontSize: 12 }}>
          {data.type} · {data.outcomeLabel}
          {data.retriesLabel ? ` · ${data.retriesLabel}` : ''}
        </span>
      </button>
      <Handle type="source" position={Position.Bottom} isConnectable={false} style={hidden} />
    </>
  );
}

function GroupNode({ data }: NodeProps<GroupNodeT>) {
  return (
    <div style={{ width: '100%', height: '100%', border: '1px solid #d9d9d9', borderRadius: 8, background: 'rgba(240,240,240,0.5)' }}>
      <span style={{ fontSize: 12, color: '#434343', padding: 6, display: 'inline-block' }}>{data.label}</span>
      <Handle type="target" position={Position.Top} isConnectable={false} style={hidden} />
      <Handle type="source" position={Position.Bottom} isConnectable={false} style={hidden} />
    </div>
  );
}

const NODE_TYPES = { state: StateNode, group: GroupNode };
const POSITION = { top: Position.Top, bottom: Position.Bottom } as const;

/**
 * The placed graph (placement.ts) dressed for one execution: each state's outcome and colour, the path taken
 * drawn bold, the selected state outlined. Every node carries its size and handles, so React Flow can draw it
 * in the first render.
 */
function drawing(
  placed: Placement,
  runs: Record<string, StateRun>,
  taken: Set<string>,
  selected: string | null,
  onSelect: (n: string) => void,
  labels: { outcome: (o: Outcome) => string; retries: (n: number) => string; nested: (name: string) => string },
): { nodes: Node[]; edges: Edge[] } {
  const nodes: Node[] = placed.boxes.map((b) => {
    const common = {
      id: b.id,
      position: b.position,
      width: b.width,
      height: b.height,
      handles: b.handles.map((h) => ({ ...h, position: POSITION[h.position] })),
      draggable: false,
      selectable: false,
      ...(b.parentId ? { parentId: b.parentId, extent: 'parent' as const } : {}),
    };
    if (b.kind === 'group')
      return { ...common, type: 'group', data: { label: labels.nested(b.name) }, style: { width: b.width, height: b.height } } satisfies GroupNodeT;
    const run = runs[b.name];
    const outcome = run?.outcome ?? 'notReached';
    const retries = run?.retries ?? 0;
    return {
      ...common,
      type: 'state',
      data: {
        name: b.name,
        type: b.type,
        outcome,
        outcomeLabel: labels.outcome(outcome),
        retriesLabel: retries > 0 ? labels.retries(retries) : null,
        selected: selected === b.name,
        onSelect,
      },
    } satisfies StateNodeT;
  });
  const edges: Edge[] = placed.transitions.map((tr) => {
    const on = taken.has(`${tr.from}→${tr.to}`);
    const colour = on ? '#237804' : tr.kind === 'catch' ? '#d48806' : '#8c8c8c';
    return {
      id: tr.id,
      source: tr.source,
      target: tr.target,
      type: 'smoothstep',
      className: on ? 'fp-taken' : undefined,
      label: tr.kind === 'choice' ? tr.label : undefined,
      labelStyle: { fontSize: 11, fill: '#262626' },
      labelBgStyle: { fill: '#ffffff' },
      style: { stroke: colour, strokeWidth: on ? 3 : 1.2, strokeDasharray: tr.kind === 'catch' ? '5 4' : undefined },
      markerEnd: { type: MarkerType.ArrowClosed, color: colour },
      zIndex: on ? 1 : 0,
    };
  });
  return { nodes, edges };
}

function flatStates(g: WorkflowGraphView): WorkflowGraphView['states'] {
  const out: WorkflowGraphView['states'] = { ...g.states };
  for (const s of Object.values(g.states))
    for (const sub of [...(s.branches ?? []), ...(s.itemProcessor ? [s.itemProcessor] : [])]) Object.assign(out, flatStates(sub));
  return out;
}

export interface ExecutionGraphProps {
  definition: WorkflowGraphView;
  /** Where each state is drawn (graph/placements.ts: the same for every claim of this definition). */
  placement: Placement;
  history: HistoryAnswer;
  audit: AuditAnswer | null;
}

export default function ExecutionGraph({ definition, placement: placed, history, audit }: ExecutionGraphProps) {
  const { t } = useTranslation();
  const executions = useMemo(
    () => [
      { key: 0, label: t('graph.first'), status: history.status, events: history.events },
      ...history.redrives.map((r) => ({ key: r.redrive, label: t('graph.redrive', { n: r.redrive }), status: r.status, events: r.events })),
    ],
    [history, t],
  );
  const [which, setWhich] = useState(executions.at(-1)?.key ?? 0);
  const [selected, setSelected] = useState<string | null>(null);
  const execution = executions.find((e) => e.key === which) ?? executions[0]!;
  const flat = useMemo(() => ({ startAt: definition.startAt, states: flatStates(definition) }), [definition]);
  const { runs, path } = useMemo(() => stateRuns(flat, execution.events, execution.status), [flat, execution]);
  const drawn = useMemo(
    () =>
      drawing(placed, runs, takenEdges(path), selected, setSelected, {
        outcome: (o) => t(`graph.outcome.${o}`),
        retries: (n) => t('graph.retries', { n }),
        nested: (name) => t('graph.nested', { name }),
      }),
    [placed, runs, path, selected, t],
  );
  const run = selected ? runs[selected] : undefined;
  const records = selected ? (audit?.records ?? []).filter((r) => r.step === selected) : [];
  const height = Math.min(1100, Math.max(360, placed.height + 40));
  // The figure's width, read once before the first paint: React Flow then fits the graph to it in its first
  // render (its own fitView waits for the nodes to be measured, a frame or two later).
  const figure = useRef<HTMLElement>(null);
  const [width, setWidth] = useState<number | null>(null);
  useLayoutEffect(() => setWidth(figure.current?.clientWidth ?? null), []);

  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="execution-graph">
      <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
        {t('graph.intro')}
      </Typography.Paragraph>
      <Space wrap>
        {executions.length > 1 && (
          <Segmented<number>
            aria-label={t('graph.execution')}
            value={which}
            options={executions.map((e) => ({ value: e.key, label: e.label }))}
            onChange={(v) => setWhich(v)}
          />
        )}
        {/* biome-ignore lint/a11y/useSemanticElements: a legend of tags, not a set of form controls (which <fieldset> is for) */}
        <span aria-label={t('graph.legend')} role="group">
          {OUTCOMES.map((o) => (
            <Tag
              key={o}
              style={{
                borderColor: COLOURS[o].border,
                background: COLOURS[o].background,
                color: COLOURS[o].text,
                borderStyle: o === 'notReached' ? 'dashed' : 'solid',
              }}
            >
              {t(`graph.outcome.${o}`)}
            </Tag>
          ))}
        </span>
      </Space>
      <figure
        ref={figure}
        aria-label={t('graph.label')}
        data-drawn={width !== null && drawn.nodes.length > 0}
        style={{ height, margin: 0, border: '1px solid #f0f0f0', borderRadius: 8 }}
      >
        {width !== null && (
          <ReactFlow
            nodes={drawn.nodes}
            edges={drawn.edges}
            nodeTypes={NODE_TYPES}
            width={width}
            height={height - 2}
            fitView
            fitViewOptions={{ padding: FIT_PADDING }}
            minZoom={0.2}
            nodesDraggable={false}
            nodesConnectable={false}
            nodesFocusable={false}
            edgesFocusable={false}
            elementsSelectable={false}
            zoomOnScroll={false}
            preventScrolling={false}
            proOptions={{ hideAttribution: true }}
          />
        )}
      </figure>
      {!selected || !run ? (
        <Typography.Text type="secondary">{t('graph.pick')}</Typography.Text>
      ) : (
        <Card
          size="small"
          data-testid="state-detail"
          title={
            <Typography.Title level={3} style={{ fontSize: 16, margin: 0 }}>
              {t('graph.state', { name: selected })}
            </Typography.Title>
          }
        >
          <Descriptions
            size="small"
            items={[
              { key: 'type', label: t('graph.stateType'), children: flat.states[selected]?.type ?? '' },
              { key: 'outcome', label: t('graph.outcome'), children: <span data-testid="state-outcome">{t(`graph.outcome.${run.outcome}`)}</span> },
              ...(run.retries > 0 ? [{ key: 'retries', label: t('graph.retries', { n: run.retries }), children: run.retries }] : []),
            ]}
          />
          <Typography.Title level={4} style={{ fontSize: 14 }}>
            {t('graph.events')}
          </Typography.Title>
          {run.events.length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('graph.noEvents')} />
          ) : (
            <ReadTable<HistoryEvent>
              label={t('graph.events')}
              rowKey={(e) => e.id}
              rows={run.events}
              columns={[
                { key: 'id', title: t('case.eventId'), width: 70, render: (e) => e.id },
                { key: 'type', title: t('case.eventType'), render: (e) => e.type },
                { key: 'at', title: t('case.timestamp'), render: (e) => formatTime(e.timestamp) },
              ]}
            />
          )}
          {audit && (
            <>
              <Typography.Title level={4} style={{ fontSize: 14, marginTop: 16 }}>
                {t('graph.auditRecords')}
              </Typography.Title>
              {records.length === 0 ? (
                <Typography.Text type="secondary">{t('graph.noAudit')}</Typography.Text>
              ) : (
                <ReadTable
                  label={t('graph.auditRecords')}
                  rowKey={(r) => r.seq}
                  rows={records}
                  columns={[
                    { key: 'seq', title: t('case.seq'), width: 70, render: (r) => r.seq },
                    { key: 'step', title: t('case.step'), render: (r) => r.step },
                    { key: 'actor', title: t('case.actor'), render: (r) => r.actor },
                    { key: 'decision', title: t('case.decision'), render: (r) => r.decision ?? '' },
                    { key: 'at', title: t('case.at'), render: (r) => formatTime(r.at) },
                    { key: 'hash', title: t('case.hash'), render: (r) => <code title={r.hash}>{r.hash.slice(0, 12)}…</code> },
                  ]}
                />
              )}
            </>
          )}
        </Card>
      )}
    </Space>
  );
}
