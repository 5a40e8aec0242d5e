import type { FlowDetail } from '@pipewright/api-contract';
import { ReactFlowProvider } from '@xyflow/react';
import { useState } from 'react';
import { errorMessage } from '../api/api.ts';
import { useCatalog, useFlow } from '../api/queries.ts';
import { Canvas } from '../canvas/Canvas.tsx';
import { createEditorStore } from '../canvas/editor.store.ts';
import {
  type Catalog,
  CatalogContext,
  EditorStoreContext,
  useEditor,
  useEditorStore,
} from '../canvas/editor-context.ts';
import { Link } from '../routing/Link.tsx';
import { paths } from '../routing/router.ts';
import { PinnedVersionsProvider } from '../runs/PinnedVersionsProvider.tsx';
import { RunView } from '../runs/RunView.tsx';
import { useRunSubscription } from '../runs/useRunSubscription.ts';
import { Tooltip } from '../ui/Tooltip.tsx';
import { GesturesProvider } from './gestures/GesturesProvider.tsx';
import { Inspector } from './inspector/Inspector.tsx';
import { Palette } from './palette/Palette.tsx';
import { TopBar } from './TopBar.tsx';
import { useEditorShortcuts } from './useEditorShortcuts.ts';
import { useFlowCommands } from './useFlowCommands.ts';
import { useLiveValidation } from './useLiveValidation.ts';
import { useUnsavedChangesPrompt } from './useUnsavedChangesPrompt.ts';

export function EditorPage({ flowId }: { flowId: string }) {
  const flow = useFlow(flowId);
  const catalog = useCatalog();
  if (flow.error || catalog.error) {
    return (
      <div className="page">
        <p className="field-error">{errorMessage(flow.error ?? catalog.error)}</p>
        <Link to={paths.flows()}>Back to flows</Link>
      </div>
    );
  }
  if (!flow.data || !catalog.data) return <div className="page muted">Loading…</div>;
  return <EditorScreen key={flowId} flow={flow.data} catalog={catalog.data} />;
}

/** One editor per open flow: its own store, created once from the loaded draft. */
function EditorScreen({ flow, catalog }: { flow: FlowDetail; catalog: Catalog }) {
  const [store] = useState(() =>
    createEditorStore({
      flowId: flow.id,
      name: flow.name,
      doc: flow.document,
      revision: flow.revision,
      pinnedDataLimits: flow.pinnedDataLimits,
    }),
  );
  return (
    <EditorStoreContext.Provider value={store}>
      <CatalogContext.Provider value={catalog}>
        <PinnedVersionsProvider catalog={catalog}>
          <ReactFlowProvider>
            <GesturesProvider>
              <EditorLayout flow={flow} />
            </GesturesProvider>
          </ReactFlowProvider>
        </PinnedVersionsProvider>
      </CatalogContext.Provider>
    </EditorStoreContext.Provider>
  );
}

function EditorLayout({ flow }: { flow: FlowDetail }) {
  const commands = useFlowCommands();
  const store = useEditorStore();
  const runId = useEditor((state) => state.run.runId);
  useRunSubscription(store, runId);
  useEditorShortcuts(store, commands.save);
  useUnsavedChangesPrompt(store);
  useLiveValidation(store, flow.id);
  return (
    <div className="editor">
      <TopBar flow={flow} commands={commands} />
      <div className="editor-body">
        <Palette />
        <div className="editor-centre">
          <Canvas />
          <RunView
            actions={
              <>
                {runId && (
                  <Link to={paths.run(runId)} className="link-button">
                    Open run page
                  </Link>
                )}
                <Tooltip label="Close the run panel">
                  <button
                    type="button"
                    className="icon-button"
                    aria-label="Close the run panel"
                    data-testid="run-view-close"
                    onClick={() => store.getState().actions.clearRun()}
                  >
                    ×
                  </button>
                </Tooltip>
              </>
            }
          />
        </div>
        <Inspector />
      </div>
    </div>
  );
}
