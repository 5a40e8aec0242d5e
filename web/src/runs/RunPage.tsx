import { isOpenRunStatus, type RunDetail } from '@pipewright/api-contract';
import { ReactFlowProvider } from '@xyflow/react';
import { useState } from 'react';
import { errorMessage } from '../api/api.ts';
import { useCatalog, useRun } from '../api/queries.ts';
import { Canvas } from '../canvas/Canvas.tsx';
import { createEditorStore } from '../canvas/editor.store.ts';
import { type Catalog, CatalogContext, EditorStoreContext } from '../canvas/editor-context.ts';
import { Link } from '../routing/Link.tsx';
import { paths } from '../routing/router.ts';
import { formatDate, formatDuration } from '../ui/format.ts';
import { PinnedVersionsProvider } from './PinnedVersionsProvider.tsx';
import { RerunButton } from './RerunButton.tsx';
import { RunLinks } from './RunLinks.tsx';
import { RunView } from './RunView.tsx';
import { useRunSubscription } from './useRunSubscription.ts';

/** One run: a read-only canvas of the document it executed, coloured by status, with the node detail panel. */
export function RunPage({ runId }: { runId: string }) {
  const run = useRun(runId);
  const catalog = useCatalog();
  if (run.error || catalog.error)
    return <div className="page field-error">{errorMessage(run.error ?? catalog.error)}</div>;
  if (!run.data || !catalog.data) return <div className="page muted">Loading…</div>;
  return <RunScreen key={runId} initial={run.data} catalog={catalog.data} />;
}

function RunScreen({ initial, catalog }: { initial: RunDetail; catalog: Catalog }) {
  const [store] = useState(() => {
    const created = createEditorStore({
      flowId: initial.flowId,
      name: initial.flowName,
      doc: initial.document ?? { schemaVersion: 1, nodes: [], edges: [] },
      revision: 0,
      readOnly: true,
    });
    created.getState().actions.watchRun(initial.id);
    created.getState().actions.setRunDetail(initial);
    return created;
  });
  const isOpen = isOpenRunStatus(initial.status);
  useRunSubscription(store, isOpen ? initial.id : null);
  return (
    <EditorStoreContext.Provider value={store}>
      <CatalogContext.Provider value={catalog}>
        <PinnedVersionsProvider catalog={catalog}>
          <ReactFlowProvider>
            <div className="editor run-page">
              <header className="topbar">
                <div className="topbar-row">
                  <Link to={paths.flowRuns(initial.flowId)} className="back-link">
                    ← Runs
                  </Link>
                  <strong>{initial.flowName}</strong>
                  <span className="muted small">
                    {initial.version === 0 ? 'draft' : `v${initial.version}`} · {initial.trigger} · started{' '}
                    {formatDate(initial.startedAt)} · {formatDuration(initial.durationMs)}
                  </span>
                  <RunLinks run={initial} />
                  <span className="spacer" />
                  <RerunButton runId={initial.id} />
                  <Link to={paths.editor(initial.flowId)} className="button">
                    Open flow
                  </Link>
                </div>
              </header>
              <div className="editor-body">
                <div className="editor-centre">
                  {initial.document ? <Canvas /> : <p className="muted page">This run has no recorded document.</p>}
                  <RunView />
                </div>
              </div>
            </div>
          </ReactFlowProvider>
        </PinnedVersionsProvider>
      </CatalogContext.Provider>
    </EditorStoreContext.Provider>
  );
}
