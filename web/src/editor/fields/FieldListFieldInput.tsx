import { ExpressionInput } from './ExpressionInput.tsx';
import { asText, type FieldInputProps, hasTemplate } from './field-props.ts';
import { RowsEditor, replaceAt } from './RowsEditor.tsx';

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
    <RowsEditor
      testId={testId}
      rows={rows}
      disabled={disabled}
      addLabel="+ Add field"
      onAdd={() => onChange([...rows, { name: '', value: '' }])}
      onRemove={(index) => onChange(rows.filter((_, i) => i !== index))}
      onReplace={(index, next) => onChange(replaceAt(rows, index, next))}
      renderRow={(row, index, replace) => {
        const text = asText(row.value);
        return (
          <>
            <input
              className="input"
              data-testid={`${testId}-name-${index}`}
              placeholder="Field name"
              value={row.name}
              disabled={disabled}
              onBlur={onBlur}
              onChange={(event) => replace({ ...row, name: event.target.value })}
            />
            <ExpressionInput
              className={`input ${hasTemplate(text) ? 'mono' : ''}`}
              testId={`${testId}-value-${index}`}
              placeholder="Value or {{ expression }}"
              value={text}
              disabled={disabled}
              onBlur={onBlur}
              onChange={(next) => replace({ ...row, value: next })}
            />
          </>
        );
      }}
    />
  );
}
