import { MAX_SEARCHABLE_FIELDS, SEARCHABLE_NAME_PATTERN, type SearchableFieldSetting } from '@pipewright/flow';
import { useState } from 'react';
import { useEditor, useEditorStore } from '../canvas/editor-context.ts';
import { setFlowSetting } from '../canvas/flow-settings.ts';
import { Dialog } from '../ui/Dialog.tsx';

/**
 * The flow's searchable fields (`settings.searchable`): business keys such as an order id, computed from the trigger
 * as each run starts, so the runs list can find runs by them (`key=name=value`).  Applied as one undoable edit of
 * the document's settings; the compiler checks the expressions when the flow is published.
 */
export function SearchableFields() {
  const store = useEditorStore();
  const saved = useEditor((state) => state.document.doc.settings?.searchable);
  const [open, setOpen] = useState(false);
  const [rows, setRows] = useState<SearchableFieldSetting[]>([]);
  const problems = rows.map((row, index) => {
    if (!SEARCHABLE_NAME_PATTERN.test(row.name)) return 'name: a letter, then letters, digits or _ (max 32)';
    if (rows.findIndex((other) => other.name === row.name) !== index) return 'name: used twice';
    if (!row.expression.includes('{{')) return 'value: a template such as {{ trigger.body.orderId }}';
    return undefined;
  });
  const edit = (index: number, patch: Partial<SearchableFieldSetting>) =>
    setRows((current) => current.map((row, at) => (at === index ? { ...row, ...patch } : row)));
  const apply = () => {
    setFlowSetting(store, 'searchable', rows.length > 0 ? rows : undefined);
    setOpen(false);
  };
  // The opener stays mounted while the dialog is open: focus returns to it when the dialog closes.
  return (
    <>
      <button
        type="button"
        className="link-button"
        data-testid="searchable-fields-open"
        onClick={() => {
          setRows(saved ?? []);
          setOpen(true);
        }}
      >
        Searchable fields ({saved?.length ?? 0})
      </button>
      {open && (
        <Dialog title="Searchable fields" testId="searchable-fields" onClose={() => setOpen(false)}>
          <p className="muted small">
            Runs can be found by these in the runs list (Key: <code>name=value</code>). Values come from the trigger and
            are cut to 100 characters; at most {MAX_SEARCHABLE_FIELDS} fields.
          </p>
          {rows.map((row, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows have no id; their position is their identity here
            <div className="rows-editor-row" key={index}>
              <input
                className="input"
                placeholder="orderId"
                aria-label="Name"
                data-testid={`searchable-name-${index}`}
                value={row.name}
                onChange={(event) => edit(index, { name: event.target.value })}
              />
              <input
                className="input"
                placeholder="{{ trigger.body.orderId }}"
                aria-label="Value"
                data-testid={`searchable-expression-${index}`}
                value={row.expression}
                onChange={(event) => edit(index, { expression: event.target.value })}
              />
              <button
                type="button"
                className="link-button"
                onClick={() => setRows((current) => current.filter((_, at) => at !== index))}
              >
                Remove
              </button>
              {problems[index] && <span className="field-error small">{problems[index]}</span>}
            </div>
          ))}
          <div className="dialog-actions">
            <button
              type="button"
              className="button"
              data-testid="searchable-add"
              disabled={rows.length >= MAX_SEARCHABLE_FIELDS}
              onClick={() => setRows((current) => [...current, { name: '', expression: '{{ trigger.body. }}' }])}
            >
              Add field
            </button>
            <span className="spacer" />
            <button type="button" className="button" onClick={() => setOpen(false)}>
              Cancel
            </button>
            <button
              type="button"
              className="button primary"
              data-testid="searchable-apply"
              disabled={problems.some((problem) => problem !== undefined)}
              onClick={apply}
            >
              Apply
            </button>
          </div>
        </Dialog>
      )}
    </>
  );
}
