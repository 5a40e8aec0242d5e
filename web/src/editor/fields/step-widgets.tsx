import type { RegistryWidgetsType, WidgetProps } from '@rjsf/utils';
import { rowNumberOf, testIdFor } from '../../ui/schema-form/field-ids.ts';
import type { FieldDescriptor, FieldKind } from './form-fields.ts';
import { JsonFieldInput } from './JsonFieldInput.tsx';
import { KeyValueWidget } from './KeyValueWidget.tsx';
import { TextFieldInput } from './TextFieldInput.tsx';

/** What the expression-aware inputs take, from an rjsf widget's props (their test id is `field-<name>`). */
function descriptorOf(props: WidgetProps, kind: FieldKind): FieldDescriptor {
  const row = rowNumberOf(props.id);
  return {
    name: testIdFor(props.id).replace(/^field-/, ''),
    // A row cell has no label of its own: its column and row name it.
    label: row === undefined ? props.label : `${props.label} ${row}`,
    kind,
    required: props.required === true,
    ...(props.placeholder ? { placeholder: props.placeholder } : {}),
  };
}

const inputProps = (props: WidgetProps) => ({
  value: props.value,
  disabled: props.disabled === true || props.readonly === true,
  onChange: (value: unknown) => props.onChange(value),
  onBlur: () => props.onBlur(props.id, props.value),
});

function ExpressionWidget(props: WidgetProps) {
  return <TextFieldInput field={descriptorOf(props, 'expression')} multiline={false} {...inputProps(props)} />;
}

/** Text without a hint to be an expression: monospace only once it holds a template. */
function TextWidget(props: WidgetProps) {
  return <TextFieldInput field={descriptorOf(props, 'text')} multiline={false} {...inputProps(props)} />;
}

function TextareaWidget(props: WidgetProps) {
  return <TextFieldInput field={descriptorOf(props, 'textarea')} multiline {...inputProps(props)} />;
}

function JsonWidget(props: WidgetProps) {
  return <JsonFieldInput field={descriptorOf(props, 'json')} {...inputProps(props)} />;
}

/**
 * The inspector's widgets by hint name, on top of the plain ones: texts understand `{{ … }}` (suggestions, drop,
 * preview), JSON values keep a draft, key/value maps are rows.
 */
export const STEP_WIDGETS: RegistryWidgetsType = {
  text: TextWidget,
  expression: ExpressionWidget,
  textarea: TextareaWidget,
  json: JsonWidget,
  keyValue: KeyValueWidget,
};
