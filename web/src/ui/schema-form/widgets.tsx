import type { RegistryWidgetsType, WidgetProps } from '@rjsf/utils';
import { parseStringList, rowNumberOf, testIdFor } from './field-ids.ts';
import { useSyncedDraft } from './useSyncedDraft.ts';

/** The attributes every plain control shares: id (the label's `for`), test id, and a name for a row cell. */
function controlProps({ id, label, disabled, readonly, onBlur, value }: WidgetProps) {
  const row = rowNumberOf(id);
  return {
    id,
    'data-testid': testIdFor(id),
    disabled: disabled === true || readonly === true,
    onBlur: () => onBlur(id, value),
    ...(row === undefined ? {} : { 'aria-label': `${label} ${row}` }),
  };
}

const asText = (value: unknown): string =>
  value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);

function TextWidget(props: WidgetProps) {
  const text = asText(props.value);
  return (
    <input
      {...controlProps(props)}
      className={`input ${text.includes('{{') ? 'mono' : ''}`}
      type="text"
      autoComplete="off"
      value={text}
      placeholder={props.placeholder}
      onChange={(event) => props.onChange(event.target.value === '' ? undefined : event.target.value)}
    />
  );
}

function TextareaWidget(props: WidgetProps) {
  return (
    <textarea
      {...controlProps(props)}
      className="input"
      rows={4}
      value={asText(props.value)}
      placeholder={props.placeholder}
      onChange={(event) => props.onChange(event.target.value === '' ? undefined : event.target.value)}
    />
  );
}

/** Never prefilled: the API never returns a secret, and empty means "keep the saved one". */
function PasswordWidget(props: WidgetProps) {
  return (
    <input
      {...controlProps(props)}
      className="input"
      type="password"
      autoComplete="new-password"
      value={typeof props.value === 'string' ? props.value : ''}
      placeholder={props.placeholder}
      onChange={(event) => props.onChange(event.target.value === '' ? undefined : event.target.value)}
    />
  );
}

function NumberWidget(props: WidgetProps) {
  return (
    <input
      {...controlProps(props)}
      className="input"
      type="number"
      value={typeof props.value === 'number' ? props.value : ''}
      placeholder={props.placeholder}
      onChange={(event) => props.onChange(event.target.value === '' ? undefined : Number(event.target.value))}
    />
  );
}

/** A checkbox; unset shows the schema's default (what the step or credential gets when it is left alone). */
function ToggleWidget(props: WidgetProps) {
  const checked = typeof props.value === 'boolean' ? props.value : props.schema.default === true;
  return (
    <input
      {...controlProps(props)}
      className="checkbox"
      type="checkbox"
      checked={checked}
      onChange={(event) => props.onChange(event.target.checked)}
    />
  );
}

/** Options keep their values as text (`GET`); the chosen one goes back as the enum's own value (e.g. a number). */
function SelectWidget(props: WidgetProps) {
  const options = props.options.enumOptions ?? [];
  const isSet = options.some((option) => option.value === props.value);
  return (
    <select
      {...controlProps(props)}
      className="input"
      value={isSet ? String(props.value) : ''}
      onChange={(event) => props.onChange(options.find((option) => String(option.value) === event.target.value)?.value)}
    >
      {!isSet && <option value="">Choose…</option>}
      {options.map((option) => (
        <option key={String(option.value)} value={String(option.value)}>
          {option.label}
        </option>
      ))}
    </select>
  );
}

const listText = (value: unknown) => (Array.isArray(value) ? value.map(String).join(', ') : '');

/** A list of strings typed as comma-separated text. */
function StringListWidget(props: WidgetProps) {
  const [text, setText] = useSyncedDraft(props.value, listText, parseStringList);
  return (
    <input
      {...controlProps(props)}
      className="input"
      type="text"
      value={text}
      placeholder={props.placeholder || 'a, b, c'}
      onChange={(event) => {
        setText(event.target.value);
        props.onChange(parseStringList(event.target.value));
      }}
    />
  );
}

/** The widgets both forms share, by hint name; a form adds or overrides its own (the inspector's expressions). */
export const PLAIN_WIDGETS: RegistryWidgetsType = {
  text: TextWidget,
  textarea: TextareaWidget,
  expression: TextWidget,
  password: PasswordWidget,
  number: NumberWidget,
  toggle: ToggleWidget,
  select: SelectWidget,
  stringList: StringListWidget,
};
