import { asNodeId, type NodeSettings } from '@pipewright/flow';
import { useMemo } from 'react';
import { indexNodes } from '../../canvas/editor.selectors.ts';
import { useEditorStore } from '../../canvas/editor-context.ts';
import { reparentCommand } from '../../canvas/loop-membership.ts';

/**
 * Inspector edits for one node.  Each reads the node's latest state at call time (no stale closures) and
 * coalesces by field, so typing a URL is one undo step; `seal` (on blur) closes the step.
 */
export function useNodeEditing(nodeId: string) {
  const store = useEditorStore();
  return useMemo(() => {
    const current = () => indexNodes(store.getState().document.doc.nodes).get(nodeId);
    const { actions } = store.getState();
    const id = asNodeId(nodeId);
    return {
      setConfigField(name: string, value: unknown) {
        const node = current();
        if (!node) return;
        const config = { ...node.config };
        if (value === undefined) delete config[name];
        else config[name] = value;
        actions.dispatch(
          { kind: 'updateNode', nodeId: id, patch: { config } },
          { coalesceKey: `config:${nodeId}:${name}` },
        );
        actions.dismissCompileErrors({ nodeId, field: name });
      },
      setTitle(title: string) {
        actions.dispatch(
          { kind: 'updateNode', nodeId: id, patch: { title: title === '' ? undefined : title } },
          { coalesceKey: `title:${nodeId}` },
        );
      },
      setSettings(settings: NodeSettings | undefined, field: string) {
        actions.dispatch(
          { kind: 'updateNode', nodeId: id, patch: { settings } },
          { coalesceKey: `settings:${nodeId}:${field}` },
        );
      },
      setParent(parentId: string | undefined) {
        const command = reparentCommand(store.getState().document.doc, {
          nodeId: id,
          parentId: parentId === undefined ? undefined : asNodeId(parentId),
        });
        if (command) actions.dispatch(command);
      },
      seal() {
        actions.sealHistory();
      },
    };
  }, [store, nodeId]);
}
