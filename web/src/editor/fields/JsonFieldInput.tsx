import { previewValue } from '../data-mapping/data-mapping.ts';
import { ExpressionInput } from './ExpressionInput.tsx';
import { useFieldProblems } from './field-annotations.ts';
import type { FieldInputProps } from './field-props.ts';
import { formatJsonValue, parseJsonOrRaw } from './form-fields.ts';
import { useSyncedDraft } from './useSyncedDraft.ts';

/** Previews what is stored: parsed JSON (templates inside its strings evaluated) or the raw template. */
const previewJsonText = (text: string, context: Record<string, unknown>) => previewValue(parseJsonOrRaw(text), context);

/** Any-typed values (e.g. an HTTP body): stores parsed JSON when the text is valid JSON, else the raw string. */
export function JsonFieldInput({ field, value, disabled, onChange, onBlur }: FieldInputProps) {
  const [text, setText] = useSyncedDraft(value, formatJsonValue, parseJsonOrRaw);
  const problems = useFieldProblems(field.name);
  const parsed = parseJsonOrRaw(text);
  const isJson = text.trim() !== '' && typeof parsed !== 'string';
  return (
    <div className="json-field">
      <ExpressionInput
        testId={`field-${field.name}`}
        ariaLabel={field.label || field.name}
        className="input mono"
        multiline
        rows={5}
        value={text}
        disabled={disabled}
        placeholder={field.placeholder ?? '{ "key": "value" } or {{ expression }}'}
        preview={previewJsonText}
        problems={problems}
        onBlur={onBlur}
        onChange={(next) => {
          setText(next);
          onChange(parseJsonOrRaw(next));
        }}
      />
      {text.trim() !== '' && <span className="field-note">{isJson ? 'JSON' : 'Text / expression'}</span>}
    </div>
  );
}
