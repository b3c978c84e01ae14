/**
 * A claim's execution drawn on its state machine's graph (@xyflow/react, laid out by dagre): every state of the
 * definition, the path taken drawn bold, each state coloured (and labelled) by its outcome. Clicking a state shows
 * its history events and its audit records. Loaded lazily by the case file: its own chunk.
 */
import { useMemo, useState } from 'react';
import { Card, Descriptions, Empty, Segmented, Space, Table, Tag, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import { Handle, MarkerType, Position, ReactFlow, type Edge, type Node, type NodeProps } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import dagre from '@dagrejs/dagre';
import type { AuditAnswer, HistoryAnswer, HistoryEvent } from '../api';
import { formatTime } from '../format';
import { stateRuns, takenEdges, transitions, type Outcome, type StateRun, type WorkflowGraphView } from './outcomes';

const NODE_W = 190;
const NODE_H = 58;
const PAD = 24;

const COLOURS: Record<Outcome, { border: string; background: string; text: string }> = {
  succeeded: { border: '#237804', background: '#f6ffed', text: '#135200' },
  failed: { border: '#c4161c', background: '#fff1f0', text: '#820014' },
  caught: { border: '#ad4e00', background: '#fff7e6', text: '#873800' },
  running: { border: '#0b5cad', background: '#e6f4ff', text: '#003a8c' },
  notReached: { border: '#8c8c8c', background: '#fafafa', text: '#434343' },
};
const OUTCOMES: Outcome[] = ['succeeded', 'caught', 'failed', 'running', 'notReached'];

interface StateData extends Record<string, unknown> {
  name: string;
  type: string;
  outcome: Outcome;
  retries: number;
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
  const { t } = useTranslation();
  const c = COLOURS[data.outcome];
  const outcome = t(`graph.outcome.${data.outcome}`);
  return (
    <>
      <Handle type="target" position={Position.Top} isConnectable={false} style={hidden} />
      <button
        type="button"
        data-state={data.name}
        data-outcome={data.outcome}
        aria-pressed={data.selected}
        aria-label={`${data.name}: ${outcome}`}
        onClick={() => data.onSelect(data.name)}
        style={{
          width: NODE_W,
          height: NODE_H,
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
          {data.type} · {outcome}
          {data.retries > 0 ? ` · ${t('graph.retries', { n: data.retries })}` : ''}
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

interface Laid {
  nodes: Node[];
  edges: Edge[];
  width: number;
  height: number;
}

/**
 * Lays out one graph; a Parallel's branches or a Map's item processor are laid out first (recursively) and drawn
 * inside their state, as a group node the outer layout sizes to fit.
 */
function layout(g: WorkflowGraphView, prefix: string, runs: Record<string, StateRun>, taken: Set<string>, selected: string | null, onSelect: (n: string) => void, nestedLabel: (n: string) => string): Laid {
  const inner = new Map<string, Laid>();
  for (const [name, s] of Object.entries(g.states)) {
    const subs = [...(s.branches ?? []), ...(s.itemProcessor ? [s.itemProcessor] : [])];
    if (subs.length === 0) continue;
    const parts = subs.map((sub, i) => layout(sub, `${prefix}${name}/${i}/`, runs, taken, selected, onSelect, nestedLabel));
    // Branches side by side.
    let x = PAD;
    const nodes: Node[] = [];
    const edges: Edge[] = [];
    for (const p of parts) {
      for (const n of p.nodes) nodes.push(n.parentId ? n : { ...n, position: { x: n.position.x + x, y: n.position.y + PAD + 16 } });
      edges.push(...p.edges);
      x += p.width + PAD;
    }
    inner.set(name, { nodes, edges, width: Math.max(x, NODE_W + 2 * PAD), height: Math.max(...parts.map((p) => p.height)) + 2 * PAD + 16 });
  }

  const d = new dagre.graphlib.Graph();
  d.setGraph({ rankdir: 'TB', nodesep: 36, ranksep: 48, marginx: 8, marginy: 8 });
  d.setDefaultEdgeLabel(() => ({}));
  for (const name of Object.keys(g.states)) {
    const box = inner.get(name);
    d.setNode(name, { width: box?.width ?? NODE_W, height: box?.height ?? NODE_H });
  }
  const all = transitions(g).filter((tr) => g.states[tr.to]);
  for (const tr of all) d.setEdge(tr.from, tr.to);
  dagre.layout(d);

  const nodes: Node[] = [];
  for (const [name, s] of Object.entries(g.states)) {
    const p = d.node(name);
    const box = inner.get(name);
    const id = `${prefix}${name}`;
    const position = { x: p.x - p.width / 2, y: p.y - p.height / 2 };
    if (box) {
      nodes.push({ id, type: 'group', position, data: { label: nestedLabel(name) }, style: { width: box.width, height: box.height }, draggable: false, selectable: false } satisfies GroupNodeT);
      for (const n of box.nodes) nodes.push(n.parentId ? n : { ...n, parentId: id, extent: 'parent' });
    } else {
      const run = runs[name];
      nodes.push({
        id,
        type: 'state',
        position,
        draggable: false,
        selectable: false,
        data: { name, type: s.type, outcome: run?.outcome ?? 'notReached', retries: run?.retries ?? 0, selected: selected === name, onSelect },
      } satisfies StateNodeT);
    }
  }
  const edges: Edge[] = [...inner.values()].flatMap((b) => b.edges);
  const seen = new Set<string>();
  for (const tr of all) {
    const key = `${tr.from}→${tr.to}`;
    const id = `${prefix}${key}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const on = taken.has(key);
    const colour = on ? '#237804' : tr.kind === 'catch' ? '#d48806' : '#8c8c8c';
    edges.push({
      id,
      source: `${prefix}${tr.from}`,
      target: `${prefix}${tr.to}`,
      type: 'smoothstep',
      className: on ? 'fp-taken' : undefined,
      label: tr.kind === 'choice' ? tr.label : undefined,
      labelStyle: { fontSize: 11, fill: '#262626' },
      labelBgStyle: { fill: '#ffffff' },
      style: { stroke: colour, strokeWidth: on ? 3 : 1.2, strokeDasharray: tr.kind === 'catch' ? '5 4' : undefined },
      markerEnd: { type: MarkerType.ArrowClosed, color: colour },
      zIndex: on ? 1 : 0,
    });
  }
  const g0 = d.graph();
  return { nodes, edges, width: g0.width ?? 0, height: g0.height ?? 0 };
}

function flatStates(g: WorkflowGraphView): WorkflowGraphView['states'] {
  const out: WorkflowGraphView['states'] = { ...g.states };
  for (const s of Object.values(g.states)) for (const sub of [...(s.branches ?? []), ...(s.itemProcessor ? [s.itemProcessor] : [])]) Object.assign(out, flatStates(sub));
  return out;
}

export interface ExecutionGraphProps {
  definition: WorkflowGraphView;
  history: HistoryAnswer;
  audit: AuditAnswer | null;
}

export default function ExecutionGraph({ definition, history, audit }: ExecutionGraphProps) {
  const { t } = useTranslation();
  const executions = useMemo(
    () => [{ key: 0, label: t('graph.first'), status: history.status, events: history.events }, ...history.redrives.map((r) => ({ key: r.redrive, label: t('graph.redrive', { n: r.redrive }), status: r.status, events: r.events }))],
    [history, t],
  );
  const [which, setWhich] = useState(executions.at(-1)?.key ?? 0);
  const [selected, setSelected] = useState<string | null>(null);
  const execution = executions.find((e) => e.key === which) ?? executions[0]!;
  const flat = useMemo(() => ({ startAt: definition.startAt, states: flatStates(definition) }), [definition]);
  const { runs, path } = useMemo(() => stateRuns(flat, execution.events, execution.status), [flat, execution]);
  const laid = useMemo(
    () => layout(definition, '', runs, takenEdges(path), selected, setSelected, (name) => t('graph.nested', { name })),
    [definition, runs, path, selected, t],
  );
  const run = selected ? runs[selected] : undefined;
  const records = selected ? (audit?.records ?? []).filter((r) => r.step === selected) : [];
  const height = Math.min(1100, Math.max(360, laid.height + 40));

  return (
    <Space orientation="vertical" style={{ width: '100%' }} data-testid="execution-graph">
      <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
        {t('graph.intro')}
      </Typography.Paragraph>
      <Space wrap>
        {executions.length > 1 && (
          <Segmented<number> aria-label={t('graph.execution')} value={which} options={executions.map((e) => ({ value: e.key, label: e.label }))} onChange={(v) => setWhich(v)} />
        )}
        <span aria-label={t('graph.legend')} role="group">
          {OUTCOMES.map((o) => (
            <Tag key={o} style={{ borderColor: COLOURS[o].border, background: COLOURS[o].background, color: COLOURS[o].text, borderStyle: o === 'notReached' ? 'dashed' : 'solid' }}>
              {t(`graph.outcome.${o}`)}
            </Tag>
          ))}
        </span>
      </Space>
      <div role="figure" aria-label={t('graph.label')} data-drawn={laid.nodes.length > 0} style={{ height, border: '1px solid #f0f0f0', borderRadius: 8 }}>
        <ReactFlow
          nodes={laid.nodes}
          edges={laid.edges}
          nodeTypes={NODE_TYPES}
          fitView
          fitViewOptions={{ padding: 0.04 }}
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
      </div>
      {!selected || !run ? (
        <Typography.Text type="secondary">{t('graph.pick')}</Typography.Text>
      ) : (
        <Card size="small" data-testid="state-detail" title={<Typography.Title level={3} style={{ fontSize: 16, margin: 0 }}>{t('graph.state', { name: selected })}</Typography.Title>}>
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
            <Table<HistoryEvent>
              aria-label={t('graph.events')}
              size="small"
              rowKey="id"
              pagination={false}
              dataSource={run.events}
              columns={[
                { title: t('case.eventId'), dataIndex: 'id', width: 70 },
                { title: t('case.eventType'), dataIndex: 'type' },
                { title: t('case.timestamp'), dataIndex: 'timestamp', render: (v: string | number) => formatTime(v) },
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
                <Table
                  aria-label={t('graph.auditRecords')}
                  size="small"
                  rowKey="seq"
                  pagination={false}
                  dataSource={records}
                  columns={[
                    { title: t('case.seq'), dataIndex: 'seq', width: 70 },
                    { title: t('case.step'), dataIndex: 'step' },
                    { title: t('case.actor'), dataIndex: 'actor' },
                    { title: t('case.decision'), dataIndex: 'decision', render: (v: string | null) => v ?? '' },
                    { title: t('case.at'), dataIndex: 'at', render: (v: string) => formatTime(v) },
                    { title: t('case.hash'), dataIndex: 'hash', render: (v: string) => <code title={v}>{v.slice(0, 12)}…</code> },
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
