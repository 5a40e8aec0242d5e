import type { ApiErrorBody, FlowDetail, WebhookSecretResponse } from '@pipewright/api-contract';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { queryKeys, useFlow } from '../../api/queries.ts';
import { useEditor } from '../../canvas/editor-context.ts';

async function rotateSecret(flowId: string): Promise<string> {
  const path = `/api/flows/${encodeURIComponent(flowId)}/webhook-secret/rotate`;
  const response = await fetch(path, { method: 'POST', headers: { accept: 'application/json' } });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    throw new Error((body as ApiErrorBody | null)?.error?.message ?? `POST ${path} failed with ${response.status}`);
  }
  return (body as WebhookSecretResponse).secret;
}

/**
 * The flow's webhook signing secret: the server only ever shows a hint (`whsec_…abcd`); generating a new one shows
 * it here once, to paste into the sender.  Deliveries signed with the old secret are refused from then on.
 */
export function WebhookSecret() {
  const flowId = useEditor((state) => state.document.flowId);
  const hint = useFlow(flowId).data?.webhookSecretHint;
  const queryClient = useQueryClient();
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const rotate = async () => {
    if (hint && !window.confirm('Senders using the current secret will be refused until they get the new one.')) return;
    setBusy(true);
    setError(null);
    try {
      const fresh = await rotateSecret(flowId);
      setSecret(fresh);
      queryClient.setQueryData<FlowDetail>(queryKeys.flow(flowId), (flow) =>
        flow ? { ...flow, webhookSecretHint: `whsec_…${fresh.slice(-4)}` } : flow,
      );
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="settings-section" data-testid="webhook-secret">
      <h3>Signing secret</h3>
      {secret ? (
        <>
          <p className="help">Copy it now: it will not be shown again.</p>
          <pre className="code" data-testid="webhook-secret-value">
            {secret}
          </pre>
          <button type="button" className="button" onClick={() => void navigator.clipboard?.writeText(secret)}>
            Copy
          </button>
        </>
      ) : (
        <p className="muted small" data-testid="webhook-secret-hint">
          {hint ? <code>{hint}</code> : 'No secret yet.'} Used when the trigger checks signatures.
        </p>
      )}
      <button
        type="button"
        className="button"
        data-testid="webhook-secret-rotate"
        disabled={busy}
        onClick={() => void rotate()}
      >
        {busy ? 'Generating…' : hint ? 'Generate a new secret' : 'Generate a secret'}
      </button>
      {error && <p className="field-error">{error}</p>}
    </section>
  );
}
