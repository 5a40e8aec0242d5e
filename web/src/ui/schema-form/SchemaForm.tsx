import Form from '@rjsf/core';
import type { ErrorSchema, RegistryWidgetsType, RJSFSchema, UiSchema } from '@rjsf/utils';
import { deepEquals } from '@rjsf/utils';
import { useMemo, useRef } from 'react';
import { AnyValueField } from './AnyValueField.tsx';
import { SCHEMA_FORM_TEMPLATES } from './templates.tsx';
import type { JsonSchema } from './ui-schema.ts';
import { schemaValidator } from './validator.ts';
import { PLAIN_WIDGETS } from './widgets.tsx';
import './schema-form.css';

export interface SchemaFormProps {
  /** An object schema (see `formSchemaFor`) and its uiSchema (see `uiSchemaFor`). */
  schema: JsonSchema;
  uiSchema: UiSchema;
  value: Record<string, unknown>;
  /** Ids are `<idPrefix><idSeparator><field>` (`field-url`): the label's `for` and the control's test id. */
  idPrefix: string;
  idSeparator?: string;
  /** Widgets by hint name, added to (or replacing) the plain ones. */
  widgets?: RegistryWidgetsType;
  /** Messages to show under a top-level field, by field name (e.g. the compiler's). */
  errors?: Readonly<Record<string, readonly string[]>>;
  disabled?: boolean;
  /** One top-level field changed (undefined: cleared). */
  onFieldChange(name: string, value: unknown): void;
  onBlur?(): void;
}

const FIELDS = { anyValue: AnyValueField };
/** The form shows and sends only what is set: a default is the step's or the server's to apply, not the form's. */
const NO_DEFAULTS = { emptyObjectFields: 'skipDefaults', arrayMinItems: { populate: 'never' } } as const;

const asRjsfSchema = (schema: JsonSchema): RJSFSchema => ({ ...schema });

/**
 * An rjsf form with our templates, plain widgets and validator, rendered as a `div` (it sits inside other forms)
 * and reporting changes field by field, so an edit is one field's edit (one undo step in the inspector).
 */
export function SchemaForm(props: SchemaFormProps) {
  const {
    schema,
    uiSchema,
    value,
    idPrefix,
    idSeparator = '-',
    widgets,
    errors,
    disabled,
    onFieldChange,
    onBlur,
  } = props;
  const latest = useRef(value);
  latest.current = value;
  const rjsfSchema = useMemo(() => asRjsfSchema(schema), [schema]);
  const registryWidgets = useMemo(() => ({ ...PLAIN_WIDGETS, ...widgets }), [widgets]);
  const extraErrors = useMemo(() => errorSchemaOf(errors), [errors]);
  return (
    <Form
      tagName="div"
      className="schema-form"
      schema={rjsfSchema}
      uiSchema={uiSchema}
      formData={value}
      validator={schemaValidator}
      templates={SCHEMA_FORM_TEMPLATES}
      widgets={registryWidgets}
      fields={FIELDS}
      idPrefix={idPrefix}
      idSeparator={idSeparator}
      noValidate
      showErrorList={false}
      {...(extraErrors ? { extraErrors } : {})}
      disabled={disabled === true}
      experimental_defaultFormStateBehavior={NO_DEFAULTS}
      onBlur={() => onBlur?.()}
      onChange={(event) => {
        const next: Record<string, unknown> = event.formData ?? {};
        const before = latest.current;
        for (const name of new Set([...Object.keys(next), ...Object.keys(before)])) {
          if (!deepEquals(next[name], before[name])) onFieldChange(name, next[name]);
        }
      }}
    />
  );
}

function errorSchemaOf(errors: SchemaFormProps['errors']): ErrorSchema | undefined {
  if (!errors) return undefined;
  const entries = Object.entries(errors).filter(([, messages]) => messages.length > 0);
  return entries.length === 0
    ? undefined
    : (Object.fromEntries(entries.map(([name, messages]) => [name, { __errors: [...messages] }])) as ErrorSchema);
}
