import { ExpressionInput } from './ExpressionInput.tsx';
import { type FieldInputProps, hasTemplate } from './field-props.ts';
import { RowsEditor, replaceAt } from './RowsEditor.tsx';
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
    <RowsEditor
      testId={testId}
      rows={rows}
      disabled={disabled}
      addLabel="+ Add"
      // A new row has a blank key, which is not stored until it gets one.
      onAdd={() => setRows([...rows, { key: '', value: '' }])}
      onRemove={(index) => update(rows.filter((_, i) => i !== index))}
      onReplace={(index, next) => update(replaceAt(rows, index, next))}
      renderRow={(row, index, replace) => (
        <>
          <input
            className="input"
            data-testid={`${testId}-key-${index}`}
            placeholder="Name"
            value={row.key}
            disabled={disabled}
            onBlur={onBlur}
            onChange={(event) => replace({ ...row, key: event.target.value })}
          />
          <ExpressionInput
            className={`input ${hasTemplate(row.value) ? 'mono' : ''}`}
            testId={`${testId}-value-${index}`}
            placeholder="Value or {{ expression }}"
            value={row.value}
            disabled={disabled}
            onBlur={onBlur}
            onChange={(next) => replace({ ...row, value: next })}
          />
        </>
      )}
    />
  );
}
