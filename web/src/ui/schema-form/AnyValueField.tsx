import type { FieldProps } from '@rjsf/utils';
import { getUiOptions } from '@rjsf/utils';

/**
 * Renders the widget named by `ui:widget` whatever the schema's type: rjsf only hosts widgets on string, number,
 * boolean and array fields, and our hints also put widgets on maps (`keyValue`), any-typed values (`json`, a field
 * list's value) and unions.
 */
export function AnyValueField(props: FieldProps) {
  const { registry, uiSchema, fieldPathId, formData, onChange, onBlur, onFocus, schema, name } = props;
  const options = getUiOptions(uiSchema, registry.globalUiOptions);
  const Widget = typeof options.widget === 'string' ? registry.widgets[options.widget] : undefined;
  if (!Widget) throw new Error(`Field "${fieldPathId.$id}": no widget "${String(options.widget)}" in this form`);
  return (
    <Widget
      id={fieldPathId.$id}
      name={name}
      label={typeof options.title === 'string' ? options.title : name}
      schema={schema}
      uiSchema={uiSchema ?? {}}
      registry={registry}
      options={options}
      value={formData}
      placeholder={typeof options.placeholder === 'string' ? options.placeholder : ''}
      disabled={props.disabled === true}
      readonly={props.readonly === true}
      required={props.required === true}
      rawErrors={props.rawErrors ?? []}
      onChange={(value: unknown) => onChange(value, fieldPathId.path)}
      onBlur={onBlur}
      onFocus={onFocus}
    />
  );
}
