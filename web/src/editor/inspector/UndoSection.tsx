import type { FlowNode, NodeSettings, UndoSettings } from '@pipewright/flow';
import type { StepManifest } from '@pipewright/step-sdk';
import { useContext, useMemo } from 'react';
import type { CompileErrorView } from '../../canvas/editor.store.ts';
import { CatalogContext } from '../../canvas/editor-context.ts';
import { parseOptionalInt } from '../fields/form-fields.ts';
import { messagesByField, StepForm, stepFormFieldNames } from '../fields/StepForm.tsx';
import { useNodeEditing } from './useNodeEditing.ts';

/** Where the undo step lives in the node (compile errors name fields below it). */
const UNDO_FIELD = 'settings.undo';

/** Steps an undo may use: I/O actions (what the compiler accepts). */
const isUndoable = (manifest: StepManifest) => manifest.kind === 'action' && manifest.runsIn === 'activity';

/**
 * A step's undo (compensation, docs/adr/015): another step — e.g. a refund for a charge — that runs when a later step
 * fails the run for good, last completed first, with its own retries.  Its form is the undo step type's own form;
 * its expressions read `original.output` (what this step returned) and `original.input` (what it was sent).
 */
export function UndoSection({
  node,
  manifest,
  errors,
  disabled,
}: {
  node: FlowNode;
  manifest: StepManifest | undefined;
  errors: CompileErrorView[];
  disabled: boolean;
}) {
  const catalog = useContext(CatalogContext);
  const editing = useNodeEditing(node.id);
  const undo = node.settings?.undo;
  const undoManifest = undo ? catalog.get(undo.type) : undefined;
  const fieldNames = useMemo(() => (undoManifest ? stepFormFieldNames(undoManifest) : []), [undoManifest]);
  const choices = useMemo(
    () => [...catalog.values()].filter(isUndoable).sort((a, b) => a.title.localeCompare(b.title)),
    [catalog],
  );
  // Loop body nodes have none: an iteration is not compensated on its own (the compiler refuses it too).
  if (!manifest || !isUndoable(manifest) || (node.parentId !== undefined && !undo)) return null;

  const save = (next: UndoSettings | undefined, field: string) => {
    const settings: NodeSettings = { ...node.settings };
    if (next) settings.undo = next;
    else delete settings.undo;
    editing.setSettings(Object.keys(settings).length > 0 ? settings : undefined, `undo.${field}`);
  };
  const pickType = (type: string) => {
    const picked = catalog.get(type);
    save(picked ? { ...undo, type, typeVersion: picked.version, config: {} } : undefined, 'type');
    editing.seal();
  };
  const setField = (name: string, value: unknown) => {
    if (!undo) return;
    const config = { ...undo.config };
    if (value === undefined) delete config[name];
    else config[name] = value;
    save({ ...undo, config }, `config.${name}`);
  };
  const setMaxAttempts = (text: string) => {
    if (!undo) return;
    const value = parseOptionalInt(text);
    const { retry: _retry, ...rest } = undo;
    save(value === undefined ? rest : { ...rest, retry: { ...undo.retry, maxAttempts: value } }, 'maxAttempts');
  };
  const undoErrors = errors.filter((error) => error.field?.startsWith(UNDO_FIELD));
  const located = messagesByField(undoErrors, `${UNDO_FIELD}.config.`);
  const isOnForm = (field: string | undefined) =>
    fieldNames.some(
      (name) => field === `${UNDO_FIELD}.config.${name}` || field?.startsWith(`${UNDO_FIELD}.config.${name}.`),
    );
  const elsewhere = undoErrors.filter((error) => !isOnForm(error.field));

  return (
    <section className="settings-section" data-testid="undo-section">
      <h3>Undo</h3>
      <p className="help">
        Runs when a later step fails the run, last completed step first. Read what this step returned as{' '}
        <code>{'{{ original.output.… }}'}</code> and what it sent as <code>{'{{ original.input.… }}'}</code>.
      </p>
      <div className="form">
        <div className="form-row">
          <label htmlFor="undo-type">Undo step</label>
          <select
            id="undo-type"
            data-testid="undo-type"
            className="input"
            value={undo?.type ?? ''}
            disabled={disabled}
            onChange={(event) => pickType(event.target.value)}
          >
            <option value="">None</option>
            {choices.map((choice) => (
              <option key={choice.type} value={choice.type}>
                {choice.title}
              </option>
            ))}
          </select>
        </div>
        {elsewhere.map((error) => (
          <p className="field-error" key={error.message}>
            {error.message}
          </p>
        ))}
        {undo && undoManifest && (
          <StepForm
            manifest={undoManifest}
            config={undo.config}
            errors={located}
            disabled={disabled}
            // Its own ids (`field-undo.url`): the step's own form above has `field-url`.
            idPrefix="field-undo"
            idSeparator="."
            onFieldChange={setField}
            onBlur={editing.seal}
          />
        )}
        {undo && (
          <div className="form-row">
            <label htmlFor="undo-maxAttempts">Undo max attempts</label>
            <input
              id="undo-maxAttempts"
              data-testid="undo-maxAttempts"
              className="input"
              type="number"
              min={1}
              value={undo.retry?.maxAttempts ?? ''}
              placeholder={undoManifest ? `default ${undoManifest.retry.maxAttempts}` : 'default'}
              disabled={disabled}
              onBlur={editing.seal}
              onChange={(event) => setMaxAttempts(event.target.value)}
            />
          </div>
        )}
      </div>
    </section>
  );
}
