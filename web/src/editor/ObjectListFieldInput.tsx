import { asText, type FieldInputProps, hasTemplate } from './field-props.ts';

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
  const setCell = (index: number, column: string, text: string) =>
    onChange(rows.map((row, i) => (i === index ? { ...row, [column]: text } : row)));
  return (
    <div className="rows-editor" data-testid={testId}>
      {rows.map((row, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity besides their position
        <div className="rows-editor-row" key={index}>
          {columns.map((column) => {
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
                onChange={(event) => setCell(index, column, event.target.value)}
              />
            );
          })}
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
      ))}
      <button
        type="button"
        className="link-button"
        disabled={disabled}
        data-testid={`${testId}-add`}
        onClick={() =>
          onChange([
            ...rows,
            Object.fromEntries(columns.map((column) => [column, column === 'id' ? `case_${rows.length + 1}` : ''])),
          ])
        }
      >
        + Add
      </button>
    </div>
  );
}
