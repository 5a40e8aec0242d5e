import { Handle, type NodeProps, Position } from '@xyflow/react';
import { memo, useMemo } from 'react';
import { compileErrorsForNode, type StepFlowNode, selectIsPinned, selectNodeById } from './editor.selectors.ts';
import { useCatalogEntry, useEditor, useNodeManifest } from './editor-context.ts';
import { outputHandles } from './node-ports.ts';
import { selectShownNodeStatus } from './run-iterations.ts';
import { stepIcon } from './step-icons.ts';

const handleLabelStyle = {
  position: 'absolute',
  right: 12,
  transform: 'translateY(-50%)',
  fontSize: 10,
  lineHeight: 1,
  color: 'var(--text-muted)',
  pointerEvents: 'none',
  whiteSpace: 'nowrap',
} as const;

/** One canvas node.  Memoized, and subscribed only to its own document node, run status and compile errors. */
function StepNodeView({ id, data, selected }: NodeProps<StepFlowNode>) {
  const manifest = useCatalogEntry(data.stepType);
  // The document node changes only when this node is edited, so this does not re-render on other nodes' edits; its
  // title comes with it (one subscription fewer per node: every store update runs each node's selectors).
  const node = useEditor(useMemo(() => selectNodeById(id), [id]));
  const title = node?.title;
  const portsManifest = useNodeManifest(data.stepType, node?.typeVersion);
  const handles = useMemo(() => outputHandles(portsManifest, node), [portsManifest, node]);
  // A Loop body node shows its status in the iteration picked in the run view.
  const loopId = node?.parentId;
  const status = useEditor(useMemo(() => selectShownNodeStatus(id, loopId), [id, loopId]));
  const allErrors = useEditor((state) => state.session.compileErrors);
  const errors = useMemo(() => compileErrorsForNode(allErrors, id), [allErrors, id]);
  const isPinned = useEditor(useMemo(() => selectIsPinned(id), [id]));
  const isTrigger = manifest?.kind === 'trigger';
  const classes = ['step-node', `status-${status ?? 'idle'}`, `kind-${manifest?.kind ?? 'unknown'}`];
  if (selected) classes.push('selected');
  if (errors.length) classes.push('has-errors');

  return (
    <div className={classes.join(' ')} data-testid={`node-${id}`} data-status={status ?? 'idle'}>
      {!isTrigger && <Handle type="target" position={Position.Left} id="in" />}
      <div className="step-node-icon" aria-hidden>
        {stepIcon(data.stepType, manifest)}
      </div>
      <div className="step-node-text">
        <div className="step-node-title">{title || manifest?.title || data.stepType}</div>
        <div className="step-node-id">{id}</div>
      </div>
      {status && <span className={`status-dot status-${status}`} title={status} />}
      {node?.parentId !== undefined && (
        <span className="step-node-badge" data-testid={`node-in-loop-${id}`} title="Runs once per item of this loop">
          ↻ {node.parentId}
        </span>
      )}
      {isPinned && (
        <span
          className="step-node-badge"
          data-testid={`node-pinned-${id}`}
          title="Pinned sample output: previews, autocomplete and step tests after this node use it"
        >
          📌 pinned
        </span>
      )}
      {status === 'waiting' && (
        <span className="muted small" data-testid={`node-waiting-${id}`}>
          waiting
        </span>
      )}
      {status === 'skipped' && (
        <span className="muted small" data-testid={`node-skipped-${id}`}>
          skipped
        </span>
      )}
      {!manifest && <div className="step-node-warning">Unknown step type {data.stepType}</div>}
      {errors.length > 0 && (
        <ul className="step-node-errors" data-testid={`node-errors-${id}`}>
          {errors.map((error) => (
            <li key={`${error.code}:${error.field ?? ''}:${error.message}`}>
              {error.field ? <strong>{error.field}: </strong> : null}
              {error.message}
            </li>
          ))}
        </ul>
      )}
      {handles.map((port, index) => {
        const top = `${((index + 1) * 100) / (handles.length + 1)}%`;
        return (
          <div key={port.id}>
            <Handle
              type="source"
              position={Position.Right}
              id={port.id}
              style={{ top, ...(port.id === 'error' ? { borderColor: 'var(--danger)' } : {}) }}
              data-testid={`handle-${id}-${port.id}`}
            />
            {handles.length > 1 && (
              <span className="step-node-port-label" style={{ ...handleLabelStyle, top }}>
                {port.label || port.id}
              </span>
            )}
          </div>
        );
      })}
    </div>
  );
}

export const StepNode = memo(StepNodeView);
