import type { ReactNode } from 'react';

/**
 * The list-of-rows markup shared by the array template (field lists, object lists) and the key/value widget:
 * rows, × per row, + Add.  Test ids: the list `<testId>`, a row's remove button `-remove-<i>`, the add button `-add`.
 */
export function RowsList(props: {
  testId: string;
  disabled: boolean;
  addLabel: string;
  onAdd(): void;
  children: ReactNode;
}) {
  const { testId, disabled, addLabel, onAdd, children } = props;
  return (
    <div className="rows-editor" data-testid={testId}>
      {children}
      <button type="button" className="link-button" disabled={disabled} data-testid={`${testId}-add`} onClick={onAdd}>
        {addLabel}
      </button>
    </div>
  );
}

export function RowItem(props: {
  testId: string;
  index: number;
  disabled: boolean;
  onRemove(): void;
  children: ReactNode;
}) {
  const { testId, index, disabled, onRemove, children } = props;
  return (
    <div className="rows-editor-row schema-form-row">
      {children}
      <button
        type="button"
        className="icon-button"
        title="Remove"
        disabled={disabled}
        data-testid={`${testId}-remove-${index}`}
        onClick={onRemove}
      >
        ×
      </button>
    </div>
  );
}
