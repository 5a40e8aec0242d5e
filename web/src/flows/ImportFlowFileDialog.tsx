import type { FlowImportResponse } from '@pipewright/api-contract';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ChangeEvent, useState } from 'react';
import { ApiError, api, errorMessage } from '../api/api.ts';
import { queryKeys } from '../api/queries.ts';
import { Link } from '../routing/Link.tsx';
import { paths } from '../routing/router.ts';
import { Dialog } from '../ui/Dialog.tsx';

/**
 * "Import from file": a flow file (the editor's Export) becomes a new draft.  The report — credentials to pick, flows
 * it names that this workspace lacks — is shown with a link to the new flow.  Loaded on first open.
 */
export function ImportFlowFileDialog({ onClose }: { onClose: () => void }) {
  const queryClient = useQueryClient();
  const [readError, setReadError] = useState<string | null>(null);
  const importFile = useMutation({
    mutationFn: (file: unknown) => api.importFlowFile(file),
    onSuccess: ({ flow }) => {
      queryClient.setQueryData(queryKeys.flow(flow.id), flow);
      void queryClient.invalidateQueries({ queryKey: queryKeys.flows, exact: true });
    },
  });

  const readFile = (event: ChangeEvent<HTMLInputElement>) => {
    const chosen = event.target.files?.[0];
    if (!chosen) return;
    setReadError(null);
    void chosen.text().then((text) => {
      let file: unknown;
      try {
        file = JSON.parse(text);
      } catch (error) {
        setReadError(`This is not JSON: ${error instanceof Error ? error.message : String(error)}`);
        return;
      }
      importFile.mutate(file);
    });
  };

  return (
    <Dialog
      title="Import a flow from a file"
      testId="flow-import-dialog"
      className="import-n8n-dialog"
      onClose={onClose}
    >
      {importFile.data ? (
        <ImportReport result={importFile.data} onClose={onClose} />
      ) : (
        <>
          <p className="muted small">
            Choose a <code>.pipewright.json</code> file (Export in a flow’s editor). It becomes a new draft; credentials
            are not in the file, so you pick them again.
          </p>
          <input
            type="file"
            accept=".json,application/json"
            data-testid="flow-import-file"
            aria-label="Flow file"
            disabled={importFile.isPending}
            onChange={readFile}
          />
          {importFile.isPending && <p className="muted small">Importing…</p>}
          {readError && <p className="field-error">{readError}</p>}
          {importFile.error && (
            <p className="field-error" data-testid="flow-import-error">
              {importErrorText(importFile.error)}
            </p>
          )}
          <div className="dialog-actions">
            <button type="button" className="button" onClick={onClose}>
              Cancel
            </button>
          </div>
        </>
      )}
    </Dialog>
  );
}

function importErrorText(error: Error): string {
  const issues = error instanceof ApiError ? (error.body?.error.issues ?? []) : [];
  return issues.length > 1 ? issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ') : errorMessage(error);
}

function ImportReport({ result, onClose }: { result: FlowImportResponse; onClose: () => void }) {
  const { flow, report } = result;
  return (
    <>
      <p data-testid="flow-import-summary">
        Imported <strong>{flow.name}</strong> as a draft with {flow.document.nodes.length} steps.{' '}
        {report.length === 0 ? 'Nothing is left to set.' : 'Before it runs as it did:'}
      </p>
      {report.length > 0 && (
        <ul className="import-n8n-report" data-testid="flow-import-report">
          {report.map((entry) => (
            <li key={`${entry.node ?? ''}|${entry.field ?? ''}`} data-testid="flow-import-problem">
              {entry.node && <strong>{entry.node}</strong>}
              {entry.field && (
                <>
                  {entry.node ? ' · ' : ''}
                  <code>{entry.field}</code>
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
        <Link to={paths.editor(flow.id)} className="button primary" testId="flow-import-open">
          Open the new flow
        </Link>
      </div>
    </>
  );
}
