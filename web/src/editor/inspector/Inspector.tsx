import { useMemo } from 'react';
import { compileErrorsForNode, selectSelectedNode } from '../../canvas/editor.selectors.ts';
import { useCatalogEntry, useEditor } from '../../canvas/editor-context.ts';
import { DataMappingContext, useNodeDataMapping } from '../data-mapping/useDataMapping.ts';
import { ConfigForm } from './ConfigForm.tsx';
import { ContractSection } from './ContractSection.tsx';
import { CredentialPicker } from './CredentialPicker.tsx';
import { InputDataSection } from './InputDataSection.tsx';
import { LoopBodySelect } from './LoopBodySelect.tsx';
import { PinnedSampleSection } from './PinnedSampleSection.tsx';
import { ScheduleNextRuns } from './ScheduleNextRuns.tsx';
import { SettingsSection } from './SettingsSection.tsx';
import { TestStepButton } from './TestStepButton.tsx';
import { UndoSection } from './UndoSection.tsx';
import { UpgradeNodeButton } from './UpgradeNodeButton.tsx';
import { useNodeEditing } from './useNodeEditing.ts';
import { usePinnedManifest } from './usePinnedManifest.ts';
import { WebhookSecret } from './WebhookSecret.tsx';

/** Right-hand panel: the selected node's title, id, generated config form and engine settings. */
export function Inspector() {
  const node = useEditor(selectSelectedNode);
  const selectedCount = useEditor((state) => state.session.selectedNodeIds.length);
  if (!node) {
    return (
      <aside className="inspector" data-testid="inspector">
        <p className="muted">{selectedCount > 1 ? `${selectedCount} nodes selected.` : 'Select a node to edit it.'}</p>
      </aside>
    );
  }
  return <NodeInspector key={node.id} nodeId={node.id} />;
}

function NodeInspector({ nodeId }: { nodeId: string }) {
  const node = useEditor(selectSelectedNode);
  const current = useCatalogEntry(node?.type ?? '');
  // The form follows the version the node is pinned to, not the catalog's newest (issue 13).
  const pinned = usePinnedManifest(node, current);
  const manifest = pinned.manifest;
  const readOnly = useEditor((state) => state.session.readOnly);
  const allErrors = useEditor((state) => state.session.compileErrors);
  const errors = useMemo(() => compileErrorsForNode(allErrors, nodeId), [allErrors, nodeId]);
  const editing = useNodeEditing(nodeId);
  const mapping = useNodeDataMapping(nodeId);
  if (!node) return null;
  const unlocated = errors.filter((error) => !error.field);
  return (
    <DataMappingContext.Provider value={mapping}>
      <aside className="inspector" data-testid="inspector">
        <header className="inspector-header">
          <div className="inspector-type">{manifest?.title ?? node.type}</div>
          <input
            className="input inspector-title"
            data-testid="node-title"
            aria-label="Title"
            value={node.title ?? ''}
            placeholder={manifest?.title ?? node.type}
            disabled={readOnly}
            onChange={(event) => editing.setTitle(event.target.value)}
            onBlur={editing.seal}
          />
          <div className="inspector-id">
            id <code data-testid="node-id">{node.id}</code>
            <span className="muted small"> — use as {`{{ steps.${node.id}.… }}`}</span>
          </div>
          {manifest?.description && <p className="help">{manifest.description}</p>}
        </header>
        {pinned.isPinnedOlder && (
          <p className="muted small" data-testid="pinned-version-note">
            {pinned.error
              ? `v${node.typeVersion} of this step is no longer registered here: showing the form of v${current?.version}.`
              : `Pinned to v${node.typeVersion}: this form is v${node.typeVersion}'s.`}
          </p>
        )}
        {current && !readOnly && <UpgradeNodeButton node={node} manifest={current} />}
        <InputDataSection nodeId={nodeId} />
        {unlocated.map((error) => (
          <p className="field-error" key={error.message}>
            {error.message}
          </p>
        ))}
        {manifest ? (
          <ConfigForm node={node} manifest={manifest} errors={errors} disabled={readOnly} />
        ) : pinned.loading ? (
          <p className="muted">Loading the form of v{node.typeVersion}…</p>
        ) : (
          <p className="field-error">Step type “{node.type}” is not in the catalog.</p>
        )}
        {manifest?.credentials && <CredentialPicker node={node} manifest={manifest} disabled={readOnly} />}
        {manifest?.kind === 'action' && !readOnly && <TestStepButton nodeId={nodeId} />}
        <PinnedSampleSection nodeId={nodeId} />
        {node.type === 'core.schedule' && <ScheduleNextRuns config={node.config} />}
        {node.type === 'core.webhook' && <WebhookSecret />}
        {node.type === 'core.webhook' && <ContractSection node={node} errors={errors} disabled={readOnly} />}
        {manifest?.kind !== 'trigger' && <LoopBodySelect node={node} disabled={readOnly} />}
        <SettingsSection node={node} manifest={manifest} disabled={readOnly} />
        <UndoSection node={node} manifest={manifest} errors={errors} disabled={readOnly} />
      </aside>
    </DataMappingContext.Provider>
  );
}
