import { type InternalNode, type ReactFlowState, useStore, ViewportPortal } from '@xyflow/react';
import { useContext, useMemo } from 'react';
import { createEdgePathsBuilder, type EdgePathGroup, type EdgePaths, nodeRects } from './canvas-overview.ts';
import type { StepFlowEdge, StepFlowNode } from './editor.selectors.ts';
import { CatalogContext, useEditorStore } from './editor-context.ts';

type State = ReactFlowState;
type Lookup = ReadonlyMap<string, InternalNode<StepFlowNode>>;
/** The canvas's nodes are StepFlowNodes; React Flow's store hook is typed for any node. */
const stepNodes = (state: State) => state.nodeLookup as unknown as Lookup;

/**
 * Calls `onChange` when React Flow's node lookup changed since the last call: React Flow keeps one Map and replaces
 * a node's object when it moves or is measured, and its store also changes on every pan frame, when nothing here did.
 */
function createLookupWatcher(): (lookup: Lookup) => boolean {
  let last: InternalNode<StepFlowNode>[] = [];
  return (lookup) => {
    let same = lookup.size === last.length;
    if (same) {
      let index = 0;
      for (const node of lookup.values()) {
        if (node !== last[index++]) {
          same = false;
          break;
        }
      }
    }
    if (!same) last = [...lookup.values()];
    return !same;
  };
}

/** The edges of a big flow zoomed out, as three paths under the nodes (see canvas-overview.ts). */
export function OverviewEdges({ edges }: { edges: StepFlowEdge[] }) {
  const selectPaths = useMemo(() => {
    const build = createEdgePathsBuilder();
    const changed = createLookupWatcher();
    let paths: EdgePaths | undefined;
    return (state: State) => {
      const lookup = stepNodes(state);
      if (changed(lookup) || !paths) paths = build(edges, lookup);
      return paths;
    };
  }, [edges]);
  const paths = useStore(selectPaths);
  return (
    <ViewportPortal>
      <svg className="canvas-overview canvas-overview-edges" aria-hidden data-testid="overview-edges">
        <EdgeGroup paths={paths} />
        <EdgeGroup paths={paths.moving} />
      </svg>
    </ViewportPortal>
  );
}

function EdgeGroup({ paths }: { paths: EdgePathGroup }) {
  return (
    <>
      <path className="react-flow__edge-path" d={paths.plain} />
      <path className="react-flow__edge-path overview-edge-error" d={paths.error} />
      <path className="react-flow__edge-path overview-edge-selected" d={paths.selected} />
    </>
  );
}

const selectPaneDragging = (state: State) => state.paneDragging;

/**
 * While the pane is dragged, a big zoomed-out flow's nodes drawn as coloured boxes in one SVG (React Flow's own
 * nodes are hidden meanwhile by canvas-overview.css; they stay mounted and measured, and come back on release).
 */
export function OverviewNodesWhilePanning() {
  const dragging = useStore(selectPaneDragging);
  return dragging ? <OverviewNodes /> : null;
}

function OverviewNodes() {
  const catalog = useContext(CatalogContext);
  const editor = useEditorStore();
  // Drawn once when the drag starts: nothing moves but the viewport while the pane is dragged.
  const nodeLookup = useStore(stepNodes);
  const rects = useMemo(
    () =>
      nodeRects(
        nodeLookup,
        (type) => catalog.get(type)?.kind,
        (id) => editor.getState().run.nodes[id]?.status,
      ),
    [nodeLookup, catalog, editor],
  );
  return (
    <ViewportPortal>
      <svg className="canvas-overview canvas-overview-nodes" aria-hidden data-testid="overview-nodes">
        <path className="overview-loop" d={rects.loops} />
        {[...rects.boxes].map(([status, d]) => (
          <path key={status} className={`overview-box status-${status}`} d={d} />
        ))}
        {[...rects.icons].map(([kind, d]) => (
          <path key={kind} className={`overview-icon kind-${kind}`} d={d} />
        ))}
      </svg>
    </ViewportPortal>
  );
}
