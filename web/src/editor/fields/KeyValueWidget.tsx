import type { WidgetProps } from '@rjsf/utils';
import { testIdFor } from '../../ui/schema-form/field-ids.ts';
import { RowItem, RowsList } from '../../ui/schema-form/rows.tsx';
import { useSyncedDraft } from '../../ui/schema-form/useSyncedDraft.ts';
import { ExpressionInput } from './ExpressionInput.tsx';
import { hasTemplate } from './field-props.ts';

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

/**
 * An object of strings (headers, query) as rows.  A custom widget rather than rjsf's additional-properties editor:
 * there a new key is named "newKey" and renamed on blur, and an object cannot hold the blank-key row a user is
 * still typing; here rows are a local draft, a row with a blank key is kept while typing but not stored.
 */
export function KeyValueWidget(props: WidgetProps) {
  const { id, value, onChange } = props;
  const disabled = props.disabled === true || props.readonly === true;
  const [rows, setRows] = useSyncedDraft(value, toRows, fromRows);
  const update = (next: Row[]) => {
    setRows(next);
    onChange(fromRows(next));
  };
  const replace = (index: number, next: Row) => update(rows.map((row, i) => (i === index ? next : row)));
  const onBlur = () => props.onBlur(id, value);
  const testId = testIdFor(id);
  return (
    // A new row has a blank key, which is not stored until it gets one.
    <RowsList
      testId={testId}
      disabled={disabled}
      addLabel="+ Add"
      onAdd={() => setRows([...rows, { key: '', value: '' }])}
    >
      {rows.map((row, index) => (
        <RowItem
          // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity besides their position
          key={index}
          testId={testId}
          index={index}
          disabled={disabled}
          onRemove={() => update(rows.filter((_, i) => i !== index))}
        >
          <input
            className="input"
            data-testid={`${testId}-key-${index}`}
            aria-label={`${props.label} ${index + 1} name`}
            placeholder="Name"
            value={row.key}
            disabled={disabled}
            onBlur={onBlur}
            onChange={(event) => replace(index, { ...row, key: event.target.value })}
          />
          <ExpressionInput
            className={`input ${hasTemplate(row.value) ? 'mono' : ''}`}
            testId={`${testId}-value-${index}`}
            ariaLabel={`${props.label} ${index + 1} value`}
            placeholder="Value or {{ expression }}"
            value={row.value}
            disabled={disabled}
            onBlur={onBlur}
            onChange={(next) => replace(index, { ...row, value: next })}
          />
        </RowItem>
      ))}
    </RowsList>
  );
}
