import type { Position } from '@pipewright/flow';
import { useReactFlow } from '@xyflow/react';
import { useCallback, useContext } from 'react';
import { indexNodes } from './editor.selectors.ts';
import { CatalogContext, useEditorStore } from './editor-context.ts';
import { placeInLoop } from './loop-membership.ts';
import { canConnect, createEdge, createNode } from './node-factory.ts';

export const STEP_DRAG_TYPE = 'application/pipewright-step';

/**
 * Adds a step as one undo step.  Dropped steps land where they were dropped; clicked steps land right of the
 * selected node and are connected from it (the quickest way to build a chain), or in the middle of the view.
 */
export function useAddStep() {
  const store = useEditorStore();
  const catalog = useContext(CatalogContext);
  const { screenToFlowPosition, flowToScreenPosition, setCenter, getZoom } = useReactFlow();

  return useCallback(
    (type: string, options: { screenPoint?: { x: number; y: number }; canvas?: HTMLElement | null } = {}) => {
      const { document, session, actions } = store.getState();
      if (session.readOnly) return;
      const manifest = catalog.get(type);
      const [selectedId, ...others] = session.selectedNodeIds;
      const from =
        !options.screenPoint && selectedId && others.length === 0
          ? indexNodes(document.doc.nodes).get(selectedId)
          : undefined;
      let position: Position;
      if (options.screenPoint) position = screenToFlowPosition(options.screenPoint);
      else if (from) position = { x: from.position.x + 300, y: from.position.y };
      else {
        const rect = options.canvas?.getBoundingClientRect();
        const centre = rect ? { x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 } : { x: 400, y: 300 };
        const offset = (document.doc.nodes.length % 6) * 24;
        const point = screenToFlowPosition(centre);
        position = { x: point.x - 100 + offset, y: point.y - 30 + offset };
      }
      const created = createNode({ doc: document.doc, type, position, ...(manifest ? { manifest } : {}) });
      // Dropped into a Loop's box: it joins the body.  Added after a body node: it continues that body.
      const node = options.screenPoint
        ? placeInLoop(document.doc.nodes, created)
        : from?.parentId !== undefined
          ? { ...created, parentId: from.parentId }
          : created;
      const isTrigger = (candidate: string) => catalog.get(candidate)?.kind === 'trigger';
      const withNode = { ...document.doc, nodes: [...document.doc.nodes, node] };
      if (from && canConnect(withNode, from.id, node.id, isTrigger)) {
        const edge = createEdge(withNode, from.id, node.id);
        actions.dispatch({
          kind: 'batch',
          commands: [
            { kind: 'addNodes', nodes: [node] },
            { kind: 'addEdges', edges: [edge] },
          ],
        });
      } else {
        actions.dispatch({ kind: 'addNodes', nodes: [node] });
      }
      actions.select({ nodeIds: [node.id], edgeIds: [] });
      const rect = options.canvas?.getBoundingClientRect();
      const onScreen = flowToScreenPosition(node.position);
      if (
        rect &&
        (onScreen.x < rect.left ||
          onScreen.y < rect.top ||
          onScreen.x + 220 > rect.right ||
          onScreen.y + 60 > rect.bottom)
      ) {
        void setCenter(node.position.x + 110, node.position.y + 30, { zoom: getZoom(), duration: 200 });
      }
    },
    [store, catalog, screenToFlowPosition, flowToScreenPosition, setCenter, getZoom],
  );
}
