import { useContext, useMemo, useState } from 'react';
import { selectPinnedSamples } from '../../canvas/editor.selectors.ts';
import { CatalogContext, useEditor, useEditorStore } from '../../canvas/editor-context.ts';
import { triggerNodeId, upstreamNodeIds } from '../data-mapping/data-mapping.ts';
import { FIELD_PATH_MIME, useDataMappingContext } from '../data-mapping/useDataMapping.ts';

/**
 * "Input data": the outputs of every node upstream of the selected one, as draggable fields.  Dropping a field on
 * an expression input inserts `{{ path }}` at the drop point.
 */
export function InputDataSection({ nodeId }: { nodeId: string }) {
  const mapping = useDataMappingContext();
  const doc = useEditor((state) => state.document.doc);
  const pinned = useEditor(selectPinnedSamples);
  const readOnly = useEditor((state) => state.session.readOnly);
  const manifests = useContext(CatalogContext);
  const store = useEditorStore();
  const [open, setOpen] = useState(true);
  const upstream = useMemo(() => upstreamNodeIds(doc, nodeId), [doc, nodeId]);
  const triggerId = useMemo(() => triggerNodeId(doc, manifests), [doc, manifests]);
  if (!mapping || upstream.length === 0) return null;

  return (
    <section className="input-data" data-testid="input-data">
      <button type="button" className="section-toggle" onClick={() => setOpen(!open)}>
        {open ? '▾' : '▸'} Input data
      </button>
      {open && (
        <>
          <p className="help">Drag a field onto an input to use it. Run the flow or pin a test result to see more.</p>
          {upstream.map((id) => {
            const root = id === triggerId ? 'trigger' : `steps.${id}`;
            const fields = mapping.suggestions.filter(
              (entry) => entry.nodeId === id && entry.path.startsWith(`${root}.`),
            );
            const isPinned = Object.hasOwn(pinned, id);
            const origin = isPinned ? 'pinned' : mapping.samples[id] !== undefined ? 'last run' : 'schema';
            return (
              <div className="input-data-node" key={id}>
                <div className="input-data-header">
                  <DraggableField path={root} label={id} depth={0} />
                  <span className="badge">{origin}</span>
                  {isPinned && !readOnly && (
                    <button
                      type="button"
                      className="link-button"
                      data-testid={`unpin-${id}`}
                      onClick={() => store.getState().actions.pinSample(id, undefined)}
                    >
                      Unpin
                    </button>
                  )}
                </div>
                <ul className="field-tree">
                  {fields.map((entry) => (
                    <li key={entry.path}>
                      <DraggableField
                        path={entry.path}
                        label={entry.path.slice(root.length + 1)}
                        depth={entry.path.slice(root.length + 1).split(/\.|\[/).length - 1}
                        type={entry.type}
                      />
                    </li>
                  ))}
                </ul>
              </div>
            );
          })}
        </>
      )}
    </section>
  );
}

function DraggableField(props: { path: string; label: string; depth: number; type?: string | undefined }) {
  return (
    <button
      type="button"
      className="data-field"
      draggable
      data-testid={`data-field-${props.path}`}
      title={`Drag to insert {{ ${props.path} }}`}
      style={{ marginLeft: `${props.depth * 12}px` }}
      onDragStart={(event) => {
        event.dataTransfer.setData(FIELD_PATH_MIME, props.path);
        event.dataTransfer.setData('text/plain', `{{ ${props.path} }}`);
        event.dataTransfer.effectAllowed = 'copy';
      }}
    >
      <span className="mono">{props.label.split('.').at(-1)}</span>
      {props.type && <span className="muted small"> {props.type}</span>}
    </button>
  );
}
