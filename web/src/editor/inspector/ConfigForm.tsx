import type { FlowNode } from '@pipewright/flow';
import type { StepManifest } from '@pipewright/step-sdk';
import { useMemo } from 'react';
import type { CompileErrorView } from '../../canvas/editor.store.ts';
import { codeLanguages, FieldAnnotationsContext } from '../fields/field-annotations.ts';
import { messagesByField, StepForm } from '../fields/StepForm.tsx';
import { useNodeEditing } from './useNodeEditing.ts';

interface ConfigFormProps {
  node: FlowNode;
  manifest: StepManifest;
  errors: CompileErrorView[];
  disabled: boolean;
}

/** The step's inputs, generated from its input JSON Schema and UI hints; the check's errors under their field. */
export function ConfigForm({ node, manifest, errors, disabled }: ConfigFormProps) {
  const editing = useNodeEditing(node.id);
  const annotations = useMemo(() => ({ problems: errors, languages: codeLanguages(manifest.ui) }), [errors, manifest]);
  const fieldErrors = useMemo(() => messagesByField(errors), [errors]);
  return (
    <FieldAnnotationsContext.Provider value={annotations}>
      <StepForm
        manifest={manifest}
        config={node.config}
        errors={fieldErrors}
        disabled={disabled}
        idPrefix="field"
        onFieldChange={editing.setConfigField}
        onBlur={editing.seal}
      />
    </FieldAnnotationsContext.Provider>
  );
}
