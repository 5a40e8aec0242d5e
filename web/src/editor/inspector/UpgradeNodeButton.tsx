import type { FlowNode } from '@pipewright/flow';
import { asNodeId } from '@pipewright/flow';
import type { StepManifest } from '@pipewright/step-sdk';
import { useState } from 'react';
import { api, errorMessage } from '../../api/api.ts';
import { useEditorStore } from '../../canvas/editor-context.ts';

/**
 * Offered when the catalog has a newer version of a package step than the node is pinned to.  The step's own
 * `migrate` rewrites the config — run by the package's worker (POST /api/catalog/migrate), never in the browser
 * or the server — then the node moves to the new version in one undoable edit.
 */
export function UpgradeNodeButton({ node, manifest }: { node: FlowNode; manifest: StepManifest }) {
  const store = useEditorStore();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  if (!manifest.package || node.typeVersion >= manifest.version) return null;

  const upgrade = async () => {
    setBusy(true);
    setError(null);
    try {
      const { config } = await api.migrateNode({
        type: node.type,
        fromVersion: node.typeVersion,
        toVersion: manifest.version,
        config: node.config,
      });
      store.getState().actions.dispatch({
        kind: 'updateNode',
        nodeId: asNodeId(node.id),
        patch: { typeVersion: manifest.version, config },
      });
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="upgrade-node">
      <span className="muted small">
        This node uses v{node.typeVersion}; {manifest.package.name} {manifest.package.version} has v{manifest.version}.
      </span>
      {manifest.migratable ? (
        <button type="button" className="button" data-testid="upgrade-node" disabled={busy} onClick={upgrade}>
          {busy ? 'Upgrading…' : `Upgrade to v${manifest.version}`}
        </button>
      ) : (
        <span className="muted small">
          v{manifest.version} has no migration: the node stays on v{node.typeVersion}.
        </span>
      )}
      {error && <p className="field-error">{error}</p>}
    </div>
  );
}
