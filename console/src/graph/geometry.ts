/** The sizes and shapes of a placed graph (placement.ts computes it; ExecutionGraph draws it). No dagre here. */
import type { Transition } from './outcomes';

/** A state's box (StateNode draws a button exactly this size). */
export const NODE_W = 190;
export const NODE_H = 58;
/** React Flow's default handle: 6 px plus a 1 px border, centred on the box's edge (@xyflow/react/dist/style.css). */
export const HANDLE = 8;

export interface PlacedHandle {
  type: 'source' | 'target';
  position: 'top' | 'bottom';
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedBox {
  /** Unique in the whole drawing: the state's name under its Parallel/Map ancestors' (`Outer/0/Inner`). */
  id: string;
  /** The state's name as history events and audit records give it. */
  name: string;
  kind: 'state' | 'group';
  type: string;
  /** Top-left, relative to the parent group when there is one. */
  position: { x: number; y: number };
  parentId?: string;
  width: number;
  height: number;
  handles: PlacedHandle[];
}

export interface PlacedTransition extends Transition {
  id: string;
  source: string;
  target: string;
}

export interface Placement {
  /** Parents before their children, as React Flow needs them. */
  boxes: PlacedBox[];
  transitions: PlacedTransition[];
  width: number;
  height: number;
}
