import type { ReactNode } from 'react';

interface RowsEditorProps<Row> {
  /** `field-<name>`; rows get `-remove-<i>`, the add button `-add`. */
  testId: string;
  rows: Row[];
  disabled: boolean;
  addLabel: string;
  /** Adds a row (callers decide whether an empty row is stored yet). */
  onAdd(): void;
  onRemove(index: number): void;
  /** The row's own inputs; `replace` swaps the row for a new value. */
  renderRow(row: Row, index: number, replace: (next: Row) => void): ReactNode;
  onReplace(index: number, next: Row): void;
}

/** The list-of-rows editor shared by the key/value, field-list and object-list inputs: rows, × per row, + Add. */
export function RowsEditor<Row>({
  testId,
  rows,
  disabled,
  addLabel,
  onAdd,
  onRemove,
  renderRow,
  onReplace,
}: RowsEditorProps<Row>) {
  return (
    <div className="rows-editor" data-testid={testId}>
      {rows.map((row, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: rows have no identity besides their position
        <div className="rows-editor-row" key={index}>
          {renderRow(row, index, (next) => onReplace(index, next))}
          <button
            type="button"
            className="icon-button"
            title="Remove"
            disabled={disabled}
            data-testid={`${testId}-remove-${index}`}
            onClick={() => onRemove(index)}
          >
            ×
          </button>
        </div>
      ))}
      <button type="button" className="link-button" disabled={disabled} data-testid={`${testId}-add`} onClick={onAdd}>
        {addLabel}
      </button>
    </div>
  );
}

/** `rows` with row `index` replaced. */
export const replaceAt = <Row,>(rows: Row[], index: number, next: Row): Row[] =>
  rows.map((row, i) => (i === index ? next : row));
