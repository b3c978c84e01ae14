/**
 * Where each state of a state machine's graph is drawn (dagre), with every box's size and handle positions
 * known up front. It depends on the definition alone, not on any execution: every claim of a state machine
 * shares it. Known sizes let React Flow draw the nodes in its first render, without a measure-then-draw pass.
 * Runs in a worker (placement-worker.ts, through placements.ts): dagre takes 50–150 ms of a fresh tab's main
 * thread even for the claim workflow's 15 states.
 */
import dagre from '@dagrejs/dagre';
import { transitions, type WorkflowGraphView } from './outcomes';
import { HANDLE, NODE_H, NODE_W, type PlacedBox, type PlacedHandle, type PlacedTransition, type Placement } from './geometry';

const PAD = 24;

function handles(width: number, height: number): PlacedHandle[] {
  return [
    { type: 'target', position: 'top', x: width / 2 - HANDLE / 2, y: -HANDLE / 2, width: HANDLE, height: HANDLE },
    { type: 'source', position: 'bottom', x: width / 2 - HANDLE / 2, y: height - HANDLE / 2, width: HANDLE, height: HANDLE },
  ];
}

/**
 * Lays out one graph; a Parallel's branches or a Map's item processor are laid out first (recursively) and drawn
 * inside their state, as a group the outer layout sizes to fit.
 */
function place(g: WorkflowGraphView, prefix: string): Placement {
  const inner = new Map<string, Placement>();
  for (const [name, s] of Object.entries(g.states)) {
    const subs = [...(s.branches ?? []), ...(s.itemProcessor ? [s.itemProcessor] : [])];
    if (subs.length === 0) continue;
    const parts = subs.map((sub, i) => place(sub, `${prefix}${name}/${i}/`));
    // Branches side by side.
    let x = PAD;
    const boxes: PlacedBox[] = [];
    const trs: PlacedTransition[] = [];
    for (const p of parts) {
      for (const b of p.boxes) boxes.push(b.parentId ? b : { ...b, position: { x: b.position.x + x, y: b.position.y + PAD + 16 } });
      trs.push(...p.transitions);
      x += p.width + PAD;
    }
    inner.set(name, {
      boxes,
      transitions: trs,
      width: Math.max(x, NODE_W + 2 * PAD),
      height: Math.max(...parts.map((p) => p.height)) + 2 * PAD + 16,
    });
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

  const boxes: PlacedBox[] = [];
  for (const [name, s] of Object.entries(g.states)) {
    const p = d.node(name);
    const box = inner.get(name);
    const id = `${prefix}${name}`;
    const position = { x: p.x - p.width / 2, y: p.y - p.height / 2 };
    const width = box?.width ?? NODE_W;
    const height = box?.height ?? NODE_H;
    boxes.push({ id, name, kind: box ? 'group' : 'state', type: s.type, position, width, height, handles: handles(width, height) });
    if (box) for (const b of box.boxes) boxes.push(b.parentId ? b : { ...b, parentId: id });
  }
  const placed: PlacedTransition[] = [...inner.values()].flatMap((b) => b.transitions);
  const seen = new Set<string>();
  for (const tr of all) {
    const id = `${prefix}${tr.from}→${tr.to}`;
    if (seen.has(id)) continue;
    seen.add(id);
    placed.push({ ...tr, id, source: `${prefix}${tr.from}`, target: `${prefix}${tr.to}` });
  }
  const g0 = d.graph();
  return { boxes, transitions: placed, width: g0.width ?? 0, height: g0.height ?? 0 };
}

export function placementOf(definition: WorkflowGraphView): Placement {
  return place(definition, '');
}
