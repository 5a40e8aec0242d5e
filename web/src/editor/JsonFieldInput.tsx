import type { FieldInputProps } from './field-props.ts';
import { formatJsonValue, parseJsonOrRaw } from './form-fields.ts';
import { useSyncedDraft } from './useSyncedDraft.ts';

/** Any-typed values (e.g. an HTTP body): stores parsed JSON when the text is valid JSON, else the raw string. */
export function JsonFieldInput({ field, value, disabled, onChange, onBlur }: FieldInputProps) {
  const [text, setText] = useSyncedDraft(value, formatJsonValue, parseJsonOrRaw);
  const parsed = parseJsonOrRaw(text);
  const isJson = text.trim() !== '' && typeof parsed !== 'string';
  return (
    <div className="json-field">
      <textarea
        id={`field-${field.name}`}
        data-testid={`field-${field.name}`}
        className="input mono"
        rows={5}
        value={text}
        disabled={disabled}
        spellCheck={false}
        placeholder={field.placeholder ?? '{ "key": "value" } or {{ expression }}'}
        onBlur={onBlur}
        onChange={(event) => {
          setText(event.target.value);
          onChange(parseJsonOrRaw(event.target.value));
        }}
      />
      {text.trim() !== '' && <span className="field-note">{isJson ? 'JSON' : 'Text / expression'}</span>}
    </div>
  );
}
