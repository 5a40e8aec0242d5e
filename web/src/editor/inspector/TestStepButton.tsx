import type { FlowDetail, StepTestResult } from '@pipewright/api-contract';
import { evaluateDeep } from '@pipewright/expression';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { ApiError, api, errorMessage } from '../../api/api.ts';
import { queryKeys } from '../../api/queries.ts';
import { indexNodes } from '../../canvas/editor.selectors.ts';
import { useEditor, useEditorStore } from '../../canvas/editor-context.ts';
import { formatDuration, formatJson } from '../../ui/format.ts';
import { useDataMappingContext } from '../data-mapping/useDataMapping.ts';

/**
 * "Test this step": evaluates the step's config against the sample data here, runs only this step on the server
 * (saving the draft first, since the server runs the saved node), shows the result and lets the user pin its
 * output as this node's sample for the steps after it.
 */
export function TestStepButton({ nodeId }: { nodeId: string }) {
  const store = useEditorStore();
  const queryClient = useQueryClient();
  const mapping = useDataMappingContext();
  const pinned = useEditor((state) => state.document.doc.pinnedData?.[nodeId]);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<StepTestResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pinRefused, setPinRefused] = useState<string | null>(null);

  // The output as the server returned it: step outputs are scrubbed of every secret the step read (run-step.ts).
  const pin = (output: unknown) => {
    const problem = store.getState().actions.pinSample(nodeId, output);
    setPinRefused(problem ? problem.message : null);
  };

  const run = async () => {
    setBusy(true);
    setError(null);
    setPinRefused(null);
    try {
      const { document, actions } = store.getState();
      if (document.dirty) {
        const saved = await api.updateFlow(document.flowId, {
          name: document.name,
          document: document.doc,
          revision: document.revision,
        });
        actions.markSaved({ revision: saved.revision, doc: document.doc, name: document.name });
        queryClient.setQueryData<FlowDetail>(queryKeys.flow(document.flowId), saved);
      }
      const node = indexNodes(store.getState().document.doc.nodes).get(nodeId);
      if (!node) return;
      const input = await evaluateDeep(node.config, mapping?.context ?? {});
      if (typeof input !== 'object' || input === null || Array.isArray(input)) return;
      setResult(await api.testStep(document.flowId, nodeId, { input: { ...input } }));
    } catch (caught) {
      setResult(null);
      const located = caught instanceof ApiError ? caught.compileErrors.map((entry) => entry.message) : [];
      setError([errorMessage(caught), ...located].join(' — '));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="test-step">
      <button
        type="button"
        className="button"
        data-testid="test-step-button"
        disabled={busy}
        onClick={() => void run()}
      >
        {busy ? 'Testing…' : '▶ Test this step'}
      </button>
      {error && (
        <p className="field-error" data-testid="test-step-error">
          {error}
        </p>
      )}
      {result && (
        <div className="test-step-result" data-testid="test-step-result" data-status={result.status}>
          <div className="test-step-facts">
            <span className={`badge status-${result.status}`}>{result.status}</span>
            <span className="muted small">
              {result.attempts} {result.attempts === 1 ? 'attempt' : 'attempts'} · {formatDuration(result.durationMs)}
            </span>
            <span className="spacer" />
            {result.status === 'succeeded' && (
              <button
                type="button"
                className="link-button"
                data-testid="pin-sample-button"
                onClick={() => pin(result.output)}
              >
                {pinned === result.output ? 'Pinned' : 'Pin as sample output'}
              </button>
            )}
          </div>
          {pinRefused && (
            <p className="field-error" data-testid="pin-refused">
              {pinRefused}
            </p>
          )}
          {result.error && <pre className="code error">{result.error.message}</pre>}
          <pre className="code" data-testid="test-step-output">
            {formatJson(result.output)}
          </pre>
        </div>
      )}
    </section>
  );
}
