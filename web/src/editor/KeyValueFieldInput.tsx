import { ExpressionInput } from './ExpressionInput.tsx';
import { type FieldInputProps, hasTemplate } from './field-props.ts';
import { useSyncedDraft } from './useSyncedDraft.ts';

interface Row {
  key: string;
  value: string;
}

const toRows = (value: unknown): Row[] =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
    ? Object.entries(value).map(([key, entry]) => ({
        key,
        value: typeof entry === 'string' ? entry : JSON.stringify(entry),
      }))
    : [];

const fromRows = (rows: Row[]): Record<string, string> =>
  Object.fromEntries(rows.filter((row) => row.key.trim() !== '').map((row) => [row.key.trim(), row.value]));

/** Object of strings (headers, query) as rows; rows with a blank key are kept while typing but not stored. */
export function KeyValueFieldInput({ field, value, disabled, onChange, onBlur }: FieldInputProps) {
  const [rows, setRows] = useSyncedDraft(value, toRows, fromRows);
  const update = (next: Row[]) => {
    setRows(next);
    onChange(fromRows(next));
  };
  const testId = `field-${field.name}`;
  return (
    <div className="rows-editor" data-testid={testId}>
      {rows.map((row, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity besides their position
        <div className="rows-editor-row" key={index}>
          <input
            className="input"
            data-testid={`${testId}-key-${index}`}
            placeholder="Name"
            value={row.key}
            disabled={disabled}
            onBlur={onBlur}
            onChange={(event) =>
              update(rows.map((other, i) => (i === index ? { ...other, key: event.target.value } : other)))
            }
          />
          <ExpressionInput
            className={`input ${hasTemplate(row.value) ? 'mono' : ''}`}
            testId={`${testId}-value-${index}`}
            placeholder="Value or {{ expression }}"
            value={row.value}
            disabled={disabled}
            onBlur={onBlur}
            onChange={(next) => update(rows.map((other, i) => (i === index ? { ...other, value: next } : other)))}
          />
          <button
            type="button"
            className="icon-button"
            title="Remove"
            disabled={disabled}
            data-testid={`${testId}-remove-${index}`}
            onClick={() => update(rows.filter((_, i) => i !== index))}
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
        onClick={() => setRows([...rows, { key: '', value: '' }])}
      >
        + Add
      </button>
    </div>
  );
}
