import type { FlowNode } from '@pipewright/flow';
import { useReactFlow } from '@xyflow/react';
import { type KeyboardEvent, useContext, useEffect, useId, useMemo, useRef, useState } from 'react';
import { CatalogContext, useEditor, useEditorStore } from '../../canvas/editor-context.ts';
import { absolutePosition, DEFAULT_NODE_SIZE } from './node-geometry.ts';
import { searchNodes } from './node-search.ts';

/**
 * Find a step on a big canvas by name or type: the best matches as you type; Enter (or a click) selects the step and
 * centres the view on it.  Mounted only while open, so a closed search subscribes to nothing.
 */
export function NodeSearch({ onClose }: { onClose(): void }) {
  const store = useEditorStore();
  const catalog = useContext(CatalogContext);
  const nodes = useEditor((state) => state.document.doc.nodes);
  const flow = useReactFlow();
  const [query, setQuery] = useState('');
  const [active, setActive] = useState(0);
  const inputRef = useRef<HTMLInputElement>(null);
  const listId = useId();
  const hits = useMemo(
    () => searchNodes({ nodes, query, typeTitle: (type) => catalog.get(type)?.title, limit: 12 }),
    [nodes, query, catalog],
  );
  // Focus is not handed back on close: React Flow pans to a node that takes focus, which would undo the centring.
  useEffect(() => inputRef.current?.focus(), []);

  const reveal = (nodeId: string) => {
    const node = nodes.find((candidate) => candidate.id === nodeId);
    if (!node) return;
    store.getState().actions.select({ nodeIds: [node.id], edgeIds: [] });
    const { x, y, width, height } = boxOf(node, nodes, flow.getInternalNode(node.id));
    void flow.setCenter(x + width / 2, y + height / 2, { zoom: Math.max(flow.getZoom(), 1), duration: 300 });
    onClose();
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      onClose();
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      if (hits.length) setActive((active + (event.key === 'ArrowDown' ? 1 : hits.length - 1)) % hits.length);
    } else if (event.key === 'Enter') {
      event.preventDefault();
      const hit = hits[active] ?? hits[0];
      if (hit) reveal(hit.nodeId);
    }
  };

  return (
    <search className="node-search" data-testid="node-search">
      <input
        ref={inputRef}
        className="input"
        type="search"
        data-testid="node-search-input"
        placeholder="Find a step by name or type…"
        aria-label="Find a step by name or type"
        aria-controls={listId}
        value={query}
        onChange={(event) => {
          setQuery(event.target.value);
          setActive(0);
        }}
        onKeyDown={onKeyDown}
        onBlur={(event) => {
          // Leaving for something outside the search closes it; moving to a result keeps it open.
          if (!event.currentTarget.parentElement?.contains(event.relatedTarget as Node | null)) onClose();
        }}
      />
      {query.trim() !== '' && (
        <ul id={listId} className="node-search-results" aria-label="Matching steps" aria-live="polite">
          {hits.length === 0 && <li className="muted small">No step matches “{query.trim()}”</li>}
          {hits.map((hit, index) => (
            <li key={hit.nodeId}>
              <button
                type="button"
                className={index === active ? 'active' : ''}
                aria-current={index === active}
                data-testid={`node-search-hit-${hit.nodeId}`}
                onClick={() => reveal(hit.nodeId)}
                onKeyDown={(event) => event.key === 'Escape' && onClose()}
              >
                <span className="node-search-label">{hit.label}</span>
                <span className="muted small mono">
                  {hit.nodeId} · {hit.type}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </search>
  );
}

/** Where the node is drawn: React Flow's measured box when it has one, else the document's (absolute) position. */
function boxOf(
  node: FlowNode,
  nodes: readonly FlowNode[],
  internal: ReturnType<ReturnType<typeof useReactFlow>['getInternalNode']>,
): { x: number; y: number; width: number; height: number } {
  const width = internal?.measured.width ?? DEFAULT_NODE_SIZE.width;
  const height = internal?.measured.height ?? DEFAULT_NODE_SIZE.height;
  if (internal) return { ...internal.internals.positionAbsolute, width, height };
  const byId = new Map<string, FlowNode>(nodes.map((candidate) => [candidate.id, candidate]));
  return { ...absolutePosition(byId, node), width, height };
}
