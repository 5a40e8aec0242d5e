import type { FlowNode } from '@pipewright/flow';
import type { StepManifest } from '@pipewright/step-sdk';
import { useMemo } from 'react';
import type { CompileErrorView } from '../../canvas/editor.store.ts';
import { FieldInput } from '../fields/FieldInput.tsx';
import { describeFields } from '../fields/form-fields.ts';
import { useNodeEditing } from './useNodeEditing.ts';

interface ConfigFormProps {
  node: FlowNode;
  manifest: StepManifest;
  errors: CompileErrorView[];
  disabled: boolean;
}

/** The step's inputs, generated from its input JSON Schema and UI hints. */
export function ConfigForm({ node, manifest, errors, disabled }: ConfigFormProps) {
  const fields = useMemo(() => describeFields(manifest), [manifest]);
  const editing = useNodeEditing(node.id);
  if (fields.length === 0) return <p className="muted small">This step has no settings.</p>;
  return (
    <div className="form">
      {fields.map((field) => {
        const fieldErrors = errors.filter(
          (error) => error.field === field.name || error.field?.startsWith(`${field.name}.`),
        );
        return (
          <div key={field.name} className={`form-row ${fieldErrors.length ? 'has-error' : ''}`}>
            <label htmlFor={`field-${field.name}`} className={field.kind === 'toggle' ? 'toggle-label' : ''}>
              {field.label}
              {field.required && <span className="required">*</span>}
            </label>
            <FieldInput
              field={field}
              value={node.config[field.name]}
              disabled={disabled}
              onChange={(value) => editing.setConfigField(field.name, value)}
              onBlur={editing.seal}
            />
            {field.help && <p className="help">{field.help}</p>}
            {fieldErrors.map((error) => (
              <p className="field-error" key={error.message}>
                {error.message}
              </p>
            ))}
          </div>
        );
      })}
    </div>
  );
}
