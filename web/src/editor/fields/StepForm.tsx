import type { StepManifest } from '@pipewright/step-sdk';
import { useMemo } from 'react';
import { SchemaForm } from '../../ui/schema-form/SchemaForm.tsx';
import { formSchemaFor, uiSchemaFor } from '../../ui/schema-form/ui-schema.ts';
import { STEP_WIDGETS } from './step-widgets.tsx';

type StepInputs = Pick<StepManifest, 'inputSchema' | 'ui'>;

/** The form's schema and uiSchema for a step's inputs: strings are expression inputs unless a hint says otherwise. */
export function stepFormSchemas(manifest: StepInputs) {
  const schema = formSchemaFor(manifest.inputSchema, manifest.ui);
  return { schema, uiSchema: uiSchemaFor(schema, manifest.ui, { textWidget: 'expression' }) };
}

/** The names of the fields the generated form shows. */
export const stepFormFieldNames = (manifest: StepInputs): string[] =>
  Object.keys(stepFormSchemas(manifest).schema.properties ?? {});

/** Located messages (`url`, `fields.0.value`, below `prefix`) grouped by the top-level field they belong to. */
export function messagesByField(
  errors: readonly { field?: string | undefined; message: string }[],
  prefix = '',
): Record<string, string[]> {
  const grouped: Record<string, string[]> = {};
  for (const error of errors) {
    if (!error.field?.startsWith(prefix)) continue;
    const name = error.field.slice(prefix.length).split('.')[0] ?? '';
    if (name !== '') grouped[name] = [...(grouped[name] ?? []), error.message];
  }
  return grouped;
}

interface StepFormProps {
  manifest: StepInputs;
  config: Record<string, unknown>;
  errors: Record<string, string[]>;
  disabled: boolean;
  /** `field` gives `field-url`; the undo step's form uses `field-undo` with `.` (`field-undo.url`). */
  idPrefix: string;
  idSeparator?: string;
  onFieldChange(name: string, value: unknown): void;
  onBlur(): void;
}

/** A step's inputs as a form, generated from its input JSON Schema and UI hints (rjsf, our templates and widgets). */
export function StepForm({
  manifest,
  config,
  errors,
  disabled,
  idPrefix,
  idSeparator,
  onFieldChange,
  onBlur,
}: StepFormProps) {
  const { schema, uiSchema } = useMemo(() => stepFormSchemas(manifest), [manifest]);
  if (Object.keys(schema.properties ?? {}).length === 0)
    return <p className="muted small">This step has no settings.</p>;
  return (
    <SchemaForm
      schema={schema}
      uiSchema={uiSchema}
      value={config}
      idPrefix={idPrefix}
      {...(idSeparator === undefined ? {} : { idSeparator })}
      widgets={STEP_WIDGETS}
      errors={errors}
      disabled={disabled}
      onFieldChange={onFieldChange}
      onBlur={onBlur}
    />
  );
}
