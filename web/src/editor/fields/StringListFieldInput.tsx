import type { FieldInputProps } from './field-props.ts';
import { parseStringList } from './form-fields.ts';
import { useSyncedDraft } from './useSyncedDraft.ts';

const toText = (value: unknown) => (Array.isArray(value) ? value.map(String).join(', ') : '');

/** A list of strings typed as comma-separated text. */
export function StringListFieldInput({ field, value, disabled, onChange, onBlur }: FieldInputProps) {
  const [text, setText] = useSyncedDraft(value, toText, parseStringList);
  return (
    <input
      id={`field-${field.name}`}
      data-testid={`field-${field.name}`}
      className="input"
      type="text"
      value={text}
      disabled={disabled}
      placeholder={field.placeholder ?? 'a, b, c'}
      onBlur={onBlur}
      onChange={(event) => {
        setText(event.target.value);
        onChange(parseStringList(event.target.value));
      }}
    />
  );
}
