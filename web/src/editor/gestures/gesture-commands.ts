import type { FlowCommand } from '@pipewright/flow';
import type { EditorStore } from '../../canvas/editor.store.ts';
import { type AlignKind, arrangeMoves, type DistributeAxis } from './align-distribute.ts';
import { layoutChanges } from './auto-layout.ts';
import { buildClipboardPayload, type ClipboardPayload, planPaste } from './clipboard-payload.ts';

/**
 * The editing gestures as store operations: each one is a single `dispatch`, so it is one undo step.  The React
 * side (keyboard, clipboard events, buttons) only decides when to call them.
 */

export function copySelection(store: EditorStore): ClipboardPayload | null {
  const { document, session } = store.getState();
  return buildClipboardPayload({ doc: document.doc, flowId: document.flowId, nodeIds: session.selectedNodeIds });
}

/** Adds the payload as one `addSubgraph` and selects what it added.  Returns how many nodes were pasted. */
export function pastePayload(store: EditorStore, payload: ClipboardPayload): number {
  const { document, session, actions } = store.getState();
  if (session.readOnly) return 0;
  const plan = planPaste({ doc: document.doc, flowId: document.flowId, payload });
  actions.dispatch({ kind: 'addSubgraph', nodes: plan.nodes, edges: plan.edges });
  actions.select({ nodeIds: plan.nodeIds, edgeIds: [] });
  return plan.nodes.length;
}

/** Copies the selection and removes it (one undo step for the removal). */
export function cutSelection(store: EditorStore): ClipboardPayload | null {
  if (store.getState().session.readOnly) return null;
  const payload = copySelection(store);
  if (payload) store.getState().actions.deleteSelection();
  return payload;
}

/** Copy and paste in place, without touching the clipboard; the copy is offset and selected. */
export function duplicateSelection(store: EditorStore): number {
  const payload = copySelection(store);
  return payload ? pastePayload(store, payload) : 0;
}

export function autoLayout(store: EditorStore): number {
  const { document, session, actions } = store.getState();
  if (session.readOnly) return 0;
  const { moves, resizes } = layoutChanges(document.doc, session.measured);
  const commands: FlowCommand[] = [
    ...(moves.length ? [{ kind: 'moveNodes' as const, moves }] : []),
    ...resizes.map(({ nodeId, size }) => ({ kind: 'updateNode' as const, nodeId, patch: { size } })),
  ];
  // One dispatch: moves and grown Loops are one undo step.
  if (commands.length === 1 && commands[0]) actions.dispatch(commands[0]);
  else if (commands.length > 1) actions.dispatch({ kind: 'batch', commands });
  return moves.length + resizes.length;
}

export function arrangeSelection(
  store: EditorStore,
  arrange: { align: AlignKind } | { distribute: DistributeAxis },
): number {
  const { document, session, actions } = store.getState();
  if (session.readOnly) return 0;
  const moves = arrangeMoves({ doc: document.doc, measured: session.measured, ids: session.selectedNodeIds, arrange });
  if (moves.length) actions.dispatch({ kind: 'moveNodes', moves });
  return moves.length;
}
