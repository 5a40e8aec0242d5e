import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, lazy, Suspense, useState } from 'react';
import { api, errorMessage } from '../api/api.ts';
import { queryKeys, useFlows } from '../api/queries.ts';
import { Link } from '../routing/Link.tsx';
import { navigate, paths } from '../routing/router.ts';
import { formatDate } from '../ui/format.ts';
import { ImportN8nDialog } from './ImportN8nDialog.tsx';

const ImportFlowFileDialog = lazy(() =>
  import('./ImportFlowFileDialog.tsx').then((module) => ({ default: module.ImportFlowFileDialog })),
);

/** The flows list, "New flow" (asks for a name inline, creates, opens the editor) and "Import from n8n". */
export function FlowsPage() {
  const flows = useFlows();
  const queryClient = useQueryClient();
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState('');
  const [importing, setImporting] = useState(false);
  const [importingFile, setImportingFile] = useState(false);
  const create = useMutation({
    mutationFn: (flowName: string) => api.createFlow({ name: flowName }),
    onSuccess: (flow) => {
      queryClient.setQueryData(queryKeys.flow(flow.id), flow);
      void queryClient.invalidateQueries({ queryKey: queryKeys.flows, exact: true });
      navigate(paths.editor(flow.id));
    },
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (name.trim()) create.mutate(name.trim());
  };

  return (
    <div className="page">
      <header className="page-header">
        <h1>Flows</h1>
        <span className="spacer" />
        <button type="button" className="button" data-testid="flow-import" onClick={() => setImportingFile(true)}>
          Import from file
        </button>
        <button type="button" className="button" data-testid="import-n8n-button" onClick={() => setImporting(true)}>
          Import from n8n
        </button>
        {!creating && (
          <button
            type="button"
            className="button primary"
            data-testid="new-flow-button"
            onClick={() => setCreating(true)}
          >
            + New flow
          </button>
        )}
      </header>
      {importing && <ImportN8nDialog onClose={() => setImporting(false)} />}
      {importingFile && (
        <Suspense fallback={null}>
          <ImportFlowFileDialog onClose={() => setImportingFile(false)} />
        </Suspense>
      )}
      {creating && (
        <form className="new-flow-form card" onSubmit={submit}>
          <label htmlFor="new-flow-name">Name of the new flow</label>
          <input
            id="new-flow-name"
            className="input"
            data-testid="new-flow-name"
            // biome-ignore lint/a11y/noAutofocus: the form opens because the user asked to type a name
            autoFocus
            value={name}
            placeholder="e.g. Sync new orders"
            onChange={(event) => setName(event.target.value)}
          />
          <button
            type="submit"
            className="button primary"
            data-testid="new-flow-create"
            disabled={!name.trim() || create.isPending}
          >
            {create.isPending ? 'Creating…' : 'Create'}
          </button>
          <button type="button" className="button" onClick={() => setCreating(false)}>
            Cancel
          </button>
          {create.error && <p className="field-error">{errorMessage(create.error)}</p>}
        </form>
      )}
      {flows.error && <p className="field-error">{errorMessage(flows.error)}</p>}
      {flows.isPending && <p className="muted">Loading…</p>}
      {flows.data && (
        <table className="table" data-testid="flows-list">
          <thead>
            <tr>
              <th>Name</th>
              <th>Latest version</th>
              <th>Steps</th>
              <th>Updated</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {flows.data.length === 0 && (
              <tr>
                <td colSpan={5} className="muted">
                  No flows yet. Create one to get started.
                </td>
              </tr>
            )}
            {flows.data.map((flow) => (
              <tr key={flow.id} data-testid={`flow-row-${flow.id}`}>
                <td>
                  <Link to={paths.editor(flow.id)} testId={`flow-link-${flow.id}`}>
                    {flow.name}
                  </Link>
                  {flow.paused && (
                    <span className="badge" data-testid={`flow-paused-${flow.id}`}>
                      Paused
                    </span>
                  )}
                </td>
                <td>
                  {flow.latestVersion === null ? (
                    <span className="muted">not published</span>
                  ) : (
                    `v${flow.latestVersion}`
                  )}
                </td>
                <td>{flow.nodeCount}</td>
                <td>{formatDate(flow.updatedAt)}</td>
                <td>
                  <Link to={paths.flowRuns(flow.id)}>Runs</Link>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
