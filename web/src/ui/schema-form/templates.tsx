import type {
  ArrayFieldItemTemplateProps,
  ArrayFieldTemplateProps,
  FieldTemplateProps,
  ObjectFieldTemplateProps,
  TemplatesType,
} from '@rjsf/utils';
import { getUiOptions } from '@rjsf/utils';
import type { MouseEvent } from 'react';
import { testIdFor } from './field-ids.ts';
import { RowItem, RowsList } from './rows.tsx';

/**
 * A label's `for` focuses inputs only: a code editor's contenteditable element is focused by hand, so clicking the
 * label of an expression or code field puts the caret in it as it does for an input.
 */
function focusEditableControl(event: MouseEvent<HTMLLabelElement>) {
  const control = document.getElementById(event.currentTarget.htmlFor);
  if (control?.isContentEditable) {
    event.preventDefault();
    control.focus();
  }
}

/**
 * Our markup around rjsf's fields: a top-level field is a `form-row` (label with its `for`, required mark, help,
 * errors); the root object and a row's cells render bare.  A field whose uiSchema sets `label: false` is a row cell.
 */
function FieldTemplate(props: FieldTemplateProps) {
  const { id, label, required, rawDescription, rawErrors, hidden, children, fieldPathId, uiSchema, schema } = props;
  if (hidden) return null;
  const options = getUiOptions(uiSchema);
  if (fieldPathId.path.length === 0 || options.label === false) return children;
  const isToggle = options.widget === 'toggle' || (schema.type === 'boolean' && options.widget === undefined);
  const errors = rawErrors ?? [];
  return (
    <div className={`form-row ${errors.length > 0 ? 'has-error' : ''}`}>
      {/* biome-ignore lint/a11y/useKeyWithClickEvents: a label takes no keyboard focus; keyboard users tab to the field itself */}
      <label htmlFor={id} className={isToggle ? 'toggle-label' : ''} onClick={focusEditableControl}>
        {label}
        {required && <span className="required">*</span>}
      </label>
      {children}
      {rawDescription && <p className="help">{rawDescription}</p>}
      {errors.map((error) => (
        <p className="field-error" key={error}>
          {error}
        </p>
      ))}
    </div>
  );
}

/** The root's fields in `ui:order` (rjsf orders them), in a `form` column; a row's cells side by side. */
function ObjectFieldTemplate({ properties, fieldPathId }: ObjectFieldTemplateProps) {
  const visible = properties.filter((property) => !property.hidden).map((property) => property.content);
  // A row's cells go straight into the row (the row lays them out side by side).
  return fieldPathId.path.length === 0 ? <div className="form">{visible}</div> : visible;
}

/** Field lists and object lists: rows, × per row, + Add (test ids from the list's id). */
function ArrayFieldTemplate({
  fieldPathId,
  items,
  canAdd,
  onAddClick,
  disabled,
  readonly,
  uiSchema,
}: ArrayFieldTemplateProps) {
  const addLabel = getUiOptions(uiSchema).rowList === 'fieldList' ? '+ Add field' : '+ Add';
  return (
    <RowsList
      testId={testIdFor(fieldPathId.$id)}
      disabled={disabled === true || readonly === true || canAdd === false}
      addLabel={addLabel}
      onAdd={onAddClick}
    >
      {items}
    </RowsList>
  );
}

function ArrayFieldItemTemplate({ children, buttonsProps, index, registry }: ArrayFieldItemTemplateProps) {
  const itemId = buttonsProps.fieldPathId.$id;
  const listId = itemId.slice(0, itemId.length - `${registry.globalFormOptions.idSeparator}${index}`.length);
  return (
    <RowItem
      testId={testIdFor(listId)}
      index={index}
      disabled={buttonsProps.disabled === true || buttonsProps.readonly === true || !buttonsProps.hasRemove}
      onRemove={buttonsProps.onRemoveItem}
    >
      {children}
    </RowItem>
  );
}

/** No submit button: the inspector saves as you type, the credential form has its own Save. */
const NoSubmitButton = () => null;

export const SCHEMA_FORM_TEMPLATES: Partial<Omit<TemplatesType, 'ButtonTemplates'>> & {
  ButtonTemplates: { SubmitButton: typeof NoSubmitButton };
} = {
  FieldTemplate,
  ObjectFieldTemplate,
  ArrayFieldTemplate,
  ArrayFieldItemTemplate,
  ButtonTemplates: { SubmitButton: NoSubmitButton },
};
