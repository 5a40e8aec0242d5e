import type { FlowDetail } from '@pipewright/api-contract';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { api, errorMessage } from '../api/api.ts';
import { queryKeys, useVersionDiff, useVersions } from '../api/queries.ts';
import { useEditorStore } from '../canvas/editor-context.ts';
import { formatDate } from '../ui/format.ts';
import { Tooltip } from '../ui/Tooltip.tsx';
import { VersionDiff } from './VersionDiff.tsx';

/** Version history: pick two versions to see what changed, or roll back to one (published again as the newest). */
export function VersionsPanel({ flowId, onClose }: { flowId: string; onClose(): void }) {
  const store = useEditorStore();
  const queryClient = useQueryClient();
  const versions = useVersions(flowId);
  const [selected, setSelected] = useState<number[]>([]);
  const [busy, setBusy] = useState<number | null>(null);
  const [message, setMessage] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  const [first, second] = [...selected].sort((a, b) => a - b);
  const pair = first !== undefined && second !== undefined ? ([first, second] as const) : null;
  const diff = useVersionDiff(flowId, pair);

  const toggle = (version: number) =>
    setSelected((current) =>
      current.includes(version) ? current.filter((item) => item !== version) : [...current, version].slice(-2),
    );

  const rollback = async (version: number) => {
    const { document, actions } = store.getState();
    if (document.dirty && !window.confirm('Rolling back replaces your unsaved changes. Continue?')) return;
    setBusy(version);
    setMessage(null);
    try {
      const published = await api.rollbackVersion(flowId, version);
      const fresh = await api.getFlow(flowId);
      actions.loadDocument({ flowId, name: fresh.name, doc: fresh.document, revision: fresh.revision });
      queryClient.setQueryData<FlowDetail>(queryKeys.flow(flowId), fresh);
      await queryClient.invalidateQueries({ queryKey: queryKeys.versions(flowId), exact: true });
      void queryClient.invalidateQueries({ queryKey: queryKeys.flows, exact: true });
      setMessage({
        tone: 'success',
        text: `Rolled back: version ${version} is live again as version ${published.version}`,
      });
    } catch (error) {
      setMessage({ tone: 'error', text: errorMessage(error) });
    } finally {
      setBusy(null);
    }
  };

  return (
    <aside className="versions-panel" data-testid="versions-panel">
      <header className="versions-header">
        <strong>Versions</strong>
        <span className="spacer" />
        <Tooltip label="Close the versions">
          <button
            type="button"
            className="icon-button"
            aria-label="Close the versions"
            data-testid="versions-close"
            onClick={onClose}
          >
            ×
          </button>
        </Tooltip>
      </header>
      {message && (
        <p className={`message ${message.tone}`} data-testid="versions-message" role="status">
          {message.text}
        </p>
      )}
      {versions.error && <p className="field-error">{errorMessage(versions.error)}</p>}
      {versions.data?.length === 0 && <p className="muted">Nothing published yet.</p>}
      {versions.data && versions.data.length > 1 && <p className="help">Tick two versions to compare them.</p>}
      <ul className="version-list">
        {versions.data?.map((entry, index) => (
          <li key={entry.version} className="version-row" data-testid={`version-row-${entry.version}`}>
            <label>
              <input
                type="checkbox"
                data-testid={`version-select-${entry.version}`}
                checked={selected.includes(entry.version)}
                onChange={() => toggle(entry.version)}
              />{' '}
              <strong>v{entry.version}</strong>
              {index === 0 && <span className="badge status-succeeded">live</span>}
            </label>
            <span className="muted small">{formatDate(entry.createdAt)}</span>
            <code className="small" title={entry.hash}>
              {entry.hash.slice(0, 10)}
            </code>
            {index > 0 && (
              <button
                type="button"
                className="link-button"
                data-testid={`rollback-${entry.version}`}
                disabled={busy !== null}
                onClick={() => void rollback(entry.version)}
              >
                {busy === entry.version ? 'Rolling back…' : 'Roll back to this version'}
              </button>
            )}
          </li>
        ))}
      </ul>
      {pair && diff.data && <VersionDiff diff={diff.data} from={pair[0]} to={pair[1]} />}
      {pair && diff.error && <p className="field-error">{errorMessage(diff.error)}</p>}
    </aside>
  );
}
