import { ExpressionInput } from './ExpressionInput.tsx';
import { asText, type FieldInputProps, hasTemplate } from './field-props.ts';

/** Single-line or multi-line text; expression-capable (autocomplete, drop, preview; monospace with a template). */
export function TextFieldInput({
  field,
  value,
  disabled,
  onChange,
  onBlur,
  multiline,
}: FieldInputProps & { multiline: boolean }) {
  const text = asText(value);
  return (
    <ExpressionInput
      testId={`field-${field.name}`}
      className={`input ${hasTemplate(text) || field.kind === 'expression' ? 'mono' : ''}`}
      value={text}
      disabled={disabled}
      multiline={multiline}
      placeholder={field.placeholder ?? (field.kind === 'expression' ? 'Value or {{ expression }}' : '')}
      onBlur={onBlur}
      onChange={(next) => onChange(next === '' ? undefined : next)}
    />
  );
}
