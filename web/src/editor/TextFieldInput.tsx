import { asText, type FieldInputProps, hasTemplate } from './field-props.ts';

/** Single-line or multi-line text; expression-capable (monospace once it holds a `{{ }}` template). */
export function TextFieldInput({
  field,
  value,
  disabled,
  onChange,
  onBlur,
  multiline,
}: FieldInputProps & { multiline: boolean }) {
  const text = asText(value);
  const className = `input ${hasTemplate(text) || field.kind === 'expression' ? 'mono' : ''}`;
  const common = {
    id: `field-${field.name}`,
    'data-testid': `field-${field.name}`,
    className,
    value: text,
    disabled,
    placeholder: field.placeholder ?? (field.kind === 'expression' ? 'Value or {{ expression }}' : ''),
    spellCheck: false,
    onBlur,
  };
  if (multiline)
    return (
      <textarea
        {...common}
        rows={4}
        onChange={(event) => onChange(event.target.value === '' ? undefined : event.target.value)}
      />
    );
  return (
    <input
      {...common}
      type="text"
      onChange={(event) => onChange(event.target.value === '' ? undefined : event.target.value)}
    />
  );
}
