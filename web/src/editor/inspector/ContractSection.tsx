import type { FlowNode } from '@pipewright/flow';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../../api/api.ts';
import type { CompileErrorView } from '../../canvas/editor.store.ts';
import { useEditor } from '../../canvas/editor-context.ts';
import { ContractSchemaEditor } from './ContractSchemaEditor.tsx';
import { contractApi, contractQueryKeys } from './contract-api.ts';
import { useNodeEditing } from './useNodeEditing.ts';

const MODES = [
  { value: 'off', label: 'Off: accept every body' },
  { value: 'reject', label: 'Reject: answer 422 naming the field, start no run' },
  { value: 'flag', label: 'Flag: run, and mark the run (trigger.contract)' },
] as const;
type Mode = (typeof MODES)[number]['value'];

interface Contract {
  mode: Mode;
  schema?: unknown;
}

const isMode = (value: unknown): value is Mode => MODES.some((mode) => mode.value === value);

function contractOf(config: Record<string, unknown>): Contract {
  const raw = config.contract;
  if (typeof raw !== 'object' || raw === null) return { mode: 'off' };
  const mode = Object.getOwnPropertyDescriptor(raw, 'mode')?.value;
  const schema: unknown = Object.getOwnPropertyDescriptor(raw, 'schema')?.value;
  return { mode: isMode(mode) ? mode : 'off', ...(schema === undefined ? {} : { schema }) };
}

const VIOLATION_HOURS = 24;

/**
 * The webhook trigger's body contract: what a delivery that breaks it gets, its JSON Schema, a schema inferred
 * from the flow's recent deliveries, and how many deliveries broke it lately.
 */
export function ContractSection({
  node,
  errors,
  disabled,
}: {
  node: FlowNode;
  errors: CompileErrorView[];
  disabled: boolean;
}) {
  const flowId = useEditor((state) => state.document.flowId);
  const editing = useNodeEditing(node.id);
  const contract = contractOf(node.config);
  const [busy, setBusy] = useState(false);
  const [inferNote, setInferNote] = useState<{ ok: boolean; message: string } | null>(null);
  const queryClient = useQueryClient();
  const violations = useQuery({
    queryKey: contractQueryKeys.violations(flowId),
    queryFn: () => contractApi.violations(flowId, VIOLATION_HOURS),
    enabled: contract.mode !== 'off',
  });
  const contractErrors = errors.filter((error) => /^(config\.)?contract(\.|$)/.test(error.field ?? ''));

  const save = (next: Contract) => {
    const { schema, ...rest } = next;
    editing.setConfigField('contract', schema === undefined ? rest : { ...rest, schema });
  };

  const infer = async () => {
    setBusy(true);
    setInferNote(null);
    try {
      const inferred = await contractApi.infer(flowId, {});
      save({ ...contract, schema: inferred.schema });
      editing.seal();
      const plural = inferred.sampleCount === 1 ? 'delivery' : 'deliveries';
      setInferNote({ ok: true, message: `Inferred from ${inferred.sampleCount} recent ${plural}; edit it as needed.` });
      await queryClient.invalidateQueries({ queryKey: contractQueryKeys.violations(flowId) });
    } catch (error) {
      setInferNote({ ok: false, message: errorMessage(error) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="settings-section" data-testid="contract-section">
      <h3>Contract</h3>
      <p className="help">A JSON Schema the request body must match. Violations are counted.</p>
      <div className="form-row">
        <label htmlFor="contract-mode">When a body breaks it</label>
        <select
          id="contract-mode"
          data-testid="contract-mode"
          className="input"
          value={contract.mode}
          disabled={disabled}
          onChange={(event) => {
            if (isMode(event.target.value)) save({ ...contract, mode: event.target.value });
            editing.seal();
          }}
        >
          {MODES.map((mode) => (
            <option key={mode.value} value={mode.value}>
              {mode.label}
            </option>
          ))}
        </select>
      </div>
      <ContractSchemaEditor
        value={contract.schema}
        disabled={disabled}
        onChange={(schema) => save({ ...contract, schema })}
        onBlur={editing.seal}
      />
      {!disabled && (
        <button
          type="button"
          className="button"
          data-testid="contract-infer"
          disabled={busy}
          onClick={() => void infer()}
        >
          {busy ? 'Inferring…' : 'Infer from recent events'}
        </button>
      )}
      {inferNote && (
        <p className={inferNote.ok ? 'help' : 'field-error'} data-testid="contract-infer-note">
          {inferNote.message}
        </p>
      )}
      {contractErrors.map((error) => (
        <p className="field-error" key={`${error.field}:${error.message}`}>
          {error.message}
        </p>
      ))}
      {contract.mode !== 'off' && violations.data && (
        <p className="muted small" data-testid="contract-violations">
          Last {VIOLATION_HOURS} h: {violations.data.rejected} rejected, {violations.data.flagged} flagged
        </p>
      )}
    </section>
  );
}
