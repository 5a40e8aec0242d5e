import {
  Background,
  type Connection,
  Controls,
  type EdgeChange,
  MiniMap,
  type NodeChange,
  type NodeTypes,
  ReactFlow,
  type Viewport,
} from '@xyflow/react';
import { type DragEvent, useCallback, useContext, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { OverviewEdges, OverviewNodesWhilePanning } from './CanvasOverview.tsx';
import { applyEdgeChanges, applyNodeChanges, connectNodes } from './canvas-changes.ts';
import { labelEdges, openingViewport, useIsZoomedOut } from './canvas-detail.ts';
import {
  createFlowEdgesSelector,
  createFlowNodesSelector,
  type StepFlowEdge,
  type StepFlowNode,
} from './editor.selectors.ts';
import { CatalogContext, useEditor, useEditorStore } from './editor-context.ts';
import { LoopGroupNode } from './LoopGroupNode.tsx';
import { canConnect } from './node-factory.ts';
import { StepNode } from './StepNode.tsx';
import { STEP_DRAG_TYPE, useAddStep } from './useAddStep.ts';
import './canvas-overview.css';

const nodeTypes: NodeTypes = { step: StepNode, loop: LoopGroupNode };
const LARGE_FLOW = 300;
const noEdges: StepFlowEdge[] = [];
const MIN_ZOOM = 0.1;
const fitViewOptions = { maxZoom: 1.2, padding: 0.3 };

/** The controlled React Flow canvas: nodes and edges come from the document, changes go back as commands. */
export function Canvas() {
  const store = useEditorStore();
  const catalog = useContext(CatalogContext);
  const readOnly = useEditor((state) => state.session.readOnly);
  const selectNodes = useMemo(createFlowNodesSelector, []);
  const selectEdges = useMemo(createFlowEdgesSelector, []);
  const nodes = useEditor(selectNodes);
  const plainEdges = useEditor(selectEdges);
  // A big flow zoomed out draws less (canvas-detail.ts); smaller flows always draw everything.
  const isZoomedOut = useIsZoomedOut() && nodes.length > LARGE_FLOW;
  const edges = useMemo(() => labelEdges(plainEdges, !isZoomedOut), [plainEdges, isZoomedOut]);
  // Fit the view to a flow that opens with nodes; an empty canvas keeps its viewport, or React Flow would fit (and
  // move) the view when the first node is dropped, and that node would land away from where it was dropped.
  const [fitOnOpen] = useState(() => nodes.length > 0);
  // A big flow opens where the fit will put it (canvas-detail.ts): the pane is measured before React Flow mounts.
  const paneRef = useRef<HTMLDivElement>(null);
  const [opening, setOpening] = useState<{ viewport?: Viewport } | null>(() =>
    fitOnOpen && nodes.length > LARGE_FLOW ? null : {},
  );
  useLayoutEffect(() => {
    if (opening || !paneRef.current) return;
    const pane = { width: paneRef.current.clientWidth, height: paneRef.current.clientHeight };
    const viewport = openingViewport(nodes, pane, { ...fitViewOptions, minZoom: MIN_ZOOM });
    setOpening(viewport ? { viewport } : {});
  }, [opening, nodes]);
  const addStep = useAddStep();
  const isTrigger = useCallback((type: string) => catalog.get(type)?.kind === 'trigger', [catalog]);

  const onNodesChange = useCallback((changes: NodeChange<StepFlowNode>[]) => applyNodeChanges(store, changes), [store]);
  const onEdgesChange = useCallback((changes: EdgeChange[]) => applyEdgeChanges(store, changes), [store]);
  const onConnect = useCallback(
    (connection: Connection) => connectNodes(store, connection, isTrigger),
    [store, isTrigger],
  );
  const isValidConnection = useCallback(
    (connection: { source: string; target: string }) =>
      canConnect(store.getState().document.doc, connection.source, connection.target, isTrigger),
    [store, isTrigger],
  );
  const onMoveEnd = useCallback(
    (_event: unknown, viewport: Viewport) => store.getState().actions.setViewport(viewport),
    [store],
  );

  const onDragOver = useCallback((event: DragEvent) => {
    if (!event.dataTransfer.types.includes(STEP_DRAG_TYPE)) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
  }, []);
  const onDrop = useCallback(
    (event: DragEvent) => {
      const type = event.dataTransfer.getData(STEP_DRAG_TYPE);
      if (!type) return;
      event.preventDefault();
      addStep(type, { screenPoint: { x: event.clientX, y: event.clientY } });
    },
    [addStep],
  );
  const onPaneClick = useCallback(() => store.getState().actions.select({ nodeIds: [], edgeIds: [] }), [store]);

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: drop target for palette drags; click-to-add is the keyboard path
    <div
      className={isZoomedOut ? 'canvas zoomed-out' : 'canvas'}
      data-testid="canvas"
      ref={paneRef}
      onDragOver={onDragOver}
      onDrop={onDrop}
    >
      {opening && (
        <ReactFlow<StepFlowNode>
          nodes={nodes}
          // Zoomed out, a big flow's edges are drawn by OverviewEdges (a few paths), not one React Flow edge each.
          edges={isZoomedOut ? noEdges : edges}
          nodeTypes={nodeTypes}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onConnect={onConnect}
          isValidConnection={isValidConnection}
          onMoveEnd={onMoveEnd}
          onPaneClick={onPaneClick}
          nodesDraggable={!readOnly}
          nodesConnectable={!readOnly}
          deleteKeyCode={null}
          // Zoomed out, most of a big flow is on screen anyway, and virtualizing would mount and unmount the nodes at
          // the pane's edges on every pan frame; zoomed in, only what is visible is rendered.
          onlyRenderVisibleElements={nodes.length > LARGE_FLOW && !isZoomedOut}
          fitView={fitOnOpen}
          {...(opening?.viewport ? { defaultViewport: opening.viewport } : {})}
          fitViewOptions={fitViewOptions}
          minZoom={MIN_ZOOM}
        >
          {!isZoomedOut && <Background gap={20} size={1} />}
          {isZoomedOut && <OverviewEdges edges={plainEdges} />}
          {isZoomedOut && <OverviewNodesWhilePanning />}
          <Controls showInteractive={false} />
          {nodes.length <= LARGE_FLOW && <MiniMap pannable zoomable className="minimap" />}
        </ReactFlow>
      )}
    </div>
  );
}
