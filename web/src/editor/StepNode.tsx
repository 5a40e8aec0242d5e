import { Handle, type NodeProps, Position } from '@xyflow/react';
import { memo, useMemo } from 'react';
import { compileErrorsForNode, type StepFlowNode, selectNodeStatus, selectNodeTitle } from './editor.selectors.ts';
import { useCatalogEntry, useEditor } from './editor-context.ts';
import { stepIcon } from './step-icons.ts';

/** One canvas node.  Memoized, and subscribed only to its own title, run status and compile errors. */
function StepNodeView({ id, data, selected }: NodeProps<StepFlowNode>) {
  const manifest = useCatalogEntry(data.stepType);
  const title = useEditor(useMemo(() => selectNodeTitle(id), [id]));
  const status = useEditor(useMemo(() => selectNodeStatus(id), [id]));
  const allErrors = useEditor((state) => state.session.compileErrors);
  const errors = useMemo(() => compileErrorsForNode(allErrors, id), [allErrors, id]);
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
      <Handle type="source" position={Position.Right} id="out" />
    </div>
  );
}

export const StepNode = memo(StepNodeView);
