import type { N8nImportResponse } from '@pipewright/api-contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ChangeEvent, useState } from 'react';
import { ApiError, api, errorMessage } from '../api/api.ts';
import { queryKeys } from '../api/queries.ts';
import { navigate, paths } from '../routing/router.ts';
import { Dialog } from '../ui/Dialog.tsx';

/**
 * "Import from n8n": an n8n workflow export (a .json file or pasted text) becomes a new draft.  The import report —
 * every node or expression that was not translated — is shown before the builder opens the draft, so nothing is
 * lost silently.
 */
export function ImportN8nDialog({ onClose }: { onClose: () => void }) {
  const queryClient = useQueryClient();
  const [text, setText] = useState('');
  const [parseError, setParseError] = useState<string | null>(null);
  const importWorkflow = useMutation({
    mutationFn: (workflow: unknown) => api.importN8nWorkflow(workflow),
    onSuccess: ({ flow }) => {
      queryClient.setQueryData(queryKeys.flow(flow.id), flow);
      void queryClient.invalidateQueries({ queryKey: queryKeys.flows, exact: true });
    },
  });
  const result = importWorkflow.data;

  const readFile = (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    void file.text().then((content) => {
      setText(content);
      setParseError(null);
    });
  };

  const submit = () => {
    let workflow: unknown;
    try {
      workflow = JSON.parse(text);
    } catch (error) {
      setParseError(`This is not JSON: ${error instanceof Error ? error.message : String(error)}`);
      return;
    }
    importWorkflow.mutate(workflow);
  };

  return (
    <Dialog title="Import from n8n" testId="import-n8n-dialog" className="import-n8n-dialog" onClose={onClose}>
      {result ? (
        <ImportReport result={result} onClose={onClose} />
      ) : (
        <>
          <p className="muted small">
            Choose an n8n workflow export (Download in n8n’s workflow menu) or paste its JSON. It becomes a new draft;
            credentials are not imported.
          </p>
          <input
            type="file"
            accept=".json,application/json"
            data-testid="import-n8n-file"
            aria-label="n8n workflow file"
            onChange={readFile}
          />
          <textarea
            className="input mono"
            data-testid="import-n8n-text"
            aria-label="n8n workflow JSON"
            rows={10}
            value={text}
            placeholder='{ "name": "…", "nodes": […], "connections": {…} }'
            spellCheck={false}
            onChange={(event) => {
              setText(event.target.value);
              setParseError(null);
            }}
          />
          {parseError && <p className="field-error">{parseError}</p>}
          {importWorkflow.error && <ImportError error={importWorkflow.error} />}
          <div className="dialog-actions">
            <button type="button" className="button" onClick={onClose}>
              Cancel
            </button>
            <button
              type="button"
              className="button primary"
              data-testid="import-n8n-confirm"
              disabled={text.trim() === '' || importWorkflow.isPending}
              onClick={submit}
            >
              {importWorkflow.isPending ? 'Importing…' : 'Import'}
            </button>
          </div>
        </>
      )}
    </Dialog>
  );
}

function ImportError({ error }: { error: Error }) {
  const issues = error instanceof ApiError ? (error.body?.error.issues ?? []) : [];
  return (
    <div className="field-error" data-testid="import-n8n-error">
      <p>{errorMessage(error)}</p>
      {issues.length > 1 && (
        <ul>
          {issues.map((issue) => (
            <li key={`${issue.path}:${issue.message}`}>
              <code>{issue.path}</code>: {issue.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

function ImportReport({ result, onClose }: { result: N8nImportResponse; onClose: () => void }) {
  const { flow, report } = result;
  return (
    <>
      <p data-testid="import-n8n-summary">
        Imported <strong>{flow.name}</strong> as a draft with {flow.document.nodes.length} steps.{' '}
        {report.length === 0
          ? 'Everything was translated.'
          : `${report.length} thing${report.length === 1 ? ' was' : 's were'} not translated, or only approximately:`}
      </p>
      {report.length > 0 && (
        <ul className="import-n8n-report" data-testid="import-n8n-report">
          {report.map((entry, index) => (
            // The report is a fixed list: its order is its identity.
            // biome-ignore lint/suspicious/noArrayIndexKey: entries may repeat a node and field
            <li key={index} data-testid="import-n8n-problem">
              <strong>{entry.node}</strong>
              {entry.field && (
                <>
                  {' '}
                  · <code>{entry.field}</code>
                </>
              )}
              : {entry.problem}
            </li>
          ))}
        </ul>
      )}
      <div className="dialog-actions">
        <button type="button" className="button" onClick={onClose}>
          Close
        </button>
        <button
          type="button"
          className="button primary"
          data-testid="import-n8n-open"
          onClick={() => navigate(paths.editor(flow.id))}
        >
          Open the draft
        </button>
      </div>
    </>
  );
}
