import { DEFAULT_DRAFT_TEST_RUNS, MAX_DRAFT_TEST_RUNS } from '@pipewright/api-contract';
import { useContext, useMemo, useState } from 'react';
import { ApiError, errorMessage } from '../../api/api.ts';
import { useDraftTest, useDraftTests, useFlowRunsToPick, useStartDraftTest } from '../../api/queries.ts';
import { CatalogContext, useEditor, useEditorStore } from '../../canvas/editor-context.ts';
import { setFlowSetting } from '../../canvas/flow-settings.ts';
import { Dialog } from '../../ui/Dialog.tsx';
import { DraftTestResult } from './DraftTestResult.tsx';
import { listIoNodes } from './draft-test-report.ts';

interface DraftTestDialogProps {
  flowId: string;
  /** Saves the draft when it has unsaved edits (the server tests the saved draft); reports failures itself. */
  save(): Promise<void>;
  /** The editor is saving, publishing or starting a run. */
  busy: boolean;
  onClose(): void;
}

/**
 * "Test against recent runs" (docs/adr/016): re-runs the saved draft on past runs' trigger data, every I/O step
 * answered by what that run recorded, and shows per run what would change.  Opens on the flow's latest test.
 */
export function DraftTestDialog({ flowId, save, busy, onClose }: DraftTestDialogProps) {
  const store = useEditorStore();
  const catalog = useContext(CatalogContext);
  const nodes = useEditor((state) => state.document.doc.nodes);
  const required = useEditor((state) => state.document.doc.settings?.publishRequiresDraftTest === true);
  const ioNodes = useMemo(() => listIoNodes(nodes, catalog), [nodes, catalog]);
  const titles = useMemo(
    () => new Map(nodes.map((node) => [node.id, node.title ?? catalog.get(node.type)?.title ?? node.id])),
    [nodes, catalog],
  );

  const [countText, setCountText] = useState(String(DEFAULT_DRAFT_TEST_RUNS));
  const [realCalls, setRealCalls] = useState<ReadonlySet<string>>(new Set());
  /** Runs the builder picked: tested instead of the newest `count` (a closed list loads nothing). */
  const [picking, setPicking] = useState(false);
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const runsToPick = useFlowRunsToPick(flowId, picking);
  const [problem, setProblem] = useState<string | null>(null);
  const [startedId, setStartedId] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const latest = useDraftTests(flowId);
  const shownId = startedId ?? latest.data?.[0]?.id ?? null;
  const shown = useDraftTest(flowId, shownId);
  const test = shown.data ?? latest.data?.find((entry) => entry.id === shownId);
  const start = useStartDraftTest(flowId);

  const count = Number(countText);
  const countProblem =
    Number.isInteger(count) && count >= 1 && count <= MAX_DRAFT_TEST_RUNS
      ? undefined
      : `a whole number from 1 to ${MAX_DRAFT_TEST_RUNS}`;
  const running = test?.status === 'running';
  const canRun = !busy && !saving && !start.isPending && !running && (picked.size > 0 || countProblem === undefined);

  const toggle = (set: typeof setRealCalls, id: string, on: boolean) =>
    set((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });

  const run = async () => {
    setProblem(null);
    if (store.getState().document.dirty) {
      // The server tests the saved draft, so unsaved edits are saved first (as a draft run does).
      setSaving(true);
      try {
        await save();
      } finally {
        setSaving(false);
      }
      if (store.getState().document.dirty) {
        setProblem(
          'The draft could not be saved (the message in the top bar says why). The test runs the saved draft.',
        );
        return;
      }
    }
    const allowed = ioNodes.filter((node) => realCalls.has(node.id)).map((node) => node.id);
    start.mutate(picked.size > 0 ? { runIds: [...picked], realCalls: allowed } : { count, realCalls: allowed }, {
      onSuccess: (view) => setStartedId(view.id),
      onError: (error) => {
        if (error instanceof ApiError && error.compileErrors.length > 0) {
          store.getState().actions.setCompileErrors(error.compileErrors);
        }
        setProblem(errorMessage(error));
      },
    });
  };

  return (
    <Dialog title="Test against recent runs" testId="draft-test" className="draft-test-dialog" onClose={onClose}>
      <p className="muted small">
        Runs the saved draft on the trigger data of the published version's recent runs. Every I/O step is answered by
        what that run recorded, so nothing is called; steps the draft adds or changes call out for real only where you
        allow it below.
      </p>
      <div className="draft-test-form">
        <label className="small" htmlFor="draft-test-count">
          Runs to test (newest first)
        </label>
        <input
          id="draft-test-count"
          className="input draft-test-count"
          type="number"
          min={1}
          max={MAX_DRAFT_TEST_RUNS}
          step={1}
          data-testid="draft-test-count"
          aria-invalid={countProblem !== undefined}
          aria-describedby={countProblem === undefined ? undefined : 'draft-test-count-problem'}
          value={countText}
          onChange={(event) => setCountText(event.target.value)}
        />
        {countProblem && (
          <span id="draft-test-count-problem" className="field-error small">
            {countProblem}
          </span>
        )}
      </div>
      <details
        className="draft-test-pick"
        data-testid="draft-test-pick"
        onToggle={(event) => setPicking(event.currentTarget.open)}
      >
        <summary className="small">
          Or pick the runs{picked.size > 0 ? ` (${picked.size} picked: tested instead of the newest)` : ''}
        </summary>
        {runsToPick.isError && (
          <p className="field-error small">Could not load the runs: {errorMessage(runsToPick.error)}</p>
        )}
        {runsToPick.data?.length === 0 && <p className="muted small">The flow has no runs yet.</p>}
        {runsToPick.data?.map((summary) => (
          <label key={summary.id} className="small draft-test-real-call">
            <input
              type="checkbox"
              className="checkbox"
              data-testid={`draft-test-pick-${summary.id}`}
              checked={picked.has(summary.id)}
              onChange={(event) => toggle(setPicked, summary.id, event.target.checked)}
            />{' '}
            <code>{summary.id}</code> {summary.version === 0 ? 'draft' : `v${summary.version}`} · {summary.status} ·{' '}
            {new Date(summary.startedAt).toLocaleString()}
          </label>
        ))}
      </details>
      <fieldset className="draft-test-real-calls">
        <legend className="small">Allow real calls (only where no recording answers the step)</legend>
        {ioNodes.length === 0 && <p className="muted small">The draft has no I/O steps.</p>}
        {ioNodes.map((node) => (
          <label key={node.id} className="small draft-test-real-call">
            <input
              type="checkbox"
              className="checkbox"
              data-testid={`draft-test-real-${node.id}`}
              checked={realCalls.has(node.id)}
              onChange={(event) => toggle(setRealCalls, node.id, event.target.checked)}
            />{' '}
            {node.title} <code className="muted">{node.id}</code>
          </label>
        ))}
      </fieldset>
      <label className="small">
        <input
          type="checkbox"
          className="checkbox"
          data-testid="draft-test-require"
          checked={required}
          onChange={(event) => setFlowSetting(store, 'publishRequiresDraftTest', event.target.checked || undefined)}
        />{' '}
        Publishing requires a passing test <span className="muted">(a flow setting: save it like the others)</span>
      </label>
      {problem && (
        <p className="field-error" role="alert" data-testid="draft-test-problem">
          {problem}
        </p>
      )}
      {latest.isError && (
        <p className="field-error small">Could not load earlier tests: {errorMessage(latest.error)}</p>
      )}
      {shown.isError && <p className="field-error small">Could not load the test: {errorMessage(shown.error)}</p>}
      {test && <DraftTestResult test={test} titles={titles} />}
      <div className="dialog-actions">
        <button type="button" className="button" data-testid="draft-test-close" onClick={onClose}>
          Close
        </button>
        <button
          type="button"
          className="button primary"
          data-testid="draft-test-run"
          disabled={!canRun}
          onClick={() => void run()}
        >
          {saving ? 'Saving…' : start.isPending ? 'Starting…' : running ? 'Testing…' : 'Run test'}
        </button>
      </div>
    </Dialog>
  );
}
