import { controlStepFor } from '@pipewright/control-steps';
import type { FlowNode } from '@pipewright/flow';
import { useMemo } from 'react';
import { selectDoc } from '../../canvas/editor.selectors.ts';
import { useEditor } from '../../canvas/editor-context.ts';
import { useNodeEditing } from './useNodeEditing.ts';

/**
 * "Runs inside loop": puts a node into a Loop's body (its `parentId`) or takes it out.  Body nodes connect only to
 * each other; each iteration starts them with the item as `input` (and `item` / `index` in expressions).
 * On the canvas a Loop is a group box and a drag in or out does the same (LoopGroupNode); this select stays as the
 * keyboard and screen-reader path, since a drag needs a pointer.  Joining places the node inside the box.
 */
export function LoopBodySelect({ node, disabled }: { node: FlowNode; disabled: boolean }) {
  const doc = useEditor(selectDoc);
  const loops = useMemo(
    () => doc.nodes.filter((other) => controlStepFor(other.type)?.kind === 'loop' && other.id !== node.id),
    [doc.nodes, node.id],
  );
  const editing = useNodeEditing(node.id);
  if (loops.length === 0 && node.parentId === undefined) return null;
  return (
    <section className="settings-section">
      <div className="form">
        <div className="form-row">
          <label htmlFor="node-parent">Runs inside loop</label>
          <select
            id="node-parent"
            className="input"
            data-testid="node-parent"
            value={node.parentId ?? ''}
            disabled={disabled}
            onChange={(event) => editing.setParent(event.target.value === '' ? undefined : event.target.value)}
          >
            <option value="">— not in a loop —</option>
            {loops.map((loop) => (
              <option key={loop.id} value={loop.id}>
                {loop.title ?? loop.id}
              </option>
            ))}
          </select>
          <p className="help">
            Steps inside a loop run once per item and connect only to each other. On the canvas, drag a step into or out
            of the loop's box.
          </p>
        </div>
      </div>
    </section>
  );
}
