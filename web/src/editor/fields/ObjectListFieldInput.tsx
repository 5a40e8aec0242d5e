import { asText, type FieldInputProps, hasTemplate } from './field-props.ts';
import { RowsEditor, replaceAt } from './RowsEditor.tsx';

type Row = Record<string, unknown>;

const toRows = (value: unknown): Row[] =>
  Array.isArray(value)
    ? value.map((entry: unknown) => (typeof entry === 'object' && entry !== null ? { ...entry } : {}))
    : [];

const PLACEHOLDERS: Record<string, string> = {
  id: 'id (e.g. big_order)',
  label: 'Label',
  condition: '{{ condition }}',
};

/** Rows of flat text objects, one input per column (Switch cases: id, label, condition). */
export function ObjectListFieldInput({ field, value, disabled, onChange, onBlur }: FieldInputProps) {
  const rows = toRows(value);
  const columns = field.columns ?? [];
  const testId = `field-${field.name}`;
  return (
    <RowsEditor
      testId={testId}
      rows={rows}
      disabled={disabled}
      addLabel="+ Add"
      onAdd={() =>
        onChange([
          ...rows,
          Object.fromEntries(columns.map((column) => [column, column === 'id' ? `case_${rows.length + 1}` : ''])),
        ])
      }
      onRemove={(index) => onChange(rows.filter((_, i) => i !== index))}
      onReplace={(index, next) => onChange(replaceAt(rows, index, next))}
      renderRow={(row, index, replace) =>
        columns.map((column) => {
          const text = asText(row[column]);
          return (
            <input
              key={column}
              className={`input ${hasTemplate(text) ? 'mono' : ''}`}
              data-testid={`${testId}-${column}-${index}`}
              aria-label={`${field.label} ${index + 1} ${column}`}
              placeholder={PLACEHOLDERS[column] ?? column}
              value={text}
              disabled={disabled}
              onBlur={onBlur}
              onChange={(event) => replace({ ...row, [column]: event.target.value })}
            />
          );
        })
      }
    />
  );
}
