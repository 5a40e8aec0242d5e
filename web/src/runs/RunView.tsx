import type { FlowNode } from '@pipewright/flow';
import { lazy, type ReactNode, Suspense, useMemo, useState } from 'react';
import { useEditor, useEditorStore } from '../canvas/editor-context.ts';
import { type IterationPicks, shownIteration } from '../canvas/run-iterations.ts';
import { formatDuration } from '../ui/format.ts';
import { Tab, TabList, TabPanel, Tabs } from '../ui/Tabs.tsx';
import { ContractViolations } from './ContractViolations.tsx';
import { IterationPicker } from './IterationPicker.tsx';
import { viewsForIterations } from './loop-iterations.ts';
import { totalAttempts } from './NodeAttempts.tsx';
import { NodeRunDetail } from './NodeRunDetail.tsx';
import { CompensationPath, UndoBadge } from './UndoRunDetail.tsx';

/** Loaded when a person opens the History tab (the main bundle stays within its size). */
const RunHistory = lazy(() => import('./RunHistory.tsx').then((module) => ({ default: module.RunHistory })));

/**
 * The watched run: every node with its live status, and the selected node's detail.  Used in the editor's
 * bottom panel and on the run page.  A Loop offers an iteration picker; its body nodes show that iteration.
 */
export function RunView({ actions }: { actions?: ReactNode }) {
  const store = useEditorStore();
  const runId = useEditor((state) => state.run.runId);
  const status = useEditor((state) => state.run.status);
  const runError = useEditor((state) => state.run.error);
  const nodes = useEditor((state) => state.document.doc.nodes);
  const runNodes = useEditor((state) => state.run.nodes);
  const picks = useEditor((state) => state.run.iterationPicks);
  const views = useMemo(() => viewsForIterations(nodes, runNodes, picks), [nodes, runNodes, picks]);
  const selectedId = useEditor((state) => state.session.selectedNodeIds[0]);
  const failedId = Object.entries(runNodes).find(([, view]) => view.status === 'failed')?.[0];
  const shownId = selectedId ?? failedId ?? nodes[0]?.id;
  const [tab, setTab] = useState('steps');
  // The history is read again when the run's status or any step's attempt count changes.
  const attemptCount = totalAttempts(runNodes);
  if (!runId) return null;

  return (
    <section className="run-view" data-testid="run-view" data-run-status={status ?? 'unknown'}>
      <Tabs value={tab} onChange={setTab}>
        <header className="run-view-header">
          <strong>Run</strong> <code className="small">{runId}</code>
          <span className={`badge status-${status ?? 'pending'}`} data-testid="run-status">
            {status ?? '…'}
          </span>
          {runError && (
            <span className="field-error" data-testid="run-error">
              {runError.nodeId ? `${runError.nodeId}: ` : ''}
              {runError.message}
            </span>
          )}
          <span className="spacer" />
          <TabList label="Run details">
            <Tab value="steps" testId="run-tab-steps">
              Steps
            </Tab>
            <Tab value="history" testId="run-tab-history">
              History
            </Tab>
          </TabList>
          {actions}
        </header>
        <ContractViolations />
        <CompensationPath nodes={runNodes} />
        <TabPanel value="history" className="run-view-body">
          <Suspense fallback={<p className="muted page">Loading the history…</p>}>
            <RunHistory runId={runId} revision={`${status ?? ''}:${attemptCount}`} />
          </Suspense>
        </TabPanel>
        <TabPanel value="steps" className="run-view-body">
          <ul className="run-node-list">
            {nodes.map((node) => {
              const view = views[node.id];
              const loopView = runNodes[node.id];
              const duration =
                view?.startedAt !== undefined && view.endedAt !== undefined ? view.endedAt - view.startedAt : null;
              return (
                <li key={node.id}>
                  <button
                    type="button"
                    className={`run-node-row ${shownId === node.id ? 'active' : ''}`}
                    data-testid={`run-node-${node.id}`}
                    data-status={view?.status ?? 'pending'}
                    onClick={() => store.getState().actions.select({ nodeIds: [node.id], edgeIds: [] })}
                  >
                    <span className={`status-dot status-${view?.status ?? 'pending'}`} />
                    <span className="run-node-name">{node.title || node.id}</span>
                    {loopView?.undo && <UndoBadge nodeId={node.id} undo={loopView.undo} />}
                    <span className="muted small">{view ? formatDuration(duration) : ''}</span>
                  </button>
                  {loopView?.iterations && (
                    <IterationPicker
                      loopId={node.id}
                      view={loopView}
                      shown={shownIteration(runNodes, node.id, picks)?.index}
                      onPick={(index) => store.getState().actions.pickIteration(node.id, index)}
                    />
                  )}
                </li>
              );
            })}
          </ul>
          {shownId && (
            <NodeRunDetail
              nodeId={shownId}
              view={views[shownId]}
              iteration={iterationOfBodyNode(nodes, runNodes, picks, shownId)}
            />
          )}
        </TabPanel>
      </Tabs>
    </section>
  );
}

/** The iteration a body node's detail shows (undefined for nodes outside loops). */
function iterationOfBodyNode(
  nodes: readonly FlowNode[],
  runNodes: Parameters<typeof shownIteration>[0],
  picks: IterationPicks,
  nodeId: string,
): number | undefined {
  const parentId = nodes.find((node) => node.id === nodeId)?.parentId;
  return parentId === undefined ? undefined : shownIteration(runNodes, parentId, picks)?.index;
}
