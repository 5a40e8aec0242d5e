import { Handle, type NodeProps, NodeResizer, Position } from '@xyflow/react';
import { memo, useMemo } from 'react';
import {
  compileErrorsForNode,
  type StepFlowNode,
  selectNodeById,
  selectNodeStatus,
  selectNodeTitle,
} from './editor.selectors.ts';
import { useCatalogEntry, useEditor } from './editor-context.ts';
import { childrenOf } from './loop-membership.ts';
import { outputHandles } from './node-ports.ts';

/** Below this a group cannot show its header and one body node. */
const MIN_WIDTH = 240;
const MIN_HEIGHT = 140;

/**
 * A Loop drawn as a container: the steps inside its box are its body (they run once per item).  Dragging a step into
 * the box or out of it changes its membership (loop-membership.ts); the box resizes when selected, and its size is
 * saved with the flow.  Memoized and subscribed only to its own node, status, errors and body count.
 */
function LoopGroupNodeView({ id, data, selected }: NodeProps<StepFlowNode>) {
  const manifest = useCatalogEntry(data.stepType);
  const title = useEditor(useMemo(() => selectNodeTitle(id), [id]));
  const node = useEditor(useMemo(() => selectNodeById(id), [id]));
  const bodyCount = useEditor((state) => childrenOf(state.document.doc.nodes).get(id)?.length ?? 0);
  const readOnly = useEditor((state) => state.session.readOnly);
  const handles = useMemo(() => outputHandles(manifest, node), [manifest, node]);
  const status = useEditor(useMemo(() => selectNodeStatus(id), [id]));
  const allErrors = useEditor((state) => state.session.compileErrors);
  const errors = useMemo(() => compileErrorsForNode(allErrors, id), [allErrors, id]);
  const classes = ['loop-group', `status-${status ?? 'idle'}`];
  if (selected) classes.push('selected');
  if (errors.length) classes.push('has-errors');

  return (
    <div
      className={classes.join(' ')}
      data-testid={`node-${id}`}
      data-status={status ?? 'idle'}
      data-body-count={bodyCount}
    >
      <NodeResizer
        isVisible={selected === true && !readOnly}
        minWidth={MIN_WIDTH}
        minHeight={MIN_HEIGHT}
        lineClassName="loop-group-resize-line"
        handleClassName="loop-group-resize-handle"
      />
      <Handle type="target" position={Position.Left} id="in" style={{ top: 24 }} />
      <div className="loop-group-header">
        <span className="loop-group-icon" aria-hidden>
          ↻
        </span>
        <div className="step-node-text">
          <div className="step-node-title">{title || manifest?.title || data.stepType}</div>
          <div className="step-node-id">{id}</div>
        </div>
        {status && <span className={`status-dot status-${status}`} title={status} />}
      </div>
      {bodyCount === 0 && (
        <p className="loop-group-hint muted small" data-testid={`loop-empty-${id}`}>
          Drag steps here: they run once per item.
        </p>
      )}
      {errors.length > 0 && (
        <ul className="step-node-errors loop-group-errors" data-testid={`node-errors-${id}`}>
          {errors.map((error) => (
            <li key={`${error.code}:${error.field ?? ''}:${error.message}`}>
              {error.field ? <strong>{error.field}: </strong> : null}
              {error.message}
            </li>
          ))}
        </ul>
      )}
      {handles.map((port, index) => (
        <Handle
          key={port.id}
          type="source"
          position={Position.Right}
          id={port.id}
          style={{ top: 24 + index * 20, ...(port.id === 'error' ? { borderColor: 'var(--danger)' } : {}) }}
          data-testid={`handle-${id}-${port.id}`}
        />
      ))}
    </div>
  );
}

export const LoopGroupNode = memo(LoopGroupNodeView);
