import { ExpressionInput } from './ExpressionInput.tsx';
import { asText, type FieldInputProps, hasTemplate } from './field-props.ts';

interface FieldRow {
  name: string;
  value: unknown;
}

const toRows = (value: unknown): FieldRow[] =>
  Array.isArray(value)
    ? value.map((entry: unknown) => {
        const record = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : {};
        return { name: typeof record.name === 'string' ? record.name : '', value: record.value };
      })
    : [];

/** `[{ name, value }]` rows (the transform's fields); values are text, usually `{{ expressions }}`. */
export function FieldListFieldInput({ field, value, disabled, onChange, onBlur }: FieldInputProps) {
  const rows = toRows(value);
  const testId = `field-${field.name}`;
  return (
    <div className="rows-editor" data-testid={testId}>
      {rows.map((row, index) => {
        const text = asText(row.value);
        return (
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity besides their position
          <div className="rows-editor-row" key={index}>
            <input
              className="input"
              data-testid={`${testId}-name-${index}`}
              placeholder="Field name"
              value={row.name}
              disabled={disabled}
              onBlur={onBlur}
              onChange={(event) =>
                onChange(rows.map((other, i) => (i === index ? { ...other, name: event.target.value } : other)))
              }
            />
            <ExpressionInput
              className={`input ${hasTemplate(text) ? 'mono' : ''}`}
              testId={`${testId}-value-${index}`}
              placeholder="Value or {{ expression }}"
              value={text}
              disabled={disabled}
              onBlur={onBlur}
              onChange={(next) => onChange(rows.map((other, i) => (i === index ? { ...other, value: next } : other)))}
            />
            <button
              type="button"
              className="icon-button"
              title="Remove"
              disabled={disabled}
              data-testid={`${testId}-remove-${index}`}
              onClick={() => onChange(rows.filter((_, i) => i !== index))}
            >
              ×
            </button>
          </div>
        );
      })}
      <button
        type="button"
        className="link-button"
        disabled={disabled}
        data-testid={`${testId}-add`}
        onClick={() => onChange([...rows, { name: '', value: '' }])}
      >
        + Add field
      </button>
    </div>
  );
}
