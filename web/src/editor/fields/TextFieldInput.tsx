import { ExpressionInput } from './ExpressionInput.tsx';
import { useFieldLanguage, useFieldProblems } from './field-annotations.ts';
import { asText, type FieldInputProps, hasTemplate } from './field-props.ts';

/**
 * Single-line or multi-line text; expression-capable (autocomplete, drop, preview; monospace with a template), or a
 * code editor when the field's UI hint names a language.  The check's problems for the field are marked on its text.
 */
export function TextFieldInput({
  field,
  value,
  disabled,
  onChange,
  onBlur,
  multiline,
}: FieldInputProps & { multiline: boolean }) {
  const text = asText(value);
  const problems = useFieldProblems(field.name);
  const language = useFieldLanguage(field.name);
  const mono = hasTemplate(text) || field.kind === 'expression' || language !== undefined;
  return (
    <ExpressionInput
      testId={`field-${field.name}`}
      ariaLabel={field.label || field.name}
      className={`input ${mono ? 'mono' : ''}`}
      value={text}
      disabled={disabled}
      multiline={multiline}
      rows={language ? 8 : 4}
      placeholder={field.placeholder ?? (field.kind === 'expression' ? 'Value or {{ expression }}' : '')}
      problems={problems}
      {...(language ? { language } : {})}
      onBlur={onBlur}
      onChange={(next) => onChange(next === '' ? undefined : next)}
    />
  );
}
