import type { FieldChange, FlowDiff } from '@pipewright/flow';
import { truncate } from './data-mapping/data-mapping.ts';

const show = (value: unknown): string =>
  value === undefined ? '—' : truncate(typeof value === 'string' ? value : JSON.stringify(value), 120);

/** What changed between two versions: nodes and edges added/removed, changed fields with before/after, moves. */
export function VersionDiff({ diff, from, to }: { diff: FlowDiff; from: number; to: number }) {
  const { nodes, edges, settings } = diff;
  const empty =
    nodes.added.length + nodes.removed.length + nodes.changed.length + nodes.moved.length === 0 &&
    edges.added.length + edges.removed.length + settings.length === 0;
  return (
    <div className="version-diff" data-testid="version-diff">
      <h3>
        v{from} → v{to}
      </h3>
      {empty && <p className="muted">No differences.</p>}
      {nodes.added.map((node) => (
        <p key={node.id} className="diff-added" data-testid={`diff-node-added-${node.id}`}>
          + node <code>{node.id}</code> <span className="muted small">{node.type}</span>
        </p>
      ))}
      {nodes.removed.map((node) => (
        <p key={node.id} className="diff-removed" data-testid={`diff-node-removed-${node.id}`}>
          − node <code>{node.id}</code> <span className="muted small">{node.type}</span>
        </p>
      ))}
      {nodes.changed.map((change) => (
        <div key={change.id} className="diff-changed" data-testid={`diff-node-changed-${change.id}`}>
          <p>
            ~ node <code>{change.id}</code>
          </p>
          <FieldTable fields={change.fields} />
        </div>
      ))}
      {edges.added.map((edge) => (
        <p key={edge.id} className="diff-added" data-testid={`diff-edge-added-${edge.id}`}>
          + edge <code>{edge.source}</code> → <code>{edge.target}</code>
        </p>
      ))}
      {edges.removed.map((edge) => (
        <p key={edge.id} className="diff-removed" data-testid={`diff-edge-removed-${edge.id}`}>
          − edge <code>{edge.source}</code> → <code>{edge.target}</code>
        </p>
      ))}
      {settings.length > 0 && (
        <div className="diff-changed" data-testid="diff-settings">
          <p>~ flow settings</p>
          <FieldTable fields={settings} />
        </div>
      )}
      {nodes.moved.length > 0 && (
        <p className="muted small" data-testid="diff-moved">
          Moved only: {nodes.moved.map((move) => move.id).join(', ')}
        </p>
      )}
    </div>
  );
}

function FieldTable({ fields }: { fields: FieldChange[] }) {
  return (
    <table className="diff-fields">
      <thead>
        <tr>
          <th className="diff-cell">Field</th>
          <th className="diff-cell">Before</th>
          <th className="diff-cell">After</th>
        </tr>
      </thead>
      <tbody>
        {fields.map((field) => (
          <tr key={field.path} data-testid={`diff-field-${field.path}`}>
            <td className="mono diff-cell">{field.path}</td>
            <td className="mono diff-cell diff-before">{show(field.before)}</td>
            <td className="mono diff-cell diff-after">{show(field.after)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
