import type { FlowDetail } from '@pipewright/api-contract';
import { type MouseEvent, useState } from 'react';
import { api } from '../api/api.ts';
import { selectCanRedo, selectCanUndo, selectIsDirty } from '../canvas/editor.selectors.ts';
import { useEditor, useEditorStore } from '../canvas/editor-context.ts';
import { FlowPauseControl } from '../pauses/FlowPauseControl.tsx';
import { Link } from '../routing/Link.tsx';
import { paths } from '../routing/router.ts';
import { BusinessKeySetting } from './BusinessKeySetting.tsx';
import { DraftTestButton } from './draft-test/DraftTestButton.tsx';
import { ErrorHandlerSelect } from './ErrorHandlerSelect.tsx';
import { GestureToolbar } from './gestures/GestureToolbar.tsx';
import { LaneSelect } from './LaneSelect.tsx';
import { MaxConcurrentRunsInput } from './MaxConcurrentRunsInput.tsx';
import { MaxWaitingRunsInput } from './MaxWaitingRunsInput.tsx';
import { RunDialog } from './RunDialog.tsx';
import { RunTimeoutSelect } from './RunTimeoutSelect.tsx';
import { RolloutBanner } from './rollout/RolloutBanner.tsx';
import { RolloutButton } from './rollout/RolloutButton.tsx';
import { SearchableFields } from './SearchableFields.tsx';
import type { useFlowCommands } from './useFlowCommands.ts';
import { VersionsPanel } from './VersionsPanel.tsx';

interface TopBarProps {
  flow: FlowDetail;
  commands: ReturnType<typeof useFlowCommands>;
}

/** Flow name, history, save/publish/run and the webhook URL. */
export function TopBar({ flow, commands }: TopBarProps) {
  const store = useEditorStore();
  const name = useEditor((state) => state.document.name);
  const dirty = useEditor(selectIsDirty);
  const canUndo = useEditor(selectCanUndo);
  const canRedo = useEditor(selectCanRedo);
  const [runDialogOpen, setRunDialogOpen] = useState(false);
  const [versionsOpen, setVersionsOpen] = useState(false);
  const [copied, setCopied] = useState(false);
  const { actions } = store.getState();
  const webhookUrl = `${window.location.origin}${flow.webhookPath}`;
  const { busy, message } = commands;

  // The file is the saved draft: unsaved edits are saved first, then the link is followed again.
  const exportFlow = (event: MouseEvent<HTMLAnchorElement>) => {
    if (!store.getState().document.dirty) return;
    event.preventDefault();
    const link = event.currentTarget;
    void commands.save().then(() => {
      if (!store.getState().document.dirty) link.click();
    });
  };

  const copyWebhookUrl = async () => {
    try {
      await navigator.clipboard.writeText(webhookUrl);
    } catch {
      // Clipboard access can be denied (http origin, permissions); the URL stays selectable in the field.
    }
    setCopied(true);
    window.setTimeout(() => setCopied(false), 1500);
  };

  return (
    <header className="topbar">
      <div className="topbar-row">
        <Link to={paths.flows()} className="back-link">
          ← Flows
        </Link>
        <input
          className="input flow-name"
          data-testid="flow-name"
          aria-label="Flow name"
          value={name}
          onChange={(event) => actions.rename(event.target.value)}
        />
        <span className={`save-state ${dirty ? 'dirty' : ''}`} data-testid="save-state">
          {dirty ? 'Unsaved changes' : 'All changes saved'}
        </span>
        <span className="spacer" />
        <div className="button-group">
          <button
            type="button"
            className="button"
            data-testid="undo-button"
            disabled={!canUndo}
            onClick={actions.undo}
            title="Undo (Ctrl+Z)"
          >
            ↶ Undo
          </button>
          <button
            type="button"
            className="button"
            data-testid="redo-button"
            disabled={!canRedo}
            onClick={actions.redo}
            title="Redo (Ctrl+Shift+Z)"
          >
            ↷ Redo
          </button>
        </div>
        <GestureToolbar />
        <Link to={paths.flowRuns(flow.id)} className="button">
          Runs
        </Link>
        <Link to={paths.flowAlerts(flow.id)} className="button" testId="alerts-link">
          Alerts
        </Link>
        <button
          type="button"
          className={`button ${versionsOpen ? 'active' : ''}`}
          data-testid="versions-button"
          aria-pressed={versionsOpen}
          onClick={() => setVersionsOpen(!versionsOpen)}
        >
          Versions
        </button>
        <a
          className="button"
          href={api.flowExportUrl(flow.id)}
          download
          data-testid="flow-export"
          title="Download this flow as a file (credentials are left out)"
          onClick={exportFlow}
        >
          Export
        </a>
        <button
          type="button"
          className="button"
          data-testid="save-button"
          disabled={busy !== null}
          onClick={() => void commands.save()}
        >
          {busy === 'save' ? 'Saving…' : 'Save'}
        </button>
        <button
          type="button"
          className="button"
          data-testid="publish-button"
          disabled={busy !== null}
          onClick={() => void commands.publish()}
        >
          {busy === 'publish' ? 'Publishing…' : 'Publish'}
        </button>
        <RolloutButton
          flowId={flow.id}
          unavailable={rolloutUnavailable(flow)}
          save={commands.save}
          busy={busy !== null}
          report={commands.setMessage}
        />
        <button
          type="button"
          className="button primary"
          data-testid="run-button"
          disabled={busy !== null}
          onClick={() => setRunDialogOpen(true)}
        >
          ▶ Run
        </button>
      </div>
      <div className="topbar-row secondary">
        <span className="muted small">Webhook</span>
        <code className="webhook-url" data-testid="webhook-url">
          {webhookUrl}
        </code>
        <button
          type="button"
          className="link-button"
          data-testid="copy-webhook-url"
          onClick={() => void copyWebhookUrl()}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
        <ErrorHandlerSelect flowId={flow.id} />
        <RunTimeoutSelect />
        <MaxConcurrentRunsInput />
        <MaxWaitingRunsInput />
        <LaneSelect />
        <SearchableFields />
        <BusinessKeySetting />
        <DraftTestButton flowId={flow.id} save={commands.save} busy={busy !== null} />
        <FlowPauseControl flowId={flow.id} />
        <span className="spacer" />
        {message && (
          <span className={`message ${message.tone}`} data-testid="editor-message" role="status">
            {message.text}
          </span>
        )}
      </div>
      {commands.conflict && (
        <div className="topbar-row conflict-banner" data-testid="conflict-banner" role="alert">
          <span>
            Someone else saved this flow after you opened it, so your save was refused. Reload their version (your
            unsaved changes are discarded) or overwrite it with yours?
          </span>
          <span className="spacer" />
          <button
            type="button"
            className="button"
            data-testid="conflict-reload"
            disabled={busy !== null}
            onClick={() => void commands.resolveConflict('reload')}
          >
            Reload
          </button>
          <button
            type="button"
            className="button primary"
            data-testid="conflict-overwrite"
            disabled={busy !== null}
            onClick={() => void commands.resolveConflict('overwrite')}
          >
            Overwrite
          </button>
        </div>
      )}
      {flow.rollout && (
        <RolloutBanner flowId={flow.id} rollout={flow.rollout} busy={busy !== null} report={commands.setMessage} />
      )}
      {versionsOpen && <VersionsPanel flowId={flow.id} onClose={() => setVersionsOpen(false)} />}
      {runDialogOpen && (
        <RunDialog busy={busy === 'run'} onRun={commands.run} onClose={() => setRunDialogOpen(false)} />
      )}
    </header>
  );
}

/** Why "Roll out…" is off: a rollout runs a new version beside a published one, one rollout at a time. */
function rolloutUnavailable(flow: FlowDetail): string | null {
  if (flow.latestVersion === null) return 'Publish the flow once before rolling out a new version';
  if (flow.rollout) return `Version ${flow.rollout.version} is being rolled out: promote it or roll it back first`;
  return null;
}
